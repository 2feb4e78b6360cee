"""The final report: filed by the lead with the auditor's statement, reviewed for content and finances apart."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from avustus.audit.models import AuditEntry
from avustus.errors import Conflict, Invalid, NotAllowed
from avustus.reports import final
from avustus.reports import services as reports
from avustus.reports.models import FinalReport, FinalReportAttachment
from avustus.reports.services import CostInput, Rejection
from tests.applications.test_attachments import make_pdf

OUTPUTS = [{"kind": "software", "title": "Ajanvarauksen rajapinta", "address": "https://example.org/api",
            "licence": "EUPL-1.2"}]


def file_final(cast, costs, today=date(2021, 11, 30)):
    return final.submit_final_report(
        cast.project, actor=cast.lead, effects="Asiointi nopeutui.", ways_of_working="Yhteinen palvelupiste.",
        work_and_results="Rajapinta ja ohjeet.", reuse="Muut kunnat voivat ottaa rajapinnan käyttöön.",
        outputs=OUTPUTS, costs=costs, today=today)


def attach_statement(cast, report):
    return final.add_final_attachment(report, SimpleUploadedFile("lausunto.pdf", make_pdf()), actor=cast.lead,
                                      kind=FinalReportAttachment.Kind.AUDITOR_STATEMENT)


@pytest.mark.django_db
def test_both_reviews_accept_and_the_final_costs_become_the_accepted_costs(cast, storage):  # noqa: F811
    report = file_final(cast, [CostInput("cost-1", 0, "150 000,00"), CostInput("cost-4", 1, "2 000,00", "480,00")])
    assert not report.late
    # The report's outputs are the project's, entered with the report and audited as the lead's own entries are.
    assert [(o.kind, o.title, o.address, o.licence, o.added_by) for o in report.outputs] == [
        ("software", "Ajanvarauksen rajapinta", "https://example.org/api", "EUPL-1.2", cast.lead)]
    assert [o.pk for o in report.outputs] == list(cast.project.outputs.values_list("pk", flat=True))
    assert AuditEntry.objects.filter(action="output.added").count() == 1
    # Without the auditor's statement the finances cannot be accepted.
    with pytest.raises(Conflict, match="auditor"):
        final.accept_final_report(report, final.FINANCES, actor=cast.official,
                                  version=final.final_report_version(report))
    attach_statement(cast, report)
    report = final.accept_final_report(report, final.CONTENT, actor=cast.official,
                                       version=final.final_report_version(report))
    assert report.status == FinalReport.Status.SUBMITTED
    cast.project.refresh_from_db()
    assert cast.project.final_report_accepted_on is None
    licence = report.costs.get(category__code="cost-4")
    report = final.accept_final_report(report, final.FINANCES, actor=cast.second_official,
                                       version=final.final_report_version(report),
                                       rejections=[Rejection(licence.pk, "500,00", "Lisenssi ei kehittämiseen.")])
    assert report.status == FinalReport.Status.ACCEPTED
    cast.project.refresh_from_db()
    assert cast.project.final_report_accepted_on is not None
    assert reports.accepted_costs_to_date(cast.project) == Decimal("151500.00")
    assert AuditEntry.objects.filter(action="final_report.accepted").count() == 1


@pytest.mark.django_db
def test_either_review_returns_it_and_both_start_over(cast, storage):  # noqa: F811
    report = file_final(cast, [CostInput("cost-1", 0, "1000.00")])
    attach_statement(cast, report)
    report = final.accept_final_report(report, final.CONTENT, actor=cast.official,
                                       version=final.final_report_version(report))
    stale = final.final_report_version(report)
    report = final.return_final_report(report, final.FINANCES, actor=cast.official, version=stale,
                                       reasons="Henkilöstökulujen erittely puuttuu.")
    assert report.status == FinalReport.Status.RETURNED
    with pytest.raises(Conflict):
        final.accept_final_report(report, final.FINANCES, actor=cast.official, version=stale)
    report = file_final(cast, [CostInput("cost-1", 0, "1200.00")])
    assert report.version > 1 and report.content_review == FinalReport.Review.PENDING
    assert report.outputs.count() == 1  # the same output given again is not entered twice
    assert report.costs.get().amount_vat_free == Decimal("1200.00")


@pytest.mark.django_db
def test_a_part_reviewed_is_not_reviewed_again(cast, storage):  # noqa: F811
    report = file_final(cast, [CostInput("cost-1", 0, "1000.00")])
    attach_statement(cast, report)
    report = final.accept_final_report(report, final.CONTENT, actor=cast.official,
                                       version=final.final_report_version(report))
    for review in (lambda: final.accept_final_report(report, final.CONTENT, actor=cast.second_official,
                                                     version=final.final_report_version(report)),
                   lambda: final.return_final_report(report, final.CONTENT, actor=cast.second_official,
                                                     version=final.final_report_version(report), reasons="Uudelleen.")):
        with pytest.raises(Conflict, match="reviewed already"):
            review()
    report.refresh_from_db()
    assert report.status == FinalReport.Status.SUBMITTED and report.content_reviewed_by == cast.official
    assert not final.can_review_final_report(cast.second_official, report, final.CONTENT)
    assert final.can_review_final_report(cast.second_official, report, final.FINANCES)


@pytest.mark.django_db
def test_refusals(cast, storage):  # noqa: F811
    with pytest.raises(NotAllowed):
        final.submit_final_report(cast.project, actor=cast.partner, effects="x", ways_of_working="x",
                                  work_and_results="x", reuse="x", outputs=[], costs=[CostInput("cost-1", 0, "1")])
    with pytest.raises(Invalid) as caught:
        final.submit_final_report(cast.project, actor=cast.lead, effects=" ", ways_of_working="x",
                                  work_and_results="x", reuse="x", costs=[CostInput("cost-1", 0, "1")],
                                  outputs=[{"title": "Ohje", "url": "ftp://x", "licence": ""}])
    assert set(caught.value.message_dict) == {"effects", "outputs.0"}
    assert not FinalReport.objects.exists() and not cast.project.outputs.exists()
    with pytest.raises(Invalid) as caught:  # an output is checked as the lead's own entry is: software has a licence
        final.submit_final_report(cast.project, actor=cast.lead, effects="x", ways_of_working="x",
                                  work_and_results="x", reuse="x", costs=[CostInput("cost-1", 0, "1")],
                                  outputs=[{"kind": "software", "title": "Koodi", "url": "https://example.org/x"}])
    assert caught.value.message_dict == {"outputs.0": ["Give the software's licence, such as EUPL-1.2 or MIT."]}
    assert not FinalReport.objects.exists() and not cast.project.outputs.exists()
    report = file_final(cast, [CostInput("cost-1", 0, "1000.00")])
    with pytest.raises(Conflict):
        file_final(cast, [CostInput("cost-1", 0, "1000.00")])
    with pytest.raises(NotAllowed):
        final.accept_final_report(report, final.CONTENT, actor=cast.lead, version=final.final_report_version(report))


@pytest.mark.django_db
def test_an_official_marks_the_project_for_a_closer_audit_with_a_reason(cast, storage):  # noqa: F811
    report = file_final(cast, [CostInput("cost-1", 0, "150 000,00")])
    with pytest.raises(NotAllowed):
        final.mark_for_closer_audit(report, actor=cast.lead, marked=True, reason="Itse.")
    with pytest.raises(NotAllowed):
        final.mark_for_closer_audit(report, actor=cast.decision_maker, marked=True, reason="Päättäjä.")
    with pytest.raises(Invalid):
        final.mark_for_closer_audit(report, actor=cast.official, marked=True, reason="  ")
    report.refresh_from_db()
    assert not report.closer_audit and report.closer_audit_reason == ""
    report = final.mark_for_closer_audit(report, actor=cast.official, marked=True, reason="Suuret laitekulut.")
    assert (report.closer_audit, report.closer_audit_reason, report.closer_audit_by) == (
        True, "Suuret laitekulut.", cast.official)
    with pytest.raises(Conflict):
        final.mark_for_closer_audit(report, actor=cast.second_official, marked=True, reason="Uudelleen.")
    report = final.mark_for_closer_audit(report, actor=cast.second_official, marked=False, reason="Kuitit tarkastettu.")
    assert not report.closer_audit and report.closer_audit_by == cast.second_official
    assert [(e.action, e.data["reason"]) for e in AuditEntry.objects.filter(action__startswith="final_report.closer")
            .order_by("pk")] == [("final_report.closer_audit_marked", "Suuret laitekulut."),
                                 ("final_report.closer_audit_unmarked", "Kuitit tarkastettu.")]


@pytest.mark.django_db
def test_the_lead_removes_a_document_until_the_finances_are_accepted(cast, storage):  # noqa: F811
    report = file_final(cast, [CostInput("cost-1", 0, "20 000,00")])
    statement = attach_statement(cast, report)
    assert final.has_auditor_statement(report)
    read = final.final_report_version(report)
    final.remove_final_attachment(report, statement.pk, actor=cast.lead)
    # Without the statement the finances are not accepted, and a review read before the removal is refused.
    assert not final.has_auditor_statement(report)
    with pytest.raises(Conflict):
        final.accept_final_report(report, final.CONTENT, actor=cast.official, version=read)
    statement = attach_statement(cast, report)
    other = final.add_final_attachment(report, SimpleUploadedFile("liite.pdf", make_pdf("liite")), actor=cast.lead)
    report = final.accept_final_report(report, final.FINANCES, actor=cast.official,
                                       version=final.final_report_version(report))
    assert final.can_remove_final_attachments(cast.lead, report) is False
    with pytest.raises(Conflict, match="finances were accepted"):
        final.remove_final_attachment(report, other.pk, actor=cast.lead)
    assert report.attachments.count() == 2
    assert AuditEntry.objects.filter(action="final_report.attachment_removed").count() == 1


@pytest.mark.django_db
def test_a_final_report_first_filed_before_the_implementation_ends_is_told_it_ends_the_project_early(cast):
    end = cast.project.implementation_end
    assert final.filed_early_until(cast.project, None, end - timedelta(days=1)) == end
    assert final.filed_early_until(cast.project, None, end) is None
    report = file_final(cast, [CostInput("cost-1", 0, "20 000,00")])
    assert final.filed_early_until(cast.project, report, end - timedelta(days=1)) is None  # filed already
