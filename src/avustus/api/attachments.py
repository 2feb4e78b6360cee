"""Attachments of an application in the JSON API: add (multipart), list, download, remove.

Downloads are never shown inline from this origin: a document is served as ``attachment`` with
the type it was recognised as and ``nosniff``, so that a crafted file cannot run as a page of the
e-service. Errors are the API's usual JSON (422 for a refused file, 404 for what the user may not see).
"""

from django.http import FileResponse
from ninja import File, Router, Status, UploadedFile

from avustus.api.auth import AUTH
from avustus.api.schemas import AttachmentOut, Errors
from avustus.applications import attachments
from avustus.applications.models import Attachment
from avustus.applications.reads import record_read
from avustus.applications.services import access_application

router = Router(tags=["attachments"])

# 400 for a request that cannot be read, 401 without credentials, 403 for a failed CSRF check, 404 for what
# the user may not see, 422 for a refused file.
ERRORS = {400: Errors, 401: Errors, 403: Errors, 404: Errors, 422: Errors}
BINARY = {"schema": {"type": "string", "format": "binary"}}


def download_response(opened) -> FileResponse:
    """The document (an ``applications.attachments.OpenedFile``) as a download, never rendered from this origin:
    the one answer of the API and the screens (``web`` imports it from here) alike."""
    response = FileResponse(opened.file, as_attachment=True, filename=opened.name, content_type=opened.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser render it anyway (a PDF viewer in a tab), it gets no scripts and no origin.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def _out(attachment: Attachment) -> dict:
    return {
        "id": attachment.pk,
        "name": attachment.original_name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "uploaded_at": attachment.uploaded_at,
    }


@router.post("/applications/{reference}/attachments", response={201: AttachmentOut, **ERRORS}, auth=AUTH,
             operation_id="avustus_api_attachments_add_attachment")
def add_attachment(request, reference: str, file: File[UploadedFile]):
    """Attach a PDF, ODT or DOCX document to a draft (multipart field ``file``); the lead's users only.

    The type is recognised from the content; the file name is kept for display only.
    """
    application = access_application(request.user, reference, for_edit=True)
    return Status(201, _out(attachments.add_attachment(application, file, actor=request.user)))


@router.get("/applications/{reference}/attachments", response={200: list[AttachmentOut], **ERRORS},
            auth=AUTH, operation_id="avustus_api_attachments_list_attachments")
def list_attachments(request, reference: str):
    """The attachments of an application; the lead's and the partners' users."""
    listed = attachments.list_attachments(request.user, reference)
    if listed:  # logged only for an official or auditor reading them
        record_read(request.user, listed[0].application, "attachments", data={"attachments": [a.pk for a in listed]})
    return [_out(a) for a in listed]


@router.get(
    "/applications/{reference}/attachments/{attachment_id}", response={200: None, **ERRORS}, auth=AUTH,
    operation_id="avustus_api_attachments_download_attachment",
    openapi_extra={"responses": {200: {"description": "The document, as a download",
                                       "content": {t: BINARY for t in attachments.EXTENSIONS}}}},
)
def download_attachment(request, reference: str, attachment_id: int):
    """The document itself, always as a download; the lead's and the partners' users."""
    return download_response(attachments.open_attachment(request.user, reference, attachment_id))


@router.delete("/applications/{reference}/attachments/{attachment_id}", response={204: None, **ERRORS},
               auth=AUTH, operation_id="avustus_api_attachments_remove_attachment")
def remove_attachment(request, reference: str, attachment_id: int):
    """Take an attachment off a draft; the lead's users only."""
    attachment = attachments.attachment_for_edit(request.user, reference, attachment_id)
    attachments.remove_attachment(attachment, actor=request.user)
    return Status(204, None)
