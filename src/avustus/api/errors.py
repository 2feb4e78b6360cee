"""Every refusal as the API's JSON error, ``{"errors": [{"path": ..., "message": ...}]}``, mapped once.

The services raise ``avustus.errors`` (and, until they have all moved over, Django's ``Http404``,
``PermissionDenied`` and ``ValidationError``); ninja raises its own for requests it cannot read or
authenticate. Each kind has one status here, and its message is in the user's language.
"""

import json
import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation, ValidationError
from django.db.utils import InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestValidationError

from avustus import errors
from avustus.api.auth import CsrfRefused, InvalidToken
from avustus.api.parsing import LoneSurrogate, UnstorableText
from avustus.api.schemas import OWN_ERROR
from avustus.applications.services import DraftConflictError

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5

# Where in the request ninja found a problem; the path users see starts inside the body or parameter.
_LOCATIONS = {"body", "query", "path", "header", "cookie", "form", "file"}

# pydantic's error types that the API's schemas and parameters can raise (str with or without max_length, int,
# date, lists, dict[str, str], nested schemas, a body that is not an object), each in words a user can act on;
# ``%(name)s`` takes the error's ``ctx`` (max_length). Any other type gets ``_INVALID`` rather than English.
_INTEGER = gettext_lazy("Give a whole number.")
_DATE = gettext_lazy("Give the date as YYYY-MM-DD.")
_OBJECT = gettext_lazy("Give a JSON object.")
SCHEMA_MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "string_type": gettext_lazy("Give text (a JSON string)."),
    "string_too_long": gettext_lazy("Write at most %(max_length)s characters."),
    "int_type": _INTEGER,
    "int_parsing": _INTEGER,
    "int_parsing_size": _INTEGER,
    "int_from_float": _INTEGER,
    "date_type": _DATE,
    "date_parsing": _DATE,
    "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": _DATE,
    "list_type": gettext_lazy("Give a list (a JSON array)."),
    "dict_type": _OBJECT,
    "model_type": _OBJECT,
    "model_attributes_type": _OBJECT,
}
_INVALID = gettext_lazy("This value is not valid.")


def schema_message(error: dict, path: str) -> str:
    """The user's words for one of pydantic's errors at ``path`` (empty for the body as a whole)."""
    kind = error.get("type")
    ctx = error.get("ctx") or {}
    if kind == OWN_ERROR:
        return str(ctx.get("message") or error.get("msg"))  # a schema's own validator, in the user's language
    if kind == "missing" and not path:
        return _("The request has no body: send the data as a JSON object.")
    message = SCHEMA_MESSAGES.get(str(kind), _INVALID)
    try:
        return str(message) % ctx  # a mapping: a text without placeholders is left as it is
    except (KeyError, TypeError, ValueError):  # a ctx without the value the text names
        return str(_INVALID)


_ABSENT, _UNREAD = object(), object()


def _is_body(error: dict) -> bool:
    """Whether the error is in the JSON body (ninja's one body parameter, named ``payload`` on every route)."""
    return tuple(error.get("loc", ()))[:2] == ("body", "payload")


def _json_body(request):
    """The request's JSON body, or ``_ABSENT``. Read again only to word a refusal: it parsed before
    (``JsonParser``), so it parses now."""
    try:
        return json.loads(request.body)
    except ValueError:
        return _ABSENT


def _value_at(value, loc: list[str]):
    """The value at ``loc`` (keys and list positions as text) inside ``value``, or ``_ABSENT``."""
    for key in loc:
        if isinstance(value, dict) and key in value:
            value = value[key]
        elif isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        else:
            return _ABSENT
    return value


def register(api: NinjaAPI) -> None:
    """Install the handlers on ``api``; ninja picks the one for the most specific class of an exception."""

    def answer(request, status: int, items: list[tuple[str, str]]):
        return api.create_response(request, {"errors": [{"path": p, "message": m} for p, m in items]},
                                   status=status)

    @api.exception_handler(ValidationError)  # errors.Invalid too
    def validation_error(request, exc: ValidationError):
        items = [(path if path != "__all__" else "", str(m))
                 for path, messages in exc.message_dict.items() for m in messages]
        return answer(request, 422, items)

    @api.exception_handler(errors.Invalid)
    def invalid(request, exc: errors.Invalid):
        return validation_error(request, exc)

    @api.exception_handler(RequestValidationError)
    def invalid_request(request, exc: RequestValidationError):
        """A request the schema refuses (a missing field, a string for an integer): the API's usual 422, with
        pydantic's English replaced by ``schema_message``."""
        items: list[tuple[str, str]] = []
        seen: set[tuple[str, str]] = set()
        body = _UNREAD  # parsed once, when a missing field needs it (a body may hold thousands of errors)
        for error in exc.errors:
            loc = [str(p) for p in error.get("loc", ())]
            if loc and loc[0] in _LOCATIONS:
                loc = loc[1:]
            if loc and loc[0] == "payload":
                loc = loc[1:]
            path = ".".join(loc)
            item = (path, schema_message(error, path))
            if error.get("type") == "missing" and _is_body(error) and loc:
                # ninja's schemas read fields as attributes too, so a list or text where an object belongs is
                # refused as each of the object's fields missing: say what is wrong instead, once.
                if body is _UNREAD:
                    body = _json_body(request)
                parent = _value_at(body, loc[:-1])
                if parent is not _ABSENT and not isinstance(parent, dict):
                    item = (".".join(loc[:-1]), str(_OBJECT))
            if item not in seen:
                seen.add(item)
                items.append(item)
        return answer(request, 422, items or [("", str(_INVALID))])

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        """Ninja's own refusals (401 without credentials, 403 for a failed CSRF check, 400 for a body that is
        not JSON) in the same shape."""
        if isinstance(exc.__cause__, UnstorableText):  # raised by JsonParser, wrapped by ninja as a 400
            message = (_("The text contains a character that is not valid Unicode (a lone surrogate); remove it.")
                       if isinstance(exc.__cause__, LoneSurrogate)
                       else _("The text contains a control character (NUL) that cannot be saved; remove it."))
            return answer(request, 422, [(exc.__cause__.path, message)])
        if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
            # ninja's "Cannot parse request body": JSON that does not parse, or bytes that are not UTF-8.
            return answer(request, 400, [("", _("The request body is not valid JSON."))])
        if isinstance(exc, InvalidToken):
            response = answer(request, 401, [("", _("The API token is not valid: it is unknown, expired or revoked."))])
            response["WWW-Authenticate"] = 'Bearer realm="avustus", error="invalid_token"'
            return response
        if isinstance(exc, CsrfRefused):
            return answer(request, 403, [("", _(
                "The CSRF token is missing or wrong. Send the e-service's CSRF token in the header X-CSRFToken, or "
                "use a personal API token (Authorization: Bearer TOKEN) instead of the session."))])
        if isinstance(exc, AuthenticationError):
            response = answer(request, 401, [("", _(
                "Sign in, or send a personal API token in the header Authorization: Bearer TOKEN."))])
            response["WWW-Authenticate"] = 'Bearer realm="avustus"'
            return response
        return answer(request, exc.status_code, [("", str(exc.message))])

    @api.exception_handler(RequestDataTooBig)
    def too_big(request, exc):
        """A body over DATA_UPLOAD_MAX_MEMORY_SIZE: Django's own answer would be an HTML page."""
        return answer(request, 413, [("", _("The request is too large."))])

    @api.exception_handler(SuspiciousOperation)
    def unreadable(request, exc):
        """Too many form fields or files, a malformed multipart body: a 400 in the API's shape, not HTML."""
        return answer(request, 400, [("", _("The request cannot be read."))])

    @api.exception_handler(errors.NotFound)
    @api.exception_handler(Http404)
    def not_found(request, exc):
        """What does not exist and what the user may not know exists get the same answer, without details."""
        return answer(request, 404, [("", _("not found"))])

    @api.exception_handler(errors.NotAllowed)  # a PermissionDenied, named for clarity
    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return answer(request, 403, [("", str(exc) or _("forbidden"))])

    @api.exception_handler(errors.Conflict)
    def conflict(request, exc: errors.Conflict):
        return answer(request, 409, [("", str(exc))])

    @api.exception_handler(OperationalError)
    @api.exception_handler(InterfaceError)
    def database_unavailable(request, exc):
        """The database went away or stayed locked: 503 with Retry-After; the client retries, nothing was saved."""
        logger.warning("the database did not answer %s %s: %s", request.method, request.path, exc)
        response = answer(request, 503, [("", _(
            "The service is briefly unavailable. Nothing was saved; try again in a moment."))])
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @api.exception_handler(DraftConflictError)
    def stale_draft(request, exc: DraftConflictError):
        return answer(request, 409, [("version", str(exc))])
