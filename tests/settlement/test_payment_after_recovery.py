"""A decided recovery under section 21 stops the payment of the grant (``payments.services.payment_stopped``).

Act 688/2001 section 21(1) (takaisinperintävelvollisuus): "Valtionapuviranomaisen on päätöksellään määrättävä
valtionavustuksen maksaminen lopetettavaksi ja jo maksettu valtionavustus takaisin perittäväksi, jos ..." (the
authority *shall* order the payment of the grant stopped and what was paid recovered). rules/recovery.py calls
section 21 "mandatory recovery". Applying for, accepting and approving a payment are refused once such a
decision is signed, and an approved payment is no longer put in a payment file. Recording the day paid is refused
too, unless a payment file sent before the decision listed the payment (the bank may have paid it; the record
says what it did). A recovery under section 22 leaves the payments to the decision's own terms.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from avustus.errors import Conflict
from avustus.payments import services as payments
from avustus.payments.models import PaymentApplication
from avustus.payments.payment_file import produce_payment_file
from avustus.reports import services as reports
from avustus.reports.services import CostInput
from avustus.settlement import recovery as service
from avustus.settlement.selectors import unfiled_payments
from tests.payments.conftest import appropriation_still_usable, approved_on
from tests.payments.test_end_to_end import _report
from tests.payments.test_payment_file import _paid

pytestmark = pytest.mark.django_db

STOPPED = "stopped by a recovery decision"


def _paid_once(cast):
    """Instalment 1: costs 51 345,67 accepted, 85 % = 43 643,8195 -> 43 643,81 paid on 15.7.2020."""
    assert _paid(cast).amount_paid == Decimal("43643.81")


def _second_report_accepted(cast):
    """Report 2 accepts 35 000,01 more: 85 % x 86 345,68 = 73 393,828 -> 73 393,82, less 43 643,81 paid."""
    second = _report(cast, 2, [CostInput("cost-1", 0, "35 000,01")], date(2020, 10, 26))
    reports.accept_report(second, actor=cast.official, version=reports.report_version(second))
    assert payments.payable(cast.project) == Decimal("29750.01")


def _recovery_decided(cast, section: int):
    """A recovery of 10 000,00 on a ground of ``section``, heard from 1.9.2020 and decided on 1.10.2020."""
    on = date(2020, 9, 1)
    recovery = service.start_recovery(cast.project, actor=cast.official, section=section, subsection=1,
                                      amount="10 000,00",
                                      reasons="Avustus käytettiin olennaisesti muuhun tarkoitukseen.",
                                      known_on=date(2020, 8, 28), deadline=on + timedelta(days=14), on=on,
                                      version=service.cases_version(cast.project))
    decided_on, due = date(2020, 10, 1), date(2020, 12, 1)
    _snapshot, digest = service.recovery_preview(recovery, actor=cast.official, due_on=due, on=decided_on)
    prepared = service.prepare_recovery(recovery, actor=cast.official, due_on=due, version=digest, on=decided_on)
    service.sign_recovery(prepared, actor=cast.second_official, version=prepared.sha256, on=decided_on)


def test_no_instalment_is_applied_for_after_a_section_21_recovery_decision(cast):
    """29 750,01 would be payable, but section 21(1) orders the payment stopped: the application is refused and
    nothing is stored."""
    _paid_once(cast)
    _recovery_decided(cast, 21)
    _second_report_accepted(cast)
    with pytest.raises(Conflict, match=STOPPED):
        payments.apply_for_payment(cast.project, actor=cast.lead)
    assert cast.project.payment_applications.count() == 1


def test_an_instalment_accepted_before_the_decision_is_not_approved_after_it(cast):
    _paid_once(cast)
    _second_report_accepted(cast)
    application = payments.apply_for_payment(cast.project, actor=cast.lead, idempotency_key="second")
    application = payments.accept_payment_application(application, actor=cast.official)
    _recovery_decided(cast, 21)
    with pytest.raises(Conflict, match=STOPPED):
        payments.approve_payment(application, actor=cast.decision_maker, version=payments.payment_version(application))
    application.refresh_from_db()
    assert application.status == application.Status.ACCEPTED and application.approved_by is None


def test_a_section_22_recovery_leaves_the_payments_to_go_on(cast):
    _paid_once(cast)
    _recovery_decided(cast, 22)
    _second_report_accepted(cast)
    assert payments.apply_for_payment(cast.project, actor=cast.lead).number == 2


def test_an_instalment_applied_for_before_the_decision_is_not_accepted_after_it(cast):
    _paid_once(cast)
    _second_report_accepted(cast)
    application = payments.apply_for_payment(cast.project, actor=cast.lead, idempotency_key="second")
    _recovery_decided(cast, 21)
    with pytest.raises(Conflict, match=STOPPED):
        payments.accept_payment_application(application, actor=cast.official)
    application.refresh_from_db()
    assert application.status == application.Status.SUBMITTED and application.accepted_by is None


def _approved_second(cast):
    _paid_once(cast)
    _second_report_accepted(cast)
    application = payments.apply_for_payment(cast.project, actor=cast.lead, idempotency_key="second")
    application = payments.accept_payment_application(application, actor=cast.official)
    return payments.approve_payment(application, actor=cast.decision_maker,
                                    version=payments.payment_version(application))


def test_an_approved_instalment_not_yet_sent_is_not_sent_nor_paid_after_the_decision(cast):
    appropriation_still_usable(cast.project.call)  # approved today: only the stop keeps it from the file
    approved = _approved_second(cast)
    assert approved in unfiled_payments(None)
    _recovery_decided(cast, 21)
    assert approved not in unfiled_payments(None)
    assert produce_payment_file(timezone.localdate(), actor=cast.decision_maker) is None
    with pytest.raises(Conflict, match="before this payment was sent in a payment file"):
        payments.record_payment(approved, actor=cast.official, paid_on=timezone.localdate())
    approved.refresh_from_db()
    assert approved.status == approved.Status.APPROVED and approved.paid_on is None
    # What is left to do with it is to reject it, and only that is offered.
    project = cast.project
    assert payments.payment_steps(cast.official, project, [approved])[approved.pk] == {"reject"}
    assert payments.payment_steps(cast.lead, project, [approved])[approved.pk] == frozenset()
    rejected = payments.reject_payment_application(approved, actor=cast.official,
                                                   reasons="Maksaminen lopetettiin takaisinperintäpäätöksellä.")
    assert rejected.status == rejected.Status.REJECTED


def test_an_instalment_sent_before_the_decision_is_recorded_as_the_bank_paid_it(cast):
    approved = approved_on(_approved_second(cast), date(2020, 9, 30))
    made = produce_payment_file(date(2020, 9, 30), actor=cast.decision_maker)
    assert made is not None and f"{cast.project.reference};{approved.pk}/2" in made.content
    _recovery_decided(cast, 21)
    assert payments.payment_steps(cast.official, cast.project, [approved])[approved.pk] == {"paid"}
    with pytest.raises(Conflict, match="no longer be rejected"):  # the bank has it: it is recorded, not rejected
        payments.reject_payment_application(approved, actor=cast.official, reasons="Ei.")
    paid = payments.record_payment(approved, actor=cast.official, paid_on=date(2020, 10, 2))
    assert paid.status == paid.Status.PAID and paid.amount_paid == Decimal("29750.01")


def test_what_is_left_of_each_application_after_the_stop_is_offered_on_the_page(cast):
    """An application applied for or accepted before the decision can still be rejected, and only that: without the
    offer it would wait for good (the review found it stranded)."""
    _paid_once(cast)
    _second_report_accepted(cast)
    application = payments.apply_for_payment(cast.project, actor=cast.lead, idempotency_key="second")
    _recovery_decided(cast, 21)
    assert payments.payment_steps(cast.official, cast.project, [application])[application.pk] == {"reject"}
    accepted = PaymentApplication.objects.filter(pk=application.pk)
    accepted.update(status=PaymentApplication.Status.ACCEPTED)
    application.refresh_from_db()
    assert payments.payment_steps(cast.official, cast.project, [application])[application.pk] == {"reject"}
    assert payments.payment_steps(cast.decision_maker, cast.project, [application])[application.pk] == frozenset()
    rejected = payments.reject_payment_application(application, actor=cast.official, reasons="Maksaminen lopetettu.")
    assert rejected.status == PaymentApplication.Status.REJECTED
    assert payments.payment_steps(cast.official, cast.project, [rejected])[rejected.pk] == frozenset()
