"""Weighted scores, spreads and rankings of reviews."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from avustus.rules.evaluation import CriterionSpec, ScoreError, rank, summarise, weighted_score

CRITERIA = [CriterionSpec("impact", Decimal("2"), 5), CriterionSpec("feasibility", Decimal("1"), 5)]


def test_weighted_score_weighs_each_criterion_by_its_share_of_the_scale():
    # (2 * 5/5 + 1 * 2/5) / 3 * 100 = 80
    assert weighted_score({"impact": 5, "feasibility": 2}, CRITERIA) == Decimal("80.00")
    assert weighted_score({"impact": 0, "feasibility": 0}, CRITERIA) == Decimal("0.00")


def test_scales_of_different_length_count_alike():
    criteria = [CriterionSpec("a", Decimal(1), 4), CriterionSpec("b", Decimal(1), 10)]
    assert weighted_score({"a": 2, "b": 5}, criteria) == Decimal("50.00")


@pytest.mark.parametrize(("scores", "code", "criterion"), [
    ({"impact": 5}, "missing", "feasibility"),
    ({"impact": 5, "feasibility": 6}, "out_of_scale", "feasibility"),
    ({"impact": -1, "feasibility": 1}, "out_of_scale", "impact"),
    ({"impact": True, "feasibility": 1}, "out_of_scale", "impact"),
    ({"impact": 2.5, "feasibility": 1}, "out_of_scale", "impact"),
    ({"impact": 1, "feasibility": 1, "beauty": 3}, "unknown", "beauty"),
])
def test_incomplete_or_impossible_scores_are_refused_naming_the_criterion(scores, code, criterion):
    with pytest.raises(ScoreError) as caught:
        weighted_score(scores, CRITERIA)
    assert (caught.value.code, caught.value.criterion) == (code, criterion)


@given(st.integers(0, 5), st.integers(0, 5))
def test_weighted_score_stays_within_0_and_100_and_grows_with_any_score(impact, feasibility):
    score = weighted_score({"impact": impact, "feasibility": feasibility}, CRITERIA)
    assert Decimal(0) <= score <= Decimal(100)
    if impact < 5:
        assert weighted_score({"impact": impact + 1, "feasibility": feasibility}, CRITERIA) > score


def test_summary_gives_mean_and_spread_between_reviewers():
    summary = summarise([Decimal("80.00"), Decimal("60.00")])
    assert (summary.count, summary.mean, summary.spread) == (2, Decimal("70.00"), Decimal("20.00"))
    assert summarise([]).mean is None


def test_equal_scores_share_a_rank_and_unscored_get_none():
    ranks = rank({"a": Decimal(70), "b": Decimal(90), "c": Decimal(70), "d": None, "e": Decimal(10)},
                 ["a", "b", "c", "d", "e"])
    assert ranks == {"b": 1, "a": 2, "c": 2, "e": 4, "d": None}


@given(st.lists(st.one_of(st.none(), st.integers(0, 100)), max_size=30))
def test_a_higher_score_never_ranks_below_a_lower_one(values):
    keys = [str(i) for i in range(len(values))]
    scores = {k: (Decimal(v) if v is not None else None) for k, v in zip(keys, values, strict=True)}
    ranks = rank(scores, keys)
    for a in keys:
        for b in keys:
            if scores[a] is not None and scores[b] is not None and scores[a] > scores[b]:
                assert ranks[a] < ranks[b]
