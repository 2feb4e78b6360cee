"""Who may file the final report and attach to it, and when. The page offers the forms by
``final.can_edit_final_report`` and ``final.can_attach_to_final_report``; the services refuse by the same rules,
so what the screen hides cannot be done through the API either."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from avustus.errors import Conflict, Invalid, NotAllowed
from avustus.projects.models import FundedProject
from avustus.reports import final
from avustus.reports.models import FinalReport
from avustus.reports.services import CostInput
from tests.applications.test_attachments import make_pdf
from tests.reports.test_final import attach_statement, file_final

pytestmark = pytest.mark.django_db

COSTS = [CostInput("cost-1", 0, "150 000,00")]


def _other_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("muu.pdf", make_pdf() + b"% toinen\n")


def test_an_accepted_report_is_neither_filed_again_nor_attached_to(cast, storage):  # noqa: F811
    report = file_final(cast, COSTS)
    attach_statement(cast, report)
    report = final.accept_final_report(report, final.CONTENT, actor=cast.official,
                                       version=final.final_report_version(report))
    report = final.accept_final_report(report, final.FINANCES, actor=cast.second_official,
                                       version=final.final_report_version(report))
    assert report.status == FinalReport.Status.ACCEPTED
    assert not final.can_edit_final_report(cast.lead, cast.project, report)
    assert not final.can_attach_to_final_report(cast.lead, report)
    # Not only hidden on the page: the services refuse the lead too.
    with pytest.raises(Conflict, match="already been filed"):
        file_final(cast, [CostInput("cost-1", 0, "160 000,00")])
    with pytest.raises(Invalid, match="no longer change"):
        final.add_final_attachment(report, _other_pdf(), actor=cast.lead)
    report.refresh_from_db()
    assert (report.status, report.version, report.attachments.count()) == (FinalReport.Status.ACCEPTED, 3, 1)


def test_the_lead_files_while_due_or_returned_and_attaches_until_accepted(cast, storage):  # noqa: F811
    assert final.can_edit_final_report(cast.lead, cast.project, None)
    assert not final.can_attach_to_final_report(cast.lead, None)  # nothing filed to attach to
    report = file_final(cast, COSTS)
    # Filed and waiting for review: no second filing, but documents may still be attached.
    assert not final.can_edit_final_report(cast.lead, cast.project, report)
    with pytest.raises(Conflict, match="already been filed"):
        file_final(cast, COSTS)
    assert final.can_attach_to_final_report(cast.lead, report)
    final.add_final_attachment(report, _other_pdf(), actor=cast.lead)
    report = final.return_final_report(report, final.CONTENT, actor=cast.official,
                                       version=final.final_report_version(report), reasons="Kerro vaikutuksista.")
    assert final.can_edit_final_report(cast.lead, cast.project, report)
    assert final.can_attach_to_final_report(cast.lead, report)
    again = file_final(cast, COSTS)
    assert (again.pk, again.status) == (report.pk, FinalReport.Status.SUBMITTED)


def test_only_the_leads_people_file_or_attach(cast, storage):  # noqa: F811
    report = file_final(cast, COSTS)
    report = final.return_final_report(report, final.FINANCES, actor=cast.official,
                                       version=final.final_report_version(report), reasons="Erittele kulut.")
    for someone in (cast.partner, cast.outsider, cast.official, cast.decision_maker):
        assert not final.can_edit_final_report(someone, cast.project, report)
        assert not final.can_attach_to_final_report(someone, report)
        with pytest.raises(NotAllowed):
            final.submit_final_report(cast.project, actor=someone, effects="x", ways_of_working="x",
                                      work_and_results="x", reuse="x", costs=COSTS)
        with pytest.raises(NotAllowed):
            final.add_final_attachment(report, _other_pdf(), actor=someone)
    report.refresh_from_db()
    assert (report.status, report.attachments.count()) == (FinalReport.Status.RETURNED, 0)


def test_no_final_report_once_the_project_is_no_longer_in_progress(cast, storage):  # noqa: F811
    FundedProject.objects.filter(pk=cast.project.pk).update(state=FundedProject.State.CANCELLED)
    cast.project.refresh_from_db()
    assert final.final_report_refusal(cast.project, None) == "The project is not in progress."
    assert not final.can_edit_final_report(cast.lead, cast.project, None)
    with pytest.raises(Conflict, match="not in progress"):
        file_final(cast, COSTS, today=date(2021, 11, 30))
    assert not FinalReport.objects.exists()
