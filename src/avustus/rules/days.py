"""The days the service takes as typed: a date outside these years is a typing error, never a grant's date.

Avustus follows grants decided from 2019 on, and section 29 of Act 688/2001 keeps a recovery possible for ten
years after the last payment, so every date of a grant's life (a report's period, a due date, the end of
implementation, a payment, a return) falls well within these years. Outside them a date is refused where it is
typed: year 1 or 9999 stored as a report's period or due date is nonsense on every page that shows it, and the
arithmetic on it (the day's bounds in Finnish time, a due date moved with the end) overflows.
"""

from datetime import date

EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)


def in_range(day: date) -> bool:
    """Whether ``day`` is a date the service takes (``EARLIEST`` to ``LATEST``)."""
    return EARLIEST <= day <= LATEST
