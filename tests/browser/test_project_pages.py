"""The funded project's screens in a real browser (axe, layout, CSP), for the lead and for the officials."""

from datetime import date

import pytest

from avustus.payments import services as payments
from avustus.reports import services as reports
from avustus.reports.services import CostInput
from avustus.settlement.sampling import draw_audit_sample
from tests.browser.conftest import check_pages
from tests.projects.conftest import cast, person  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_project_pages_of_the_lead_and_the_officials(browser, live_server, cast):
    project = cast.project
    account = payments.register_account(project, "FI21 1234 5600 0007 85", "Kankaanpää", actor=cast.lead)
    payments.confirm_account(account, actor=cast.official, note="Soitettu.")
    report = reports.submit_report(project, 1, actor=cast.lead, period_start=date(2020, 2, 26),
                                   period_end=date(2020, 6, 26), progress="Etenee.", objectives_stage="Alussa.",
                                   costs=[CostInput("cost-1", 0, "10000.00")])
    reports.accept_report(report, actor=cast.official, version=reports.report_version(report))
    payments.apply_for_payment(project, actor=cast.lead)
    reports.submit_report(project, 2, actor=cast.lead, period_start=date(2020, 6, 27), period_end=date(2020, 10, 26),
                          progress="Etenee.", objectives_stage="Puolivälissä.", costs=[CostInput("cost-1", 0, "1.00")])
    draw_audit_sample(project.call, actor=cast.official, size=3, seed=1)  # the samples' page lists a draw
    ref = project.reference
    check_pages(browser, live_server, ["/my/projects/", f"/projects/{ref}/", f"/projects/{ref}/reports/1/",
                                       f"/projects/{ref}/reports/3/", f"/projects/{ref}/account/",
                                       f"/projects/{ref}/payments/apply/"], user=cast.lead)
    check_pages(browser, live_server, ["/officials/projects/", f"/rounds/{project.call.slug}/projects/",
                                       f"/rounds/{project.call.slug}/projects/audit-samples/", f"/projects/{ref}/",
                                       f"/projects/{ref}/reports/2/"], user=cast.official)
