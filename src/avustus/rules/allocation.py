"""The decision proposal: who gets how much, in ranking order, until the appropriation runs out.

The rules, in the order they apply to each application:

1. a withdrawn application is withdrawn;
2. an official's override (with its reason) decides the line, and a granted override's money is set
   aside before anything else is allocated: an override is a considered choice and must not be
   crowded out by the ranking;
3. an application found ineligible in screening is rejected; one not yet screened or scored is left
   undecided, and a proposal with undecided lines cannot be presented;
4. below the call's pass mark it is rejected;
5. otherwise it is granted the amount applied under the call's rounding rule, never more than was
   applied, if that fits in what is left of the budget. The first line that does not fit is where the
   money runs out: it and every line ranked below it are rejected for want of funds, even a smaller
   one that would fit, because skipping down the ranking would favour cheap projects over good ones.
   An official who wants that overrides the line, with a reason.

An amount that the rounding rule takes to zero (less than the rounding unit applied) is never a
grant: such a line is rejected as too small, or set by hand.

Applications that the decision allows to be combined later stay separate grants with their own amounts,
as in the 2020 decision (grants 12 and 13 of Turku); that is a condition of the grants, not a line here.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from avustus.rules.money import RoundingRule, euros

GRANTED, DEFERRED, REJECTED, WITHDRAWN = "granted", "deferred", "rejected", "withdrawn"
OUTCOMES = (GRANTED, DEFERRED, REJECTED)

# Why a line has its outcome; the screens translate these.
BASIS_OVERRIDE = "override"
BASIS_WITHDRAWN = "withdrawn"
BASIS_INELIGIBLE = "ineligible"
BASIS_NOT_SCREENED = "not_screened"
BASIS_NOT_SCORED = "not_scored"
BASIS_BELOW_PASS_MARK = "below_pass_mark"  # noqa: S105 -- "pass" as in pass mark, not a password
BASIS_FUNDED = "funded"
BASIS_NO_FUNDS = "no_funds"
BASIS_TOO_SMALL = "too_small"


class AllocationError(ValueError):
    def __init__(self, code: str, key: str):
        super().__init__(f"{code}: {key}")
        self.code = code
        self.key = key


@dataclass(frozen=True)
class Candidate:
    key: str
    amount_applied: Decimal
    eligible: bool | None = True  # None: not screened yet
    score: Decimal | None = None
    withdrawn: bool = False


@dataclass(frozen=True)
class Override:
    outcome: str  # granted, deferred or rejected
    reason: str
    amount: Decimal | None = None  # for a grant: None means the amount the rounding rule gives


@dataclass(frozen=True)
class Line:
    key: str
    outcome: str | None  # None: undecided
    amount: Decimal | None
    basis: str


@dataclass(frozen=True)
class Proposal:
    lines: tuple[Line, ...]  # in ranking order
    budget: Decimal
    granted_total: Decimal
    cut: str | None  # the first line rejected for want of funds
    over_budget: bool  # overrides alone grant more than the budget
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.granted_total

    @property
    def undecided(self) -> int:
        return sum(1 for line in self.lines if line.outcome is None)


def grant_amount(applied: Decimal, rule: RoundingRule) -> Decimal:
    """What the rounding rule grants of an amount applied; never more than applied."""
    rounded = rule.apply(applied)
    if rounded > applied:
        rounded = RoundingRule(rule.unit, "down").apply(applied)
    return rounded


def ranking_order(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Best score first, unscored last; equal scores keep the order the applications arrived in."""
    return sorted(candidates, key=lambda c: (c.score is None, -(c.score or 0)))


def propose(
    candidates: Sequence[Candidate],
    *,
    budget: Decimal,
    rule: RoundingRule,
    pass_mark: Decimal | None = None,
    overrides: Mapping[str, Override] | None = None,
) -> Proposal:
    overrides = dict(overrides or {})
    budget = euros(budget)
    by_key = {c.key: c for c in candidates}
    if len(by_key) != len(candidates):
        raise AllocationError("duplicate", next(k for k in by_key if sum(c.key == k for c in candidates) > 1))
    for key, override in overrides.items():
        if key not in by_key:
            raise AllocationError("unknown", key)
        if override.outcome not in OUTCOMES:
            raise AllocationError("outcome", key)
        if not override.reason.strip():
            raise AllocationError("reason", key)
        if override.amount is not None and (override.outcome != GRANTED or not 0 < override.amount):
            raise AllocationError("amount", key)
    applied = {c.key: c.amount_applied for c in candidates}
    for key, override in overrides.items():
        if override.amount is not None and override.amount > applied[key]:
            raise AllocationError("amount", key)

    def amount_for(key: str) -> Decimal:
        override = overrides.get(key)
        if override is not None and override.amount is not None:
            return euros(override.amount)
        return grant_amount(applied[key], rule)

    for key, override in overrides.items():
        if override.outcome == GRANTED and amount_for(key) <= 0:
            raise AllocationError("amount", key)  # a grant of nothing: the official must give an amount
    # A withdrawn application's override grants nothing, so it sets nothing aside.
    reserved = sum(
        (amount_for(k) for k, o in overrides.items() if o.outcome == GRANTED and not by_key[k].withdrawn),
        Decimal("0.00"),
    )
    left = budget - reserved
    lines: list[Line] = []
    cut: str | None = None
    for candidate in ranking_order(candidates):
        key = candidate.key
        chosen = overrides.get(key)
        if candidate.withdrawn:
            line = Line(key, WITHDRAWN, None, BASIS_WITHDRAWN)
        elif chosen is not None:
            amount = amount_for(key) if chosen.outcome == GRANTED else None
            line = Line(key, chosen.outcome, amount, BASIS_OVERRIDE)
        elif candidate.eligible is False:
            line = Line(key, REJECTED, None, BASIS_INELIGIBLE)
        elif candidate.eligible is None:
            line = Line(key, None, None, BASIS_NOT_SCREENED)
        elif candidate.score is None:
            line = Line(key, None, None, BASIS_NOT_SCORED)
        elif pass_mark is not None and candidate.score < pass_mark:
            line = Line(key, REJECTED, None, BASIS_BELOW_PASS_MARK)
        elif amount_for(key) <= 0:
            line = Line(key, REJECTED, None, BASIS_TOO_SMALL)
        elif cut is None and amount_for(key) <= left:
            amount = amount_for(key)
            left -= amount
            line = Line(key, GRANTED, amount, BASIS_FUNDED)
        else:
            cut = cut or key
            line = Line(key, REJECTED, None, BASIS_NO_FUNDS)
        lines.append(line)
    granted = sum(
        (line.amount for line in lines if line.outcome == GRANTED and line.amount is not None), Decimal("0.00")
    )
    counts: dict[str, int] = {}
    for line in lines:
        counts[line.outcome or "undecided"] = counts.get(line.outcome or "undecided", 0) + 1
    return Proposal(tuple(lines), budget, granted, cut, over_budget=reserved > budget, counts=counts)
