"""Two people paying the same instalment at once pay it once (PostgreSQL: SQLite runs one writer at a time)."""

from datetime import date

import pytest
from django.db import transaction

from avustus.audit.models import AuditEntry
from avustus.payments import services as payments
from avustus.payments.models import PaymentApplication
from tests.payments.conftest import approved_on
from tests.races import in_thread, wait_until_blocked_or_done

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgresql_only")]


def test_two_approvers_at_once_approve_once_and_two_recordings_pay_once(with_costs):
    cast = with_costs
    application = payments.apply_for_payment(cast.project, actor=cast.lead)
    application = payments.accept_payment_application(application, actor=cast.official)
    version = payments.payment_version(application)
    result: dict = {}
    with transaction.atomic():
        payments.approve_payment(application, actor=cast.decision_maker, version=version)
        thread = in_thread(result, "approve", lambda: payments.approve_payment(application,
                                                                               actor=cast.second_official,
                                                                               version=version))
        wait_until_blocked_or_done(thread)
    thread.join()
    assert result["approve"][0] == "refused"
    approved_on(application, date(2020, 7, 1))

    with transaction.atomic():
        payments.record_payment(application, actor=cast.official, paid_on=date(2020, 7, 1))
        thread = in_thread(result, "pay", lambda: payments.record_payment(application, actor=cast.second_official,
                                                                          paid_on=date(2020, 7, 1)))
        wait_until_blocked_or_done(thread)
    thread.join()
    assert isinstance(result["pay"], PaymentApplication) and result["pay"].status == "paid"
    assert AuditEntry.objects.filter(action="payments.approved").count() == 1
    assert AuditEntry.objects.filter(action="payments.paid").count() == 1
    assert payments.paid_total(cast.project) == application.amount_claimed
