"""Officials set report dates; a later decision amends the grant; every change audited."""

from datetime import date
from decimal import Decimal

import pytest

from avustus.actors import SYSTEM
from avustus.audit.models import AuditEntry
from avustus.errors import Invalid, NotAllowed
from avustus.projects.models import FundedProject, ScheduleEntry
from avustus.projects.services import follow_decision, set_call_report_date, set_due_date


def test_an_official_sets_a_projects_date_with_reasons(cast):
    with pytest.raises(NotAllowed):
        set_due_date(cast.project, "interim", 1, date(2020, 7, 1), reason="Kesä.", actor=cast.lead)
    with pytest.raises(Invalid):
        set_due_date(cast.project, "interim", 1, date(2020, 7, 1), reason=" ", actor=cast.official)
    entry = set_due_date(cast.project, "interim", 1, date(2020, 7, 1), reason="Kesälomat.", actor=cast.official)
    assert (entry.due_on, entry.computed_due_on) == (date(2020, 7, 1), date(2020, 6, 26))
    assert AuditEntry.objects.get(action="project.due_date_set").data["before"] == "2020-06-26"


def test_a_date_announced_for_the_call_moves_every_project_not_set_by_hand(cast):
    set_due_date(cast.project, "interim", 2, date(2020, 11, 2), reason="Pyydetty.", actor=cast.official)
    changed = set_call_report_date(cast.project.call, "interim", 2, date(2020, 10, 30), reason="Ilmoitettu kirjeellä.",
                                   actor=cast.official)
    assert changed == 26
    dates = set(ScheduleEntry.objects.filter(kind="interim", number=2).values_list("due_on", flat=True))
    assert dates == {date(2020, 10, 30), date(2020, 11, 2)}


def test_a_later_decision_amends_the_grant_and_following_it_twice_changes_nothing(cast):
    from avustus.decisions.models import Decision, Outcome

    original = cast.project.first_decision
    later = Decision.objects.create(call=original.call, kind=Decision.Kind.AMENDING, amends=original,
                                    status=Decision.Status.SIGNED, decided_on=date(2020, 5, 4))
    Outcome.objects.create(decision=later, application=cast.project.application, kind=Outcome.Kind.GRANTED,
                           amount_granted=Decimal("120000.00"))
    follow_decision(later, actor=SYSTEM)
    follow_decision(later, actor=SYSTEM)
    project = FundedProject.objects.get(pk=cast.project.pk)
    assert project.grant == Decimal("120000.00") and project.decided_on == date(2020, 2, 26)
    assert AuditEntry.objects.filter(action="project.grant_amended").count() == 1
