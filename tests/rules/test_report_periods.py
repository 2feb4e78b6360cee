"""An interim report's period: in order, passed by the day it is filed, within the project, apart from others."""

from datetime import date

import pytest

from avustus.rules.report_periods import (
    AFTER_PROJECT,
    BEFORE_PROJECT,
    END,
    ENDS_BEFORE_START,
    NOT_ENDED,
    OVERLAPS,
    START,
    Period,
    Problem,
    overlaps,
    period_problems,
)

DECIDED = date(2020, 2, 26)
FIRST = Period(1, date(2020, 2, 26), date(2020, 6, 26))
THIRD = Period(3, date(2020, 10, 27), date(2021, 2, 26))


def _problems(start, end, filed_on=date(2021, 3, 1), project_start=DECIDED, others=(FIRST, THIRD)):
    return period_problems(start, end, filed_on=filed_on, project_start=project_start, others=others)


def test_a_period_between_the_others_that_has_passed_is_fine():
    assert _problems(date(2020, 6, 27), date(2020, 10, 26)) == []
    # Ending on the day it is filed, starting on the decision's day.
    assert _problems(date(2021, 2, 27), date(2021, 3, 1)) == []
    assert _problems(DECIDED, date(2020, 6, 26), others=()) == []


def test_an_end_before_the_start_is_refused_on_the_end_and_not_taken_for_an_overlap():
    assert _problems(date(2020, 10, 26), date(2020, 6, 27)) == [Problem(END, ENDS_BEFORE_START)]
    # Reversed across another report's period: only the order is wrong (no overlap is computed on it).
    assert _problems(date(2020, 12, 1), date(2020, 11, 1)) == [Problem(END, ENDS_BEFORE_START)]


@pytest.mark.parametrize("end, refused", [(date(2021, 2, 28), False), (date(2021, 3, 1), False),
                                          (date(2021, 3, 2), True), (date(2099, 12, 31), True)])
def test_a_period_ends_on_the_day_it_is_filed_at_the_latest(end, refused):
    problems = _problems(date(2021, 2, 27), end)
    assert problems == ([Problem(END, NOT_ENDED)] if refused else [])


@pytest.mark.parametrize("start, refused", [(date(2020, 2, 25), True), (date(2019, 1, 1), True),
                                            (DECIDED, False)])
def test_a_period_starts_on_the_project_s_decision_at_the_earliest(start, refused):
    problems = _problems(start, date(2020, 6, 26), others=())
    assert problems == ([Problem(START, BEFORE_PROJECT)] if refused else [])


@pytest.mark.parametrize("end, refused", [(date(2021, 11, 29), False), (date(2021, 11, 30), False),
                                          (date(2021, 12, 1), True), (date(2021, 12, 20), True)])
def test_a_period_ends_on_the_project_s_end_of_implementation_at_the_latest(end, refused):
    """The review against the decision found a period of 1.7.–20.12.2021 accepted for a project implemented by
    30.11.2021: costs after the end would have been paid before the final report."""
    problems = period_problems(date(2021, 7, 1), end, filed_on=date(2021, 12, 20), project_start=DECIDED,
                               project_end=date(2021, 11, 30))
    assert problems == ([Problem(END, AFTER_PROJECT)] if refused else [])


def test_an_end_after_the_project_and_not_yet_passed_is_refused_for_both():
    problems = period_problems(date(2021, 7, 1), date(2021, 12, 31), filed_on=date(2021, 12, 20),
                               project_start=DECIDED, project_end=date(2021, 11, 30))
    assert problems == [Problem(END, NOT_ENDED), Problem(END, AFTER_PROJECT)]


def test_without_a_project_start_any_start_in_order_is_fine():
    assert _problems(date(2019, 1, 1), date(2019, 12, 31), project_start=None, others=()) == []


@pytest.mark.parametrize("start, end, expected", [
    # The first day of the new period is the last of report 1's.
    (date(2020, 6, 26), date(2020, 10, 26), [Problem(START, OVERLAPS, FIRST)]),
    # The last day of the new period is the first of report 3's.
    (date(2020, 6, 27), date(2020, 10, 27), [Problem(END, OVERLAPS, THIRD)]),
    # Wholly inside report 1's.
    (date(2020, 3, 1), date(2020, 4, 1), [Problem(START, OVERLAPS, FIRST)]),
    # Holding report 3's whole: on the end, which lies beyond it.
    (date(2020, 10, 1), date(2021, 3, 1), [Problem(END, OVERLAPS, THIRD)]),
    # Across both: each named, in the order of their periods.
    (date(2020, 5, 1), date(2020, 11, 1), [Problem(START, OVERLAPS, FIRST), Problem(END, OVERLAPS, THIRD)]),
])
def test_a_period_sharing_a_day_with_another_report_s_is_refused_naming_it(start, end, expected):
    assert _problems(start, end) == expected


def test_every_problem_is_given_at_once():
    problems = _problems(date(2020, 1, 1), date(2021, 6, 1))
    assert problems == [Problem(END, NOT_ENDED), Problem(START, BEFORE_PROJECT), Problem(END, OVERLAPS, FIRST),
                        Problem(END, OVERLAPS, THIRD)]


def test_overlap_counts_both_ends_as_days_of_a_period():
    assert overlaps(date(2020, 6, 26), date(2020, 6, 26), FIRST)
    assert overlaps(date(2020, 2, 1), date(2020, 2, 26), FIRST)
    assert not overlaps(date(2020, 6, 27), date(2020, 6, 30), FIRST)
    assert not overlaps(date(2020, 1, 1), date(2020, 2, 25), FIRST)
