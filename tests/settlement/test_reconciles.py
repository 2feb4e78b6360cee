"""At the service level: whatever the final report's costs, the stored settlement reconciles to the cent with
what was paid, never demands 100 € or less, and its last instalment is what the payments service would pay."""

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from avustus.payments import services as payments
from avustus.settlement import services as settlement
from tests.settlement.test_end_to_end import _final_accepted, _settled, _through_two_payments

COSTS = st.decimals(min_value=Decimal("0.00"), max_value=Decimal("250000.00"), places=2)


class Rollback(Exception):
    pass


@pytest.mark.django_db
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(costs=COSTS)
def test_a_stored_settlement_reconciles(cast, storage, costs):
    # The fixtures (and so the database's state) are made once for all examples; the two payments too.
    if not payments.paid_total(cast.project):
        _through_two_payments(cast)
    try:
        with transaction.atomic():
            _final_accepted(cast, f"{costs:.2f}")
            done = _settled(cast)
            assert done.paid + done.last_instalment - done.to_return - done.left_unreturned == done.final_grant
            assert done.final_grant == min(done.grant, (costs * Decimal("0.85")).quantize(Decimal("0.01"),
                                                                                           rounding="ROUND_DOWN"))
            assert done.to_return == 0 or done.to_return > 100
            assert done.left_unreturned <= 100
            assert done.last_instalment == payments.payable(cast.project)
            assert done.snapshot["final_grant"] == str(done.final_grant)
            assert settlement.returned_total(done) == 0
            raise Rollback
    except Rollback:
        pass
