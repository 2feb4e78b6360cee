from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from avustus.rules.deadlines import (
    deemed_received,
    easter_sunday,
    holidays,
    is_working_day,
    next_working_day,
    rectification_deadline,
    time_limit_end,
)

# Finnish public holidays and days treated as such, from the official calendars of 2020 and 2021.
HOLIDAYS = {
    2020: ["2020-01-01", "2020-01-06", "2020-04-10", "2020-04-12", "2020-04-13", "2020-05-01", "2020-05-21",
           "2020-05-31", "2020-06-19", "2020-06-20", "2020-10-31", "2020-12-06", "2020-12-24", "2020-12-25",
           "2020-12-26"],
    2021: ["2021-01-01", "2021-01-06", "2021-04-02", "2021-04-04", "2021-04-05", "2021-05-01", "2021-05-13",
           "2021-05-23", "2021-06-25", "2021-06-26", "2021-11-06", "2021-12-06", "2021-12-24", "2021-12-25",
           "2021-12-26"],
}


@pytest.mark.parametrize("year", sorted(HOLIDAYS))
def test_holidays_of_the_year(year):
    assert sorted(holidays(year)) == [date.fromisoformat(d) for d in HOLIDAYS[year]]


@pytest.mark.parametrize(("year", "easter"), [(2019, "2019-04-21"), (2020, "2020-04-12"), (2021, "2021-04-04"),
                                              (2024, "2024-03-31"), (2025, "2025-04-20"), (2038, "2038-04-25")])
def test_easter(year, easter):
    assert easter_sunday(year) == date.fromisoformat(easter)


@pytest.mark.parametrize("day", [d for days in HOLIDAYS.values() for d in days])
def test_a_limit_ending_on_each_holiday_moves_to_the_next_working_day(day):
    holiday = date.fromisoformat(day)
    end = time_limit_end(holiday - timedelta(days=30), 30)
    assert end > holiday and is_working_day(end)
    assert all(not is_working_day(holiday + timedelta(days=i)) for i in range((end - holiday).days))


def test_the_decision_of_26_2_2020():
    # Sent by letter on the day of the decision: received 4.3.2020, the 30 days end on Friday 3.4.2020.
    assert rectification_deadline(date(2020, 2, 26), "letter") == (date(2020, 3, 4), date(2020, 4, 3))
    assert rectification_deadline(date(2020, 2, 26), "electronic") == (date(2020, 2, 29), date(2020, 3, 30))


@pytest.mark.parametrize(
    ("sent", "by", "received", "deadline"),
    [
        ("2020-11-03", "electronic", "2020-11-06", "2020-12-07"),  # 6.12.2020 is a Sunday and Independence Day
        ("2020-11-17", "letter", "2020-11-24", "2020-12-28"),  # 24.12 → 25, 26, 27 holidays or Sunday
        ("2021-05-19", "electronic", "2021-05-22", "2021-06-21"),
        ("2021-05-19", "letter", "2021-05-26", "2021-06-28"),  # 25.6 Midsummer Eve, 26.6 Midsummer Day, Sunday
        ("2020-03-10", "letter", "2020-03-17", "2020-04-16"),
        ("2020-03-04", "letter", "2020-03-11", "2020-04-14"),  # 10.4 Good Friday → Easter → Monday 13.4 → 14.4
        ("2021-03-31", "electronic", "2021-04-03", "2021-05-03"),  # 3.5.2021 Monday after May Day Saturday
    ],
)
def test_rectification_deadlines(sent, by, received, deadline):
    assert rectification_deadline(date.fromisoformat(sent), by) == (
        date.fromisoformat(received), date.fromisoformat(deadline))


def test_receipt_is_not_moved_off_a_holiday():
    assert deemed_received(date(2020, 12, 17), "letter") == date(2020, 12, 24)


def test_unknown_delivery_is_refused():
    with pytest.raises(ValueError):
        deemed_received(date(2020, 1, 1), "pigeon")


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_next_working_day_is_the_first_working_day_on_or_after(day):
    result = next_working_day(day)
    assert result >= day and is_working_day(result) and (result - day).days <= 5
    assert all(not is_working_day(day + timedelta(days=i)) for i in range((result - day).days))


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)), st.integers(0, 400))
def test_limit_never_ends_before_the_counted_days(received, days):
    end = time_limit_end(received, days)
    assert received + timedelta(days=days) <= end and is_working_day(end)


@given(st.integers(1900, 2200))
def test_every_year_has_its_fifteen_holidays(year):
    days = holidays(year)
    assert sum(len(name.split(", ")) for name in days.values()) == 15
    assert days[easter_sunday(year)] == "pääsiäispäivä" and easter_sunday(year).weekday() == 6
    midsummer_eve = next(d for d, name in days.items() if name == "juhannusaatto")
    assert midsummer_eve.weekday() == 4 and date(year, 6, 19) <= midsummer_eve <= date(year, 6, 25)
