"""The project's page offers each payment and account step exactly to those whose post the service accepts.

For every person around the project and every state a payment application or an account passes through, the
buttons on the page are compared with what the service does when each step is tried (in a transaction rolled
back): a button shown is a step that succeeds, a step that succeeds has its button.
"""

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from avustus.payments import services as payments
from avustus.payments.models import BankAccount, PaymentApplication
from tests.payments.conftest import approved_on, with_costs  # noqa: F401 (a fixture)
from tests.projects.conftest import cast, person, small_round  # noqa: F401 (fixtures)
from tests.web.steps import page_as, succeeds

pytestmark = pytest.mark.django_db

IBAN = "FI21 1234 5600 0007 85"
OTHER_IBAN = "DE89 3704 0044 0532 0130 00"
PEOPLE = ("lead", "partner", "official", "second_official", "decision_maker")



def _offers(cast, row, steps, url: str) -> dict[str, set[str]]:
    """Who is offered which step on the row (a payment application or an account): the buttons of the forms
    posting to ``url`` on the project's page, each checked against what the service accepts."""
    offered = {}
    for name in PEOPLE:
        user = getattr(cast, name)
        page = page_as(user, reverse("project", args=[cast.project.reference]))
        forms = re.findall(rf'<form method="post" action="{re.escape(url)}">(.*?)</form>', page, re.S)
        shown = {action for form in forms for action in re.findall(r'name="action" value="(\w+)"', form)}
        accepted = {step for step, call in steps.items()
                    if succeeds(lambda call=call, user=user: call(type(row).objects.get(pk=row.pk), user))}
        assert shown == accepted, (name, row.status)
        offered[name] = shown
    return offered


PAYMENT_STEPS = {
    "accept": lambda a, user: payments.accept_payment_application(a, actor=user),
    "reject": lambda a, user: payments.reject_payment_application(a, actor=user, reasons="Kulut puuttuvat."),
    "approve": lambda a, user: payments.approve_payment(a, actor=user, version=payments.payment_version(a)),
    # Another day than the one recorded below: recording the same day again is a replay that changes nothing.
    "paid": lambda a, user: payments.record_payment(a, actor=user, paid_on=date(2020, 7, 16)),
}


def _payment_offers(cast, application: PaymentApplication) -> dict[str, set[str]]:
    return _offers(cast, application, PAYMENT_STEPS, reverse("handle-payment",
                                                             args=[cast.project.reference, application.pk]))


def test_each_payment_step_is_offered_to_exactly_those_the_service_lets_take_it(with_costs):
    cast = with_costs
    application = payments.apply_for_payment(cast.project, actor=cast.lead)
    officials_only = {"lead": set(), "partner": set(), "decision_maker": set()}
    assert _payment_offers(cast, application) == {
        **officials_only, "official": {"accept", "reject"}, "second_official": {"accept", "reject"}}

    application = payments.accept_payment_application(application, actor=cast.official)
    # Who accepted it may still reject it, not approve it; a decision-maker approves but does not reject.
    assert _payment_offers(cast, application) == {
        "lead": set(), "partner": set(), "official": {"reject"}, "second_official": {"approve", "reject"},
        "decision_maker": {"approve"}}

    application = payments.approve_payment(application, actor=cast.decision_maker,
                                           version=payments.payment_version(application))
    application = approved_on(application, date(2020, 7, 15))
    assert _payment_offers(cast, application) == {
        **officials_only, "official": {"paid"}, "second_official": {"paid"}}

    application = payments.record_payment(application, actor=cast.official, paid_on=date(2020, 7, 15))
    assert _payment_offers(cast, application) == {name: set() for name in PEOPLE}


def test_a_payment_is_not_offered_for_approval_without_an_account_to_pay_to(with_costs):
    cast = with_costs
    application = payments.accept_payment_application(payments.apply_for_payment(cast.project, actor=cast.lead),
                                                       actor=cast.official)
    BankAccount.objects.filter(project=cast.project).update(status=BankAccount.Status.SUPERSEDED)
    offered = _payment_offers(cast, application)
    assert offered["second_official"] == {"reject"} and offered["decision_maker"] == set()


ACCOUNT_STEPS = {
    "confirm": lambda a, user: payments.confirm_account(a, actor=user, note="Puhelu kirjaamoon."),
    "reject": lambda a, user: payments.reject_account(a, actor=user, reason="Ei hankkeen tili."),
}


def _account_offers(cast, account: BankAccount) -> dict[str, set[str]]:
    return _offers(cast, account, ACCOUNT_STEPS, reverse("handle-account", args=[cast.project.reference, account.pk]))


def test_an_account_is_offered_for_confirmation_to_a_second_person_only(cast):
    nobody = {"lead": set(), "partner": set(), "decision_maker": set()}
    first = payments.register_account(cast.project, IBAN, "Kankaanpää", actor=cast.lead)
    assert _account_offers(cast, first) == {
        **nobody, "official": {"confirm", "reject"}, "second_official": {"confirm", "reject"}}
    payments.confirm_account(first, actor=cast.official, note="Puhelu.")

    # A change of account: the official who confirmed it first is not offered the second confirmation.
    change = payments.register_account(cast.project, OTHER_IBAN, "Kankaanpää", actor=cast.lead)
    payments.confirm_account(change, actor=cast.official, note="Puhelu.")
    change.refresh_from_db()
    assert _account_offers(cast, change) == {
        **nobody, "official": {"reject"}, "second_official": {"confirm", "reject"}}
    page = Client()
    page.force_login(cast.official)
    assert "a second official confirms it" in page.get(reverse("project", args=[cast.project.reference]),
                                                        HTTP_ACCEPT_LANGUAGE="en").content.decode()

    payments.confirm_account(change, actor=cast.second_official, note="Toinen puhelu.")
    change.refresh_from_db()
    assert change.status == BankAccount.Status.ACTIVE
    assert _account_offers(cast, change) == {name: set() for name in PEOPLE}


def test_an_account_the_official_registered_is_confirmed_by_another(cast):
    account = payments.register_account(cast.project, IBAN, "Kankaanpää", actor=cast.official)
    offered = _account_offers(cast, account)
    assert offered["official"] == {"reject"} and offered["second_official"] == {"confirm", "reject"}


def test_an_account_is_confirmed_only_by_the_confirm_action_and_an_unknown_one_is_no_step(cast):
    """The account's form posts "confirm" or "reject": any other action (a typo, a forged or missing one) is a
    404 that confirms nothing, as the payment's unknown actions are, not a confirmation."""
    from avustus.audit.models import AuditEntry

    account = payments.register_account(cast.project, IBAN, "Kankaanpää", actor=cast.lead)
    client = Client()
    client.force_login(cast.official)
    url = reverse("handle-account", args=[cast.project.reference, account.pk])
    for action in ({"action": "confrim"}, {"action": ""}, {}):
        assert client.post(url, {**action, "note": "Puhelu kirjaamoon."}).status_code == 404
    account.refresh_from_db()
    assert account.status == BankAccount.Status.PENDING and account.first_confirmed_by_id is None
    assert not AuditEntry.objects.filter(action__startswith="payments.account_").exclude(
        action="payments.account_registered").exists()
    assert client.post(url, {"action": "confirm", "note": "Puhelu kirjaamoon."}).status_code == 302
    account.refresh_from_db()
    assert account.status == BankAccount.Status.ACTIVE and account.first_confirmed_by == cast.official
