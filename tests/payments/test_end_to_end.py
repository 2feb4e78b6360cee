"""A 2020 grant through three interim reports and two payments, by the services, to the cent."""

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from avustus.audit.chain import verify
from avustus.audit.models import AuditEntry
from avustus.errors import Conflict
from avustus.payments import services as payments
from avustus.reports import services as reports
from avustus.reports.services import CostInput, Rejection
from tests.payments.conftest import approved_on

# Each report's period starts the day after the previous one's ends (report 2 is filed again on 2.11.2020).
STARTS = {1: date(2020, 2, 26), 2: date(2020, 6, 27), 3: date(2020, 11, 3)}


def _report(cast, number, costs, today):
    return reports.submit_report(
        cast.project, number, actor=cast.lead, period_start=STARTS[number], period_end=today,
        progress=f"Raportti {number}: työ etenee.", objectives_stage="Tavoitteet puolivälissä.", costs=costs,
        today=today)


def _approve(cast, key, amount=None, reasons=""):
    """The next instalment applied for, accepted by an official and approved by the decision-maker (today)."""
    application = payments.apply_for_payment(cast.project, actor=cast.lead, idempotency_key=key)
    application = payments.accept_payment_application(application, actor=cast.official, amount=amount,
                                                      reasons=reasons)
    return payments.approve_payment(application, actor=cast.decision_maker,
                                    version=payments.payment_version(application))


def _pay(cast, paid_on, amount=None, reasons=""):
    application = _approve(cast, f"pay-{paid_on}", amount, reasons)
    return payments.record_payment(approved_on(application, paid_on), actor=cast.official, paid_on=paid_on)


@pytest.mark.django_db(transaction=False)
def test_three_interim_reports_and_two_payments_to_the_cent(cast):
    project = cast.project
    assert project.grant == Decimal("131700.00") and project.instalments == 3
    account = payments.register_account(project, "FI21 1234 5600 0007 85", "Kankaanpään kaupunki", actor=cast.lead)
    payments.confirm_account(account, actor=cast.official, note="Tarkistettu kaupungin kirjaamosta.")

    # Report 1: staff costs of the lead, consulting of a partner with VAT apart; a licence found ineligible.
    first = _report(cast, 1, [CostInput("cost-1", 0, "40 000,00"), CostInput("cost-4", 1, "12345,67", "2962,96")],
                    date(2020, 6, 26))
    assert not first.late
    licence = first.costs.get(category__code="cost-4")
    reports.accept_report(first, actor=cast.official, version=reports.report_version(first),
                          rejections=[Rejection(licence.pk, "1000.00", "Ohjelmistolisenssi, ei kehittämiseen.")])
    assert reports.accepted_costs_to_date(project) == Decimal("51345.67")

    # 85 % of 51 345,67 is 43 643,8195: paid 43 643,81.
    paid = _pay(cast, date(2020, 7, 15))
    assert paid.amount_paid == Decimal("43643.81")

    # Report 2, filed late, returned for completion, filed again, accepted.
    second = _report(cast, 2, [CostInput("cost-1", 0, "30000.00"), CostInput("cost-2", 1, "5000.01", "0")],
                     date(2020, 10, 28))
    assert second.late
    second = reports.return_report(second, actor=cast.official, version=reports.report_version(second),
                                   reasons="Kuvatkaa tavoitteiden vaihe tarkemmin.")
    second = _report(cast, 2, [CostInput("cost-1", 0, "30000.00"), CostInput("cost-2", 1, "5000.01", "0")],
                     date(2020, 11, 2))
    reports.accept_report(second, actor=cast.official, version=reports.report_version(second))
    assert reports.accepted_costs_to_date(project) == Decimal("86345.68")
    # 85 % of 86 345,68 is 73 393,828 → 73 393,82, less 43 643,81 paid: 29 750,01 claimed; 29 000,00 accepted.
    paid = _pay(cast, date(2020, 11, 20), amount="29 000,00", reasons="Matkakulujen tositteet puuttuvat.")
    assert (paid.amount_claimed, paid.amount_paid) == (Decimal("29750.01"), Decimal("29000.00"))

    # Report 3 brings the costs past the grant's cap: the entitlement is the grant.
    third = _report(cast, 3, [CostInput("cost-1", 0, "80000.00")], date(2021, 2, 26))
    reports.accept_report(third, actor=cast.official, version=reports.report_version(third))
    assert payments.payable(project) == Decimal("131700.00") - Decimal("72643.81")
    # The third instalment is the last: it waits for the final report.
    with pytest.raises(Conflict, match="final report"):
        payments.apply_for_payment(project, actor=cast.lead)

    assert payments.paid_total(project) == Decimal("72643.81")
    out = StringIO()
    call_command("project", project.reference, "--json", stdout=out)
    printed = json.loads(out.getvalue())
    assert (printed["grant"], printed["paid"]) == ("131700.00", "72643.81")
    actions = list(AuditEntry.objects.filter(application_reference=project.reference).values_list("action", flat=True))
    assert actions.count("payments.paid") == 2 and actions.count("report.accepted") == 3
    assert "report.returned" in actions and "report.resubmitted" in actions
    assert verify().ok
