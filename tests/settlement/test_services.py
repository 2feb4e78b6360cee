"""``settlement.services`` refusals not covered by the end-to-end story (tests/settlement/test_end_to_end.py)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from avustus.audit.models import AuditEntry
from avustus.errors import Conflict, Invalid
from avustus.settlement import services as settlement
from avustus.settlement.models import ReferenceRate, Return
from tests.settlement.test_end_to_end import _final_accepted, _settled, _through_two_payments

pytestmark = pytest.mark.django_db


def rates_until(day: date) -> None:
    """Reference rates for every half-year up to ``day``, so that a missing rate cannot stand in for a refusal."""
    start = date(2025, 7, 1)
    while start <= day:
        ReferenceRate.objects.get_or_create(half_year_start=start, defaults={"rate": Decimal("2.00")})
        start = date(start.year, 7, 1) if start.month == 1 else date(start.year + 1, 1, 1)


def test_a_return_dated_after_today_is_refused_and_nothing_is_kept(cast, storage):
    """Money is recorded as returned on a day that has come: a future day would also set the interest's end."""
    _through_two_payments(cast)
    _final_accepted(cast, "20 000,00")
    made = _settled(cast)
    tomorrow = timezone.localdate() + timedelta(days=1)
    rates_until(tomorrow)
    with pytest.raises(Invalid, match="future") as refused:
        settlement.record_return(made, actor=cast.official, returned_on=tomorrow, amount="1 000,00",
                                 version=settlement.returns_version(made))
    assert set(refused.value.message_dict) == {"returned_on"}
    assert not Return.objects.exists() and not AuditEntry.objects.filter(action="settlement.returned").exists()
    # Today is a day money may have come back on.
    today = settlement.record_return(made, actor=cast.official, returned_on=timezone.localdate(), amount="1 000,00",
                                     version=settlement.returns_version(made))
    assert today.amount == Decimal("1000.00")


def test_a_return_posted_against_a_stale_page_is_refused_and_nothing_is_kept(cast, storage):
    """The same return form posted twice (or one naming no returns read) records the part once, not twice."""
    _through_two_payments(cast)
    _final_accepted(cast, "20 000,00")  # 55 643,81 to return
    made = _settled(cast)
    read = settlement.returns_version(made)
    settlement.record_return(made, actor=cast.official, returned_on=date(2021, 12, 31), amount="10 000,00",
                             version=read)
    entries = AuditEntry.objects.count()
    for stale in (read, ""):
        with pytest.raises(Conflict, match="after you opened the settlement"):
            settlement.record_return(made, actor=cast.official, returned_on=date(2021, 12, 31), amount="10 000,00",
                                     version=stale)
    assert Return.objects.filter(settlement=made).count() == 1 and AuditEntry.objects.count() == entries
    # Read again, the next part is recorded.
    settlement.record_return(made, actor=cast.official, returned_on=date(2021, 12, 31), amount="10 000,00",
                             version=settlement.returns_version(made))
    assert settlement.returned_total(made) == Decimal("20000.00")
