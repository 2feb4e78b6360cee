"""The funded project and the people around it (tests/projects/conftest.py), the project ready for a payment;
refusals read in English."""

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from avustus.payments import services as payments
from avustus.payments.models import PaymentApplication
from avustus.reports import services as reports
from avustus.reports.services import CostInput
from tests.projects.conftest import cast, person, small_round  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def _in_english(english):
    """The tests match refusals' English words; the site's default language is Finnish."""


@pytest.fixture
def with_costs(cast):
    """The project with its account confirmed and 10 000,00 of costs accepted (8 500,00 payable)."""
    return costs_accepted(cast)


def costs_accepted(cast):
    """``with_costs`` for a test that looks at the project before too (the dashboard's)."""
    account = payments.register_account(cast.project, "FI21 1234 5600 0007 85", "Kankaanpään kaupunki",
                                        actor=cast.lead)
    payments.confirm_account(account, actor=cast.official, note="Puhelu kirjaamoon.")
    report = reports.submit_report(cast.project, 1, actor=cast.lead, period_start=date(2020, 2, 26),
                                   period_end=date(2020, 6, 26), progress="Etenee.", objectives_stage="Alussa.",
                                   costs=[CostInput("cost-1", 0, "10000.00")], today=date(2020, 6, 26))
    reports.accept_report(report, actor=cast.official, version=reports.report_version(report))
    return cast


def approved_on(application: PaymentApplication, day: date) -> PaymentApplication:
    """The payment's approval dated ``day`` (at 9.00 Finnish time), as a payment of the 2020 round was approved
    then: ``approve_payment`` dates it now, and ``record_payment`` refuses a day paid before the approval."""
    approved_at = timezone.make_aware(datetime.combine(day, time(9)))
    PaymentApplication.objects.filter(pk=application.pk).update(approved_at=approved_at)
    application.refresh_from_db()
    return application


def appropriation_still_usable(call) -> None:
    """The 2020 round's appropriation could be used until 31.12.2021, and a payment approved after that is sent to
    no bank (``payments.services.approved_after_period_of_use``). Tests that approve a payment today and send it
    give the round's appropriation no end."""
    call.appropriation_usable_until = None
    call.save(update_fields=["appropriation_usable_until"])
