"""Interest on a grant returned or recovered: sections 24 and 25 of the Act on Discretionary Government
Transfers (688/2001) with the Interest Act (633/1982).

- **Interest** (section 24): on the amount to return, at the reference rate of each day (Interest Act
  section 12, fixed per half-year) + 3 percentage points, for each day *after* the payment up to and
  including the day of return; when a due date was set and has passed, only up to and including the due date.
- **Penalty interest** (section 25; Interest Act section 4(1)): the reference rate of each day + 7
  percentage points, for each day after the due date up to and including the day of return.
- A year is 365 days, also in leap years: a day's interest is principal × rate / 100 / 365.
- Both run on the principal only, never on interest.
- Where the amount to return came from several instalments it is attributed to the latest payments first:
  the money paid last is the money left unused, so it bears interest from its own, later, payment day.

The computation comes out line by line (``Period``): one line per principal and per run of days at one
rate; a line ends where the reference rate changes (1.1 or 1.7) and where interest turns into penalty
interest. Periods are kept *exact* (as fractions of a euro); each line shows its amount rounded to the
cent, but **each kind's total is the exact sum of its lines rounded once, half up, to the cent** — not the
sum of the rounded lines, which may differ from it by a cent or more. Only the totals are amounts owed.

The reference rates are passed in as a mapping from each half-year's first day (1.1 or 1.7) to the
rate in percent, so that these rules stay pure. A half-year missing from it is an error naming the
half-year (``2026 H1``), never a guess.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from avustus.rules.money import CENT, euros

INTEREST = "interest"
PENALTY = "penalty"

INTEREST_MARGIN = Decimal(3)  # percentage points over the reference rate, Act 688/2001 section 24
PENALTY_MARGIN = Decimal(7)  # Interest Act 633/1982 section 4(1), applied by Act 688/2001 section 25
DAYS_IN_YEAR = 365  # also in leap years


class InterestError(ValueError):
    """Input the computation refuses; ``kind`` says what, so that an entry point can say it in the user's language.

    ``NEGATIVE`` a negative amount, ``NO_PAYMENTS`` nothing paid, ``RETURNED_BEFORE_PAID`` a day of return
    before a payment, ``DUE_BEFORE_PAID`` a due date before a payment, ``MORE_THAN_PAID`` an amount to return
    beyond what was paid, ``MISSING_RATE`` a half-year missing from the table (``MissingReferenceRate``).
    """

    NEGATIVE = "negative"
    NO_PAYMENTS = "no_payments"
    RETURNED_BEFORE_PAID = "returned_before_paid"
    DUE_BEFORE_PAID = "due_before_paid"
    MORE_THAN_PAID = "more_than_paid"
    MISSING_RATE = "missing_rate"

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind


class MissingReferenceRate(InterestError):
    """The table has no reference rate for a half-year the computation needs; ``half_year`` names it."""

    def __init__(self, start: date):
        self.start = start
        self.half_year = half_year_label(start)
        super().__init__(f"no reference rate for {self.half_year} (the half-year from {start.isoformat()}) "
                         "in the table", self.MISSING_RATE)


def half_year_start(day: date) -> date:
    """The first day of the half-year ``day`` falls in: 1.1 or 1.7."""
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def next_half_year(start: date) -> date:
    return date(start.year, 7, 1) if start.month == 1 else date(start.year + 1, 1, 1)


def half_year_label(start: date) -> str:
    """``2026 H1`` for the half-year starting 1.1.2026, ``2026 H2`` for the one starting 1.7.2026."""
    return f"{start.year} H{1 if start.month <= 6 else 2}"


def is_half_year_start(day: date) -> bool:
    return day.day == 1 and day.month in (1, 7)


@dataclass(frozen=True)
class Payment:
    """Money paid on one day: an instalment, or the part of one that is to be returned."""

    paid_on: date
    amount: Decimal


@dataclass(frozen=True)
class Period:
    """One line of the computation: ``principal`` at ``rate`` percent a year from ``start`` to ``end`` inclusive.

    ``exact`` is the line's interest as an exact fraction of a euro; ``amount`` the same rounded half up to
    the cent, for showing only (totals are made from ``exact``). ``paid_on`` is the payment the principal
    came from (interest), or None for penalty interest, which runs on the whole principal.
    """

    kind: str
    start: date
    end: date
    rate: Decimal
    principal: Decimal
    paid_on: date | None
    exact: Fraction

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def amount(self) -> Decimal:
        return round_half_up(self.exact)


@dataclass(frozen=True)
class InterestComputation:
    """The whole computation: the principal's attribution to payments, the lines and the two totals."""

    principal: Decimal
    attribution: tuple[Payment, ...]
    periods: tuple[Period, ...]
    returned_on: date
    due_on: date | None

    def exact(self, kind: str) -> Fraction:
        return sum((p.exact for p in self.periods if p.kind == kind), Fraction(0))

    @property
    def interest(self) -> Decimal:
        """Section 24 interest: the exact sum of the interest lines, rounded half up to the cent once."""
        return round_half_up(self.exact(INTEREST))

    @property
    def penalty_interest(self) -> Decimal:
        """Section 25 penalty interest: the exact sum of the penalty lines, rounded half up to the cent once."""
        return round_half_up(self.exact(PENALTY))


def round_half_up(value: Fraction) -> Decimal:
    """An exact amount of euros to the cent, half a cent up (away from zero)."""
    cents = abs(value) * 100
    whole = int(cents + Fraction(1, 2))  # int() truncates: floor for what is not negative
    result = (Decimal(whole) / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return -result if value < 0 else result


def reference_rate_on(day: date, rates: Mapping[date, Decimal]) -> Decimal:
    """The reference rate (percent) in force on ``day``; ``MissingReferenceRate`` if its half-year is not there."""
    start = half_year_start(day)
    if start not in rates:
        raise MissingReferenceRate(start)
    return Decimal(rates[start])


def rate_runs(first: date, last: date, rates: Mapping[date, Decimal]) -> list[tuple[date, date, Decimal]]:
    """The days ``first``..``last`` (inclusive) cut where the reference rate changes: ``(start, end, rate)``.

    Consecutive half-years at the same rate make one run. Every half-year touched must be in ``rates``.
    """
    runs: list[tuple[date, date, Decimal]] = []
    start = first
    while start <= last:
        rate = reference_rate_on(start, rates)
        end = min(next_half_year(half_year_start(start)) - timedelta(days=1), last)
        if runs and runs[-1][2] == rate and runs[-1][1] + timedelta(days=1) == start:
            runs[-1] = (runs[-1][0], end, rate)
        else:
            runs.append((start, end, rate))
        start = end + timedelta(days=1)
    return runs


def attribute(amount: Decimal, payments: Sequence[Payment]) -> tuple[Payment, ...]:
    """Which payments the amount to return came from: the latest first, each at most what it paid.

    Returns the parts, latest payment first; their amounts add up to ``amount``. Payments on the same day
    are taken in the order given, last given first.
    """
    amount = euros(amount)
    if amount < 0:
        raise InterestError(f"the amount to return is negative: {amount}", InterestError.NEGATIVE)
    if not payments:
        raise InterestError("no payments to attribute the amount to", InterestError.NO_PAYMENTS)
    for payment in payments:
        if euros(payment.amount) < 0:
            raise InterestError(f"a payment is negative: {payment.amount}", InterestError.NEGATIVE)
    total = sum((euros(p.amount) for p in payments), Decimal(0))
    if amount > total:
        raise InterestError(f"the amount to return {amount} is more than was paid, {total}",
                            InterestError.MORE_THAN_PAID)
    latest_first = sorted(enumerate(payments), key=lambda ip: (ip[1].paid_on, ip[0]), reverse=True)
    parts: list[Payment] = []
    left = amount
    for _, payment in latest_first:
        if left == 0:
            break
        taken = min(left, euros(payment.amount))
        if taken > 0:
            parts.append(Payment(payment.paid_on, taken))
        left -= taken
    return tuple(parts)


def attribute_next(before: Decimal, amount: Decimal, payments: Sequence[Payment]) -> tuple[Payment, ...]:
    """The part of ``payments`` a return of ``amount`` came from, after earlier returns took ``before``.

    The whole returned so far is attributed latest first; this return is the part of ``before + amount``'s
    attribution beyond ``before``'s, so that returns in parts bear the same interest as one return would
    (the money paid last is the money returned first). Used by a settlement's and a recovery's returns alike.
    """
    earlier = attribute(before, payments) if before else ()
    parts = attribute(euros(before) + euros(amount), payments)
    # Both attributions walk the same payments in the same order, so they differ only in their tail.
    result = []
    for i, part in enumerate(parts):
        already = earlier[i].amount if i < len(earlier) else Decimal(0)
        if part.amount - already > 0:
            result.append(Payment(part.paid_on, part.amount - already))
    return tuple(result)


def _line(kind: str, principal: Decimal, paid_on: date | None, run: tuple[date, date, Decimal],
          margin: Decimal) -> Period:
    start, end, reference = run
    rate = reference + margin
    days = (end - start).days + 1
    exact = Fraction(principal) * Fraction(rate) * days / (100 * DAYS_IN_YEAR)
    return Period(kind, start, end, rate, principal, paid_on, exact)


def compute_interest(amount: Decimal, payments: Sequence[Payment] | date, returned_on: date,
                     rates: Mapping[date, Decimal], *, due_on: date | None = None) -> InterestComputation:
    """Interest and penalty interest on ``amount`` returned on ``returned_on``.

    ``payments`` is the day the whole amount was paid, or the instalments paid (``Payment``s), to which the
    amount is attributed latest first. ``due_on`` is the due date set for the return, if any: interest runs
    up to and including it when the return came later, and penalty interest from the day after it.
    Raises ``InterestError`` (``MissingReferenceRate`` for a half-year not in ``rates``).
    """
    amount = euros(amount)
    if amount < 0:
        raise InterestError(f"the amount to return is negative: {amount}", InterestError.NEGATIVE)
    paid = [Payment(payments, amount)] if isinstance(payments, date) else list(payments)
    parts = attribute(amount, paid)
    for payment in paid:
        if returned_on < payment.paid_on:
            raise InterestError(f"returned on {returned_on.isoformat()}, before the payment of "
                                f"{payment.paid_on.isoformat()}", InterestError.RETURNED_BEFORE_PAID)
        if due_on is not None and due_on < payment.paid_on:
            raise InterestError(f"due on {due_on.isoformat()}, before the payment of {payment.paid_on.isoformat()}",
                                InterestError.DUE_BEFORE_PAID)
    if amount == 0:  # nothing to return: no interest, no penalty, no lines
        return InterestComputation(amount, parts, (), returned_on, due_on)
    late = due_on is not None and returned_on > due_on
    interest_until = due_on if late and due_on is not None else returned_on
    lines: list[Period] = []
    for part in parts:
        first = part.paid_on + timedelta(days=1)  # interest runs from the day after the payment
        for run in rate_runs(first, interest_until, rates):
            lines.append(_line(INTEREST, part.amount, part.paid_on, run, INTEREST_MARGIN))
    if late and due_on is not None:
        for run in rate_runs(due_on + timedelta(days=1), returned_on, rates):
            lines.append(_line(PENALTY, amount, None, run, PENALTY_MARGIN))
    return InterestComputation(amount, parts, tuple(lines), returned_on, due_on)


def parse_rate_table(rows: Mapping[date, Decimal | str]) -> dict[date, Decimal]:
    """A rate table checked: every key a half-year's first day, every rate a finite Decimal."""
    table: dict[date, Decimal] = {}
    for start, rate in rows.items():
        if not is_half_year_start(start):
            raise ValueError(f"a half-year starts on 1.1 or 1.7, not {start.isoformat()}")
        value = Decimal(rate)
        if not value.is_finite():
            raise ValueError(f"not a rate: {rate!r}")
        table[start] = value
    return table
