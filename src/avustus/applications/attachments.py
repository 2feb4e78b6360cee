"""Documents attached to an application: recognising them, storing them, removing them, reading them.

Only PDF, ODT and DOCX are accepted, and a file is recognised by what it contains, never by its
name or by the content type the browser sent: both are chosen by whoever uploads. The bytes go to
Django's default file storage (a directory under the data directory, or S3 by configuration) under
a random name; the database keeps the user's file name (sanitised, for display), the recognised
type, the size and the SHA-256.

``detect_format`` is free of Django so that it can be tried on plain bytes.
"""

import hashlib
import logging
import re
import secrets
import struct
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from avustus.accounts.permissions import can_read_dossier
from avustus.actors import user_of
from avustus.applications.models import Application, Attachment
from avustus.applications.services import access_application
from avustus.audit.chain import record
from avustus.errors import Invalid, NotFound

logger = logging.getLogger(__name__)

PDF = "application/pdf"
ODT = "application/vnd.oasis.opendocument.text"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {PDF: ".pdf", ODT: ".odt", DOCX: ".docx"}

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_ATTACHMENTS = 50  # live attachments of one application
# An archive is refused before anything in it is unpacked when its entries promise more than this:
# real documents are a few hundred entries and rarely more than ten times their packed size.
MAX_ZIP_ENTRIES = 2000
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024
# PDF readers look for the end-of-file marker in the last kilobyte; so do we.
PDF_TAIL = 1024
# [Content_Types].xml is a few kilobytes; more than this is not a Word document.
MAX_CONTENT_TYPES_XML = 1024 * 1024
DOCX_MAIN_PART = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"

_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # signature .. file name length, extra field length
_ZIP_MAGIC = b"PK\x03\x04"
# Enough for OpenDocument's signature: a 30-byte local header, "mimetype" and the type itself.
HEAD_BYTES = 128


# --- Recognising a document ------------------------------------------------------------------------


def detect_format(file: BinaryIO) -> str | None:
    """The content type of a PDF, ODT or DOCX document in the seekable binary ``file``; None otherwise.

    Reads the start and the end of the file and, for the ZIP-based formats, only the archive's
    directory and the small entries that identify the format.
    """
    file.seek(0)
    head = file.read(HEAD_BYTES)
    if head.startswith(b"%PDF-"):
        return PDF if _is_pdf(file) else None
    if head.startswith(_ZIP_MAGIC):
        return _zip_format(file, head)
    return None


def _is_pdf(file: BinaryIO) -> bool:
    # A truncated upload has no end-of-file marker; trailing whitespace after it is normal.
    file.seek(0, 2)
    size = file.tell()
    file.seek(max(0, size - PDF_TAIL))
    return b"%%EOF" in file.read(PDF_TAIL)


def _zip_format(file: BinaryIO, head: bytes) -> str | None:
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
            if not entries or len(entries) > MAX_ZIP_ENTRIES:
                return None
            if sum(e.file_size for e in entries) > MAX_ZIP_UNCOMPRESSED:
                return None  # a zip bomb, or nothing a grant application needs
            # zipfile finds the archive from its end and tolerates data before it; a document does not
            # (a self-extracting .exe is a program with an archive appended).
            if min(e.header_offset for e in entries) != 0:
                return None
            names = {e.filename for e in entries}
            if entries[0].filename == "mimetype":
                return ODT if _is_odt(archive, entries[0], head) and "content.xml" in names else None
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX if _is_docx(archive) else None
            return None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError):
        # Damaged, encrypted with an unknown method, or otherwise not a readable archive.
        return None


def _is_odt(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, head: bytes) -> bool:
    """OpenDocument's own signature: the first entry is an uncompressed ``mimetype`` naming the type.

    Checked in the raw bytes too, where the format puts it so that it can be recognised without
    unzipping, and in the archive's directory; both must agree. The exact type tells a text
    document from a spreadsheet (.ods) or a template (.ott).
    """
    expected = ODT.encode("ascii")
    if entry.compress_type != zipfile.ZIP_STORED or entry.file_size != len(expected):
        return False
    if len(head) < _LOCAL_HEADER.size:
        return False
    *_, name_length, extra_length = _LOCAL_HEADER.unpack_from(head)
    start = _LOCAL_HEADER.size
    if head[start:start + name_length] != b"mimetype" or extra_length != 0:
        return False
    raw = head[start + name_length:start + name_length + len(expected)]
    return raw == expected and archive.read(entry) == expected


def _is_docx(archive: zipfile.ZipFile) -> bool:
    # The main part's type tells a document from a macro-enabled one (.docm) or a template (.dotx),
    # which carry the same two entries. Read with a bound: the entry's declared size may lie.
    with archive.open("[Content_Types].xml") as part:
        content_types = part.read(MAX_CONTENT_TYPES_XML + 1)
    if len(content_types) > MAX_CONTENT_TYPES_XML:
        return False
    return DOCX_MAIN_PART in content_types


# --- File names ---------------------------------------------------------------------------------

_UNSAFE = re.compile(r'[<>:"/\\|?*]')


def sanitise_name(name: str, content_type: str) -> str:
    """The user's file name fit for display and for a download: no path, no control characters,
    at most 255 characters, and ending in the extension of the type the content was recognised as.

    The extension is added, not substituted ("budget v1.2" keeps its ".2"), so that a PDF sent as
    "report.html" is saved by the browser as "report.html.pdf" and opened as what it is.
    """
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[/\\]", name)[-1]  # a browser may send the whole path
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")  # controls, bidi overrides
    name = _UNSAFE.sub("_", name).strip().lstrip(".").strip()
    extension = EXTENSIONS[content_type]
    if not name.lower().endswith(extension):
        name = (name or _("attachment")) + extension
    stem, suffix = name[: -len(extension)], name[-len(extension):]  # the user's ".PDF" stays as it was
    return stem[: 255 - len(extension)] + suffix


def _max_bytes() -> int:
    return getattr(settings, "AVUSTUS_MAX_ATTACHMENT_BYTES", DEFAULT_MAX_BYTES)


def _accepted_formats() -> str:
    return _("Attach the document as PDF, ODT (OpenDocument text) or DOCX (Word).")


# --- Use cases ----------------------------------------------------------------------------------


def add_attachment(application: Application, uploaded_file, *, actor) -> Attachment:
    """Attach ``uploaded_file`` (a Django ``File``) to a draft the actor edits.

    Nothing is kept of a refused file. The bytes are written to storage before the row; if the
    transaction then fails, the file is deleted again. (If a caller's outer transaction rolls back
    after this one succeeded, the file is left without a row; such files can be swept by name.)
    """
    access_application(actor, application.reference, for_edit=True)
    if application.status != Application.Status.DRAFT:
        raise Invalid({"file": [_("Attachments can be added only to a draft.")]})
    limit = _max_bytes()
    size = uploaded_file.size
    if not size:
        raise Invalid({"file": [_("The file is empty.") + " " + _accepted_formats()]})
    if size > limit:
        raise Invalid({"file": [
            _("The file is %(size)s MB; at most %(limit)s MB can be attached.")
            % {"size": _megabytes(size), "limit": _megabytes(limit)}
        ]})
    content_type = detect_format(uploaded_file)
    if content_type is None:
        raise Invalid({"file": [_("The file is not a PDF, ODT or DOCX document.") + " " + _accepted_formats()]})
    digest, counted = _hash(uploaded_file)
    if counted != size:
        # The size the upload handler reported is not what was read; trust neither.
        raise Invalid({"file": [_("The file could not be read completely; try again.")]})

    _refuse_duplicate(application, digest)  # early, so that the file is not stored only to be refused

    storage = storages["default"]
    # Random and free of the user's name, so that it cannot be guessed or carry a path or an extension.
    name = storage.save(f"attachments/{secrets.token_hex(1)}/{secrets.token_hex(16)}", uploaded_file)
    try:
        with transaction.atomic():
            current = Application.objects.select_for_update().get(pk=application.pk)
            if current.status != Application.Status.DRAFT:
                raise Invalid({"file": [_("Attachments can be added only to a draft.")]})
            if current.attachments.filter(removed_at__isnull=True).count() >= MAX_ATTACHMENTS:
                raise Invalid({"file": [_("An application can have at most %(n)s attachments.")
                                                % {"n": MAX_ATTACHMENTS}]})
            _refuse_duplicate(current, digest)  # again under the lock: two uploads of one file at once
            attachment = Attachment.objects.create(
                application=current, storage_name=name,
                original_name=sanitise_name(getattr(uploaded_file, "name", ""), content_type),
                content_type=content_type, size=size, sha256=digest, uploaded_by=user_of(actor),
            )
            record("application.attachment_added", current, actor=actor, data={
                "attachment": attachment.pk, "name": attachment.original_name, "content_type": content_type,
                "size": size, "sha256": digest,
            })
    except BaseException:
        _discard(storage, name)
        raise
    return attachment


def _refuse_duplicate(application: Application, digest: str) -> None:
    """The same bytes attached twice would be read twice by every reviewer; say which one is already there.

    A removed attachment does not count: attaching its file again is how a removal is undone.
    """
    same = application.attachments.filter(sha256=digest, removed_at__isnull=True).order_by("id").first()
    if same is not None:
        raise Invalid({"file": [
            _("This file is already attached as %(name)s (the same content); it was not attached again.")
            % {"name": same.original_name}]})


def _discard(storage, name: str) -> None:
    """Delete a file whose row was not written; a failure here must not hide the error that led here."""
    try:
        storage.delete(name)
    except Exception:
        logger.exception("could not delete the unreferenced attachment file %s", name)


def _hash(file) -> tuple[str, int]:
    file.seek(0)
    digest = hashlib.sha256()
    count = 0
    for chunk in file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(64 * 1024), b""):
        digest.update(chunk)
        count += len(chunk)
    file.seek(0)
    return digest.hexdigest(), count


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class OpenedFile:
    """An attachment opened for reading: the entry points send ``file`` as a download named ``name``."""

    attachment: Attachment
    file: File  # as the file storage opened it, in binary mode
    name: str
    content_type: str


def _live_attachment(application: Application, attachment_id) -> Attachment:
    attachment = application.attachments.filter(pk=attachment_id, removed_at__isnull=True).first()
    if attachment is None:
        raise NotFound
    return attachment


def list_attachments(user, reference: str) -> list[Attachment]:
    """The attachments of an application the user may read (lead or partner), oldest first."""
    application = access_application(user, reference)
    return list(application.attachments.filter(removed_at__isnull=True).order_by("uploaded_at", "id"))


def remove_attachment(attachment: Attachment, *, actor) -> Attachment:
    """Take an attachment off a draft; the lead's users only. Removing it again changes nothing."""
    access_application(actor, attachment.application.reference, for_edit=True)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=attachment.application_id)
        current = Attachment.objects.select_for_update().get(pk=attachment.pk)
        if current.removed_at is not None:
            return current
        if application.status != Application.Status.DRAFT:
            raise Invalid({"__all__": [_("Attachments can be removed only from a draft.")]})
        current.removed_at = timezone.now()
        current.save(update_fields=["removed_at"])
        record("application.attachment_removed", application, actor=actor, data={
            "attachment": current.pk, "name": current.original_name, "sha256": current.sha256,
        })
    return current


def attachment_for_edit(user, reference: str, attachment_id) -> Attachment:
    """A live attachment of an application the user edits; 404 alike for missing and forbidden."""
    return _live_attachment(access_application(user, reference, for_edit=True), attachment_id)


def open_attachment(user, reference: str, attachment_id) -> OpenedFile:
    """The attachment and its bytes opened for reading, for a user who reads the application.

    The read is audited: these are documents of other bodies, and the log says who read what.
    """
    application = access_application(user, reference)
    return _open_recorded(user, application, _live_attachment(application, attachment_id))


def _open_recorded(user, application: Application, attachment: Attachment) -> OpenedFile:
    with transaction.atomic():
        # Opened inside the transaction: a file that cannot be opened leaves no record of a read.
        try:
            file = storages["default"].open(attachment.storage_name, "rb")
        except FileNotFoundError:
            logger.error("attachment %s of %s is missing from storage (%s)", attachment.pk, application.reference,
                         attachment.storage_name)
            raise NotFound from None
        record("application.attachment_read", application, actor=user, data={"attachment": attachment.pk})
    return OpenedFile(attachment, file, attachment.original_name, attachment.content_type)


def open_attachment_as_reader(user, reference: str, attachment_id, *,
                              cleared_reviewer: Callable[[Application], bool]) -> OpenedFile:
    """An attachment opened by an official, auditor or assigned reviewer (see ``can_read_dossier``); audited.

    ``cleared_reviewer(application)`` answers whether the user reviews the application with no conflict of
    interest declared: the evaluation stage's question, which this stage, before it, cannot ask itself.
    """
    if "\x00" in reference:
        raise NotFound
    application = Application.objects.select_related("call").filter(reference=reference).first()
    if application is None or not can_read_dossier(user, application, cleared_reviewer=cleared_reviewer(application)):
        raise NotFound
    return _open_recorded(user, application, _live_attachment(application, attachment_id))
