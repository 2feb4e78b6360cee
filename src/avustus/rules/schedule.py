"""When a funded project's reports are due: interim reports at a fixed interval, then the final report.

The 2020 decision asks for interim reporting "every four months, on dates announced separately" and the
final report by 30.11.2021. By default report n is due n × the interval after the decision date, in
calendar months, always counted from the decision date (never from an earlier date that was moved, so that
the dates do not drift), for every n whose date falls before the final report's due date. A day that does
not exist in the month (31 in a month of 30 days, 29.2 in a common year) is the month's last day. A due date
is a time limit, so one that falls on a day when a time limit cannot end moves to the next working day
(``rules.deadlines``).
"""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from avustus.rules.deadlines import next_working_day

INTERIM = "interim"
FINAL = "final"


@dataclass(frozen=True)
class Due:
    """One report of the schedule: its kind, its number among its kind (the final report is number 1)."""

    kind: str
    number: int
    due_on: date


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months; a day the month lacks becomes the month's last day."""
    if months < 0:
        raise ValueError("months cannot be negative")
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def interim_dates(decided_on: date, interval_months: int, final_due: date) -> list[date]:
    """The interim reports' nominal dates (not yet moved off non-working days), in order."""
    if interval_months < 1:
        raise ValueError("the reporting interval must be at least one month")
    dates: list[date] = []
    n = 1
    while (day := add_months(decided_on, n * interval_months)) < final_due:
        dates.append(day)
        n += 1
    return dates


def report_schedule(decided_on: date, interval_months: int | None, final_due: date | None) -> list[Due]:
    """Every report due, interim ones first, each moved to a day on which a time limit can end.

    Without a final report's due date there is no schedule to count towards; without an interval there are
    no interim reports. Two interim reports' nominal dates never move onto the same day, as an interval of whole
    months keeps them weeks apart; but the last one can move onto the final report's day (a Saturday the 27th
    before a final report due on Monday the 29th): then the final report is the report due that day.
    """
    if final_due is None:
        return []
    final = next_working_day(final_due)
    schedule = []
    if interval_months:
        moved = (next_working_day(day) for day in interim_dates(decided_on, interval_months, final_due))
        schedule = [Due(INTERIM, n, day) for n, day in enumerate(moved, start=1) if day < final]
    schedule.append(Due(FINAL, 1, final))
    return schedule


# Why an official's due date for one report is refused (``due_date_problem``).
BEFORE_DECISION = "before_decision"
NOT_BEFORE_FINAL = "not_before_final"
NOT_AFTER_INTERIM = "not_after_interim"


@dataclass(frozen=True)
class DueProblem:
    """Why a due date is refused, and the report due whose date it collides with (None: the decision's)."""

    code: str
    other: Due | None = None


def due_date_problem(kind: str, number: int, due_on: date, *, decided_on: date,
                     schedule: Iterable[Due]) -> DueProblem | None:
    """Why report ``kind`` ``number`` of a project decided on ``decided_on`` cannot be due on ``due_on``, the rest
    of its ``schedule`` as it is (None when it can): no report is due before the decision, an interim report is
    due before the final report, and the final report after the last interim report (the order the schedule
    keeps, ``report_schedule``: a report due on the final report's day is the final report)."""
    if due_on < decided_on:
        return DueProblem(BEFORE_DECISION)
    others = [due for due in schedule if (due.kind, due.number) != (kind, number)]
    if kind == INTERIM:
        final = next((due for due in others if due.kind == FINAL), None)
        if final is not None and due_on >= final.due_on:
            return DueProblem(NOT_BEFORE_FINAL, final)
    elif kind == FINAL:
        interims = [due for due in others if due.kind == INTERIM]
        last = max(interims, key=lambda due: (due.due_on, due.number), default=None)
        if last is not None and due_on <= last.due_on:
            return DueProblem(NOT_AFTER_INTERIM, last)
    return None
