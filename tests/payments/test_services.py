"""Payments: who may do what, four eyes, an account change by two officials, nothing paid twice, all audited."""

from datetime import date
from decimal import Decimal

import pytest

from avustus.actors import SYSTEM
from avustus.audit.models import AuditEntry
from avustus.errors import Conflict, Invalid, NotAllowed
from avustus.payments import services as payments
from avustus.payments.models import BankAccount, PaymentApplication
from avustus.projects.services import allow_extra_instalment
from tests.payments.conftest import approved_on

IBAN = "FI21 1234 5600 0007 85"
OTHER_IBAN = "DE89 3704 0044 0532 0130 00"


def _accepted(cast):
    application = payments.apply_for_payment(cast.project, actor=cast.lead)
    return payments.accept_payment_application(application, actor=cast.official)


def test_an_invalid_iban_is_refused_and_nothing_stored(cast):
    with pytest.raises(Invalid) as caught:
        payments.register_account(cast.project, "FI21 1234 5600 0007 86", "Kankaanpää", actor=cast.lead)
    assert "check digits" in str(caught.value.args[0]["iban"][0])
    assert not BankAccount.objects.exists()


def test_only_the_lead_or_an_official_registers_the_account(cast):
    for someone in (cast.partner, cast.outsider):
        with pytest.raises(NotAllowed):
            payments.register_account(cast.project, IBAN, "Kankaanpää", actor=someone)
    account = payments.register_account(cast.project, IBAN, "Kankaanpää", actor=cast.official)
    assert account.status == BankAccount.Status.PENDING
    with pytest.raises(NotAllowed):  # who registered it does not confirm it
        payments.confirm_account(account, actor=cast.official, note="Itse.")


def test_a_change_of_account_takes_two_different_officials(cast):
    first = payments.register_account(cast.project, IBAN, "Kankaanpää", actor=cast.lead)
    with pytest.raises(NotAllowed):
        payments.confirm_account(first, actor=cast.lead, note="Minä.")
    payments.confirm_account(first, actor=cast.official, note="Puhelu.")
    first.refresh_from_db()
    assert first.status == BankAccount.Status.ACTIVE

    change = payments.register_account(cast.project, OTHER_IBAN, "Kankaanpää", actor=cast.lead)
    assert change.is_change
    with pytest.raises(Conflict):  # one pending at a time
        payments.register_account(cast.project, IBAN, "Kankaanpää", actor=cast.lead)
    change = payments.confirm_account(change, actor=cast.official, note="Puhelu tunnettuun numeroon.")
    assert change.status == BankAccount.Status.PENDING  # still the old account in use
    assert payments.active_account(cast.project).pk == first.pk
    with pytest.raises(NotAllowed):
        payments.confirm_account(change, actor=cast.official, note="Uudestaan.")
    with pytest.raises(NotAllowed):
        payments.confirm_account(change, actor=SYSTEM, note="Kone.")
    change = payments.confirm_account(change, actor=cast.second_official, note="Toinen tarkistus.")
    assert change.status == BankAccount.Status.ACTIVE
    first.refresh_from_db()
    assert first.status == BankAccount.Status.SUPERSEDED
    actions = list(AuditEntry.objects.filter(target_type="payments.bankaccount").values_list("action", flat=True))
    assert actions == ["payments.account_registered", "payments.account_confirmed", "payments.account_registered",
                       "payments.account_first_confirmation", "payments.account_confirmed"]


def test_the_payable_amount_is_the_aid_rate_of_accepted_costs(with_costs):
    application = payments.apply_for_payment(with_costs.project, actor=with_costs.lead)
    assert (application.costs_to_date, application.amount_claimed) == (Decimal("10000.00"), Decimal("8500.00"))


def test_only_the_lead_applies_and_only_officials_accept(with_costs):
    for someone in (with_costs.partner, with_costs.outsider, with_costs.official):
        with pytest.raises(NotAllowed):
            payments.apply_for_payment(with_costs.project, actor=someone)
    application = payments.apply_for_payment(with_costs.project, actor=with_costs.lead)
    with pytest.raises(NotAllowed):
        payments.accept_payment_application(application, actor=with_costs.lead)


def test_a_lower_amount_needs_reasons_and_more_than_claimed_is_refused(with_costs):
    application = payments.apply_for_payment(with_costs.project, actor=with_costs.lead)
    with pytest.raises(Invalid):
        payments.accept_payment_application(application, actor=with_costs.official, amount="8000.00")
    with pytest.raises(Invalid):
        payments.accept_payment_application(application, actor=with_costs.official, amount="8500.01",
                                            reasons="Enemmän.")
    application.refresh_from_db()
    assert application.status == PaymentApplication.Status.SUBMITTED and application.amount_accepted is None


def test_four_eyes_on_the_payment(with_costs):
    application = _accepted(with_costs)
    version = payments.payment_version(application)
    for someone in (with_costs.official, SYSTEM, with_costs.lead):
        with pytest.raises(NotAllowed):
            payments.approve_payment(application, actor=someone, version=version)
    approved = payments.approve_payment(application, actor=with_costs.second_official, version=version)
    assert approved.status == PaymentApplication.Status.APPROVED and approved.account.iban == "FI2112345600000785"


def test_an_approval_is_refused_when_the_account_changed_after_it_was_shown(with_costs):
    application = _accepted(with_costs)
    shown = payments.payment_version(application)
    change = payments.register_account(with_costs.project, OTHER_IBAN, "Kankaanpää", actor=with_costs.lead)
    payments.confirm_account(change, actor=with_costs.official, note="Puhelu.")
    payments.confirm_account(change, actor=with_costs.second_official, note="Toinen.")
    with pytest.raises(Conflict, match="changed"):
        payments.approve_payment(application, actor=with_costs.decision_maker, version=shown)


def test_nothing_is_paid_twice(with_costs):
    application = _accepted(with_costs)
    application = payments.approve_payment(application, actor=with_costs.decision_maker,
                                           version=payments.payment_version(application))
    application = approved_on(application, date(2020, 7, 1))
    first = payments.record_payment(application, actor=with_costs.official, paid_on=date(2020, 7, 1))
    again = payments.record_payment(application, actor=with_costs.official, paid_on=date(2020, 7, 1))
    assert again.pk == first.pk and payments.paid_total(with_costs.project) == Decimal("8500.00")
    with pytest.raises(Conflict):
        payments.record_payment(application, actor=with_costs.official, paid_on=date(2020, 7, 2))
    assert AuditEntry.objects.filter(action="payments.paid").count() == 1
    # The accepted costs have been paid: nothing more to apply for.
    with pytest.raises(Conflict, match="Nothing is payable"):
        payments.apply_for_payment(with_costs.project, actor=with_costs.lead)


def test_a_payment_dated_after_today_is_refused_and_nothing_is_kept(with_costs):
    """The day paid is a day that has come: it starts the section 24 interest and section 29's ten years. A call
    with no period of use (whose end refused a future day by chance for the 2020 round) shows it."""
    from datetime import timedelta

    from django.utils import timezone

    call = with_costs.project.call
    call.appropriation_usable_until = None
    call.save(update_fields=["appropriation_usable_until"])
    application = _accepted(with_costs)
    application = payments.approve_payment(application, actor=with_costs.decision_maker,
                                           version=payments.payment_version(application))
    with pytest.raises(Invalid, match="future") as refused:
        payments.record_payment(application, actor=with_costs.official,
                                paid_on=timezone.localdate() + timedelta(days=1))
    assert set(refused.value.message_dict) == {"paid_on"}
    application.refresh_from_db()
    assert application.status == PaymentApplication.Status.APPROVED and application.paid_on is None
    assert not AuditEntry.objects.filter(action="payments.paid").exists()
    assert payments.record_payment(application, actor=with_costs.official, paid_on=timezone.localdate()).paid_on \
        == timezone.localdate()


def test_a_day_paid_before_the_approval_is_refused_and_nothing_is_kept(with_costs):
    """A payment is made after its approval: 1.1.2001 (before the 2020 decision) or the day before the approval is
    a typing error, refused on its field, and would otherwise stand in the messages and the settlement decision.
    The approval's day is its Finnish one: 22.30 UTC on 14.7.2020 is 1.30 on 15.7.2020 in Helsinki."""
    from datetime import UTC, datetime

    application = _accepted(with_costs)
    application = payments.approve_payment(application, actor=with_costs.decision_maker,
                                           version=payments.payment_version(application))
    PaymentApplication.objects.filter(pk=application.pk).update(approved_at=datetime(2020, 7, 14, 22, 30, tzinfo=UTC))
    for day in (date(2001, 1, 1), date(2020, 7, 14)):
        with pytest.raises(Invalid) as refused:
            payments.record_payment(application, actor=with_costs.official, paid_on=day)
        assert refused.value.message_dict == {"paid_on": [
            "The payment was approved on 15.7.2020; the day paid cannot be before it. Check the date."]}
    application.refresh_from_db()
    assert application.status == PaymentApplication.Status.APPROVED and application.paid_on is None
    assert application.amount_paid is None and payments.paid_total(with_costs.project) == Decimal(0)
    assert not AuditEntry.objects.filter(action="payments.paid").exists()
    # The day of the approval itself is a day it may have been paid.
    paid = payments.record_payment(application, actor=with_costs.official, paid_on=date(2020, 7, 15))
    assert (paid.status, paid.paid_on) == (PaymentApplication.Status.PAID, date(2020, 7, 15))


def test_a_repeated_application_returns_the_first_and_an_open_one_blocks_another(with_costs):
    first = payments.apply_for_payment(with_costs.project, actor=with_costs.lead, idempotency_key="k1")
    again = payments.apply_for_payment(with_costs.project, actor=with_costs.lead, idempotency_key="k1")
    assert again.pk == first.pk
    with pytest.raises(Conflict, match="still being handled"):
        payments.apply_for_payment(with_costs.project, actor=with_costs.lead, idempotency_key="k2")
    assert PaymentApplication.objects.count() == 1


def test_a_rejected_application_frees_its_instalment(with_costs):
    application = payments.apply_for_payment(with_costs.project, actor=with_costs.lead)
    with pytest.raises(Invalid):
        payments.reject_payment_application(application, actor=with_costs.official, reasons=" ")
    payments.reject_payment_application(application, actor=with_costs.official, reasons="Tositteet puuttuvat.")
    again = payments.apply_for_payment(with_costs.project, actor=with_costs.lead)
    assert again.number == 1


def test_the_last_instalment_waits_unless_an_official_allows_another(with_costs):
    project = with_costs.project
    project.call.instalments = 1
    project.call.save(update_fields=["instalments"])
    project.refresh_from_db()
    with pytest.raises(Conflict, match="final report"):
        payments.apply_for_payment(project, actor=with_costs.lead)
    with pytest.raises(NotAllowed):
        allow_extra_instalment(project, reason="Pitkä hanke.", actor=with_costs.lead, shown=project.extra_instalments)
    with pytest.raises(Invalid):
        allow_extra_instalment(project, reason="", actor=with_costs.official, shown=project.extra_instalments)
    allow_extra_instalment(project, reason="Pitkä hanke.", actor=with_costs.official, shown=0)
    # The same form again names the page before the first: refused, one instalment more and not two.
    with pytest.raises(Conflict, match="after you opened the page"):
        allow_extra_instalment(project, reason="Pitkä hanke.", actor=with_costs.official, shown=0)
    project.refresh_from_db()
    assert project.instalments == 2
    assert payments.apply_for_payment(project, actor=with_costs.lead).number == 1


def test_no_account_is_registered_on_a_project_no_longer_in_progress(cast):
    """Nothing more is paid on it: an account would only be work for two officials to confirm (security test)."""
    from django.test import Client
    from django.urls import reverse

    from avustus.projects.models import FundedProject

    pending = payments.register_account(cast.project, IBAN, "Kankaanpää", actor=cast.lead)
    FundedProject.objects.filter(pk=cast.project.pk).update(state=FundedProject.State.CLOSED)
    cast.project.refresh_from_db()
    with pytest.raises(Conflict, match="not in progress"):
        payments.register_account(cast.project, OTHER_IBAN, "Kankaanpää", actor=cast.lead)
    assert list(BankAccount.objects.all()) == [pending]
    # One registered before the project closed is not confirmed either, only rejected.
    assert payments.account_steps(cast.official, cast.project, [pending])[pending.pk] == {"reject"}
    with pytest.raises(Conflict, match="not in progress"):
        payments.confirm_account(pending, actor=cast.official, note="Tarkistettu.")
    pending.refresh_from_db()
    assert pending.status == BankAccount.Status.PENDING
    payments.reject_account(pending, actor=cast.official, reason="Hanke on päättynyt.")
    BankAccount.objects.all().delete()
    client = Client()
    client.force_login(cast.lead)
    page = client.get(reverse("project-account", args=[cast.project.reference])).content.decode()
    assert "Hanke ei ole käynnissä." in page and 'name="iban"' not in page
