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


def test_a_payment_file_made_while_a_section_21_decision_is_signed_leaves_its_payment_out(cast):
    """The file locks the projects of the payments it lists before it reads whether their payment is stopped: the
    decision is signed under the project's lock, so the file waits for it and sees it (the review's race)."""
    from django.utils import timezone

    from avustus.payments.payment_file import produce_payment_file
    from avustus.settlement import recovery as service
    from avustus.settlement.rates import ensure_shipped_rates
    from tests.settlement.test_payment_after_recovery import _approved_second

    ensure_shipped_rates()  # a transactional test's database was emptied by the one before
    approved = _approved_second(cast)
    on, decided_on, due = date(2020, 9, 1), date(2020, 10, 1), date(2020, 12, 1)
    started = service.start_recovery(cast.project, actor=cast.official, section=21, subsection=1, amount="10 000,00",
                                     reasons="Avustus käytettiin muuhun tarkoitukseen.", known_on=date(2020, 8, 28),
                                     deadline=date(2020, 9, 15), on=on, version=service.cases_version(cast.project))
    _snapshot, digest = service.recovery_preview(started, actor=cast.official, due_on=due, on=decided_on)
    prepared = service.prepare_recovery(started, actor=cast.official, due_on=due, version=digest, on=decided_on)
    result: dict = {}
    with transaction.atomic():
        service.sign_recovery(prepared, actor=cast.second_official, version=prepared.sha256, on=decided_on)
        thread = in_thread(result, "file", lambda: produce_payment_file(timezone.localdate(),
                                                                        actor=cast.decision_maker))
        wait_until_blocked_or_done(thread)
    thread.join()
    assert result["file"] is None
    approved.refresh_from_db()
    assert not hasattr(approved, "file_entry") and approved.status == PaymentApplication.Status.APPROVED
