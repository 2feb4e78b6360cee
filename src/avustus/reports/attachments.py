"""A report's documents (an extract of the project accounting, say), handled as an application's are.

Files are recognised by their content (``applications.attachments.detect_format``: PDF, ODT, DOCX), stored
under a random name, their hash kept and every addition and read audited. The lead attaches to a report that
is filed and not yet accepted (a returned one included); the recipients and the programme's officials read.
"""

import hashlib
import logging
import secrets

from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from avustus.accounts import permissions
from avustus.actors import user_of
from avustus.applications.attachments import (
    MAX_ATTACHMENTS,
    OpenedFile,
    _max_bytes,
    detect_format,
    sanitise_name,
)
from avustus.audit.chain import record
from avustus.errors import Conflict, Invalid, NotFound
from avustus.reports.models import FinalReport, InterimReport, ReportAttachment

logger = logging.getLogger(__name__)


def _digest(file) -> tuple[str, int]:
    file.seek(0)
    digest, count = hashlib.sha256(), 0
    for chunk in file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(64 * 1024), b""):
        digest.update(chunk)
        count += len(chunk)
    file.seek(0)
    return digest.hexdigest(), count


def accepts_attachments(report) -> bool:
    """Whether a filed report, interim or final, still takes documents: until it is accepted (``attach`` refuses
    after that, and the screens offer the form by this same answer)."""
    return report.status != type(report).Status.ACCEPTED


def can_attach(actor, report) -> bool:
    """Whether ``actor`` may attach a document to ``report`` now: a person of the lead, while the report
    ``accepts_attachments``; ``attach`` refuses whatever this does not allow."""
    return report is not None and permissions.can_act_for_lead(actor, report.project) and accepts_attachments(report)


def attach(report, uploaded_file, *, actor, action: str, make, data: dict | None = None):
    """Add a document to a report the lead filed, interim or final (``report``'s own model is locked): the file
    recognised by content, stored under a random name, its row made by ``make(current, **fields)`` and the
    step audited as ``action``; refused once the report is accepted. A refusal deletes the stored file."""
    project = report.project
    permissions.check_recipient_lead(actor, project, _("Only the lead attaches documents to its reports."))
    size = uploaded_file.size
    if not size or size > _max_bytes():
        raise Invalid({"file": [_("The file is empty or too large.")]})
    content_type = detect_format(uploaded_file)
    if content_type is None:
        raise Invalid({"file": [_("The file is not a PDF, ODT or DOCX document.")]})
    digest, counted = _digest(uploaded_file)
    if counted != size:
        raise Invalid({"file": [_("The file could not be read completely; try again.")]})
    storage = storages["default"]
    name = storage.save(f"reports/{secrets.token_hex(1)}/{secrets.token_hex(16)}", uploaded_file)
    model = type(report)
    try:
        with transaction.atomic():
            current = model.objects.select_for_update().get(pk=report.pk)
            if not accepts_attachments(current):
                raise Invalid({"file": [_("An accepted report's documents no longer change.")]})
            if current.attachments.count() >= MAX_ATTACHMENTS:
                raise Invalid({"file": [_("A report can have at most %(n)s attachments.") % {"n": MAX_ATTACHMENTS}]})
            if current.attachments.filter(sha256=digest).exists():
                raise Invalid({"file": [_("This file is already attached to the report.")]})
            attachment = make(current, storage_name=name, content_type=content_type, size=size, sha256=digest,
                              original_name=sanitise_name(getattr(uploaded_file, "name", ""), content_type),
                              uploaded_by=user_of(actor))
            record(action, current, actor=actor, application=project.application, data={
                "attachment": attachment.pk, "name": attachment.original_name, "content_type": content_type,
                "size": size, "sha256": digest, **(data or {})})
    except BaseException:
        try:
            storage.delete(name)
        except Exception:
            logger.exception("could not delete the unreferenced report attachment %s", name)
        raise
    return attachment


def add_report_attachment(report: InterimReport, uploaded_file, *, actor) -> ReportAttachment:
    """Attach a document to an interim report the lead filed; refused once the report is accepted."""
    return attach(report, uploaded_file, actor=actor, action="report.attachment_added",
                  make=lambda current, **fields: ReportAttachment.objects.create(report=current, **fields))


def remove(report, attachment_id: int, *, actor, action: str, refusal=lambda current: None):
    """Take a document off a report the lead filed, interim or final (``report``'s own model is locked), while the
    report ``accepts_attachments`` and ``refusal(current)`` has nothing to say: a wrong file, or one with
    personal data that did not belong there. The row and the file stay (``StoredDocument.removed_at``); the report
    no longer has it, and its version changes, so an official's review read before is refused."""
    project = report.project
    permissions.check_recipient_lead(actor, project, _("Only the lead removes documents from its reports."))
    with transaction.atomic():
        current = type(report).objects.select_for_update().get(pk=report.pk)
        attachment = current.attachments.filter(pk=attachment_id).first()
        if attachment is None:
            if current.attachments.model.every.filter(report=current, pk=attachment_id).exists():
                raise Conflict(_("The document was already removed from the report."))
            raise NotFound
        if not accepts_attachments(current):
            raise Conflict(_("An accepted report's documents no longer change."))
        refused = refusal(current)
        if refused:
            raise Conflict(refused)
        attachment.removed_at = timezone.now()
        attachment.save(update_fields=["removed_at"])
        record(action, current, actor=actor, application=project.application, data={
            "attachment": attachment.pk, "name": attachment.original_name, "sha256": attachment.sha256})
    return attachment


def remove_report_attachment(report: InterimReport, attachment_id: int, *, actor) -> ReportAttachment:
    """The lead takes a document off an interim report until the report is accepted."""
    return remove(report, attachment_id, actor=actor, action="report.attachment_removed")


def open_report_attachment(user, report: InterimReport | FinalReport, attachment_id) -> OpenedFile:
    """A report's (interim or final) document opened for a recipient or an official of the programme; the read is
    audited."""
    permissions.check_sees_project(user, report.project)
    attachment = report.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound
    with transaction.atomic():
        try:
            file = storages["default"].open(attachment.storage_name, "rb")
        except FileNotFoundError:
            raise NotFound from None
        record("report.attachment_read", report, actor=user, application=report.project.application,
               data={"attachment": attachment.pk})
    return OpenedFile(attachment, file, attachment.original_name, attachment.content_type)  # type: ignore[arg-type]
