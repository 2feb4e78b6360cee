"""A report's page offers its review exactly to those whose review the service accepts, part by part.

Each person's page is compared with what the service does when the review is tried (in a transaction rolled
back): the interim report's review, and the final report's two reviews, content and finances, each taken once.
"""

from datetime import date

import pytest
from django.urls import reverse

from avustus.reports import final
from avustus.reports import services as reports
from avustus.reports.models import FinalReport
from avustus.reports.services import CostInput
from tests.projects.conftest import cast, person  # noqa: F401 (fixtures)
from tests.web.steps import page_as, succeeds
from tests.web.test_final import TEXTS, _attach_statement, _client

pytestmark = pytest.mark.django_db

PEOPLE = ("lead", "partner", "official", "second_official", "decision_maker")




def test_an_interim_report_is_offered_for_review_while_it_waits_for_one(cast):
    report = reports.submit_report(cast.project, 1, actor=cast.lead, period_start=date(2020, 2, 26),
                                   period_end=date(2020, 6, 26), progress="Etenee.", objectives_stage="Alussa.",
                                   costs=[CostInput("cost-1", 0, "10000.00")], today=date(2020, 6, 26))
    url = reverse("project-report", args=[cast.project.reference, 1])
    action = reverse("review-report", args=[cast.project.reference, 1])

    def offers() -> dict[str, bool]:
        offered = {}
        for name in PEOPLE:
            user = getattr(cast, name)
            shown = f'action="{action}"' in page_as(user, url)
            current = type(report).objects.get(pk=report.pk)
            accepted = succeeds(lambda user=user, current=current: reports.accept_report(
                current, actor=user, version=reports.report_version(current)))
            returned = succeeds(lambda user=user, current=current: reports.return_report(
                current, actor=user, version=reports.report_version(current), reasons="Liitteet puuttuvat."))
            assert shown == accepted == returned, name
            offered[name] = shown
        return offered

    assert offers() == {"lead": False, "partner": False, "official": True, "second_official": True,
                        "decision_maker": False}
    reports.accept_report(report, actor=cast.official, version=reports.report_version(report))
    assert offers() == {name: False for name in PEOPLE}


def test_each_part_of_the_final_report_is_offered_for_review_until_it_is_reviewed(cast, storage):  # noqa: F811
    project = cast.project
    lead = _client(cast.lead)
    response = lead.post(reverse("project-final-report", args=[project.reference]),
                         {**TEXTS, "cost.cost-1.0.vat_free": "20 000,00", "cost.cost-1.0.vat": "0",
                          "confirm": "yes"})
    assert response.status_code == 302
    _attach_statement(lead, project)
    url = reverse("project-final-report", args=[project.reference])

    def offers() -> dict[str, set[str]]:
        offered = {}
        for name in PEOPLE:
            user = getattr(cast, name)
            page = page_as(user, url)
            shown = {part for part in (final.CONTENT, final.FINANCES) if f'name="part" value="{part}"' in page}
            accepted, returned = set(), set()
            for part in (final.CONTENT, final.FINANCES):
                report = FinalReport.objects.get(project=project)
                version = final.final_report_version(report)
                if succeeds(lambda part=part, report=report, version=version, user=user: final.accept_final_report(
                        report, part, actor=user, version=version)):
                    accepted.add(part)
                if succeeds(lambda part=part, report=report, version=version, user=user: final.return_final_report(
                        report, part, actor=user, version=version, reasons="Tarkennettava.")):
                    returned.add(part)
            assert shown == accepted == returned, name
            offered[name] = shown
        return offered

    both = {final.CONTENT, final.FINANCES}
    assert offers() == {"lead": set(), "partner": set(), "official": both, "second_official": both,
                        "decision_maker": set()}
    report = FinalReport.objects.get(project=project)
    report = final.accept_final_report(report, final.CONTENT, actor=cast.official,
                                       version=final.final_report_version(report))
    # The content reviewed is not reviewed again (a second acceptance would overwrite who accepted it).
    assert offers() == {"lead": set(), "partner": set(), "official": {final.FINANCES},
                        "second_official": {final.FINANCES}, "decision_maker": set()}
    report.refresh_from_db()
    assert report.content_reviewed_by == cast.official
