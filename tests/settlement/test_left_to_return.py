"""What is left to return of a settlement: one computation (``settlement.services.left_to_return``), shown on
the settlement's page and refused beyond by ``record_return``."""

from datetime import date
from decimal import Decimal

import pytest

from avustus.errors import Invalid
from avustus.settlement import services as settlement
from tests.settlement.test_end_to_end import _final_accepted, _settled, _through_two_payments


@pytest.mark.django_db
def test_what_is_left_shrinks_with_each_return_and_no_more_is_taken(cast, storage):
    _through_two_payments(cast)
    _final_accepted(cast, "20 000,00")
    done = _settled(cast)
    assert settlement.left_to_return(done) == done.to_return == Decimal("55643.81")
    settlement.record_return(done, actor=cast.official, returned_on=date(2021, 12, 31), amount="30 000,00",
                             version=settlement.returns_version(done))
    left = settlement.left_to_return(done)
    assert left == Decimal("25643.81")
    assert settlement.left_to_return(done, settlement.returned_total(done)) == left
    # One cent more than is left is refused, naming what is left.
    with pytest.raises(Invalid) as refused:
        settlement.record_return(done, actor=cast.official, returned_on=date(2022, 1, 31), amount="25 643,82",
                                 version=settlement.returns_version(done))
    assert refused.value.message_dict == {
        "amount": ["The amount is more than is left to return (25\u00a0643,81\u00a0€)."]}
    settlement.record_return(done, actor=cast.official, returned_on=date(2022, 1, 31), amount="25 643,81",
                             version=settlement.returns_version(done))
    assert settlement.left_to_return(done) == Decimal("0.00")
