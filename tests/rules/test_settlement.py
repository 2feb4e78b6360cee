"""Settlement after the final report: the final grant, the last instalment or the amount to return."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from avustus.rules.settlement import UNRETURNED_AT_MOST, final_grant, settle

D = Decimal
MONEY = st.decimals(min_value=0, max_value=D("10000000"), places=2, allow_nan=False, allow_infinity=False)
RATES = st.decimals(min_value=0, max_value=1, places=4, allow_nan=False, allow_infinity=False)


def test_final_grant_is_the_lesser_cut_down_to_the_cent():
    # 80 % of 100 000.01 is 80 000.008: cut to 80 000.00, never rounded up past the legal rate.
    assert final_grant(D("90000.00"), D("0.8"), D("100000.01")) == D("80000.00")
    assert final_grant(D("70000.00"), D("0.8"), D("100000.01")) == D("70000.00")


def test_last_instalment_when_costs_reached_the_grant():
    s = settle(D("561000.00"), D("0.8"), D("701250.00"), paid=D("448800.00"))
    assert (s.final_grant, s.last_instalment, s.to_return, s.left_unreturned) == (
        D("561000.00"), D("112200.00"), D("0.00"), D("0.00"))


def test_a_return_when_less_was_spent_than_paid():
    s = settle(D("100000.00"), D("0.8"), D("50000.00"), paid=D("80000.00"))
    assert (s.final_grant, s.last_instalment, s.to_return, s.left_unreturned) == (
        D("40000.00"), D("0.00"), D("40000.00"), D("0.00"))


@pytest.mark.parametrize(("paid", "to_return", "left"), [
    ("40100.00", "0.00", "100.00"),  # exactly 100 euros: may be left unreturned (section 20)
    ("40000.01", "0.00", "0.01"),
    ("40100.01", "100.01", "0.00"),  # more than 100: all of it is returned, not just what is over 100
])
def test_at_most_100_euros_is_not_demanded(paid, to_return, left):
    s = settle(D("100000.00"), D("0.8"), D("50000.00"), paid=D(paid))
    assert (s.to_return, s.left_unreturned, s.last_instalment) == (D(to_return), D(left), D("0.00"))


def test_nothing_left_either_way_when_paid_in_full():
    s = settle(D("1000.00"), D("1"), D("1000.00"), paid=D("1000.00"))
    assert (s.last_instalment, s.to_return, s.left_unreturned) == (D("0.00"),) * 3


def test_refuses_what_is_not_money():
    with pytest.raises(ValueError):
        settle(D("1000.00"), D("0.5"), D("1000.00"), paid=D("-1.00"))
    with pytest.raises(ValueError):
        settle(D("1000.00"), D("1.5"), D("1000.00"), paid=D("1.00"))
    with pytest.raises(ValueError):
        settle(D("1000.001"), D("0.5"), D("1000.00"), paid=D("1.00"))


@settings(max_examples=300)
@given(MONEY, RATES, MONEY, MONEY)
def test_settlement_reconciles_to_the_cent(grant, rate, costs, paid):
    s = settle(grant, rate, costs, paid)
    assert s.paid + s.last_instalment - s.to_return - s.left_unreturned == s.final_grant
    assert s.final_grant == min(grant, (costs * rate).quantize(D("0.01"), rounding="ROUND_DOWN"))
    assert sum(1 for x in (s.last_instalment, s.to_return, s.left_unreturned) if x) <= 1
    assert min(s.last_instalment, s.to_return, s.left_unreturned) >= 0
    for value in (s.final_grant, s.last_instalment, s.to_return, s.left_unreturned):
        assert value == value.quantize(D("0.01"))


@settings(max_examples=300)
@given(MONEY, RATES, MONEY, MONEY)
def test_never_demands_a_return_of_100_euros_or_less(grant, rate, costs, paid):
    s = settle(grant, rate, costs, paid)
    assert s.to_return == 0 or s.to_return > UNRETURNED_AT_MOST
    assert s.left_unreturned <= UNRETURNED_AT_MOST
