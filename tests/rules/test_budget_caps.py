"""Each line of the approved budget caps the accepted costs of its cell: pure, exhaustively and by hypothesis."""

import itertools
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from avustus.rules.budget_caps import NO_FLEXIBILITY, count_costs, line_limit
from avustus.rules.payments import entitlement

D = Decimal
LEAD_STAFF, LEAD_TRAVEL, PARTNER_STAFF = ("cost-1", 1), ("cost-2", 1), ("cost-1", 2)


def test_within_every_line_everything_counts():
    counted = count_costs({LEAD_STAFF: D("40000"), PARTNER_STAFF: D("20000")},
                          {LEAD_STAFF: D("39999.99"), PARTNER_STAFF: D("20000.00")})
    assert (counted.accepted, counted.counted, counted.over) == (D("59999.99"), D("59999.99"), ())


def test_a_line_over_its_budget_counts_only_the_line_and_is_named():
    counted = count_costs({LEAD_STAFF: D("40000"), PARTNER_STAFF: D("20000")},
                          {LEAD_STAFF: D("50000"), PARTNER_STAFF: D("10000")})
    assert counted.accepted == D("60000.00") and counted.counted == D("50000.00")
    (over,) = counted.over
    assert (over.cell, over.budget, over.accepted, over.counted, over.excess) == (
        LEAD_STAFF, D("40000.00"), D("50000.00"), D("40000.00"), D("10000.00"))
    # The most the line brings: its budget times the aid rate.
    assert over.cap(D("0.85")) == D("34000.00")
    # Underspending elsewhere does not lift it: without flexibility there is no deviation between lines.
    assert entitlement(D("0.85"), counted.counted, D("1000000")) == D("42500.00")


def test_costs_in_a_cell_without_a_line_count_nothing():
    counted = count_costs({LEAD_STAFF: D("40000")}, {LEAD_TRAVEL: D("100.00")})
    assert counted.counted == D("0.00") and counted.over[0].budget == D("0.00")


def test_no_approved_budget_caps_nothing():
    # An imported decision fixing the grant alone: the grant is the only cap (``rules.payments``).
    counted = count_costs(None, {LEAD_STAFF: D("50000"), LEAD_TRAVEL: D("1.01")})
    assert (counted.counted, counted.over) == (D("50001.01"), ())


def test_flexibility_lets_a_line_go_beyond_itself_but_never_the_whole_budget():
    budget = {LEAD_STAFF: D("40000"), PARTNER_STAFF: D("20000")}
    # 10 %: the lead's staff may count up to 44 000,00 while the partner underspends.
    counted = count_costs(budget, {LEAD_STAFF: D("50000"), PARTNER_STAFF: D("10000")}, D("0.10"))
    assert counted.counted == D("54000.00") and counted.over[0].counted == D("44000.00")
    # Both lines at their 10 %: the total stays the budget's 60 000,00, the excess taken off what went beyond.
    counted = count_costs(budget, {LEAD_STAFF: D("44000"), PARTNER_STAFF: D("22000")}, D("0.10"))
    assert counted.counted == D("60000.00")
    assert [(o.cell, o.counted) for o in counted.over] == [(LEAD_STAFF, D("40000.00")), (PARTNER_STAFF,
                                                                                          D("20000.00"))]


@pytest.mark.parametrize("flexibility", [D("-0.01"), D("1.01")])
def test_flexibility_is_a_share(flexibility):
    with pytest.raises(ValueError, match="share"):
        line_limit(D("100"), flexibility)


def test_negative_amounts_are_refused():
    with pytest.raises(ValueError):
        count_costs({LEAD_STAFF: D("1")}, {LEAD_STAFF: D("-1")})
    with pytest.raises(ValueError):
        line_limit(D("-1"), NO_FLEXIBILITY)


AMOUNTS = [D("0.00"), D("0.01"), D("999.99"), D("1000.00"), D("1000.01"), D("2500.00")]


@pytest.mark.parametrize(("budget_a", "budget_b"), list(itertools.product(AMOUNTS, repeat=2)))
def test_exhaustively_every_cell_is_capped_by_its_line(budget_a, budget_b):
    budget = {LEAD_STAFF: budget_a, PARTNER_STAFF: budget_b}
    for accepted_a, accepted_b in itertools.product(AMOUNTS, repeat=2):
        counted = count_costs(budget, {LEAD_STAFF: accepted_a, PARTNER_STAFF: accepted_b})
        assert counted.counted == min(accepted_a, budget_a) + min(accepted_b, budget_b)
        assert {o.cell for o in counted.over} == ({LEAD_STAFF} if accepted_a > budget_a else set()) | (
            {PARTNER_STAFF} if accepted_b > budget_b else set())


cents = st.integers(min_value=0, max_value=10**9).map(lambda c: D(c) / 100)
cells = st.sampled_from([LEAD_STAFF, LEAD_TRAVEL, PARTNER_STAFF, ("cost-4", 3)])
shares = st.integers(min_value=0, max_value=100).map(lambda p: D(p) / 100)


@given(st.dictionaries(cells, cents), st.dictionaries(cells, cents), shares)
def test_what_counts_never_exceeds_a_line_its_flexibility_or_the_budget(budget, accepted, flexibility):
    counted = count_costs(budget, accepted, flexibility)
    per_cell = {o.cell: o.counted for o in counted.over}
    assert counted.accepted == sum(accepted.values(), D(0))
    assert 0 <= counted.counted <= counted.accepted
    assert counted.counted <= sum(budget.values(), D(0))
    for cell, costs in accepted.items():
        counts = per_cell.get(cell, costs)
        assert 0 <= counts <= min(costs, line_limit(budget.get(cell, D(0)), flexibility))
    assert sum(per_cell.values(), D(0)) + sum(c for cell, c in accepted.items() if cell not in per_cell) \
        == counted.counted
    # Without flexibility, exactly each cell's costs up to its line.
    if flexibility == 0:
        assert counted.counted == sum((min(c, budget.get(cell, D(0))) for cell, c in accepted.items()), D(0))


@given(st.dictionaries(cells, cents), st.dictionaries(cells, cents), shares, st.sampled_from(
    [D("0.85"), D("0.80"), D("1")]))
def test_no_line_is_paid_beyond_its_cap_to_the_cent(budget, accepted, flexibility, aid_rate):
    counted = count_costs(budget, accepted, flexibility)
    paid = entitlement(aid_rate, counted.counted, D("10000000000"))
    caps = sum(((line_limit(budget.get(cell, D(0)), flexibility) * aid_rate) for cell in accepted), D(0))
    assert paid <= caps
    assert paid <= sum(budget.values(), D(0)) * aid_rate


@given(st.dictionaries(cells, cents), st.dictionaries(cells, cents), shares)
def test_more_flexibility_never_counts_less(budget, accepted, flexibility):
    assert count_costs(budget, accepted, flexibility).counted >= count_costs(budget, accepted).counted
