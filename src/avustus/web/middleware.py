"""Requests refused before any view sees them, for reasons that hold on every route."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class IgnoreNulCookies:
    """A cookie carrying the NUL character is as if it were not sent (placed before the session): a session key
    with it would reach the database, which refuses it, and every page would be a 500. No cookie the site sets
    holds it, so only a forged or broken one is dropped."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in name or "\x00" in value for name, value in request.COOKIES.items()):
            request.COOKIES = {name: value for name, value in request.COOKIES.items()
                               if "\x00" not in name and "\x00" not in value}
        return self.get_response(request)


class RefuseNulCharacters:
    """A 400 for a URL or query string carrying the NUL character (placed last, so that the page is the screens'
    own in the reader's language with every header; nothing before it queries with the request's data).

    No identifier or search of the project contains it, and PostgreSQL refuses any query that
    compares text with it, so a ``%00`` in a reference or a search would otherwise end in a 500.
    Form posts to the screens are refused the same way: no form field of the project takes the
    character either, and one in a reference, a name or a reason would otherwise reach the database.
    (JSON bodies of the API are refused as they are parsed: ``api.parsing.JsonParser``, naming the field.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or _has_nul(request.GET) or (
            request.method == "POST" and not request.path.startswith("/api/")
            and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data")
            and _has_nul(request.POST)
        ):
            if request.path.startswith("/api/"):  # the API's shape, its message as its clients match it
                return JsonResponse({"errors": [{"path": "", "message": "The request contains a NUL character."}]},
                                    status=400)
            # The screens' styled 400 page in the reader's language, saying
            # what to remove: a character pasted from another program, invisible on the screen.
            return render(request, "400.html", {"message": _(
                "The text you sent contains an invisible control character (NUL), often pasted from another "
                "program. Nothing was saved. Go back, remove it by typing the text again, and send it again.")},
                status=400)
        return self.get_response(request)


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in data.lists())


# The routes anyone may read, whose answers to an anonymous request hold nothing personal: the only ones
# a browser or a proxy may keep. Any other route (and an unknown URL) is treated as not public.
PUBLIC_ROUTES = frozenset({
    "home", "round", "round-applications", "decision-document", "application", "letter", "calls", "call",
    "organisations", "organisation",
    "api-v1:list_calls", "api-v1:get_call", "api-v1:search_organisations", "api-v1:openapi-json",
    "api-v1:openapi-view",
})
NO_STORE = "private, no-store"


class NoStoreUnlessPublic:
    """``Cache-Control: private, no-store`` on every answer that is not public.

    Municipal staff share computers: a page of an application, a draft or an official's list must not
    stay in the browser's cache (nor in a proxy's) for the next person at the keyboard to find with the
    back button. Not public is any answer to a signed-in request (a session or an ``Authorization``
    header), whatever the route, and any answer of a route not in ``PUBLIC_ROUTES``. Public pages for
    anonymous readers keep whatever caching they had, and static files never reach this middleware
    (WhiteNoise answers them before). Placed after the authentication middleware, so it knows the user.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not self._public(request):
            response["Cache-Control"] = NO_STORE
        return response

    @staticmethod
    def _public(request) -> bool:
        if request.META.get("HTTP_AUTHORIZATION"):
            return False
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return False
        match = getattr(request, "resolver_match", None)
        return match is not None and match.view_name in PUBLIC_ROUTES


class MethodNotAllowedPage:
    """Django's answer to a GET of a form's address is an empty 405. People meet it after logging in, when the
    login page sends them back to the address of the button they pressed: they get the screens' page saying so
    (the API keeps its own answer). Placed last, so the page passes out through every header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content and not request.path.startswith("/api/"):
            page = render(request, "405.html", status=405)
            page["Allow"] = response.get("Allow", "")
            return page
        return response


class DomainErrors:
    """A refusal a view did not handle itself becomes the screens' answer for its kind (``avustus.errors``).

    Views that show a refusal on their own form catch it; anything else ends here rather than in a 500:
    ``NotFound`` is the 404 page, ``NotAllowed`` (a ``PermissionDenied``) Django's 403 page, and a
    ``Conflict`` the 409 page with its message and a way back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.http import Http404
        from django.shortcuts import render

        from avustus.errors import Conflict, NotFound

        if isinstance(exception, NotFound):
            raise Http404(str(exception)) from exception
        if isinstance(exception, Conflict):
            return render(request, "409.html", {"message": str(exception)}, status=409)
        return None
