"""A payment is made from the grant's appropriation only within its period of use (the 2020 round: to 31.12.2021)."""

from datetime import date

import pytest

from avustus.errors import Conflict
from avustus.payments import services as payments
from avustus.payments.models import PaymentApplication
from tests.payments.conftest import approved_on
from tests.payments.test_services import _accepted

pytestmark = pytest.mark.django_db


def _approved(cast):
    """Approved on 15.12.2021, within the period of use, as the payment would have been."""
    application = _accepted(cast)
    return approved_on(payments.approve_payment(application, actor=cast.decision_maker,
                                                version=payments.payment_version(application)), date(2021, 12, 15))


def test_a_payment_after_the_period_of_use_is_refused_saying_why(with_costs):
    application = _approved(with_costs)
    with pytest.raises(Conflict) as caught:
        payments.record_payment(application, actor=with_costs.official, paid_on=date(2022, 1, 3))
    message = str(caught.value)
    assert "period of use" in message and "until 31.12.2021" in message and "payment on 3.1.2022" in message
    application.refresh_from_db()
    assert application.status == PaymentApplication.Status.APPROVED and application.paid_on is None


def test_a_payment_on_the_last_day_of_use_is_made(with_costs):
    application = _approved(with_costs)
    paid = payments.record_payment(application, actor=with_costs.official, paid_on=date(2021, 12, 31))
    assert paid.status == PaymentApplication.Status.PAID
