"""Requests refused before any view sees them, for reasons that hold on every route."""

from django.http import HttpResponseBadRequest, JsonResponse


class RefuseNulCharacters:
    """A 400 for a URL or query string carrying the NUL character.

    No identifier or search of the project contains it, and PostgreSQL refuses any query that
    compares text with it, so a ``%00`` in a reference or a search would otherwise end in a 500.
    (Request bodies are checked where they are validated: the services refuse NUL in saved text.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            message = "The request contains a NUL character."
            if request.path.startswith("/api/"):
                return JsonResponse({"errors": [{"path": "", "message": message}]}, status=400)  # the API's shape
            return HttpResponseBadRequest(message, content_type="text/plain")
        return self.get_response(request)
