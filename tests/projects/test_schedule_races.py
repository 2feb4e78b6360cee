"""A date announced for the whole call and a date moved by hand on one of its projects at the same moment: the
call-wide step locks the projects it moves before it checks their schedules, so it sees the date moved by hand
(or the hand waits for it) and the two together never break a project's order (PostgreSQL row locks)."""

from datetime import date, timedelta

import pytest
from django.db import transaction

from avustus.errors import Invalid
from avustus.projects.models import ScheduleEntry
from avustus.projects.services import set_call_report_date, set_due_date
from tests.races import in_thread, wait_until_blocked_or_done

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgresql_only")]


def _only_this_project_moves(cast) -> date:
    """The call's other projects' interim report 5 set by hand, so the call's date moves this project's only;
    this project's interim report 5's date."""
    (ScheduleEntry.objects.filter(project__call=cast.project.call, kind="interim", number=5)
     .exclude(project=cast.project).update(override_reason="Sovittu erikseen."))
    return cast.project.schedule.get(kind="interim", number=5).due_on


def _order(cast) -> tuple[date, date]:
    schedule = cast.project.schedule
    return schedule.get(kind="interim", number=5).due_on, schedule.get(kind="final", number=1).due_on


def test_a_final_report_moved_by_hand_first_holds_back_the_call_s_later_date(cast):
    fifth = _only_this_project_moves(cast)
    final_day, call_day = fifth + timedelta(days=1), fifth + timedelta(days=2)
    assert call_day < _order(cast)[1]  # against the schedule as it was, the call's date would pass
    result: dict = {}
    with transaction.atomic():
        set_due_date(cast.project, "final", 1, final_day, reason="Sovittu.", actor=cast.official)
        thread = in_thread(result, "call", lambda: set_call_report_date(
            cast.project.call, "interim", 5, call_day, reason="Ilmoitettu.", actor=cast.second_official),
            refused=Invalid)
        wait_until_blocked_or_done(thread)
    thread.join()
    assert isinstance(result["call"], tuple) and result["call"][0] == "refused", result["call"]
    assert _order(cast) == (fifth, final_day)


def test_a_call_s_date_set_first_holds_back_a_final_report_moved_by_hand_before_it(cast):
    fifth = _only_this_project_moves(cast)
    call_day, final_day = fifth + timedelta(days=2), fifth + timedelta(days=1)
    result: dict = {}
    with transaction.atomic():
        assert set_call_report_date(cast.project.call, "interim", 5, call_day, reason="Ilmoitettu.",
                                    actor=cast.official) == 1
        thread = in_thread(result, "hand", lambda: set_due_date(
            cast.project, "final", 1, final_day, reason="Sovittu.", actor=cast.second_official), refused=Invalid)
        wait_until_blocked_or_done(thread)
    thread.join()
    assert isinstance(result["hand"], tuple) and result["hand"][0] == "refused", result["hand"]
    assert _order(cast)[0] == call_day and _order(cast)[1] > call_day
