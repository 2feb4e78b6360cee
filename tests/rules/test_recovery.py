"""Section 29's time limits for a recovery decision (688/2001), counted as Act 150/1930 counts."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from avustus.rules.recovery import (
    ONE_YEAR,
    TEN_YEARS,
    RecoveryError,
    add_years,
    amount_due,
    check_ground,
    check_time_limit,
)

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))


def test_a_year_from_learning_ends_on_the_same_date_a_year_later_and_that_day_is_in_time():
    assert check_time_limit(date(2021, 3, 15), date(2020, 11, 20), date(2022, 3, 15)).allowed
    late = check_time_limit(date(2021, 3, 15), date(2020, 11, 20), date(2022, 3, 16))
    assert not late.allowed
    assert [(limit.kind, limit.last_day) for limit in late.expired] == [(ONE_YEAR, date(2022, 3, 15))]


def test_a_year_from_a_leap_day_ends_on_the_last_day_of_february():
    assert add_years(date(2020, 2, 29), 1) == date(2021, 2, 28)
    assert add_years(date(2020, 2, 29), 4) == date(2024, 2, 29)
    assert not check_time_limit(date(2020, 2, 29), date(2020, 1, 10), date(2021, 3, 1)).allowed
    assert check_time_limit(date(2020, 2, 29), date(2020, 1, 10), date(2021, 2, 28)).allowed


def test_ten_years_from_the_last_instalment_bounds_a_ground_learned_late():
    check = check_time_limit(date(2030, 6, 1), date(2020, 7, 15), date(2030, 7, 16))
    assert [(limit.kind, limit.last_day) for limit in check.expired] == [(TEN_YEARS, date(2030, 7, 15))]
    assert check.last_day == date(2030, 7, 15)
    assert check_time_limit(date(2030, 6, 1), date(2020, 7, 15), date(2030, 7, 15)).allowed


def test_both_limits_run_out_and_the_earlier_is_told_first():
    check = check_time_limit(date(2021, 1, 5), date(2020, 12, 1), date(2031, 1, 1))
    assert [limit.kind for limit in check.expired] == [ONE_YEAR, TEN_YEARS]


def test_a_ground_learned_of_after_the_day_or_nothing_paid_is_refused():
    with pytest.raises(RecoveryError) as error:
        check_time_limit(date(2022, 1, 2), date(2020, 1, 1), date(2022, 1, 1))
    assert error.value.kind == RecoveryError.KNOWN_IN_FUTURE
    with pytest.raises(RecoveryError) as error:
        check_time_limit(date(2021, 1, 2), None, date(2022, 1, 1))
    assert error.value.kind == RecoveryError.NOT_PAID


def test_the_grounds_are_subsections_of_sections_21_and_22():
    for section, subsection in [(21, 1), (21, 2), (22, 1), (22, 2)]:
        check_ground(section, subsection)
    for section, subsection in [(20, 1), (21, 3), (22, 0), (23, 1)]:
        with pytest.raises(RecoveryError):
            check_ground(section, subsection)


def test_the_amount_due_is_what_is_left_after_waivers_and_returns():
    assert amount_due(Decimal("55643.81"), Decimal("5000.00"), Decimal("643.81")) == Decimal("50000.00")


@given(known=days, paid=days, gap=st.integers(min_value=0, max_value=5000))
def test_allowed_exactly_up_to_the_earlier_of_the_two_last_days(known, paid, gap):
    on = known + timedelta(days=gap)
    check = check_time_limit(known, paid, on)
    one_year, ten_years = add_years(known, 1), add_years(paid, 10)
    assert check.allowed == (on <= one_year and on <= ten_years)
    assert check.last_day == min(one_year, ten_years)
    assert {limit.kind for limit in check.expired} == ({ONE_YEAR} if on > one_year else set()) | (
        {TEN_YEARS} if on > ten_years else set())
    assert list(check.expired) == sorted(check.expired, key=lambda limit: limit.last_day)


@given(day=days, years=st.integers(min_value=0, max_value=20))
def test_add_years_keeps_the_date_or_takes_the_months_last_day(day, years):
    moved = add_years(day, years)
    assert (moved.year, moved.month) == (day.year + years, day.month)
    assert moved.day == day.day or (day.month, day.day, moved.day) == (2, 29, 28)
