"""``settlement.services`` refusals not covered by the end-to-end story (tests/settlement/test_end_to_end.py)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from avustus.audit.models import AuditEntry
from avustus.errors import Invalid
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
        settlement.record_return(made, actor=cast.official, returned_on=tomorrow, amount="1 000,00")
    assert set(refused.value.message_dict) == {"returned_on"}
    assert not Return.objects.exists() and not AuditEntry.objects.filter(action="settlement.returned").exists()
    # Today is a day money may have come back on.
    today = settlement.record_return(made, actor=cast.official, returned_on=timezone.localdate(), amount="1 000,00")
    assert today.amount == Decimal("1000.00")
