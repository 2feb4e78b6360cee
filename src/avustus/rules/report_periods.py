"""The period an interim report accounts for: in order, passed, within the project, apart from the other reports'.

The 2020 decision asks for interim reports on the project's progress and its realised costs ("toteutuneet
kustannukset"): a report is on a period that has passed, so its period ends on the day it is filed at the latest.
The project's costs count from its decision (the schedule counts from the decision's date too, ``rules.schedule``),
so no period starts before it, and none ends after the project's implementation ("Hanke tulee olla toteutettu
... viimeistään 30.11.2021"): a cost after the end is no cost of the project. Each cost is reported once: the
periods of a project's filed and accepted reports do not overlap (both ends of a period are days of it, so the next
period starts the day after).

Pure Python, no Django: the services word each problem in the user's language.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

# Why a period is refused, with the field it is refused on.
ENDS_BEFORE_START = "ends_before_start"
NOT_ENDED = "not_ended"
BEFORE_PROJECT = "before_project"
AFTER_PROJECT = "after_project"
OVERLAPS = "overlaps"

START = "period_start"
END = "period_end"


@dataclass(frozen=True)
class Period:
    """Another report's period: the report's number and its first and last day."""

    number: int
    start: date
    end: date


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a period: the field it is on, why (one of the codes above), and for an overlap the
    other report's period."""

    field: str
    code: str
    other: Period | None = None


def overlaps(start: date, end: date, other: Period) -> bool:
    """Whether the period ``start``–``end`` shares a day with ``other`` (both ends are days of a period)."""
    return start <= other.end and other.start <= end


def period_problems(start: date, end: date, *, filed_on: date, project_start: date | None,
                    others: Iterable[Period] = (), project_end: date | None = None) -> list[Problem]:
    """What is wrong with the period ``start``–``end`` of a report filed on ``filed_on`` (empty when nothing is):
    it ends before it starts, it ends after ``filed_on``, it starts before ``project_start`` or ends after
    ``project_end`` (when the project has them), or it shares a day with one of ``others`` (the project's other
    filed and accepted reports, by number).

    An overlap is on the field whose day falls in the other period: the start when it does, else the end (which
    then falls in it or beyond it, the new period holding the other whole)."""
    problems = []
    if end < start:
        problems.append(Problem(END, ENDS_BEFORE_START))
    if end > filed_on:
        problems.append(Problem(END, NOT_ENDED))
    if project_start is not None and start < project_start:
        problems.append(Problem(START, BEFORE_PROJECT))
    if project_end is not None and end > project_end:
        problems.append(Problem(END, AFTER_PROJECT))
    if end >= start:
        for other in sorted(others, key=lambda o: (o.start, o.number)):
            if overlaps(start, end, other):
                problems.append(Problem(START if other.start <= start <= other.end else END, OVERLAPS, other))
    return problems
