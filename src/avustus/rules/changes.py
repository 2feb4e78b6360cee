"""Change requests to a funded project: an extension of the implementation period and moves of the budget.

An extension moves the end of implementation later; the final report's due date keeps the distance the call set
between the end of implementation and the final report (the 2020 round: both 30.11.2021, so the final report is
due on the new end date), and interim reports continue at the call's interval up to it (``rules.schedule``).
The grant is paid from an appropriation with a period of use (the 2020 grants: a three-year transferable
appropriation of the 2019 budget, usable through 31.12.2021): a payment made beyond it is refused, and so the
project must end early enough that its last instalment can still be paid within it. The last instalment is
paid after the final report (the 2020 decision: "the last instalment is paid after the final reporting"), and
the decision left the ministry one month for that, from the final report's due date 30.11.2021 to the end of the
period of use: ``SETTLING_TIME``. So an extension is refused when its final report would be due later than one
month before the period of use ends (``last_permissible_end`` gives the latest end allowed). For the 2020 round
that is 30.11.2021 itself: the decision's own end leaves no room for an extension. (Before, an extension to
31.12.2021 was allowed, and its last instalment could then never be paid.)

A move takes an amount from one cell of the approved budget (a cost category of one member) to another; the
total stays, no cell goes below what was already accepted as costs in it, and none goes negative.

Pure Python, no Django.
"""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Generic, TypeVar

from avustus.rules.money import euros

# Why an extension is refused (None when it is not).
NOT_LATER = "not_later"
BEYOND_PERIOD_OF_USE = "beyond_period_of_use"
FINAL_REPORT_BEYOND_PERIOD_OF_USE = "final_report_beyond_period_of_use"

# Why a move is refused.
SAME_CELL = "same_cell"
NOT_POSITIVE = "not_positive"
UNKNOWN_CELL = "unknown_cell"
BELOW_ACCEPTED = "below_accepted"


def final_report_due(new_end: date, call_end: date | None, call_final_due: date | None) -> date:
    """The final report's due date after the end moves to ``new_end``: as far after it as the call set."""
    if call_end is None or call_final_due is None:
        return new_end
    return new_end + (call_final_due - call_end)


# The time between the final report's due date and the end of the appropriation's period of use that the
# last instalment needs (the final report reviewed, the grant settled, the instalment approved and paid): the
# 2020 decision's month, final report by 30.11.2021, appropriation usable until 31.12.2021.
SETTLING_TIME_MONTHS = 1


def _last_day_of_month(day: date) -> date:
    following = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def months_before(day: date, months: int) -> date:
    """The day ``months`` months before ``day``: a month's last day gives that month's last day (31.12 → 30.11),
    another day the same day, or the month's last when it is shorter (30.3 → 28.2)."""
    for _ in range(months):
        last_of_previous = day.replace(day=1) - timedelta(days=1)
        is_last = day == _last_day_of_month(day)
        day = last_of_previous if is_last else last_of_previous.replace(day=min(day.day, last_of_previous.day))
    return day


def last_final_report_due(usable_until: date) -> date:
    """The latest day a final report may be due and its last instalment still be paid within the period of use."""
    return months_before(usable_until, SETTLING_TIME_MONTHS)


def last_permissible_end(usable_until: date | None, call_end: date | None, call_final_due: date | None) -> date | None:
    """The latest end of implementation an extension may set: its final report (as far after the end as the call
    set) due no later than ``last_final_report_due``; None when no period of use is recorded (no limit)."""
    if usable_until is None:
        return None
    distance = (call_final_due - call_end) if call_end is not None and call_final_due is not None else timedelta(0)
    return last_final_report_due(usable_until) - distance


def extension_refusal(current_end: date | None, new_end: date, usable_until: date | None,
                      call_end: date | None = None, call_final_due: date | None = None) -> str | None:
    """Why the implementation period cannot be extended to ``new_end``, or None.

    The end moves later (an earlier end is not an extension); the appropriation must still be usable on the new
    end date, since costs incurred up to it are paid from it; and its final report must be due early enough for
    the last instalment to be paid within the period of use (``last_permissible_end``).
    """
    if current_end is not None and new_end <= current_end:
        return NOT_LATER
    if usable_until is not None and new_end > usable_until:
        return BEYOND_PERIOD_OF_USE
    last = last_permissible_end(usable_until, call_end, call_final_due)
    if last is not None and new_end > last:
        return FINAL_REPORT_BEYOND_PERIOD_OF_USE
    return None


def payment_beyond_period(paid_on: date, usable_until: date | None) -> bool:
    """Whether a payment on ``paid_on`` falls after the appropriation's last day of use (no limit: never)."""
    return usable_until is not None and paid_on > usable_until


Cell = TypeVar("Cell", bound=Hashable)


@dataclass(frozen=True)
class Move(Generic[Cell]):
    """``amount`` euros from the budget cell ``source`` to ``target`` (a cell: a category and a member)."""

    source: Cell
    target: Cell
    amount: Decimal


class MoveError(ValueError):
    def __init__(self, kind: str, index: int):
        super().__init__(f"move {index}: {kind}")
        self.kind = kind
        self.index = index


def apply_moves(budget: Mapping[Cell, Decimal], moves: Iterable[Move[Cell]],
                accepted: Mapping[Cell, Decimal] | None = None) -> dict[Cell, Decimal]:
    """The budget after ``moves``, in order: a target cell that has no line yet is opened at zero.

    Refused (``MoveError`` naming the move and why): a move within one cell, a non-positive amount, a source
    cell the budget lacks, and a source left below what was accepted in it (nor below zero).
    """
    after = {cell: euros(amount) for cell, amount in budget.items()}
    floor = {cell: euros(amount) for cell, amount in (accepted or {}).items()}
    for index, move in enumerate(moves):
        amount = euros(move.amount)
        if move.source == move.target:
            raise MoveError(SAME_CELL, index)
        if amount <= 0:
            raise MoveError(NOT_POSITIVE, index)
        if move.source not in after:
            raise MoveError(UNKNOWN_CELL, index)
        left = after[move.source] - amount
        if left < max(Decimal(0), floor.get(move.source, Decimal(0))):
            raise MoveError(BELOW_ACCEPTED, index)
        after[move.source] = left
        after[move.target] = after.get(move.target, Decimal("0.00")) + amount
    return after
