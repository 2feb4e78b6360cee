"""Recovery of a grant (takaisinperintä / återkrav): the time limits of section 29 of the Act on Discretionary
Government Transfers (688/2001) and the figures a recovery decision rests on.

Section 29 (Takaisinperinnän määräaika / Tidsfrist för återkrav), as in force (Finlex, 688/2001):

    fi: "Valtionapuviranomaisen on tehtävä päätös 21 tai 22 §:n mukaisesta takaisinperinnästä viipymättä ja
    viimeistään vuoden kuluessa siitä, kun valtionapuviranomainen on saanut tietää takaisinperintäperusteesta.
    Takaisinperintää koskeva päätös on kuitenkin tehtävä viimeistään kymmenen vuoden kuluessa valtionavustuksen
    tai sen viimeisen erän maksamisesta."

    sv: "Statsbidragsmyndigheten ska fatta beslut om återkrav enligt 21 eller 22 § utan dröjsmål och senast ett
    år efter det att statsbidragsmyndigheten fick kännedom om grunden för återkrav. Beslut om återkrav ska dock
    fattas senast tio år efter det att statsbidraget eller den sista posten av det betalades."

(Quoted from our knowledge of the statute; the lead should check the text against Finlex before release.)

Two limits, both must hold on the day of the decision:

- ``ONE_YEAR``: one year from the day the authority learned of the ground (section 21 or 22);
- ``TEN_YEARS``: ten years from the day the grant, or its last instalment, was paid.

Counted as the Act on the Calculation of Statutory Time Limits (150/1930) counts: the day the period starts
from is not counted, and a period of years ends on the day of the last year that corresponds by its date
to the starting day; a year from 29.2 ends on 28.2 (the month's last day) when there is no 29.2. The limit's
day itself is still in time. No shift to the next working day: section 5 of Act 150/1930 moves the last day
of a time limit for *doing* something that falls on a holiday, and whether it extends an authority's power to
decide is not certain; the stricter reading is the one that cannot make a decision unlawful.

Pure Python, no Django.
"""

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from avustus.rules.money import euros

ONE_YEAR = "one_year"  # 29 §, 1st sentence: a year from learning of the ground
TEN_YEARS = "ten_years"  # 29 §, 2nd sentence: ten years from the (last) payment

# The grounds of recovery a case may name: section, and the subsections each has (688/2001, 21 and 22 §).
# 21 § (mandatory recovery: takaisinperintävelvollisuus / skyldighet att återkräva) has 2 subsections,
# 22 § (discretionary: harkinnanvarainen takaisinperintä / prövningsbaserat återkrav) 2.
GROUNDS = {21: (1, 2), 22: (1, 2)}


def add_years(day: date, years: int) -> date:
    """``day`` moved by ``years`` years; 29.2 becomes 28.2 in a year without it (Act 150/1930, section 3)."""
    if years < 0:
        raise ValueError("years cannot be negative")
    year = day.year + years
    return date(year, day.month, min(day.day, calendar.monthrange(year, day.month)[1]))


@dataclass(frozen=True)
class Limit:
    """One time limit: ``kind`` which, ``last_day`` the last day a decision is still in time."""

    kind: str
    last_day: date


@dataclass(frozen=True)
class TimeLimitCheck:
    """Whether a recovery may still be decided on ``on``; if not, ``expired`` names the limits that ran out,
    the earliest first (``expired[0]`` is the one to tell)."""

    on: date
    limits: tuple[Limit, ...]
    expired: tuple[Limit, ...]

    @property
    def allowed(self) -> bool:
        return not self.expired

    @property
    def last_day(self) -> date:
        """The last day on which the decision may still be made: the earlier of the two limits."""
        return min(limit.last_day for limit in self.limits)


class RecoveryError(ValueError):
    """Input the rules refuse; ``kind`` says what, so that an entry point can say it in the user's language."""

    KNOWN_IN_FUTURE = "known_in_future"
    NOT_PAID = "not_paid"
    GROUND = "ground"

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind


def time_limits(known_on: date, last_paid_on: date) -> tuple[Limit, Limit]:
    """Section 29's two limits: a ground learned of on ``known_on``, a grant last paid on ``last_paid_on``."""
    return Limit(ONE_YEAR, add_years(known_on, 1)), Limit(TEN_YEARS, add_years(last_paid_on, 10))


def check_time_limit(known_on: date, last_paid_on: date | None, on: date) -> TimeLimitCheck:
    """May a recovery be decided on ``on``? ``known_on`` the day the authority learned of the ground,
    ``last_paid_on`` the day the grant or its last instalment was paid.

    Refuses (``RecoveryError``) a ground learned of after ``on`` and a grant not paid at all (nothing to recover).
    """
    if last_paid_on is None:
        raise RecoveryError("nothing has been paid, so nothing can be recovered", RecoveryError.NOT_PAID)
    if known_on > on:
        raise RecoveryError(f"the ground became known on {known_on.isoformat()}, after {on.isoformat()}",
                            RecoveryError.KNOWN_IN_FUTURE)
    limits = time_limits(known_on, last_paid_on)
    expired = tuple(sorted((limit for limit in limits if on > limit.last_day), key=lambda limit: limit.last_day))
    return TimeLimitCheck(on, limits, expired)


def check_ground(section: int, subsection: int) -> None:
    """A ground is a subsection of section 21 or 22."""
    if subsection not in GROUNDS.get(section, ()):
        raise RecoveryError(f"no ground {section} § {subsection} mom.", RecoveryError.GROUND)


def amount_due(amount: Decimal, waived: Decimal, returned: Decimal) -> Decimal:
    """The principal still to return: the amount recovered less what was waived (section 26) and returned."""
    return euros(amount) - euros(waived) - euros(returned)
