from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from avustus.rules.money import MoneyError, RoundingRule, euros, format_amount, max_aid

amounts = st.decimals(min_value=0, max_value=Decimal("1e10"), places=2, allow_nan=False, allow_infinity=False)


@pytest.mark.parametrize("bad", [0.1, float("nan"), "abc", "1.001", "NaN", "Infinity", None, True])
def test_euros_refuses_what_is_not_money(bad):
    with pytest.raises(MoneyError):
        euros(bad)


def test_euros_keeps_cents_exactly():
    assert euros("82450.5") == Decimal("82450.50")
    assert str(euros(3)) == "3.00"


@pytest.mark.parametrize(
    ("applied", "granted"),
    # Amounts applied and granted in the collective decision of 26.2.2020.
    [("82450.00", "82400.00"), ("507322.50", "507300.00"), ("181520.00", "181500.00"), ("1200000.00", "1200000.00"),
     ("87360.00", "87300.00"), ("145775.00", "145700.00")],
)
def test_round_down_to_hundreds_reproduces_2020_grants(applied, granted):
    assert RoundingRule(Decimal("100"), "down").apply(Decimal(applied)) == Decimal(granted)


@given(amounts)
def test_rounding_down_never_exceeds_and_stays_within_one_unit(amount):
    rule = RoundingRule(Decimal("100"), "down")
    rounded = rule.apply(amount)
    assert rounded <= amount < rounded + 100
    assert rounded % 100 == 0


@given(amounts)
def test_rounding_is_idempotent(amount):
    for rule in (RoundingRule(Decimal("100"), "down"), RoundingRule(Decimal("10"), "half_up"), RoundingRule()):
        assert rule.apply(rule.apply(amount)) == rule.apply(amount)


def test_rounding_rule_refuses_nonsense():
    with pytest.raises(ValueError):
        RoundingRule(Decimal("0"), "down")
    with pytest.raises(ValueError):
        RoundingRule(Decimal("100"), "sideways")


@given(amounts, st.decimals(min_value=0, max_value=1, places=4))
def test_max_aid_never_above_the_rate(costs, rate):
    aid = max_aid(costs, rate)
    assert aid <= costs * rate < aid + Decimal("0.01")
    assert aid == aid.quantize(Decimal("0.01"))


def test_max_aid_85_percent():
    assert max_aid(Decimal("100000.00"), Decimal("0.85")) == Decimal("85000.00")
    assert max_aid(Decimal("0.99"), Decimal("0.85")) == Decimal("0.84")


def test_format_amount_as_the_decision_writes_it():
    nbsp = "\u00a0"
    assert format_amount(Decimal("24574065.00")) == f"24{nbsp}574{nbsp}065,00"
    assert format_amount(Decimal("8268000"), cents=False) == f"8{nbsp}268{nbsp}000"
    assert format_amount(Decimal("82450.50"), cents=False) == f"82{nbsp}450,50"
    assert format_amount(Decimal("-5.00")) == "-5,00"
    assert format_amount(Decimal("999.00")) == "999,00"


def test_parse_euros_reads_what_people_type_and_refuses_the_rest():
    from avustus.rules.money import MAX_AMOUNT, parse_euros

    assert parse_euros("12\u00a0500,00") == Decimal("12500.00")
    assert parse_euros(" 1 000.5 ") == Decimal("1000.50")
    assert parse_euros("+5") == Decimal("5.00") and parse_euros(",5") == Decimal("0.50")
    # Decimal reads these as numbers; nobody types them as euros.
    for bad in ("1e30", "NaN", "1,234", "kolme", "1" * 50, str(MAX_AMOUNT + Decimal("0.01")),
                "\u0661\u0662\u0663", "\u0968\u0966", "1e3", "1_000", "\uff11\uff10"):
        with pytest.raises(MoneyError):
            parse_euros(bad)



@pytest.mark.parametrize(("typed", "kind"), [
    ("kolme", MoneyError.NOT_A_NUMBER), (0.5, MoneyError.NOT_A_NUMBER), (True, MoneyError.NOT_A_NUMBER),
    ("1" * 50, MoneyError.NOT_A_NUMBER), ("NaN", MoneyError.NOT_FINITE), ("-Infinity", MoneyError.NOT_FINITE),
    ("12,345", MoneyError.DECIMALS), ("1e40", MoneyError.TOO_LARGE), ("1000000000000", MoneyError.TOO_LARGE),
    ("\u0661\u0660\u0660", MoneyError.NOT_A_NUMBER), ("2e2", MoneyError.NOT_A_NUMBER),
])
def test_parse_euros_says_what_was_wrong_for_the_entry_point_to_translate(typed, kind):
    from avustus.rules.money import parse_euros

    with pytest.raises(MoneyError) as refused:
        parse_euros(typed)
    assert refused.value.kind == kind


@pytest.mark.parametrize("typed", ["-0", "-0,00", "-0.0", "+0", "0"])
def test_a_zero_typed_with_a_sign_is_plain_zero(typed):
    """The security test stored "-0" as -0.00, shown as -0,00 € (``format_amount``) on screens and documents."""
    from avustus.rules.money import format_amount, parse_euros

    zero = parse_euros(typed)
    assert zero == 0 and not zero.is_signed() and str(zero) == "0.00" and format_amount(zero) == "0,00"
