"""How much of the accepted costs counts towards the grant: each line of the approved budget caps its own.

The grant is "at most 85 % of the eligible costs" of the project as approved: its budget per cost category and
consortium member (``ApprovedBudgetLine``, as amended by change decisions). Costs accepted in a cell beyond its
line are not paid on: what a cell brings is at most its line times the aid rate. The 2020 decision allows no
deviation between categories or members; a different split of the budget is asked for as a change (a budget
move, an amending decision). A call that does allow some (say 10 % "between cost categories") passes it as
``flexibility``: a cell may then count up to its line plus that share of it, as long as the cells together
count no more than the whole approved budget (the grant's base never grows by flexibility; it is only shifted).

The counted costs are summed before the aid rate is applied and cut down to the cent once
(``rules.payments.entitlement``), so no cell is paid beyond ``line × aid rate`` and no cent is lost to rounding
per line.

Pure Python, no Django.
"""

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Generic, TypeVar

from avustus.rules.money import CENT, euros

NO_FLEXIBILITY = Decimal(0)

Cell = TypeVar("Cell", bound=Hashable)


@dataclass(frozen=True)
class OverLine(Generic[Cell]):
    """A cell whose accepted costs exceed what its line lets count."""

    cell: Cell
    budget: Decimal  # the approved line
    accepted: Decimal  # the costs accepted in it
    counted: Decimal  # what of them counts towards the grant
    excess: Decimal  # accepted - counted

    def cap(self, aid_rate: Decimal) -> Decimal:
        """The most this line brings: its budget (plus any flexibility) times the aid rate, down to the cent."""
        return (self.counted * aid_rate).quantize(CENT, rounding=ROUND_DOWN)


@dataclass(frozen=True)
class Counted(Generic[Cell]):
    """The accepted costs as they count towards the grant, and the lines they exceed."""

    accepted: Decimal  # all accepted costs
    counted: Decimal  # what counts: never more per cell than its line allows, nor in all than the budget
    over: tuple[OverLine[Cell], ...]


def line_limit(budget: Decimal, flexibility: Decimal) -> Decimal:
    """What a line lets count on its own: the line plus ``flexibility`` of it, down to the cent."""
    if not Decimal(0) <= flexibility <= Decimal(1):
        raise ValueError(f"flexibility is a share between 0 and 1, not {flexibility}")
    line = euros(budget)
    if line < 0:
        raise ValueError("an approved line cannot be negative")
    return (line * (1 + flexibility)).quantize(CENT, rounding=ROUND_DOWN)


def count_costs(budget: Mapping[Cell, Decimal] | None, accepted: Mapping[Cell, Decimal],
                flexibility: Decimal = NO_FLEXIBILITY) -> Counted[Cell]:
    """The accepted costs per cell counted against the approved budget per cell.

    ``budget`` None: the project has no approved budget (a decision taken outside that fixed the grant alone, as
    the imported 2020 round's), so no line caps anything and every accepted cost counts (the grant still caps).

    A cell without a line counts nothing (nothing was approved in it). With ``flexibility`` a cell counts up to
    its line plus that share; if the cells together would then count more than the whole budget, the excess
    over the budget is taken off the cells that went beyond their own lines, in the cells' order (and so is
    reported on them), so that the total never exceeds the approved budget.
    """
    if budget is None:
        total = sum((euros(amount) for amount in accepted.values()), Decimal("0.00"))
        if any(euros(amount) < 0 for amount in accepted.values()):
            raise ValueError("accepted costs cannot be negative")
        return Counted(total, total, ())
    total_budget = sum((euros(amount) for amount in budget.values()), Decimal("0.00"))
    counted: dict[Cell, Decimal] = {}
    accepted_total = Decimal("0.00")
    for cell, amount in accepted.items():
        costs = euros(amount)
        if costs < 0:
            raise ValueError("accepted costs cannot be negative")
        accepted_total += costs
        counted[cell] = min(costs, line_limit(budget.get(cell, Decimal(0)), flexibility))
    surplus = sum(counted.values(), Decimal("0.00")) - total_budget
    for cell in counted:
        if surplus <= 0:
            break
        beyond = counted[cell] - euros(budget.get(cell, Decimal(0)))
        if beyond > 0:
            cut = min(beyond, surplus)
            counted[cell] -= cut
            surplus -= cut
    over = tuple(OverLine(cell, euros(budget.get(cell, Decimal(0))), euros(accepted[cell]), counted[cell],
                          euros(accepted[cell]) - counted[cell])
                 for cell in accepted if euros(accepted[cell]) > counted[cell])
    return Counted(accepted_total, sum(counted.values(), Decimal("0.00")), over)
