"""Change requests to a funded project: an extension of the implementation period and moves of the budget.

An extension moves the end of implementation later; the final report's due date keeps the distance the call set
between the end of implementation and the final report (the 2020 round: both 30.11.2021, so the final report is
due on the new end date), and interim reports continue at the call's interval up to it (``rules.schedule``).
The grant is paid from an appropriation with a period of use (the 2020 grants: a three-year transferable
appropriation of the 2019 budget, usable through 31.12.2021): a new end beyond it is refused, as a payment
made beyond it is.

A move takes an amount from one cell of the approved budget (a cost category of one member) to another; the
total stays, no cell goes below what was already accepted as costs in it, and none goes negative.

Pure Python, no Django.
"""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
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


def extension_refusal(current_end: date | None, new_end: date, usable_until: date | None) -> str | None:
    """Why the implementation period cannot be extended to ``new_end``, or None.

    The end moves later (an earlier end is not an extension); the appropriation must still be usable on the new
    end date, since costs incurred up to it are paid from it.
    """
    if current_end is not None and new_end <= current_end:
        return NOT_LATER
    if usable_until is not None and new_end > usable_until:
        return BEYOND_PERIOD_OF_USE
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
