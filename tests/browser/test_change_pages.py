"""The change requests' screens in a real browser (axe, 375 px, CSP): the lead's form, the officials' decide and
confirm steps, and the signed amending decision."""

from datetime import date

import pytest

from avustus.changes import services as changes
from tests.browser.conftest import check_pages
from tests.changes.conftest import previewed
from tests.projects.conftest import cast, person, room_for_an_extension  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_change_pages_of_the_lead_and_the_officials(browser, live_server, cast):
    room_for_an_extension(cast.project.call)  # an extension to 31.12.2021 allowed
    project = cast.project
    earlier = changes.submit_request(project, actor=cast.lead, kind="extension", reasons="Viivästys.",
                                     new_end=date(2021, 12, 15))
    earlier = changes.approve_request(earlier, actor=cast.official, version=earlier.version, reasons="Perusteltu.")
    decision = changes.confirm_request(earlier, actor=cast.second_official, version=earlier.version, confirmed=True,
                                       shown=previewed(earlier, cast.second_official))
    submitted = changes.submit_request(project, actor=cast.lead, kind="extension", reasons="Lisää aikaa.",
                                       new_end=date(2021, 12, 31))
    ref = project.reference
    check_pages(browser, live_server, [f"/projects/{ref}/changes/", f"/projects/{ref}/changes/{earlier.pk}/",
                                       f"/projects/{ref}/changes/decisions/{decision.pk}/fi/"], user=cast.lead)
    changes.withdraw_request(submitted, actor=cast.lead, version=submitted.version)
    # With nothing open, the lead's form for a new request.
    check_pages(browser, live_server, [f"/projects/{ref}/changes/"], user=cast.lead)
    approved = changes.submit_request(project, actor=cast.lead, kind="extension", reasons="Lisää aikaa.",
                                      new_end=date(2021, 12, 31))
    check_pages(browser, live_server, [f"/projects/{ref}/changes/{approved.pk}/",
                                       f"/projects/{ref}/changes/decisions/{decision.pk}/sv/"], user=cast.official)
    approved = changes.approve_request(approved, actor=cast.official, version=approved.version)
    check_pages(browser, live_server, [f"/projects/{ref}/changes/{approved.pk}/"], user=cast.second_official)
