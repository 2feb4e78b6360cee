"""WSGI entry point for production servers (``avustus serve`` runs granian on it).

Requests whose declared body is larger than ``AVUSTUS_MAX_REQUEST_BYTES`` (by default the largest
attachment plus room for the form around it) are refused with 413 before Django reads a byte of them:
Django limits what it keeps in memory, not what a client may stream at a thread.

The URLconf (and with it every view module, the API and its schemas) and the translation catalogues are
loaded when the process starts, not by its first requests: otherwise the first requests of each server
process wait seconds for those imports (measured under load: docs/performance.md, "Less work per request").
"""

import json
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "avustus.settings")
django_application = get_wsgi_application()


def _load_everything() -> None:
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 - the import is the point
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Finnish")


_load_everything()


def _limit() -> int:
    from django.conf import settings

    from avustus.applications.attachments import DEFAULT_MAX_BYTES

    attachment = getattr(settings, "AVUSTUS_MAX_ATTACHMENT_BYTES", DEFAULT_MAX_BYTES)
    return int(getattr(settings, "AVUSTUS_MAX_REQUEST_BYTES", 0) or attachment + 1024 * 1024)


MAX_REQUEST_BYTES = _limit()


def application(environ, start_response):
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0  # Django answers a malformed length itself
    if length > MAX_REQUEST_BYTES:
        # Plain words: no view, language or template is reached for a body that is not read.
        if environ.get("PATH_INFO", "").startswith("/api/"):
            body = json.dumps({"errors": [{"path": "", "message": "The request is too large."}]}).encode()
            kind = "application/json"
        else:
            body, kind = b"The request is too large.", "text/plain; charset=utf-8"
        start_response("413 Content Too Large", [("Content-Type", kind), ("Content-Length", str(len(body))),
                                                 ("Connection", "close")])
        return [body]
    return django_application(environ, start_response)
