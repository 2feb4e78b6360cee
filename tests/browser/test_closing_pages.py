"""The end of a grant's screens in a real browser (axe, 375 px, CSP): the lead's final report form, the officials'
final report with its two reviews, the settlement with a return's interest line by line, and the payment files."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from avustus.reports import final
from avustus.reports.services import CostInput
from avustus.settlement import services as settlement
from tests.applications.test_attachments import make_pdf
from tests.browser.conftest import check_pages
from tests.projects.conftest import cast, person  # noqa: F401 (fixtures)
from tests.settlement.test_end_to_end import _through_two_payments

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shipped_rates():
    """The reference rates the data migration loads: a browser test's database is emptied between tests, so they
    are loaded again the way ``avustus migrate`` loads them."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    importlib.import_module("avustus.settlement.migrations.0002_shipped_reference_rates").load(
        apps, SimpleNamespace(connection=connection))


def test_the_final_report_settlement_and_payment_file_pages(browser, live_server, cast, storage,  # noqa: F811
                                                            shipped_rates):
    project = cast.project
    ref = project.reference
    _through_two_payments(cast)
    # The lead's form, before anything is filed.
    check_pages(browser, live_server, [f"/projects/{ref}/final/"], user=cast.lead)
    report = final.submit_final_report(project, actor=cast.lead, effects="Asiointi nopeutui.",
                                       ways_of_working="Yhteinen palvelupiste.", work_and_results="Rajapinta.",
                                       reuse="Avoin lähdekoodi.", outputs=[],
                                       costs=[CostInput("cost-1", 0, "20 000,00"), CostInput("cost-4", 1, "500,00")])
    final.add_final_attachment(report, SimpleUploadedFile("lausunto.pdf", make_pdf()), actor=cast.lead,
                               kind="auditor")
    # The officials' reviews waiting on the report, and the lead's view of it.
    check_pages(browser, live_server, [f"/projects/{ref}/final/", f"/projects/{ref}/settlement/"],
                user=cast.official)
    check_pages(browser, live_server, [f"/projects/{ref}/final/"], user=cast.lead)
    report = final.accept_final_report(report, final.CONTENT, actor=cast.official,
                                       version=final.final_report_version(report))
    final.accept_final_report(report, final.FINANCES, actor=cast.second_official,
                              version=final.final_report_version(report))
    # The preview with its settle form.
    check_pages(browser, live_server, [f"/projects/{ref}/settlement/"], user=cast.official)
    _snapshot, digest = settlement.settlement_preview(project, actor=cast.official)
    made = settlement.settle(project, actor=cast.official, version=digest)
    # The approval form for the second official.
    check_pages(browser, live_server, [f"/projects/{ref}/settlement/"], user=cast.second_official)
    made = settlement.approve_settlement(made, actor=cast.second_official, version=made.sha256)
    settlement.record_return(made, actor=cast.official, returned_on=date(2021, 12, 31), amount="30 000,00",
                             version=settlement.returns_version(made))
    # The returns with their computation, the project's page with the settlement, and the payment files.
    check_pages(browser, live_server, [f"/projects/{ref}/settlement/", f"/projects/{ref}/",
                                       "/officials/payment-files/", "/officials/projects/"], user=cast.official)
