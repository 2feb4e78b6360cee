"""A payment is made from the grant's appropriation only within its period of use. One approved after the period
can never be paid from it: the day paid is neither before the approval nor after the period. Such a payment goes
in no payment file and waits in no list of what is to pay; the one step left on it is rejection, and recording it
as paid says so.

The 2020 round's appropriation could be used until 31.12.2021 (a three-year transferable appropriation of 2019,
the collective decision of 26.2.2020); a payment approved today, in this test's world, is past it."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from avustus.audit.models import AuditEntry
from avustus.errors import Conflict
from avustus.payments import payment_file
from avustus.payments import services as payments
from avustus.payments.models import PaymentApplication, PaymentFile
from avustus.settlement.selectors import unfiled_payments
from tests.payments.conftest import appropriation_still_usable, approved_on, with_costs  # noqa: F401 (fixture)
from tests.payments.test_services import _accepted

pytestmark = pytest.mark.django_db


def _approved_today(cast) -> PaymentApplication:
    application = payments.apply_for_payment(cast.project, actor=cast.lead)
    application = payments.accept_payment_application(application, actor=cast.official)
    return payments.approve_payment(application, actor=cast.decision_maker,
                                    version=payments.payment_version(application))


def test_a_payment_approved_after_the_period_of_use_goes_in_no_file_and_is_only_rejected(with_costs):
    cast = with_costs
    assert cast.project.call.appropriation_usable_until == date(2021, 12, 31)
    application = _approved_today(cast)
    assert payments.approved_after_period_of_use(cast.project, [application]) == {application.pk}
    assert unfiled_payments(None) == []
    assert payment_file.produce_payment_file(timezone.localdate(), actor=cast.decision_maker) is None
    assert not PaymentFile.objects.exists()

    assert payments.payment_steps(cast.official, cast.project, [application]) == {application.pk: {"reject"}}
    assert payments.payment_steps(cast.decision_maker, cast.project, [application]) == {application.pk: frozenset()}
    with pytest.raises(Conflict, match=r"approved on .*, after the grant's appropriation could be used \(until "
                                       r"31\.12\.2021.*Reject the application instead"):
        payments.record_payment(application, actor=cast.official, paid_on=timezone.localdate())
    application.refresh_from_db()
    assert application.status == PaymentApplication.Status.APPROVED and application.paid_on is None

    rejected = payments.reject_payment_application(application, actor=cast.official,
                                                   reasons="Määrärahan käyttöaika päättyi 31.12.2021.")
    assert rejected.status == PaymentApplication.Status.REJECTED
    assert AuditEntry.objects.filter(action="payments.rejected", target_id=str(application.pk)).exists()


def test_the_page_says_why_only_rejection_is_offered(with_costs):
    cast = with_costs
    application = _approved_today(cast)
    client = Client()
    client.force_login(cast.official)
    page = client.get(reverse("project", args=[cast.project.reference]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'id="past-period-{application.pk}"' in page
    assert "after the grant's appropriation could be used (until 31.12.2021)" in page
    assert 'name="action" value="reject"' in page and 'name="action" value="paid"' not in page


def test_a_payment_approved_within_the_period_of_use_is_filed_and_paid_as_before(with_costs):
    cast = with_costs
    application = approved_on(_approved_today(cast), date(2021, 12, 31))  # the period's last day, Finnish time
    assert payments.approved_after_period_of_use(cast.project, [application]) == set()
    assert unfiled_payments(None) == [application]
    assert payment_file.produce_payment_file(date(2021, 12, 31), actor=cast.decision_maker) is not None
    assert payments.payment_steps(cast.official, cast.project, [application]) == {application.pk: {"paid"}}
    paid = payments.record_payment(application, actor=cast.official, paid_on=date(2021, 12, 31))
    assert paid.status == PaymentApplication.Status.PAID


def test_an_appropriation_with_no_end_lets_today_s_approval_be_filed(with_costs):
    cast = with_costs
    appropriation_still_usable(cast.project.call)
    application = _approved_today(cast)
    assert payments.approved_after_period_of_use(cast.project, [application]) == set()
    made = payment_file.produce_payment_file(timezone.localdate(), actor=cast.decision_maker)
    assert made is not None and made.entries.get().application_id == application.pk



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
