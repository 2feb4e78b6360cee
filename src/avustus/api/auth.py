"""Who calls the API: a personal API token, or the e-service's session cookie with its CSRF token."""

from django.conf import settings
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer

from avustus.accounts import tokens


class TokenAuth(HttpBearer):
    """A personal API token in ``Authorization: Bearer``; an unknown, expired or revoked one is a 401."""

    # Read by ninja into the OpenAPI security scheme (every openapi_* attribute becomes a key).
    openapi_bearerFormat = "avustus_<43 characters>"
    openapi_description = ("A personal API token, made on the page API tokens of the e-service or with "
                           "`avustus api-token create USERNAME`. No CSRF token is needed.")

    def authenticate(self, request, token):
        found = tokens.authenticate(token)
        if found is None:
            raise InvalidToken()
        request.user = found.user  # the services read the actor from the request, as for a session
        return found.user


class InvalidToken(AuthenticationError):
    pass


class CsrfRefused(HttpError):
    """ninja's refusal of a session's request without a valid CSRF token, as a class of its own, so that
    ``errors.py`` words it in the user's language instead of ninja's English "CSRF check Failed"."""

    def __init__(self) -> None:
        super().__init__(403, "CSRF check failed")


class SessionAuth(APIKeyCookie):
    """The e-service's session cookie; the CSRF token is checked only when the session signs someone in,
    so that a request with no credentials at all is a 401 rather than a CSRF refusal."""

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = ("The e-service's session cookie, after signing in at /login/. Requests that change "
                           "something also need the CSRF token in the X-CSRFToken header.")

    def __call__(self, request):
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)

    def _get_key(self, request):
        try:
            return super()._get_key(request)  # ninja checks the CSRF token here
        except HttpError as exc:
            if exc.status_code == 403:  # the only refusal ninja makes in it
                raise CsrfRefused() from exc
            raise

    def authenticate(self, request, key):
        return request.user if request.user.is_authenticated else None


# Tried in this order: a request with a bearer token is judged by the token alone.
AUTH = [TokenAuth(), SessionAuth()]


def anonymous(request):
    """Lets a request without credentials through as the anonymous user: for a public route that shows more to
    those who are signed in (a bad token is still a 401, by ``TokenAuth`` before it)."""
    return request.user


# A public route that also knows its signed-in callers, by token or session.
OPTIONAL_AUTH = [*AUTH, anonymous]
