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


def test_the_lead_removes_a_wrong_document_until_the_report_is_accepted(cast, report, storage):
    from avustus.errors import Conflict
    from avustus.reports.attachments import remove_report_attachment
    from avustus.reports.models import ReportAttachment

    wrong = add_report_attachment(report, SimpleUploadedFile("henkilotiedot.pdf", make_pdf()), actor=cast.lead)
    kept = add_report_attachment(report, SimpleUploadedFile("kirjanpito.pdf", make_pdf("toinen")), actor=cast.lead)
    read = reports.report_version(report)
    for other in (cast.partner, cast.official):
        with pytest.raises(NotAllowed):
            remove_report_attachment(report, wrong.pk, actor=other)
    remove_report_attachment(report, wrong.pk, actor=cast.lead)
    assert list(report.attachments.all()) == [kept]
    # The row and the file stay for the audit log's sake; nobody reads it through the report any more.
    assert ReportAttachment.every.get(pk=wrong.pk).removed_at is not None
    with pytest.raises(NotFound):
        open_report_attachment(cast.official, report, wrong.pk)
    # Removed already (from a page open in another tab, say): said so, not "not found".
    with pytest.raises(Conflict, match="already removed"):
        remove_report_attachment(report, wrong.pk, actor=cast.lead)
    with pytest.raises(NotFound):
        remove_report_attachment(report, wrong.pk + 1000, actor=cast.lead)
    entry = AuditEntry.objects.get(action="report.attachment_removed")
    assert entry.data["name"] == "henkilotiedot.pdf" and entry.data["sha256"] == wrong.sha256
    # An official's review read before the removal is refused: the report is not the one read.
    with pytest.raises(Conflict):
        reports.accept_report(report, actor=cast.official, version=read)
    # The same file may be attached again; once the report is accepted nothing is taken off.
    again = add_report_attachment(report, SimpleUploadedFile("henkilotiedot.pdf", make_pdf()), actor=cast.lead)
    reports.accept_report(report, actor=cast.official, version=reports.report_version(report))
    with pytest.raises(Conflict):
        remove_report_attachment(report, again.pk, actor=cast.lead)
    assert report.attachments.count() == 2
