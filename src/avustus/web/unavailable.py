"""When the database does not answer: 503 with ``Retry-After``, in the API's JSON shape or as a styled page.

A database that went away (restarted, failed over, out of connections) or one that stays locked longer than
the busy timeout raises ``OperationalError`` or ``InterfaceError`` wherever the request touched it: in a
view, in the API, or in a middleware reading the session. None of that is a fault of the request, and all
of it passes: the client is told to come back (``Retry-After``) rather than shown an error on our side,
and nothing was written (the transaction rolled back with the failure). The connection that failed is
dropped at the end of the request (Django closes a connection whose error left it unusable, and with
``CONN_HEALTH_CHECKS`` checks a reused one before the next request), so the server recovers by itself as
soon as the database answers again.

The page is rendered without the database: no user is looked up (the menu shows the anonymous one).
"""

import logging

from django.contrib.auth.models import AnonymousUser
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5


def is_database_unavailable(exception: BaseException | None) -> bool:
    return isinstance(exception, DATABASE_UNAVAILABLE)


def api_answer() -> JsonResponse:
    """The API's 503: ``{"errors": [...]}`` like its other refusals."""
    response = JsonResponse({"errors": [{"path": "", "message": _(
        "The service is briefly unavailable. Nothing was saved; try again in a moment.")}]}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def answer(request) -> HttpResponse:
    """The 503 for ``request``: JSON under /api/, else the styled page in the user's language."""
    logger.warning("the database did not answer %s %s: answered 503", request.method, request.path)
    if request.path.startswith("/api/"):
        return api_answer()
    request.user = AnonymousUser()  # the layout's menu would otherwise ask the database for the user's roles
    try:
        response = render(request, "503.html", status=503)
    except Exception:  # a template that fails too: the words alone are still better than nothing
        logger.exception("the 503 page could not be rendered; sent plain text")
        response = HttpResponse(_("The service is briefly unavailable. Nothing was saved; try again in a moment."),
                                content_type="text/plain; charset=utf-8", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
