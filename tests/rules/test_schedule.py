from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from avustus.rules.deadlines import is_working_day, next_working_day
from avustus.rules.schedule import FINAL, INTERIM, add_months, interim_dates, report_schedule


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2020, 1, 31), 1, date(2020, 2, 29)),  # leap year: the month's last day
    (date(2021, 1, 31), 1, date(2021, 2, 28)),
    (date(2020, 8, 31), 1, date(2020, 9, 30)),
    (date(2020, 2, 29), 12, date(2021, 2, 28)),
    (date(2020, 2, 29), 48, date(2024, 2, 29)),
    (date(2020, 11, 15), 2, date(2021, 1, 15)),  # across the year
    (date(2020, 2, 26), 0, date(2020, 2, 26)),
])
def test_add_months_by_the_calendar(day, months, expected):
    assert add_months(day, months) == expected


def test_the_2020_schedule_every_four_months_until_the_final_report():
    schedule = report_schedule(date(2020, 2, 26), 4, date(2021, 11, 30))
    assert [(d.kind, d.number, d.due_on) for d in schedule] == [
        (INTERIM, 1, date(2020, 6, 26)),
        (INTERIM, 2, date(2020, 10, 26)),
        (INTERIM, 3, date(2021, 2, 26)),
        (INTERIM, 4, date(2021, 6, 28)),  # Saturday 26.6.2021 is Midsummer Day
        (INTERIM, 5, date(2021, 10, 26)),
        (FINAL, 1, date(2021, 11, 30)),
    ]


def test_dates_are_counted_from_the_decision_not_from_a_moved_date():
    # 31.1 + 1 month is 29.2.2020 (a Saturday, moved to 2.3); the next is 31.3, not 2.4.
    dates = interim_dates(date(2020, 1, 31), 1, date(2020, 5, 1))
    assert dates == [date(2020, 2, 29), date(2020, 3, 31), date(2020, 4, 30)]
    moved = [d.due_on for d in report_schedule(date(2020, 1, 31), 1, date(2020, 5, 1)) if d.kind == INTERIM]
    assert moved == [date(2020, 3, 2), date(2020, 3, 31), date(2020, 4, 30)]


def test_a_date_on_the_final_reports_day_is_not_an_interim_report():
    assert interim_dates(date(2020, 1, 15), 2, date(2020, 5, 15)) == [date(2020, 3, 15)]


def test_no_final_date_no_schedule_and_no_interval_only_the_final_report():
    assert report_schedule(date(2020, 1, 1), 4, None) == []
    assert [d.kind for d in report_schedule(date(2020, 1, 1), None, date(2020, 12, 31))] == [FINAL]


def test_an_interval_below_one_month_is_refused():
    with pytest.raises(ValueError):
        interim_dates(date(2020, 1, 1), 0, date(2021, 1, 1))


days = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))


@given(decided=days, interval=st.integers(min_value=1, max_value=12), span=st.integers(min_value=1, max_value=1500))
def test_every_due_date_is_a_working_day_in_order_before_the_final(decided, interval, span):
    final = decided + timedelta(days=span)
    schedule = report_schedule(decided, interval, final)
    interim = [d for d in schedule if d.kind == INTERIM]
    nominal = interim_dates(decided, interval, final)
    # Only the last nominal date can be moved onto the final report's day, and then it is not an interim report.
    kept = [day for day in nominal if next_working_day(day) < next_working_day(final)]
    assert kept == nominal[:len(kept)] and len(nominal) - len(kept) <= 1
    assert all(next_working_day(day) == next_working_day(final) for day in nominal[len(kept):])
    assert [d.number for d in interim] == list(range(1, len(interim) + 1))
    for n, (due, day) in enumerate(zip(interim, kept, strict=True), start=1):
        assert day == add_months(decided, n * interval) < final
        assert due.due_on == next_working_day(day) and is_working_day(due.due_on)
        assert due.due_on - day < timedelta(days=7)
    # The next report by the rule would fall on or after the final report's date.
    assert add_months(decided, (len(nominal) + 1) * interval) >= final
    assert schedule[-1].kind == FINAL and schedule[-1].due_on == next_working_day(final)


@given(day=days, months=st.integers(min_value=0, max_value=400))
def test_add_months_keeps_the_day_or_takes_the_months_last(day, months):
    moved = add_months(day, months)
    assert (moved.year - day.year) * 12 + moved.month - day.month == months
    assert moved.day == day.day or (moved.day < day.day and (moved + timedelta(days=1)).day == 1)
