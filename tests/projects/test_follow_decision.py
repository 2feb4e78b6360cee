"""A signed or imported decision's grants become funded projects, once."""

from datetime import date
from decimal import Decimal

from avustus.actors import SYSTEM
from avustus.audit.models import AuditEntry
from avustus.decisions.models import Decision, Outcome
from avustus.projects.models import FundedProject, ScheduleEntry
from avustus.projects.services import follow_decision


def test_the_2020_round_imported_gives_a_project_per_grant(round_2020):
    granted = Outcome.objects.filter(decision__call=round_2020, kind=Outcome.Kind.GRANTED)
    assert granted.count() == 27
    projects = FundedProject.objects.filter(call=round_2020)
    assert projects.count() == 27
    assert all(p.grant == p.outcome.amount_granted and p.outcome.kind == "granted" for p in projects)
    assert sum(p.grant for p in projects) == sum(o.amount_granted for o in granted)
    project = projects.first()
    assert project.decided_on == date(2020, 2, 26)
    assert project.aid_rate == Decimal("0.8500")
    assert project.instalments == 3
    # One entry on the decision names every project made, with its grant: the application's history shows it.
    (created,) = AuditEntry.objects.filter(action="projects.created")
    assert (created.target_type, created.target_id) == ("decisions.decision", str(project.first_decision_id))
    assert len(created.data["projects"]) == 27 and created.data["projects"][project.reference] == str(project.grant)
    assert created.data["reports_due"] == 6


def test_the_2020_schedule_is_every_four_months_moved_off_days_a_time_limit_cannot_end(round_2020):
    project = FundedProject.objects.filter(call=round_2020).first()
    rows = [(e.kind, e.number, e.due_on) for e in project.schedule.all()]
    assert rows == [
        ("interim", 1, date(2020, 6, 26)),
        ("interim", 2, date(2020, 10, 26)),
        ("interim", 3, date(2021, 2, 26)),
        ("interim", 4, date(2021, 6, 28)),  # 26.6.2021 was Midsummer Day, a Saturday
        ("interim", 5, date(2021, 10, 26)),
        ("final", 1, date(2021, 11, 30)),
    ]


def test_following_the_same_decision_again_changes_nothing(round_2020):
    decision = Decision.objects.get(call=round_2020)
    entries = AuditEntry.objects.count()
    follow_decision(decision, actor=SYSTEM)
    assert FundedProject.objects.filter(call=round_2020).count() == 27
    assert ScheduleEntry.objects.filter(project__call=round_2020).count() == 27 * 6
    assert AuditEntry.objects.count() == entries


def test_the_budget_as_applied_becomes_the_approved_budget_the_lead_holding_lines_without_a_member(small_round):
    from avustus.applications.models import BudgetLine
    from avustus.projects.services import eligible_budget
    from avustus.rules.payments import approved_cap

    call, applications = small_round
    call.final_report_due, call.reporting_interval_months = date(2027, 6, 30), 6
    call.save(update_fields=["final_report_due", "reporting_interval_months"])
    application = applications[0]  # 300 100,00 of staff costs, 150 050,00 applied
    hardware = call.cost_categories.get(code="hardware")
    BudgetLine.objects.create(application=application, category=hardware, amount_vat_free=Decimal("5000.00"),
                              vat=Decimal("1200.00"), position=9)
    decision = Decision.objects.create(call=call, status=Decision.Status.SIGNED, decided_on=date(2026, 3, 31))
    Outcome.objects.create(decision=decision, application=application, kind=Outcome.Kind.GRANTED,
                           amount_granted=Decimal("150000.00"))
    Outcome.objects.create(decision=decision, application=applications[1], kind=Outcome.Kind.REJECTED)
    (project,) = follow_decision(decision, actor=SYSTEM)
    lead = application.lead
    budget = {(line.category.code, line.member_id): (line.amount_vat_free, line.vat) for line in project.budget.all()}
    assert budget == {("staff", lead.pk): (Decimal("300100.00"), Decimal("0.00")),
                      ("hardware", lead.pk): (Decimal("5000.00"), Decimal("1200.00"))}
    # Only eligible categories count; the grant caps the aid rate of them when lower.
    assert eligible_budget(project) == Decimal("300100.00")
    assert approved_cap(project.grant, project.aid_rate, eligible_budget(project)) == Decimal("150000.00")
    # 30.9.2026 and 31.3.2027 (a day the month has), then the final report.
    assert [(e.kind, e.due_on) for e in project.schedule.all()] == [
        ("interim", date(2026, 9, 30)), ("interim", date(2027, 3, 31)), ("final", date(2027, 6, 30))]
    assert not FundedProject.objects.filter(application=applications[1]).exists()


def test_an_unsigned_decision_makes_no_project(small_round):
    call, applications = small_round
    decision = Decision.objects.create(call=call, decided_on=date(2026, 3, 31))
    Outcome.objects.create(decision=decision, application=applications[0], kind=Outcome.Kind.GRANTED,
                           amount_granted=Decimal("1000.00"))
    assert follow_decision(decision, actor=SYSTEM) == []
    assert not FundedProject.objects.exists()
