from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from avustus.rules.payments import (
    LAST_WAITS_FOR_FINAL_REPORT,
    NO_MORE_INSTALMENTS,
    NOTHING_PAYABLE,
    SETTLEMENT_FIRST,
    approved_cap,
    entitlement,
    instalment_count,
    pay_in_instalments,
    payable_now,
    refusal,
)

RATE = Decimal("0.85")
money = st.decimals(min_value=0, max_value=Decimal("5000000"), places=2, allow_nan=False, allow_infinity=False)
rates = st.decimals(min_value=0, max_value=1, places=4, allow_nan=False, allow_infinity=False)


def test_payable_is_the_aid_rate_of_costs_less_what_was_paid_down_to_the_cent():
    # 85 % of 10 000,01 is 8 500,0085: the cent is not rounded up.
    assert payable_now(RATE, Decimal("10000.01"), Decimal("50000.00"), Decimal("0")) == Decimal("8500.00")
    assert payable_now(RATE, Decimal("30000.00"), Decimal("50000.00"), Decimal("8500.00")) == Decimal("17000.00")


def test_payable_is_capped_at_the_grant_and_never_negative():
    assert payable_now(RATE, Decimal("100000.00"), Decimal("50000.00"), Decimal("20000.00")) == Decimal("30000.00")
    assert payable_now(RATE, Decimal("10000.00"), Decimal("50000.00"), Decimal("9000.00")) == Decimal("0.00")


def test_the_approved_cap_is_the_grant_when_lower():
    assert approved_cap(Decimal("82400.00"), RATE, Decimal("100000.00")) == Decimal("82400.00")
    assert approved_cap(Decimal("90000.00"), RATE, Decimal("100000.00")) == Decimal("85000.00")


@pytest.mark.parametrize(("bad", "args"), [
    ("rate above one", (Decimal("1.01"), Decimal("1"), Decimal("1"))),
    ("negative costs", (RATE, Decimal("-1"), Decimal("1"))),
    ("a float", (RATE, 0.5, Decimal("1"))),
])
def test_entitlement_refuses_what_is_not_a_rate_or_money(bad, args):
    with pytest.raises(ValueError):
        entitlement(*args)


def test_instalments_are_the_calls_plus_those_allowed():
    assert instalment_count(3) == 3
    assert instalment_count(3, 1) == 4
    with pytest.raises(ValueError):
        instalment_count(0)


@pytest.mark.parametrize(("number", "count", "final", "settled", "payable", "expected"), [
    (1, 3, False, False, Decimal("1.00"), None),
    (2, 3, False, False, Decimal("1.00"), None),
    (3, 3, False, False, Decimal("1.00"), LAST_WAITS_FOR_FINAL_REPORT),
    (3, 3, True, True, Decimal("1.00"), None),
    (3, 3, True, False, Decimal("1.00"), SETTLEMENT_FIRST),
    (2, 3, True, False, Decimal("1.00"), SETTLEMENT_FIRST),  # after the final report any payment is the last
    (2, 3, True, True, Decimal("1.00"), None),
    (3, 3, True, True, Decimal("0.00"), NOTHING_PAYABLE),
    (4, 3, True, True, Decimal("1.00"), NO_MORE_INSTALMENTS),
    (0, 3, True, True, Decimal("1.00"), NO_MORE_INSTALMENTS),
    (2, 3, False, False, Decimal("0.00"), NOTHING_PAYABLE),
    (1, 1, False, False, Decimal("1.00"), LAST_WAITS_FOR_FINAL_REPORT),
])
def test_refusal_of_an_instalment(number, count, final, settled, payable, expected):
    assert refusal(number, count, final_report_accepted=final, settlement_approved=settled,
                   payable=payable) == expected


@given(rate=rates, grant=money, steps=st.lists(money, min_size=1, max_size=6))
def test_instalments_never_exceed_the_grant_nor_the_aid_rate_of_costs_to_date(rate, grant, steps):
    costs_to_date = sorted(steps)  # accepted costs only grow
    paid = Decimal(0)
    for instalment in pay_in_instalments(rate, grant, costs_to_date):
        assert instalment.amount >= 0
        paid += instalment.amount
        assert paid <= grant
        assert paid <= instalment.accepted_costs * rate


@given(rate=rates, grant=money, steps=st.lists(money, min_size=1, max_size=6))
def test_the_sum_of_instalments_is_what_settlement_reconciles(rate, grant, steps):
    costs_to_date = sorted(steps)
    instalments = pay_in_instalments(rate, grant, costs_to_date)
    # Settlement's final grant for the last costs: min(grant, rate × costs) rounded down to the cent.
    assert sum(i.amount for i in instalments) == entitlement(rate, costs_to_date[-1], grant)


@given(rate=rates, grant=money, costs=money, paid=money)
def test_payable_never_brings_the_total_past_the_entitlement(rate, grant, costs, paid):
    amount = payable_now(rate, costs, grant, paid)
    assert amount >= 0 and amount.as_tuple().exponent == -2
    assert amount == 0 or paid + amount == entitlement(rate, costs, grant)
