"""The project's page offers each payment and account step exactly to those whose post the service accepts.

For every person around the project and every state a payment application or an account passes through, the
buttons on the page are compared with what the service does when each step is tried (in a transaction rolled
back): a button shown is a step that succeeds, a step that succeeds has its button.
"""

import re
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse

from avustus.errors import DomainError
from avustus.payments import services as payments
from avustus.payments.models import BankAccount, PaymentApplication
from avustus.reports import services as reports
from avustus.reports.services import CostInput
from tests.projects.conftest import cast, person, small_round  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

IBAN = "FI21 1234 5600 0007 85"
OTHER_IBAN = "DE89 3704 0044 0532 0130 00"
PEOPLE = ("lead", "partner", "official", "second_official", "decision_maker")


class _RolledBack(Exception):
    pass


def _succeeds(step) -> bool:
    """Whether the service call succeeds; whatever it wrote is rolled back."""
    try:
        with transaction.atomic():
            step()
            raise _RolledBack
    except _RolledBack:
        return True
    except (DomainError, PermissionDenied, ValidationError):
        return False


def _buttons(user, project, url: str) -> set[str]:
    client = Client()
    client.force_login(user)
    page = client.get(reverse("project", args=[project.reference]))
    assert page.status_code == 200
    forms = re.findall(rf'<form method="post" action="{re.escape(url)}">(.*?)</form>', page.content.decode(), re.S)
    return {action for form in forms for action in re.findall(r'name="action" value="(\w+)"', form)}


PAYMENT_STEPS = {
    "accept": lambda a, user: payments.accept_payment_application(a, actor=user),
    "reject": lambda a, user: payments.reject_payment_application(a, actor=user, reasons="Kulut puuttuvat."),
    "approve": lambda a, user: payments.approve_payment(a, actor=user, version=payments.payment_version(a)),
    # Another day than the one recorded below: recording the same day again is a replay that changes nothing.
    "paid": lambda a, user: payments.record_payment(a, actor=user, paid_on=date(2020, 7, 16)),
}


def _payment_offers(cast, application) -> dict[str, set[str]]:
    """Who is offered which step on the application, each checked against what the service accepts."""
    url = reverse("handle-payment", args=[cast.project.reference, application.pk])
    offered = {}
    for name in PEOPLE:
        user = getattr(cast, name)
        shown = _buttons(user, cast.project, url)
        accepted = {step for step, call in PAYMENT_STEPS.items()
                    if _succeeds(lambda call=call, user=user: call(PaymentApplication.objects.get(pk=application.pk),
                                                                   user))}
        assert shown == accepted, (name, application.status)
        offered[name] = shown
    return offered


@pytest.fixture
def payable(cast):
    """The project with its account confirmed and 10 000,00 of costs accepted."""
    account = payments.register_account(cast.project, IBAN, "Kankaanpään kaupunki", actor=cast.lead)
    payments.confirm_account(account, actor=cast.official, note="Puhelu kirjaamoon.")
    report = reports.submit_report(cast.project, 1, actor=cast.lead, period_start=date(2020, 2, 26),
                                   period_end=date(2020, 6, 26), progress="Etenee.", objectives_stage="Alussa.",
                                   costs=[CostInput("cost-1", 0, "10000.00")], today=date(2020, 6, 26))
    reports.accept_report(report, actor=cast.official, version=reports.report_version(report))
    return cast


def test_each_payment_step_is_offered_to_exactly_those_the_service_lets_take_it(payable):
    cast = payable
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
    assert _payment_offers(cast, application) == {
        **officials_only, "official": {"paid"}, "second_official": {"paid"}}

    application = payments.record_payment(application, actor=cast.official, paid_on=date(2020, 7, 15))
    assert _payment_offers(cast, application) == {name: set() for name in PEOPLE}


def test_a_payment_is_not_offered_for_approval_without_an_account_to_pay_to(payable):
    cast = payable
    application = payments.accept_payment_application(payments.apply_for_payment(cast.project, actor=cast.lead),
                                                       actor=cast.official)
    BankAccount.objects.filter(project=cast.project).update(status=BankAccount.Status.SUPERSEDED)
    offered = _payment_offers(cast, application)
    assert offered["second_official"] == {"reject"} and offered["decision_maker"] == set()


ACCOUNT_STEPS = {
    "confirm": lambda a, user: payments.confirm_account(a, actor=user, note="Puhelu kirjaamoon."),
    "reject": lambda a, user: payments.reject_account(a, actor=user, reason="Ei hankkeen tili."),
}


def _account_offers(cast, account) -> dict[str, set[str]]:
    url = reverse("handle-account", args=[cast.project.reference, account.pk])
    offered = {}
    for name in PEOPLE:
        user = getattr(cast, name)
        shown = _buttons(user, cast.project, url)
        accepted = {step for step, call in ACCOUNT_STEPS.items()
                    if _succeeds(lambda call=call, user=user: call(BankAccount.objects.get(pk=account.pk), user))}
        assert shown == accepted, (name, account.status)
        offered[name] = shown
    return offered


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
