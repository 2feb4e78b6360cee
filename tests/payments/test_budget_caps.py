"""No cost category or member is paid beyond its line of the approved budget times the aid rate (the 2020 decision
allows no deviation between them; a different split is a change request), in payments and in settlement."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from avustus.errors import Conflict
from avustus.payments import services as payments
from avustus.projects.models import ApprovedBudgetLine
from avustus.reports import services as reports
from avustus.reports.services import CostInput
from avustus.settlement import services as settlement
from tests.changes.conftest import previewed
from tests.payments.test_end_to_end import _pay, _report

pytestmark = pytest.mark.django_db


@pytest.fixture
def budgeted(cast):
    """The Kankaanpää project with an approved budget: the lead's staff 40 000,00 and the partner Honkajoki's
    consulting 20 000,00 (the 2020 round's applications came without one), and a confirmed account."""
    members = {m.position: m for m in cast.project.application.members.all()}
    categories = {c.code: c for c in cast.project.call.cost_categories.all()}
    for code, position, amount in (("cost-1", 0, "40000.00"), ("cost-4", 1, "20000.00")):
        ApprovedBudgetLine.objects.create(project=cast.project, category=categories[code], member=members[position],
                                          amount_vat_free=Decimal(amount))
    account = payments.register_account(cast.project, "FI21 1234 5600 0007 85", "Kankaanpään kaupunki",
                                        actor=cast.lead)
    payments.confirm_account(account, actor=cast.official, note="Tarkistettu kaupungin kirjaamosta.")
    return cast


def _accepted_report(cast, number, costs, day):
    report = _report(cast, number, costs, day)
    return reports.accept_report(report, actor=cast.official, version=reports.report_version(report))


def test_a_line_over_its_budget_is_paid_only_up_to_the_line_times_the_aid_rate(budgeted):
    project = budgeted.project
    _accepted_report(budgeted, 1, [CostInput("cost-1", 0, "50 000,00"), CostInput("cost-4", 1, "10 000,00")],
                     date(2020, 6, 26))
    assert reports.accepted_costs_to_date(project) == Decimal("60000.00")
    # 85 % of 40 000,00 (the lead's line, not its 50 000,00) and of Honkajoki's 10 000,00: 42 500,00, not 51 000,00.
    assert payments.payable(project) == Decimal("42500.00")
    application = payments.apply_for_payment(project, actor=budgeted.lead)
    assert (application.costs_to_date, application.amount_claimed) == (Decimal("60000.00"), Decimal("42500.00"))


def test_nothing_more_is_payable_on_a_full_line_and_the_refusal_names_it(budgeted):
    project = budgeted.project
    _accepted_report(budgeted, 1, [CostInput("cost-1", 0, "40 000,00")], date(2020, 6, 26))
    assert _pay(budgeted, date(2020, 7, 15)).amount_paid == Decimal("34000.00")
    # More staff costs of the lead, accepted: the line is full, nothing of them is payable.
    _accepted_report(budgeted, 2, [CostInput("cost-1", 0, "7 000,01")], date(2020, 10, 26))
    assert payments.payable(project) == Decimal("0.00")
    with pytest.raises(Conflict) as caught:
        payments.apply_for_payment(project, actor=budgeted.lead)
    message = str(caught.value)
    assert "Nothing is payable now" in message
    assert "henkilöstökustannukset, Kankaanpää" in message
    assert "47\u00a0000,01\u00a0€" in message and "40\u00a0000,00\u00a0€" in message  # accepted and the line
    assert "at most 34\u00a0000,00\u00a0€" in message  # the line times 85 %
    with translation.override("fi"), pytest.raises(Conflict) as in_finnish:
        payments.apply_for_payment(project, actor=budgeted.lead)
    assert "henkilöstökustannukset, Kankaanpää" in str(in_finnish.value)
    assert "enintään 34\u00a0000,00\u00a0€" in str(in_finnish.value)
    # The member by its Swedish name where the registry has one (a name made up for the test).
    lead = project.application.members.get(role="lead").organisation
    type(lead).objects.filter(pk=lead.pk).update(name_sv="Testnamn på svenska")
    with translation.override("sv"), pytest.raises(Conflict) as in_swedish:
        payments.apply_for_payment(project, actor=budgeted.lead)
    assert "högst 34\u00a0000,00\u00a0€" in str(in_swedish.value)
    assert "Testnamn på svenska" in str(in_swedish.value) and "Kankaanpää" not in str(in_swedish.value)


def test_an_amount_beyond_the_lines_is_not_accepted_approved_or_paid(budgeted):
    project = budgeted.project
    _accepted_report(budgeted, 1, [CostInput("cost-1", 0, "45 000,00")], date(2020, 6, 26))
    application = payments.apply_for_payment(project, actor=budgeted.lead)
    assert application.amount_claimed == Decimal("34000.00")
    # The database would let the official's amount through (it is within the claim); the service refuses more
    # than the lines allow, whatever the claim says (an application made before the budget changed, say).
    type(application).objects.filter(pk=application.pk).update(amount_claimed=Decimal("38250.00"))
    application.refresh_from_db()
    with pytest.raises(Conflict, match="henkilöstökustannukset, Kankaanpää.*at most 34"):
        payments.accept_payment_application(application, actor=budgeted.official)
    accepted = payments.accept_payment_application(application, actor=budgeted.official, amount="34 000,00",
                                                   reasons="Henkilöstökustannusten rivi täynnä.")
    assert accepted.amount_accepted == Decimal("34000.00")


def test_a_budget_move_by_an_amending_decision_raises_the_line(budgeted):
    from avustus.changes import services as changes

    project = budgeted.project
    _accepted_report(budgeted, 1, [CostInput("cost-1", 0, "45 000,00")], date(2020, 6, 26))
    assert payments.payable(project) == Decimal("34000.00")
    request = changes.submit_request(project, actor=budgeted.lead, kind="budget", reasons="Henkilöstöä tarvittiin.",
                                     moves=[changes.MoveInput("cost-4", 1, "cost-1", 0, "5 000,00")])
    request = changes.approve_request(request, actor=budgeted.official, version=request.version, reasons="Kyllä.")
    changes.confirm_request(request, actor=budgeted.second_official, version=request.version, confirmed=True,
                            decided_on=date(2020, 7, 1),
                            shown=previewed(request, budgeted.second_official, date(2020, 7, 1)))
    # The lead's line is now 45 000,00: all of its costs count.
    assert payments.payable(project) == Decimal("38250.00")


def test_settlement_counts_the_final_costs_within_the_lines(budgeted, storage):  # noqa: F811
    from tests.settlement.test_end_to_end import _final_accepted

    project = budgeted.project
    _accepted_report(budgeted, 1, [CostInput("cost-1", 0, "40 000,00")], date(2020, 6, 26))
    _pay(budgeted, date(2020, 7, 15))
    # The final report accepts 52 000,00 of the lead's staff costs: 12 000,00 beyond its line of 40 000,00.
    _final_accepted(budgeted, "52 000,00")
    snapshot, _digest = settlement.settlement_preview(project, actor=budgeted.official)
    assert snapshot["accepted_costs"] == "40000.00" and snapshot["final_grant"] == "34000.00"
    assert snapshot["last_instalment"] == "0.00" and snapshot["to_return"] == "0.00"
    assert len(snapshot["costs_beyond_budget"]) == 1
    line = snapshot["costs_beyond_budget"][0]
    assert (line["budget"], line["accepted"], line["counted"]) == ("40000.00", "52000.00", "40000.00")
    assert payments.payable(project) == Decimal("0.00")


def test_a_project_without_an_approved_budget_is_capped_by_the_grant_alone(cast):
    # The imported 2020 round's decision fixed grants, not budgets: no line caps anything.
    _accepted_report(cast, 1, [CostInput("cost-1", 0, "50 000,00")], date(2020, 6, 26))
    assert payments.payable(cast.project) == Decimal("42500.00")
