"""Requests refused before any view sees them, for reasons that hold on every route."""

from django.http import HttpResponseBadRequest, JsonResponse


class RefuseNulCharacters:
    """A 400 for a URL or query string carrying the NUL character.

    No identifier or search of the project contains it, and PostgreSQL refuses any query that
    compares text with it, so a ``%00`` in a reference or a search would otherwise end in a 500.
    Form posts to the screens are refused the same way: no form field of the project takes the
    character either, and one in a reference, a name or a reason would otherwise reach the database.
    (JSON bodies of the API are checked where they are validated: the services refuse NUL in saved text.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or _has_nul(request.GET) or (
            request.method == "POST" and not request.path.startswith("/api/")
            and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data")
            and _has_nul(request.POST)
        ):
            message = "The request contains a NUL character."
            if request.path.startswith("/api/"):
                return JsonResponse({"errors": [{"path": "", "message": message}]}, status=400)  # the API's shape
            return HttpResponseBadRequest(message, content_type="text/plain")
        return self.get_response(request)


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in data.lists())
