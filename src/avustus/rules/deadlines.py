"""Finnish public holidays, days of notification and time limits counted the way Finnish law counts them.

- A letter is deemed received on the 7th day after it was sent, an electronic message on the 3rd day
  (Administrative Procedure Act 434/2003, section 59; Act on Electronic Services 13/2003, section 19).
- A time limit of N days from notification ends N days after the day of receipt, which itself is not
  counted; when that day is a Saturday, a Sunday or a public holiday, Independence Day, May Day,
  Christmas Eve or Midsummer Eve, the limit moves to the next working day (Act on the Calculation of
  Statutory Time Limits 150/1930, sections 2 and 5).
- A rectification request against a grant decision is made within 30 days of notification
  (Act on Discretionary Government Transfers 688/2001, section 34).
"""

from datetime import date, timedelta
from enum import Enum
from functools import cache

RECTIFICATION_DAYS = 30


class Delivery(str, Enum):
    LETTER = "letter"
    ELECTRONIC = "electronic"


# Days after sending on which a notice is deemed received.
DEEMED_RECEIPT_DAYS = {Delivery.LETTER: 7, Delivery.ELECTRONIC: 3}


def easter_sunday(year: int) -> date:
    """Western Easter Sunday (the anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 - the computus's own name
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _weekday_on_or_after(start: date, weekday: int) -> date:
    return start + timedelta(days=(weekday - start.weekday()) % 7)


@cache
def holidays(year: int) -> dict[date, str]:
    """Days of the year on which no time limit can end, besides Saturdays and Sundays, with their names."""
    easter = easter_sunday(year)
    midsummer_eve = _weekday_on_or_after(date(year, 6, 19), 4)  # the Friday between 19 and 25 June
    named = [
        (date(year, 1, 1), "uudenvuodenpäivä"),
        (date(year, 1, 6), "loppiainen"),
        (easter - timedelta(days=2), "pitkäperjantai"),
        (easter, "pääsiäispäivä"),
        (easter + timedelta(days=1), "2. pääsiäispäivä"),
        (date(year, 5, 1), "vappu"),
        (easter + timedelta(days=39), "helatorstai"),
        (easter + timedelta(days=49), "helluntaipäivä"),
        (midsummer_eve, "juhannusaatto"),
        (midsummer_eve + timedelta(days=1), "juhannuspäivä"),
        (_weekday_on_or_after(date(year, 10, 31), 5), "pyhäinpäivä"),  # the Saturday between 31.10 and 6.11
        (date(year, 12, 6), "itsenäisyyspäivä"),
        (date(year, 12, 24), "jouluaatto"),
        (date(year, 12, 25), "joulupäivä"),
        (date(year, 12, 26), "tapaninpäivä"),
    ]
    days: dict[date, str] = {}
    for day, name in named:
        # Ascension Day can fall on May Day (as in 2008): one day, both names.
        days[day] = f"{days[day]}, {name}" if day in days else name
    return days


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays(day.year)


def next_working_day(day: date) -> date:
    """The day itself when a time limit may end on it, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def deemed_received(sent_on: date, by: Delivery | str) -> date:
    """The day a notice sent on ``sent_on`` is deemed received; it is not moved off holidays."""
    return sent_on + timedelta(days=DEEMED_RECEIPT_DAYS[Delivery(by)])


def time_limit_end(received_on: date, days: int) -> date:
    """The last day of a limit of ``days`` days counted from receipt (the day of receipt not counted)."""
    if days < 0:
        raise ValueError("a time limit cannot be negative")
    return next_working_day(received_on + timedelta(days=days))


def rectification_deadline(sent_on: date, by: Delivery | str) -> tuple[date, date]:
    """(deemed day of receipt, last day for a rectification request) for a decision sent on ``sent_on``."""
    received = deemed_received(sent_on, by)
    return received, time_limit_end(received, RECTIFICATION_DAYS)
