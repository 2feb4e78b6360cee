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


def test_enter_in_a_review_field_never_accepts_the_report_even_with_the_box_ticked(browser, live_server, cast):
    """Enter in a field submits a form by its first button; the review form's is a disabled one, so neither a
    typed rejection nor a ticked box lets Enter accept a report, which cannot be undone."""
    from tests.browser.conftest import session_cookie

    report = reports.submit_report(cast.project, 1, actor=cast.lead, period_start=date(2020, 2, 26),
                                   period_end=date(2020, 6, 26), progress="Etenee.", objectives_stage="Alussa.",
                                   costs=[CostInput("cost-1", 0, "10000.00")])
    context = browser.new_context(locale="fi-FI", timezone_id="Europe/Helsinki")
    context.add_cookies([session_cookie(live_server, cast.official)])
    page = context.new_page()
    posts: list[str] = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    page.goto(f"{live_server.url}/projects/{cast.project.reference}/reports/1/")
    # The submit event is sent while Enter is handled: a flag set by it is read right after.
    page.evaluate("""() => { window.submitted = false;
        document.querySelectorAll('form').forEach(
            f => f.addEventListener('submit', () => { window.submitted = true; }));
    }""")
    page.locator('input[name="confirm"]').check()
    field = page.locator(f'input[name="reject.{report.costs.get().pk}.amount"]')
    field.fill("100")
    field.press("Enter")
    assert page.evaluate("window.submitted") is False
    context.close()
    report.refresh_from_db()
    assert posts == [] and report.status == "submitted"
