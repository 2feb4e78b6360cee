"""Scores against a call's criteria: one reviewer's weighted score, the spread between reviewers, a ranking.

A weighted score is expressed in points out of 100 so that calls with different scales and weights
can be read the same way: each criterion's score is taken as a share of its scale's top, weighted,
and the weighted mean of those shares is multiplied by 100. Points are kept to two decimals,
rounded half up, and computed from Decimals only, so that every official sees the same figure.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

POINTS = Decimal("0.01")
HUNDRED = Decimal(100)


class ScoreError(ValueError):
    """A set of scores that cannot be weighed: a criterion missing, unknown or out of its scale."""

    def __init__(self, code: str, criterion: str):
        super().__init__(f"{code}: {criterion}")
        self.code = code
        self.criterion = criterion


@dataclass(frozen=True)
class CriterionSpec:
    code: str
    weight: Decimal
    scale_max: int

    def __post_init__(self) -> None:
        if self.weight <= 0:
            raise ValueError(f"criterion {self.code}: weight must be positive, not {self.weight}")
        if self.scale_max < 1:
            raise ValueError(f"criterion {self.code}: the scale must reach at least 1, not {self.scale_max}")


def check_scores(scores: Mapping[str, int], criteria: Sequence[CriterionSpec]) -> None:
    """Raise ``ScoreError`` unless every criterion has exactly one whole score from 0 to its top."""
    known = {c.code for c in criteria}
    for code in scores:
        if code not in known:
            raise ScoreError("unknown", code)
    for criterion in criteria:
        if criterion.code not in scores:
            raise ScoreError("missing", criterion.code)
        value = scores[criterion.code]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= criterion.scale_max:
            raise ScoreError("out_of_scale", criterion.code)


def weighted_score(scores: Mapping[str, int], criteria: Sequence[CriterionSpec]) -> Decimal:
    """One reviewer's score of one application, in points out of 100."""
    if not criteria:
        raise ValueError("a call without criteria cannot be scored")
    check_scores(scores, criteria)
    total_weight = sum((c.weight for c in criteria), Decimal(0))
    weighted = sum((c.weight * Decimal(scores[c.code]) / Decimal(c.scale_max) for c in criteria), Decimal(0))
    return (weighted / total_weight * HUNDRED).quantize(POINTS, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Summary:
    """What the officials see of an application's reviews."""

    count: int
    mean: Decimal | None
    spread: Decimal | None  # highest minus lowest reviewer; a wide spread asks for a discussion


def summarise(reviewer_scores: Iterable[Decimal]) -> Summary:
    values = list(reviewer_scores)
    if not values:
        return Summary(0, None, None)
    mean = (sum(values, Decimal(0)) / len(values)).quantize(POINTS, rounding=ROUND_HALF_UP)
    return Summary(len(values), mean, max(values) - min(values))


def rank(scores: Mapping[str, Decimal | None], order: Sequence[str]) -> dict[str, int | None]:
    """Rank applications by score, best first; equal scores share a rank (1, 2, 2, 4).

    ``order`` lists every key in the order the applications arrived; unscored applications get no
    rank. Ties keep arrival order in listings, but the rank number itself does not favour either.
    """
    scored = sorted(((k, v) for k in order if (v := scores.get(k)) is not None), key=lambda pair: -pair[1])
    ranks: dict[str, int | None] = {k: None for k in order}
    previous: Decimal | None = None
    previous_rank = 0
    for position, (key, score) in enumerate(scored, start=1):
        if score != previous:
            previous, previous_rank = score, position
        ranks[key] = previous_rank
    return ranks
