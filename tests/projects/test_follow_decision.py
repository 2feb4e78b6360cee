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
    assert AuditEntry.objects.filter(action="project.created", application_reference=project.reference).count() == 1


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
