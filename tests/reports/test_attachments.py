"""A report's documents: recognised by content, the lead's to add, readable by recipients and officials, audited."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from avustus.audit.models import AuditEntry
from avustus.errors import Invalid, NotAllowed, NotFound
from avustus.reports import services as reports
from avustus.reports.attachments import add_report_attachment, open_report_attachment
from avustus.reports.services import CostInput
from tests.applications.test_attachments import make_pdf


@pytest.fixture
def report(cast):
    return reports.submit_report(cast.project, 1, actor=cast.lead, period_start=date(2020, 2, 26),
                                 period_end=date(2020, 6, 26), progress="Etenee.", objectives_stage="Alussa.",
                                 costs=[CostInput("cost-1", 0, "100.00")], today=date(2020, 6, 26))


def test_the_lead_attaches_and_officials_and_partners_read(cast, report, storage):
    attachment = add_report_attachment(report, SimpleUploadedFile("kirjanpito.pdf", make_pdf()), actor=cast.lead)
    assert attachment.content_type == "application/pdf" and "kirjanpito" not in attachment.storage_name
    for reader in (cast.official, cast.partner):
        opened = open_report_attachment(reader, report, attachment.pk)
        assert opened.file.read() == make_pdf()
        opened.file.close()
    with pytest.raises(NotFound):
        open_report_attachment(cast.outsider, report, attachment.pk)
    assert AuditEntry.objects.filter(action="report.attachment_read").count() == 2
    with pytest.raises(NotAllowed):
        add_report_attachment(report, SimpleUploadedFile("x.pdf", make_pdf("toinen")), actor=cast.partner)


def test_what_is_not_a_document_and_a_second_copy_are_refused(cast, report, storage):
    with pytest.raises(Invalid):
        add_report_attachment(report, SimpleUploadedFile("x.pdf", b"MZ not a pdf"), actor=cast.lead)
    add_report_attachment(report, SimpleUploadedFile("a.pdf", make_pdf()), actor=cast.lead)
    with pytest.raises(Invalid):
        add_report_attachment(report, SimpleUploadedFile("b.pdf", make_pdf()), actor=cast.lead)
    assert report.attachments.count() == 1
    assert len([p for p in storage.rglob("*") if p.is_file()]) == 1
