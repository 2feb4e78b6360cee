"""A recovery's screens in a real browser (axe, 375 px, both languages): the lead's hearing and decision, the
officials' start form, the preview to prepare, the signature, the forms for returns and waivers, and a waiver's
confirmation and declining by the second person."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from avustus.settlement import recovery as service
from avustus.settlement import waivers
from avustus.settlement.rates import ensure_shipped_rates
from tests.browser.conftest import check_pages
from tests.projects.conftest import cast, person  # noqa: F401 (fixtures)
from tests.settlement.test_end_to_end import _through_two_payments
from tests.settlement.test_recovery import _decided, _started
from tests.web.test_recovery import rates_to_date  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_recovery_pages_of_the_lead_and_the_officials(browser, live_server, cast, rates_to_date):  # noqa: F811
    ensure_shipped_rates()  # a transactional test before this one may have flushed the migration's rows
    _through_two_payments(cast)
    today = timezone.localdate()
    ref = cast.project.reference
    decided = _decided(cast, _started(cast))
    service.record_recovery_return(decided, actor=cast.official, returned_on=date(2023, 2, 10), amount="5 000,00",
                                   version=service.case_version(decided))
    # A waiver declined, and another awaiting its second person: the officials' list and both forms.
    declined = service.waive_recovery(decided, actor=cast.official, principal="1 000,00", interest=False,
                                      reasons="Kohtuus.", version=service.case_version(decided))
    waivers.decline_waiver(decided, actor=cast.second_official, version=waivers.waiver_version(declined),
                           reasons="Ei perusteita.")
    service.waive_recovery(decided, actor=cast.official, principal="2 000,00", interest=True, reasons="Kohtuus.",
                           version=service.case_version(decided))
    # A second case for less than the first decision left: decided recoveries never take more than was paid.
    prepared = _started(cast, amount="20 000,00", known_on=date(2022, 9, 1))
    _snapshot, digest = service.recovery_preview(prepared, actor=cast.official, due_on=date(2022, 12, 15),
                                                 on=date(2022, 10, 10))
    service.prepare_recovery(prepared, actor=cast.official, due_on=date(2022, 12, 15), version=digest,
                             on=date(2022, 10, 10))
    hearing = _started(cast, amount="1 000,00", known_on=today - timedelta(days=10), on=today)
    answered = _started(cast, amount="2 000,00", known_on=today - timedelta(days=10), on=today)
    service.respond_to_hearing(answered, actor=cast.lead, response="Kustannukset olivat hankkeen mukaisia.")
    base = f"/projects/{ref}/recoveries"
    check_pages(browser, live_server, [f"/projects/{ref}/", f"{base}/{hearing.pk}/", f"{base}/{decided.pk}/"],
                user=cast.lead)
    due = (today + timedelta(days=30)).isoformat()
    check_pages(browser, live_server, [f"{base}/new/", f"{base}/{answered.pk}/?due_on={due}", f"{base}/{decided.pk}/"],
                user=cast.official)
    check_pages(browser, live_server, [f"{base}/{prepared.pk}/", f"{base}/{decided.pk}/"], user=cast.second_official)
