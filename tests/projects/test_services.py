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



def _schedule(project):
    return list(ScheduleEntry.objects.filter(project=project).order_by("pk")
                .values_list("kind", "number", "due_on", "override_reason"))


@pytest.mark.parametrize("kind, number, due_on, message", [
    ("interim", 1, date(2020, 2, 25), "No report is due before the decision on the grant, 26.2.2020."),
    ("final", 1, date(2019, 12, 31), "No report is due before the decision on the grant, 26.2.2020."),
    ("interim", 2, date(2021, 11, 30), "An interim report is due before the final report, which is due on 30.11.2021."),
    ("interim", 5, date(2022, 3, 1), "An interim report is due before the final report, which is due on 30.11.2021."),
    ("final", 1, date(2021, 10, 26),
     "The final report is due after the last interim report, interim report 5 due on 26.10.2021."),
])
def test_a_due_date_out_of_the_schedule_s_order_is_refused_and_nothing_changes(cast, english, kind, number, due_on,
                                                                               message):
    before = _schedule(cast.project)
    with pytest.raises(Invalid) as caught:
        set_due_date(cast.project, kind, number, due_on, reason="Sovittu.", actor=cast.official)
    assert caught.value.message_dict == {"due_on": [message]}
    assert _schedule(cast.project) == before
    assert not AuditEntry.objects.filter(action="project.due_date_set").exists()


def test_due_dates_within_the_order_are_set_and_checked_against_the_schedule_as_it_now_is(cast, english):
    # The decision's own day, and the day before the final report, are allowed for an interim report.
    assert set_due_date(cast.project, "interim", 1, date(2020, 2, 26), reason="Sovittu.",
                        actor=cast.official).due_on == date(2020, 2, 26)
    assert set_due_date(cast.project, "interim", 5, date(2021, 11, 29), reason="Sovittu.",
                        actor=cast.official).due_on == date(2021, 11, 29)
    # Interim report 5 moved: the final report may no longer be due on or before its new day.
    with pytest.raises(Invalid, match="interim report 5 due on 29.11.2021"):
        set_due_date(cast.project, "final", 1, date(2021, 11, 29), reason="Sovittu.", actor=cast.official)
    assert set_due_date(cast.project, "final", 1, date(2021, 11, 30), reason="Sovittu.",
                        actor=cast.official).due_on == date(2021, 11, 30)
    # The final report moved later: an interim report may follow it up to the day before.
    set_due_date(cast.project, "final", 1, date(2021, 12, 15), reason="Sovittu.", actor=cast.official)
    assert set_due_date(cast.project, "interim", 5, date(2021, 12, 14), reason="Sovittu.",
                        actor=cast.official).due_on == date(2021, 12, 14)


def test_a_date_announced_for_the_call_moves_every_project_not_set_by_hand(cast):
    set_due_date(cast.project, "interim", 2, date(2020, 11, 2), reason="Pyydetty.", actor=cast.official)
    changed = set_call_report_date(cast.project.call, "interim", 2, date(2020, 10, 30), reason="Ilmoitettu kirjeellä.",
                                   actor=cast.official)
    assert changed == 26
    dates = set(ScheduleEntry.objects.filter(kind="interim", number=2).values_list("due_on", flat=True))
    assert dates == {date(2020, 10, 30), date(2020, 11, 2)}



def test_a_date_announced_for_the_call_out_of_a_project_s_order_is_refused_and_nothing_changes(cast, english):
    from avustus.projects.models import CallReportDate

    call = cast.project.call
    before = list(ScheduleEntry.objects.filter(project__call=call).order_by("pk").values_list("due_on", flat=True))
    with pytest.raises(Invalid) as caught:
        set_call_report_date(call, "interim", 5, date(2021, 12, 1), reason="Ilmoitettu.", actor=cast.official)
    [message] = caught.value.message_dict["due_on"]
    assert message.startswith("In project ") and message.endswith(
        ": An interim report is due before the final report, which is due on 30.11.2021.")
    with pytest.raises(Invalid, match="before the decision on the grant, 26.2.2020"):
        set_call_report_date(call, "final", 1, date(2020, 1, 31), reason="Ilmoitettu.", actor=cast.official)
    assert list(ScheduleEntry.objects.filter(project__call=call).order_by("pk").values_list("due_on", flat=True)) \
        == before
    assert not CallReportDate.objects.exists()
    assert not AuditEntry.objects.filter(action="call.report_date_set").exists()
    # Only the projects the date moves and still in progress are checked: the others' report 5 set by hand but
    # one, whose project was cancelled, and this one's final report later.
    from avustus.projects.models import FundedProject

    cancelled = (ScheduleEntry.objects.filter(project__call=call, kind="interim", number=5)
                 .exclude(project=cast.project).values_list("project", flat=True).first())
    (ScheduleEntry.objects.filter(project__call=call, kind="interim", number=5).exclude(project=cast.project)
     .exclude(project=cancelled).update(override_reason="Sovittu erikseen."))
    FundedProject.objects.filter(pk=cancelled).update(state=FundedProject.State.CANCELLED)
    set_due_date(cast.project, "final", 1, date(2021, 12, 31), reason="Pidennetty.", actor=cast.official)
    assert set_call_report_date(call, "interim", 5, date(2021, 12, 1), reason="Ilmoitettu.", actor=cast.official) == 2
    assert cast.project.schedule.get(kind="interim", number=5).due_on == date(2021, 12, 1)


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


def test_a_project_decided_after_a_date_announced_for_the_call_keeps_its_own_date(cast):
    """A date announced for the call is every project's (``set_call_report_date``), but one decided after that day
    would then have a report due before its decision: that report keeps its own date; the others follow."""
    from avustus.projects.services import _schedule

    call = cast.project.call
    set_call_report_date(call, "interim", 1, date(2020, 7, 1), reason="Ilmoitettu.", actor=cast.official)
    set_call_report_date(call, "interim", 2, date(2020, 11, 2), reason="Ilmoitettu.", actor=cast.official)
    early = {(d.kind, d.number): d.due_on for d in _schedule(call, date(2020, 2, 26))}
    assert early[("interim", 1)] == date(2020, 7, 1) and early[("interim", 2)] == date(2020, 11, 2)
    late = {(d.kind, d.number): (d.computed_due_on, d.due_on) for d in _schedule(call, date(2020, 8, 3))}
    computed, due = late[("interim", 1)]
    assert due == computed != date(2020, 7, 1) and computed > date(2020, 8, 3)
    # Its second report would then fall before its first: it keeps its own date too.
    assert late[("interim", 2)][1] == late[("interim", 2)][0] > due
