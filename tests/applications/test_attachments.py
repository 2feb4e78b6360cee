"""Attachments: recognised by content, stored under random names, refused without a trace, read by the consortium."""

import hashlib
import io
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from avustus.applications import attachments
from avustus.applications.attachments import (
    DOCX,
    ODT,
    PDF,
    add_attachment,
    detect_format,
    list_attachments,
    open_attachment,
    remove_attachment,
    sanitise_name,
)
from avustus.applications.models import Application, Attachment
from avustus.applications.services import DraftChanges, submit, update_draft
from avustus.audit.chain import verify
from avustus.audit.models import AuditEntry
from avustus.errors import NotFound

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("storage")]


# --- Documents built by hand ----------------------------------------------------------------------


def make_pdf(pages_text: str = "Hankesuunnitelma") -> bytes:
    """A small but well-formed PDF: objects, a cross-reference table with real offsets, a trailer."""
    stream = f"BT /F1 12 Tf 72 720 Td ({pages_text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _zip(entries: list[tuple[str, bytes, int]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data, method in entries:
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data, compress_type=method)
    return buffer.getvalue()


def make_odt(mimetype: bytes = ODT.encode(), *, mimetype_method=zipfile.ZIP_STORED, mimetype_first=True) -> bytes:
    content = (b'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
               b"<text:p>Hankesuunnitelma</text:p></office:text></office:body></office:document-content>")
    manifest = (b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                b'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                b'<manifest:file-entry manifest:full-path="/" manifest:media-type="' + mimetype + b'"/>'
                b'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                b"</manifest:manifest>")
    first = [("mimetype", mimetype, mimetype_method)]
    rest = [("content.xml", content, zipfile.ZIP_DEFLATED), ("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)]
    return _zip(first + rest if mimetype_first else rest + first)


def make_docx(main_type: bytes = attachments.DOCX_MAIN_PART, extra: list[tuple[str, bytes, int]] = ()) -> bytes:
    content_types = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                     b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                     b'<Default Extension="rels"'
                     b' ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                     b'<Default Extension="xml" ContentType="application/xml"/>'
                     b'<Override PartName="/word/document.xml" ContentType="' + main_type + b'"/></Types>')
    rels = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            b'officeDocument" Target="word/document.xml"/></Relationships>')
    document = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                b"<w:body><w:p><w:r><w:t>Hankesuunnitelma</w:t></w:r></w:p></w:body></w:document>")
    return _zip([("[Content_Types].xml", content_types, zipfile.ZIP_DEFLATED),
                 ("_rels/.rels", rels, zipfile.ZIP_DEFLATED),
                 ("word/document.xml", document, zipfile.ZIP_DEFLATED), *extra])


def zip_bomb() -> bytes:
    """A DOCX-shaped archive of about 200 kB that unpacks to more than 200 MiB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", b'<Types><Override PartName="/word/document.xml" ContentType="'
                         + attachments.DOCX_MAIN_PART + b'"/></Types>')
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = b" " * (1024 * 1024)
            for _ in range(attachments.MAX_ZIP_UNCOMPRESSED // len(chunk) + 1):
                part.write(chunk)
    return buffer.getvalue()


def detect(data: bytes) -> str | None:
    return detect_format(io.BytesIO(data))


# --- Recognising documents (no database) ----------------------------------------------------------------


def test_real_documents_are_recognised_by_their_content():
    assert detect(make_pdf()) == PDF
    assert detect(make_odt()) == ODT
    assert detect(make_docx()) == DOCX
    # Trailing whitespace after the end marker is common and harmless.
    assert detect(make_pdf() + b"\r\n\r\n") == PDF


@pytest.mark.parametrize("data", [
    pytest.param(b"", id="empty"),
    pytest.param(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200 + b"This program cannot be run in DOS mode",
                 id="exe"),
    pytest.param(b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>", id="html"),
    pytest.param(make_pdf("x" * 3000)[:1500], id="truncated-pdf"),
    pytest.param(make_pdf() + b"\x00" * 2048, id="pdf-with-data-after-the-end"),
    pytest.param(b" %PDF-1.4\n" + make_pdf()[9:], id="pdf-not-at-the-start"),
    pytest.param(make_odt(b"application/vnd.oasis.opendocument.spreadsheet"), id="ods-as-odt"),
    pytest.param(make_odt(b"application/vnd.oasis.opendocument.text-template"), id="ott-as-odt"),
    pytest.param(make_odt(mimetype_method=zipfile.ZIP_DEFLATED), id="odt-mimetype-compressed"),
    pytest.param(make_odt(mimetype_first=False), id="odt-mimetype-not-first"),
    pytest.param(make_docx(b"application/vnd.ms-word.document.macroEnabled.main+xml"), id="docm-as-docx"),
    pytest.param(_zip([("readme.txt", b"hello", zipfile.ZIP_DEFLATED)]), id="plain-zip"),
    pytest.param(make_docx()[:-30], id="truncated-zip"),
    pytest.param(b"PK\x03\x04" + b"\x00" * 100, id="zip-magic-only"),
    pytest.param(b"MZ" + b"\x00" * 100 + make_docx(), id="exe-with-docx-appended"),
])
def test_everything_else_is_not_recognised(data):
    assert detect(data) is None


def test_data_in_front_of_an_archive_is_not_a_document():
    # zipfile itself would read this archive; a document starts with its first entry.
    docx = make_docx()
    assert detect(docx[:4] + b"\x00" * 64 + docx) is None


def test_a_zip_bomb_is_refused_without_unpacking_it():
    bomb = zip_bomb()
    assert len(bomb) < 2 * 1024 * 1024
    assert detect(bomb) is None


def test_an_archive_of_too_many_entries_is_refused():
    many = [(f"word/media/{i}.xml", b"x", zipfile.ZIP_STORED) for i in range(attachments.MAX_ZIP_ENTRIES)]
    assert detect(make_docx(extra=many)) is None
    assert detect(make_docx(extra=many[:100])) == DOCX


def test_file_names_are_made_safe_for_display_and_download():
    assert sanitise_name("Hankesuunnitelma.pdf", PDF) == "Hankesuunnitelma.pdf"
    assert sanitise_name("C:\\Users\\matti\\Budjetti.PDF", PDF) == "Budjetti.PDF"
    assert sanitise_name("../../etc/passwd", PDF) == "passwd.pdf"
    assert sanitise_name("raportti.html", PDF) == "raportti.html.pdf"
    assert sanitise_name("evil\u202egpj.exe", DOCX) == "evilgpj.exe.docx"  # no right-to-left override
    assert sanitise_name("a\r\nb\x00c.odt", ODT) == "abc.odt"
    assert sanitise_name('"<x>"', ODT) == "__x__.odt"
    assert sanitise_name("", PDF) == "liite.pdf"  # the fallback name is in the user's language
    assert sanitise_name(".htaccess", PDF) == "htaccess.pdf"
    long = sanitise_name("ä" * 400 + ".docx", DOCX)
    assert len(long) == 255 and long.endswith(".docx")


# --- Storing and removing ---------------------------------------------------------------------------


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def partner(applicant_of):
    return applicant_of("853")


@pytest.fixture
def draft_with_partner(draft_application, hameenlinna_applicant):
    """The shared draft with Turku (853) as its partner."""
    return update_draft(draft_application, DraftChanges(partners=["853"]), actor=hameenlinna_applicant, version=1)


def upload(data: bytes, name: str = "liite.pdf", content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_a_document_is_stored_under_a_random_name_with_its_hash(draft_with_partner, hameenlinna_applicant, storage):
    data = make_odt()
    attachment = add_attachment(draft_with_partner, upload(data, "Hanke suunnitelma.odt", "text/html"),
                                actor=hameenlinna_applicant)
    assert attachment.content_type == ODT  # what the content is, not what the browser said
    assert attachment.original_name == "Hanke suunnitelma.odt"
    assert attachment.size == len(data)
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    assert "suunnitelma" not in attachment.storage_name and not attachment.storage_name.endswith(".odt")
    [path] = stored_files(storage)
    assert path.read_bytes() == data
    assert storages["default"].exists(attachment.storage_name)
    entry = AuditEntry.objects.get(action="application.attachment_added")
    assert entry.data["sha256"] == attachment.sha256 and entry.target_id == str(draft_with_partner.pk)
    assert verify().ok


@pytest.mark.parametrize("data,name", [
    (b"MZ\x90\x00" + b"\x00" * 500, "hakemus.pdf"),
    (b"<html><body onload=alert(1)>hi</body></html>", "hakemus.pdf"),
    (make_pdf("x" * 3000)[:1500], "hakemus.pdf"),
    (make_odt(b"application/vnd.oasis.opendocument.spreadsheet"), "budjetti.odt"),
])
def test_anything_else_is_refused_naming_the_accepted_formats_and_nothing_is_kept(draft_with_partner,
                                                                                  hameenlinna_applicant, storage,
                                                                                  data, name):
    with pytest.raises(ValidationError) as error:
        add_attachment(draft_with_partner, upload(data, name), actor=hameenlinna_applicant)
    [message] = error.value.message_dict["file"]
    assert "PDF" in message and "ODT" in message and "DOCX" in message
    assert not Attachment.objects.exists() and stored_files(storage) == []
    assert not AuditEntry.objects.filter(action="application.attachment_added").exists()


def test_an_empty_file_is_refused(draft_with_partner, hameenlinna_applicant, storage):
    with pytest.raises(ValidationError) as error:
        add_attachment(draft_with_partner, upload(b""), actor=hameenlinna_applicant)
    assert "PDF" in error.value.message_dict["file"][0]
    assert not Attachment.objects.exists() and stored_files(storage) == []


def test_a_zip_bomb_is_refused_and_nothing_is_kept(draft_with_partner, hameenlinna_applicant, storage):
    with pytest.raises(ValidationError):
        add_attachment(draft_with_partner, upload(zip_bomb(), "bomb.docx"), actor=hameenlinna_applicant)
    assert not Attachment.objects.exists() and stored_files(storage) == []


def test_the_size_limit_comes_from_the_settings(draft_with_partner, hameenlinna_applicant, storage):
    data = make_pdf()
    with override_settings(AVUSTUS_MAX_ATTACHMENT_BYTES=len(data) - 1):
        with pytest.raises(ValidationError) as error:
            add_attachment(draft_with_partner, upload(data), actor=hameenlinna_applicant)
    assert "Mt" in error.value.message_dict["file"][0]
    assert not Attachment.objects.exists() and stored_files(storage) == []
    with override_settings(AVUSTUS_MAX_ATTACHMENT_BYTES=len(data)):
        assert add_attachment(draft_with_partner, upload(data), actor=hameenlinna_applicant).size == len(data)


def test_the_file_is_deleted_when_the_transaction_fails(draft_with_partner, hameenlinna_applicant, storage,
                                                        monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(attachments, "record", broken)
    with pytest.raises(RuntimeError):
        add_attachment(draft_with_partner, upload(make_pdf()), actor=hameenlinna_applicant)
    assert not Attachment.objects.exists() and stored_files(storage) == []


def test_a_refusal_inside_the_transaction_leaves_no_file(draft_with_partner, hameenlinna_applicant, storage,
                                                         monkeypatch):
    monkeypatch.setattr(attachments, "MAX_ATTACHMENTS", 1)
    add_attachment(draft_with_partner, upload(make_pdf()), actor=hameenlinna_applicant)
    with pytest.raises(ValidationError) as error:
        add_attachment(draft_with_partner, upload(make_docx(), "b.docx"), actor=hameenlinna_applicant)
    assert "enintään 1" in error.value.message_dict["file"][0]
    assert Attachment.objects.count() == 1 and len(stored_files(storage)) == 1


def test_removal_is_soft_audited_and_only_from_a_draft(draft_with_partner, hameenlinna_applicant):
    first = add_attachment(draft_with_partner, upload(make_pdf()), actor=hameenlinna_applicant)
    second = add_attachment(draft_with_partner, upload(make_docx(), "b.docx"), actor=hameenlinna_applicant)
    removed = remove_attachment(first, actor=hameenlinna_applicant)
    assert removed.removed_at is not None
    assert remove_attachment(first, actor=hameenlinna_applicant).removed_at == removed.removed_at  # again: no change
    assert AuditEntry.objects.filter(action="application.attachment_removed").count() == 1
    assert [a.pk for a in list_attachments(hameenlinna_applicant, draft_with_partner.reference)] == [second.pk]
    with pytest.raises(NotFound):
        open_attachment(hameenlinna_applicant, draft_with_partner.reference, first.pk)
    assert storages["default"].exists(first.storage_name)  # kept: the audit log's hash still has its bytes

    update_draft(draft_with_partner, DraftChanges(title="Yhteinen asiointipalvelu",
                                                  plan={"objectives": "Asiointi sujuvaksi."},
                                                  budget=[{"category": "staff", "amount_vat_free": "100000.00"}],
                                                  amount_applied="85000.00"), actor=hameenlinna_applicant, version=2)
    submit(draft_with_partner, actor=hameenlinna_applicant)
    with pytest.raises(ValidationError):
        remove_attachment(second, actor=hameenlinna_applicant)
    with pytest.raises(ValidationError):
        add_attachment(Application.objects.get(pk=draft_with_partner.pk), upload(make_pdf()),
                       actor=hameenlinna_applicant)
    assert Attachment.objects.get(pk=second.pk).removed_at is None


def test_the_lead_edits_partners_read_and_others_see_nothing(draft_with_partner, hameenlinna_applicant, partner,
                                                             applicant_of):
    attachment = add_attachment(draft_with_partner, upload(make_pdf()), actor=hameenlinna_applicant)
    stranger = applicant_of("091")
    with pytest.raises(NotFound):
        open_attachment(stranger, draft_with_partner.reference, attachment.pk)
    with pytest.raises(NotFound):
        list_attachments(stranger, draft_with_partner.reference)
    for user in (stranger, partner):
        with pytest.raises(NotFound):
            add_attachment(draft_with_partner, upload(make_pdf()), actor=user)
        with pytest.raises(NotFound):
            remove_attachment(attachment, actor=user)
    opened = open_attachment(partner, draft_with_partner.reference, attachment.pk)
    with opened.file as file:
        assert opened.attachment.pk == attachment.pk and file.read() == make_pdf()
    assert (opened.name, opened.content_type) == (attachment.original_name, attachment.content_type)
    read = AuditEntry.objects.get(action="application.attachment_read")
    assert read.actor == partner and read.data == {"attachment": attachment.pk}
    with pytest.raises(NotFound):
        open_attachment(partner, draft_with_partner.reference, attachment.pk + 1000)
    assert Attachment.objects.filter(removed_at__isnull=True).count() == 1


# --- Through the API ---------------------------------------------------------------------------------

BASE = "/api/v1"


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _json(response):
    return json.loads(response.content)


def test_upload_download_and_removal_through_the_api(draft_with_partner, hameenlinna_applicant, partner, applicant_of,
                                                     storage):
    lead = client_of(hameenlinna_applicant)
    url = f"{BASE}/applications/{draft_with_partner.reference}/attachments"
    data = make_pdf()
    created = lead.post(url, {"file": upload(data, "../Hanke <suunnitelma>.html", "text/html")})
    assert created.status_code == 201, created.content
    body = _json(created)
    assert body["content_type"] == PDF and body["size"] == len(data)
    assert body["name"] == "Hanke _suunnitelma_.html.pdf"
    assert [a["id"] for a in _json(client_of(partner).get(url))] == [body["id"]]

    download = client_of(partner).get(f"{url}/{body['id']}")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert 'filename="Hanke _suunnitelma_.html.pdf"' in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]
    assert b"".join(download.streaming_content) == data
    _close_file(download)

    refused = lead.post(url, {"file": upload(b"<html>hi</html>", "x.pdf")})
    assert refused.status_code == 422
    [error] = _json(refused)["errors"]
    assert error["path"] == "file" and "DOCX" in error["message"]
    missing = lead.post(url, {})
    # A well-formed request without the file is invalid (422), naming the field, not unreadable (400).
    assert missing.status_code == 422 and [e["path"] for e in _json(missing)["errors"]] == ["file"]
    assert len(stored_files(storage)) == 1

    assert client_of(partner).delete(f"{url}/{body['id']}").status_code == 404
    assert client_of(partner).post(url, {"file": upload(data)}).status_code == 404
    removed = lead.delete(f"{url}/{body['id']}")
    assert removed.status_code == 204 and removed.content == b""
    assert lead.get(f"{url}/{body['id']}").status_code == 404
    assert lead.delete(f"{url}/{body['id']}").status_code == 404


def _close_file(response) -> None:
    """Close a streamed response the way Django's test client does for its own responses.

    response.close() sends request_finished, whose close_old_connections would close the test's database
    connection inside its transaction (PostgreSQL then fails every later query of the test).
    """
    from django.core.signals import request_finished
    from django.db import close_old_connections

    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def test_non_ascii_names_are_sent_in_the_encoded_form(draft_with_partner, hameenlinna_applicant):
    attachment = add_attachment(draft_with_partner, upload(make_docx(), "Hämeenlinnan hanke.docx"),
                                actor=hameenlinna_applicant)
    response = client_of(hameenlinna_applicant).get(
        f"{BASE}/applications/{draft_with_partner.reference}/attachments/{attachment.pk}")
    assert response["Content-Type"] == DOCX
    assert "filename*=utf-8''H%C3%A4meenlinnan%20hanke.docx" in response["Content-Disposition"]
    _close_file(response)


def test_another_organisation_gets_404_and_anonymous_401(draft_with_partner, hameenlinna_applicant, applicant_of):
    attachment = add_attachment(draft_with_partner, upload(make_pdf()), actor=hameenlinna_applicant)
    url = f"{BASE}/applications/{draft_with_partner.reference}/attachments"
    stranger = client_of(applicant_of("091"))
    for response in (stranger.get(url), stranger.get(f"{url}/{attachment.pk}"),
                     stranger.delete(f"{url}/{attachment.pk}"),
                     stranger.post(url, {"file": upload(make_pdf())}),
                     stranger.get(f"{BASE}/applications/nope/attachments/{attachment.pk}")):
        assert response.status_code == 404 and _json(response)["errors"]
    assert Client().get(f"{url}/{attachment.pk}").status_code == 401
    assert Client().post(url, {"file": upload(make_pdf())}).status_code == 401
    assert Attachment.objects.count() == 1


def test_a_large_upload_spooled_to_disk_is_recognised_too(draft_with_partner, hameenlinna_applicant):
    # Above Django's in-memory limit (2.5 MB) the upload arrives as a temporary file, not bytes in memory.
    data = make_pdf("x" * 3_000_000)
    response = client_of(hameenlinna_applicant).post(f"{BASE}/applications/{draft_with_partner.reference}/attachments",
                                           {"file": upload(data, "iso.pdf")})
    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get()
    assert attachment.size == len(data) and attachment.sha256 == hashlib.sha256(data).hexdigest()
    with storages["default"].open(attachment.storage_name, "rb") as stored:
        assert stored.read() == data


def test_the_same_file_is_not_attached_twice_and_the_refusal_names_the_first(draft_with_partner, hameenlinna_applicant,
                                                                             storage):
    data = make_pdf()
    first = add_attachment(draft_with_partner, upload(data, "suunnitelma.pdf"), actor=hameenlinna_applicant)
    with pytest.raises(ValidationError) as error:
        add_attachment(draft_with_partner, upload(data, "suunnitelma (1).pdf"), actor=hameenlinna_applicant)
    [message] = error.value.message_dict["file"]
    assert "suunnitelma.pdf" in message
    assert Attachment.objects.count() == 1 and len(stored_files(storage)) == 1
    # Another file is welcome, and a removed one can be attached again.
    add_attachment(draft_with_partner, upload(make_docx(), "budjetti.docx"), actor=hameenlinna_applicant)
    remove_attachment(first, actor=hameenlinna_applicant)
    again = add_attachment(draft_with_partner, upload(data, "suunnitelma.pdf"), actor=hameenlinna_applicant)
    assert again.pk != first.pk and again.sha256 == first.sha256
