"""A 2020 grant from decision to closure by the services: three interim reports, two payments, the final report
with the auditor's statement, settlement, and a return in two parts with interest to the cent."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import timezone

from avustus.actors import SYSTEM
from avustus.audit.chain import verify
from avustus.errors import Conflict, Invalid, NotAllowed
from avustus.payments import services as payments
from avustus.payments.models import PaymentApplication
from avustus.payments.payment_file import RECEIVABLE_PREFIX, reference_of
from avustus.reports import final
from avustus.reports import services as reports
from avustus.reports.services import CostInput
from avustus.rules.interest import round_half_up
from avustus.settlement import services as settlement
from avustus.settlement.models import Settlement
from avustus.settlement.receivables import produce_receivables_file
from tests.payments.test_end_to_end import _pay, _report
from tests.reports.test_final import attach_statement, file_final


def _through_two_payments(cast):
    """The grant of 131 700,00 (85 %), three interim reports accepted and two instalments paid: 72 643,81."""
    account = payments.register_account(cast.project, "FI21 1234 5600 0007 85", "Kankaanpään kaupunki",
                                        actor=cast.lead)
    payments.confirm_account(account, actor=cast.official, note="Tarkistettu kaupungin kirjaamosta.")
    for number, costs, day in [(1, "51 345,67", date(2020, 6, 26)), (2, "35 000,01", date(2020, 10, 26)),
                               (3, "80 000,00", date(2021, 2, 26))]:
        report = _report(cast, number, [CostInput("cost-1", 0, costs)], day)
        reports.accept_report(report, actor=cast.official, version=reports.report_version(report))
        if number == 1:
            assert _pay(cast, date(2020, 7, 15)).amount_paid == Decimal("43643.81")
        if number == 2:
            _pay(cast, date(2020, 11, 20), amount="29 000,00", reasons="Matkakulujen tositteet puuttuvat.")
    assert payments.paid_total(cast.project) == Decimal("72643.81")


def _final_accepted(cast, costs):
    report = file_final(cast, [CostInput("cost-1", 0, costs)])
    attach_statement(cast, report)
    report = final.accept_final_report(report, final.CONTENT, actor=cast.official,
                                       version=final.final_report_version(report))
    return final.accept_final_report(report, final.FINANCES, actor=cast.second_official,
                                     version=final.final_report_version(report))


def _settled(cast):
    snapshot, digest = settlement.settlement_preview(cast.project, actor=cast.official)
    made = settlement.settle(cast.project, actor=cast.official, version=digest)
    with pytest.raises(NotAllowed):
        settlement.approve_settlement(made, actor=cast.official, version=made.sha256)
    return settlement.approve_settlement(made, actor=cast.second_official, version=made.sha256)


def _by_hand(principal: str, paid_on: date, returned_on: date) -> Fraction:
    """Section 24 interest by hand: the reference rate was 0,00 % throughout 2020–2022, so 3 % a year, /365."""
    days = (returned_on - paid_on).days  # the day after the payment up to and including the day of return
    return Fraction(Decimal(principal)) * 3 * days / (100 * 365)


@pytest.mark.django_db
def test_a_grant_settled_with_a_return_in_two_parts_with_interest(cast, storage):
    _through_two_payments(cast)
    # The final report accepts 20 000,00 of costs in all: the final grant is 17 000,00, 55 643,81 to return.
    _final_accepted(cast, "20 000,00")
    with pytest.raises(Conflict, match="final report|payable|Nothing"):
        payments.apply_for_payment(cast.project, actor=cast.lead)
    snapshot, digest = settlement.settlement_preview(cast.project, actor=cast.official)
    with pytest.raises(Conflict):
        settlement.settle(cast.project, actor=cast.official, version="0" * 64)
    done = _settled(cast)
    assert (done.final_grant, done.last_instalment, done.to_return, done.left_unreturned) == (
        Decimal("17000.00"), Decimal("0.00"), Decimal("55643.81"), Decimal("0.00"))
    assert done.paid + done.last_instalment - done.to_return - done.left_unreturned == done.final_grant
    with pytest.raises(Conflict):
        settlement.settle(cast.project, actor=cast.official, version=digest)
    # The amount to return is a receivable in the day's receivables file, once.
    receivables = produce_receivables_file(timezone.localdate(), actor=SYSTEM)
    row = receivables.content.splitlines()[1].split(";")
    assert row[2] == "55643,81" and row[3] == reference_of(RECEIVABLE_PREFIX, done.pk) and row[4]
    assert produce_receivables_file(timezone.localdate(), actor=SYSTEM) is None

    # First part: 30 000,00 on 31.12.2021, from the payment of 20.11.2020 (29 000,00, the latest) and 1 000,00
    # of the payment of 15.7.2020.
    first = settlement.record_return(done, actor=cast.official, returned_on=date(2021, 12, 31), amount="30 000,00",
                                     version=settlement.returns_version(done))
    expected = round_half_up(_by_hand("29000", date(2020, 11, 20), date(2021, 12, 31))
                             + _by_hand("1000", date(2020, 7, 15), date(2021, 12, 31)))
    assert first.interest == expected == Decimal("1011.62")
    assert [(a["paid_on"], a["amount"]) for a in first.computation["attribution"]] == [
        ("2020-11-20", "29000.00"), ("2020-07-15", "1000.00")]
    # The rest, 25 643,81 on 31.1.2022, all from the payment of 15.7.2020.
    with pytest.raises(Invalid, match="more than is left to return"):
        settlement.record_return(done, actor=cast.official, returned_on=date(2022, 1, 31), amount="25 643,82",
                                 version=settlement.returns_version(done))
    second = settlement.record_return(done, actor=cast.official, returned_on=date(2022, 1, 31), amount="25643.81",
                                      version=settlement.returns_version(done))
    assert second.interest == round_half_up(_by_hand("25643.81", date(2020, 7, 15), date(2022, 1, 31))) \
        == Decimal("1190.86")
    assert settlement.returned_total(done) == done.to_return
    cast.project.refresh_from_db()
    assert cast.project.state == "closed"
    done.final_grant = Decimal("1.00")
    with pytest.raises(ValueError):
        done.save()
    assert verify().ok


@pytest.mark.django_db
def test_a_grant_settled_with_a_last_instalment(cast, storage):
    _through_two_payments(cast)
    _final_accepted(cast, "200 000,00")  # past the cap: the final grant is the grant
    done = _settled(cast)
    assert (done.final_grant, done.last_instalment, done.to_return) == (
        Decimal("131700.00"), Decimal("59056.19"), Decimal("0.00"))
    last = _pay(cast, date(2021, 12, 15))
    assert (last.number, last.amount_paid) == (3, done.last_instalment)
    assert payments.paid_total(cast.project) == done.final_grant
    assert PaymentApplication.objects.filter(project=cast.project).count() == 3
    assert done.status == Settlement.Status.APPROVED
    with pytest.raises(Invalid, match="left to return"):
        settlement.record_return(done, actor=cast.official, returned_on=date(2022, 1, 1), amount="1.00",
                                 version=settlement.returns_version(done))


def test_the_last_instalment_waits_for_the_settlement_s_approval(cast, storage):
    """The review against the decision found the last instalment paid on the final report alone, before the
    settlement's second person approved the final grant it pays."""
    _through_two_payments(cast)
    _final_accepted(cast, "200 000,00")
    refusal = "The last instalment is paid once the settlement of the grant, made from the final report, is approved."
    cast.project.refresh_from_db()
    assert payments.payment_application_refusal(cast.project) == refusal
    with pytest.raises(Conflict, match="once the settlement of the grant"):
        payments.apply_for_payment(cast.project, actor=cast.lead)
    snapshot, digest = settlement.settlement_preview(cast.project, actor=cast.official)
    prepared = settlement.settle(cast.project, actor=cast.official, version=digest)
    cast.project.refresh_from_db()
    assert payments.payment_application_refusal(cast.project) == refusal  # prepared, not yet approved
    settlement.approve_settlement(prepared, actor=cast.second_official, version=prepared.sha256)
    project = type(cast.project).objects.get(pk=cast.project.pk)  # the settlement read anew, as a page reads it
    assert payments.payment_application_refusal(project) is None
    assert payments.apply_for_payment(cast.project, actor=cast.lead).amount_claimed == Decimal("59056.19")
    assert PaymentApplication.objects.filter(project=cast.project, number=3).count() == 1


@pytest.mark.django_db
def test_not_settled_before_the_final_report_is_accepted(cast):
    with pytest.raises(Conflict, match="final report"):
        settlement.settlement_preview(cast.project, actor=cast.official)
    with pytest.raises(NotAllowed):
        settlement.settlement_preview(cast.project, actor=cast.lead)


@pytest.mark.django_db
def test_paying_the_last_instalment_closes_the_project_in_its_transaction(cast, storage):
    from avustus.audit.models import AuditEntry

    _through_two_payments(cast)
    _final_accepted(cast, "200 000,00")
    _settled(cast)
    cast.project.refresh_from_db()
    assert cast.project.state == "in_progress"  # approved, the last instalment not paid yet
    last = _pay(cast, date(2021, 12, 15))
    cast.project.refresh_from_db()
    assert cast.project.state == "closed"
    closed = AuditEntry.objects.get(action="project.closed")
    paid = AuditEntry.objects.filter(action="payments.paid").order_by("-pk").first()
    assert closed.pk > paid.pk and closed.data["project"] == cast.project.reference
    # Recording the same payment again changes nothing and closes nothing twice.
    payments.record_payment(last, actor=cast.official, paid_on=date(2021, 12, 15))
    assert AuditEntry.objects.filter(action="project.closed").count() == 1
    assert verify().ok


@pytest.mark.django_db
def test_a_receivable_is_what_is_left_to_return_when_the_file_is_made(cast, storage):
    from avustus.settlement.selectors import unfiled_receivables

    _through_two_payments(cast)
    _final_accepted(cast, "20 000,00")
    done = _settled(cast)  # 55 643,81 to return
    # A part returned (recorded before the day's file was made): the file lists what is left, as the page does.
    settlement.record_return(done, actor=cast.official, returned_on=date(2021, 12, 31), amount="50 000,00",
                             version=settlement.returns_version(done))
    assert [(s.pk, s.to_collect) for s in unfiled_receivables(None)] == [(done.pk, Decimal("5643.81"))]
    made = produce_receivables_file(timezone.localdate(), actor=SYSTEM)
    assert made.content.splitlines()[1].split(";")[2] == "5643,81"
    assert unfiled_receivables(None) == []


@pytest.mark.django_db
def test_a_settlement_returned_in_full_before_the_file_is_not_a_receivable(cast, storage):
    from avustus.settlement.selectors import unfiled_receivables

    _through_two_payments(cast)
    _final_accepted(cast, "20 000,00")
    done = _settled(cast)
    settlement.record_return(done, actor=cast.official, returned_on=date(2021, 12, 31), amount="55 643,81",
                             version=settlement.returns_version(done))
    assert unfiled_receivables(None) == []
    assert produce_receivables_file(timezone.localdate(), actor=SYSTEM) is None
    assert Settlement.objects.get(pk=done.pk).receivable_file is None
