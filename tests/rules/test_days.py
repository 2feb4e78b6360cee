"""The years a typed date of a grant may fall in (``rules.days``): the edges are in, a day beyond either is not."""

from datetime import date, timedelta

from avustus.rules import days


def test_the_first_and_last_days_are_in_and_the_days_beyond_are_not():
    assert days.in_range(days.EARLIEST) and days.in_range(days.LATEST)
    assert not days.in_range(days.EARLIEST - timedelta(days=1))
    assert not days.in_range(days.LATEST + timedelta(days=1))
    assert not days.in_range(date.min) and not days.in_range(date.max)


def test_every_date_of_the_grants_avustus_follows_is_in():
    # The 2020 round's decision, its projects' ends, and section 29's ten years after a payment in 2030.
    assert all(days.in_range(d) for d in (date(2020, 2, 26), date(2021, 10, 31), date(2040, 12, 31)))
