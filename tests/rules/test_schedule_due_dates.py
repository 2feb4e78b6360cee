"""An official's due date for one report: not before the decision, interim reports before the final report."""

from datetime import date

import pytest

from avustus.rules.schedule import (
    BEFORE_DECISION,
    FINAL,
    INTERIM,
    NOT_AFTER_INTERIM,
    NOT_BEFORE_FINAL,
    Due,
    DueProblem,
    due_date_problem,
    report_schedule,
)

DECIDED = date(2020, 2, 26)
# The 2020 round: interim reports every four months from 26.2.2020, the final report by 30.11.2021.
SCHEDULE = report_schedule(DECIDED, 4, date(2021, 11, 30))
FINAL_DUE = Due(FINAL, 1, date(2021, 11, 30))
LAST_INTERIM = SCHEDULE[-2]


def _problem(kind, number, due_on, schedule=SCHEDULE):
    return due_date_problem(kind, number, due_on, decided_on=DECIDED, schedule=schedule)


def test_the_round_s_schedule_is_what_the_cases_assume():
    assert SCHEDULE[-1] == FINAL_DUE
    assert LAST_INTERIM == Due(INTERIM, 5, date(2021, 10, 26))


@pytest.mark.parametrize("kind, number", [(INTERIM, 1), (INTERIM, 3), (FINAL, 1)])
def test_no_report_is_due_before_the_decision(kind, number):
    assert _problem(kind, number, date(2020, 2, 25)) == DueProblem(BEFORE_DECISION)
    assert _problem(kind, number, date(2019, 12, 31)) == DueProblem(BEFORE_DECISION)


@pytest.mark.parametrize("due_on, refused", [
    (DECIDED, False), (date(2021, 11, 29), False), (date(2021, 11, 30), True), (date(2022, 1, 31), True)])
def test_an_interim_report_is_due_before_the_final_report(due_on, refused):
    assert _problem(INTERIM, 2, due_on) == (DueProblem(NOT_BEFORE_FINAL, FINAL_DUE) if refused else None)


def test_interim_reports_may_be_moved_past_each_other():
    # Their order among themselves is the officials' to choose ("on dates announced separately").
    assert _problem(INTERIM, 1, date(2021, 3, 1)) is None


@pytest.mark.parametrize("due_on, refused", [
    (date(2021, 10, 25), True), (date(2021, 10, 26), True), (date(2021, 10, 27), False), (date(2021, 12, 31), False)])
def test_the_final_report_is_due_after_the_last_interim_report(due_on, refused):
    assert _problem(FINAL, 1, due_on) == (DueProblem(NOT_AFTER_INTERIM, LAST_INTERIM) if refused else None)


def test_the_last_interim_report_is_the_latest_due_whatever_its_number():
    moved = [Due(INTERIM, 1, date(2021, 11, 1))] + [d for d in SCHEDULE if (d.kind, d.number) != (INTERIM, 1)]
    assert _problem(FINAL, 1, date(2021, 10, 30), moved) == DueProblem(NOT_AFTER_INTERIM, moved[0])


def test_the_entry_moved_is_not_compared_with_its_own_old_date():
    only_final = [FINAL_DUE]
    assert _problem(FINAL, 1, date(2021, 6, 1), only_final) is None
    # The last interim report moved later, still before the final report.
    assert _problem(INTERIM, 5, date(2021, 11, 15)) is None


def test_without_a_final_report_an_interim_report_has_no_upper_limit_here():
    interims = [d for d in SCHEDULE if d.kind == INTERIM]
    assert _problem(INTERIM, 2, date(2022, 6, 1), interims) is None
