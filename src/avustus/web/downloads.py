"""An opened attachment as a download: the same answer for the screens and the API (``api_attachments``)."""

from django.http import FileResponse


def download_response(opened) -> FileResponse:
    """The document (an ``applications.attachments.OpenedFile``) as a download, never rendered from this origin."""
    response = FileResponse(opened.file, as_attachment=True, filename=opened.name, content_type=opened.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser render it anyway (a PDF viewer in a tab), it gets no scripts and no origin.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
