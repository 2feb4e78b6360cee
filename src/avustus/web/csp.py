"""Per-view exceptions to the site's Content Security Policy (``CONTENT_SECURITY_POLICY`` in settings).

Decisions and letters are served as the self-contained HTML documents that were signed and hashed, with
their stylesheet inside them; they cannot link to ours without changing the signed bytes. Those views
allow exactly that stylesheet, by its hash, and nothing else inline.
"""

import base64
import hashlib
from functools import wraps

from avustus.decisions.documents.html import STYLE


def _style_hash(style: str) -> str:
    digest = hashlib.sha256(style.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


DOCUMENT_STYLE_SOURCE = _style_hash(STYLE)


def allow_document_style(view):
    """Let the response's HTML use the decision documents' own ``<style>`` block and no other."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response._csp_update = {"style-src": [DOCUMENT_STYLE_SOURCE]}
        return response

    return wrapped
