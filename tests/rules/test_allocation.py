"""The decision proposal: ranking order, rounding, the budget, overrides and merges."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from avustus.rules.allocation import (
    BASIS_BELOW_PASS_MARK,
    BASIS_FUNDED,
    BASIS_INELIGIBLE,
    BASIS_NO_FUNDS,
    BASIS_NOT_SCORED,
    BASIS_NOT_SCREENED,
    BASIS_OVERRIDE,
    BASIS_TOO_SMALL,
    GRANTED,
    REJECTED,
    WITHDRAWN,
    AllocationError,
    Candidate,
    Override,
    grant_amount,
    propose,
)
from avustus.rules.money import RoundingRule

HUNDREDS_DOWN = RoundingRule(Decimal(100), "down")


def c(key, applied, score=None, eligible=True, withdrawn=False):
    return Candidate(key, Decimal(applied), eligible, Decimal(score) if score is not None else None, withdrawn)


def outcomes(proposal):
    return {line.key: (line.outcome, line.amount, line.basis) for line in proposal.lines}


def test_2020_rule_grants_the_amount_applied_rounded_down_to_hundreds():
    assert grant_amount(Decimal("82450.00"), HUNDREDS_DOWN) == Decimal("82400.00")
    assert grant_amount(Decimal("127500.00"), HUNDREDS_DOWN) == Decimal("127500.00")


def test_rounding_up_never_grants_more_than_applied():
    assert grant_amount(Decimal("150.50"), RoundingRule(Decimal(100), "up")) == Decimal("100.00")


def test_best_first_until_the_money_runs_out_and_nothing_below_the_cut():
    proposal = propose(
        [c("low", "500", 40), c("top", "1000", 90), c("mid", "800", 70), c("cheap", "100", 60)],
        budget=Decimal("1900"), rule=HUNDREDS_DOWN,
    )
    assert [line.key for line in proposal.lines] == ["top", "mid", "cheap", "low"]
    assert outcomes(proposal) == {
        "top": (GRANTED, Decimal("1000.00"), BASIS_FUNDED),
        "mid": (GRANTED, Decimal("800.00"), BASIS_FUNDED),
        "cheap": (GRANTED, Decimal("100.00"), BASIS_FUNDED),
        "low": (REJECTED, None, BASIS_NO_FUNDS),
    }
    assert proposal.cut == "low"
    assert proposal.remaining == Decimal("0.00")


def test_a_cheaper_line_below_the_cut_is_not_funded_even_if_it_fits():
    proposal = propose([c("a", "1000", 90), c("b", "900", 80), c("c", "100", 70)], budget=Decimal("1500"),
                       rule=HUNDREDS_DOWN)
    assert outcomes(proposal)["c"][:2] == (REJECTED, None)
    assert proposal.cut == "b"


def test_screening_scores_and_pass_mark_decide_before_money():
    proposal = propose(
        [c("ineligible", "10", 99, eligible=False), c("unscreened", "10", 99, eligible=None), c("unscored", "10"),
         c("weak", "10", 20), c("gone", "10", 99, withdrawn=True)],
        budget=Decimal("1000"), rule=RoundingRule(), pass_mark=Decimal(50),
    )
    assert {k: v[2] for k, v in outcomes(proposal).items()} == {
        "ineligible": BASIS_INELIGIBLE, "unscreened": BASIS_NOT_SCREENED, "unscored": BASIS_NOT_SCORED,
        "weak": BASIS_BELOW_PASS_MARK, "gone": WITHDRAWN,
    }
    assert proposal.undecided == 2


def test_an_override_decides_its_line_and_its_money_is_set_aside_first():
    proposal = propose(
        [c("a", "1000", 90), c("b", "700", 10)], budget=Decimal("1000"), rule=HUNDREDS_DOWN,
        overrides={"b": Override(GRANTED, "regional balance", Decimal("500"))},
    )
    assert outcomes(proposal) == {
        "a": (REJECTED, None, BASIS_NO_FUNDS), "b": (GRANTED, Decimal("500.00"), BASIS_OVERRIDE)
    }
    assert not proposal.over_budget


def test_overrides_beyond_the_budget_are_shown_not_hidden():
    proposal = propose([c("a", "2000", 90)], budget=Decimal("1000"), rule=HUNDREDS_DOWN,
                       overrides={"a": Override(GRANTED, "minister's priority")})
    assert proposal.over_budget and proposal.remaining == Decimal("-1000.00")


@pytest.mark.parametrize(("override", "code"), [
    (Override(GRANTED, "  "), "reason"),
    (Override("maybe", "x"), "outcome"),
    (Override(GRANTED, "x", Decimal("0")), "amount"),
    (Override(GRANTED, "x", Decimal("1000.01")), "amount"),
    (Override(REJECTED, "x", Decimal("10")), "amount"),
])
def test_overrides_need_a_reason_a_known_outcome_and_a_possible_amount(override, code):
    with pytest.raises(AllocationError) as caught:
        propose([c("a", "1000", 90)], budget=Decimal("5000"), rule=HUNDREDS_DOWN, overrides={"a": override})
    assert caught.value.code == code


def test_a_withdrawn_applications_override_sets_no_money_aside():
    proposal = propose([c("gone", "100000", 90, withdrawn=True), c("b", "150000", 80), c("c", "50000", 70)],
                       budget=Decimal("200000"), rule=HUNDREDS_DOWN,
                       overrides={"gone": Override(GRANTED, "before it was withdrawn", Decimal("100000"))})
    assert [line.outcome for line in proposal.lines] == [WITHDRAWN, GRANTED, GRANTED]
    assert proposal.remaining == Decimal("0.00")


def test_an_amount_rounded_to_nothing_is_never_a_grant():
    proposal = propose([c("tiny", "50", 90)], budget=Decimal("1000"), rule=HUNDREDS_DOWN)
    assert (proposal.lines[0].outcome, proposal.lines[0].basis) == (REJECTED, BASIS_TOO_SMALL)
    with pytest.raises(AllocationError):
        propose([c("tiny", "50", 90)], budget=Decimal("1000"), rule=HUNDREDS_DOWN,
                overrides={"tiny": Override(GRANTED, "small but good")})
    granted = propose([c("tiny", "50", 90)], budget=Decimal("1000"), rule=HUNDREDS_DOWN,
                      overrides={"tiny": Override(GRANTED, "small but good", Decimal("50"))})
    assert granted.lines[0].amount == Decimal("50.00")


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000000"), places=2)


@given(st.lists(st.tuples(amounts, st.one_of(st.none(), st.integers(0, 100)), st.sampled_from([True, False, None])),
                max_size=40),
       st.decimals(min_value=0, max_value=Decimal("30000000"), places=2),
       st.sampled_from([RoundingRule(), HUNDREDS_DOWN, RoundingRule(Decimal(1000), "half_up")]))
def test_without_overrides_the_grants_fit_the_budget_and_follow_the_ranking(rows, budget, rule):
    candidates = [c(str(i), applied, score, eligible) for i, (applied, score, eligible) in enumerate(rows)]
    proposal = propose(candidates, budget=budget, rule=rule)
    assert proposal.granted_total <= budget
    assert len(proposal.lines) == len(candidates)
    applied = {x.key: x.amount_applied for x in candidates}
    score = {x.key: x.score for x in candidates}
    funded_scores = [score[line.key] for line in proposal.lines if line.basis == BASIS_FUNDED]
    unfunded_scores = [score[line.key] for line in proposal.lines if line.basis == BASIS_NO_FUNDS]
    if funded_scores and unfunded_scores:
        assert min(funded_scores) >= max(unfunded_scores)
    for line in proposal.lines:
        if line.outcome == GRANTED:
            assert Decimal(0) < line.amount <= applied[line.key]
