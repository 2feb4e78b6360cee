"""Interest and penalty interest on a returned grant (Act 688/2001 sections 24–25), computed by hand.

The rates are the Bank of Finland's reference rates for 2023–2025 (2.50, 4.00, 4.50, 4.50, 3.50 %):
interest is the reference rate + 3 points, penalty interest + 7; a year is 365 days, also in 2024.
"""

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from avustus.rules.interest import (
    INTEREST,
    PENALTY,
    InterestError,
    MissingReferenceRate,
    Payment,
    attribute,
    compute_interest,
    half_year_label,
    half_year_start,
    next_half_year,
    parse_rate_table,
    round_half_up,
)

RATES = {date(2023, 1, 1): Decimal("2.50"), date(2023, 7, 1): Decimal("4.00"), date(2024, 1, 1): Decimal("4.50"),
         date(2024, 7, 1): Decimal("4.50"), date(2025, 1, 1): Decimal("3.50")}
D = Decimal


def lines(result):
    return [(p.kind, p.start.isoformat(), p.end.isoformat(), p.days, str(p.rate), str(p.amount))
            for p in result.periods]


def test_within_one_half_year():
    # 2.8.–31.8.2023: 30 days at 4.00 + 3 = 7 %: 10 000 × 7 % × 30 / 365 = 57.5342… → 57.53
    result = compute_interest(D("10000.00"), date(2023, 8, 1), date(2023, 8, 31), RATES)
    assert lines(result) == [("interest", "2023-08-02", "2023-08-31", 30, "7.00", "57.53")]
    assert result.interest == D("57.53") and result.penalty_interest == D("0.00")


def test_across_a_change_of_rate_on_1_january():
    # 2.–31.12.2023 30 days at 7.00 % = 57.534…; 1.–31.1.2024 31 days at 7.50 % = 63.698…; 44 250 / 365 = 121.2328…
    result = compute_interest(D("10000.00"), date(2023, 12, 1), date(2024, 1, 31), RATES)
    assert lines(result) == [("interest", "2023-12-02", "2023-12-31", 30, "7.00", "57.53"),
                             ("interest", "2024-01-01", "2024-01-31", 31, "7.50", "63.70")]
    assert result.interest == D("121.23")


def test_across_a_change_of_rate_on_1_july():
    # 2023: 2.50 % until 30.6, 4.00 % from 1.7: 16.–30.6 15 days at 5.5 %, 1.–10.7 10 days at 7 %.
    # 20 000 × (5.5 % × 15 + 7 % × 10) / 365 = (16 500 + 14 000) / 365 = 83.5616… → 83.56
    result = compute_interest(D("20000.00"), date(2023, 6, 15), date(2023, 7, 10), RATES)
    assert lines(result) == [("interest", "2023-06-16", "2023-06-30", 15, "5.50", "45.21"),
                             ("interest", "2023-07-01", "2023-07-10", 10, "7.00", "38.36")]
    assert result.interest == D("83.56")


def test_the_same_rate_in_two_half_years_is_one_line():
    # 2024 H1 and H2 are both 4.50 %: no cut on 1.7.2024. 25.6.–5.7.2024: 10 days at 7.5 %.
    result = compute_interest(D("36500.00"), date(2024, 6, 25), date(2024, 7, 5), RATES)
    assert lines(result) == [("interest", "2024-06-26", "2024-07-05", 10, "7.50", "75.00")]


def test_across_the_leap_day_a_year_is_still_365_days():
    # 28.2, 29.2, 1.3, 2.3.2024: 4 days; 36 500 × 7.5 % × 4 / 365 = 30.00 exactly (/ 366 would be 29.92).
    result = compute_interest(D("36500.00"), date(2024, 2, 27), date(2024, 3, 2), RATES)
    assert lines(result) == [("interest", "2024-02-28", "2024-03-02", 4, "7.50", "30.00")]
    assert result.interest == D("30.00")


def test_returned_the_day_after_the_payment_is_one_day():
    # 1 000 × 7.5 % / 365 = 0.2054… → 0.21
    result = compute_interest(D("1000.00"), date(2024, 3, 1), date(2024, 3, 2), RATES)
    assert lines(result) == [("interest", "2024-03-02", "2024-03-02", 1, "7.50", "0.21")]


def test_returned_on_the_day_of_payment_bears_no_interest():
    result = compute_interest(D("1000.00"), date(2024, 3, 1), date(2024, 3, 1), RATES)
    assert result.periods == () and result.interest == D("0.00")


def test_due_date_set_and_passed_interest_to_the_due_date_then_penalty():
    # Interest 16.5.2023–15.1.2024: 46 days at 5.5 %, 184 at 7 %, 15 at 7.5 %:
    #   10 000 × (5.5 × 46 + 7 × 184 + 7.5 × 15) / 36 500 = 165 350 / 365 = 453.0136… → 453.01
    # Penalty 16.1.–10.2.2024: 26 days at 4.50 + 7 = 11.5 %: 29 900 / 365 = 81.9178… → 81.92
    result = compute_interest(D("10000.00"), date(2023, 5, 15), date(2024, 2, 10), RATES, due_on=date(2024, 1, 15))
    assert lines(result) == [("interest", "2023-05-16", "2023-06-30", 46, "5.50", "69.32"),
                             ("interest", "2023-07-01", "2023-12-31", 184, "7.00", "352.88"),
                             ("interest", "2024-01-01", "2024-01-15", 15, "7.50", "30.82"),
                             ("penalty", "2024-01-16", "2024-02-10", 26, "11.50", "81.92")]
    assert result.interest == D("453.01") and result.penalty_interest == D("81.92")


def test_penalty_across_a_change_of_rate():
    # Penalty 1.12.2024–28.2.2025: 31 days at 11.5 %, 59 days at 3.50 + 7 = 10.5 %:
    #   1 000 × (11.5 × 31 + 10.5 × 59) / 36 500 = 976 000 / 36 500 = 26.7397… → 26.74
    result = compute_interest(D("1000.00"), date(2024, 11, 1), date(2025, 2, 28), RATES, due_on=date(2024, 11, 30))
    assert [line for line in lines(result) if line[0] == "penalty"] == [
        ("penalty", "2024-12-01", "2024-12-31", 31, "11.50", "9.77"),
        ("penalty", "2025-01-01", "2025-02-28", 59, "10.50", "16.97")]
    assert result.penalty_interest == D("26.74")
    assert result.interest == D("5.96")  # 2.–30.11.2024: 29 days at 7.5 %: 217 500 / 36 500 = 5.9589…


def test_due_date_set_and_not_passed_interest_to_the_return():
    # Returned 10.1.2024, due 15.1: interest to the return, 46 + 184 + 10 days: 161 600 / 365 = 442.7397… → 442.74
    result = compute_interest(D("10000.00"), date(2023, 5, 15), date(2024, 1, 10), RATES, due_on=date(2024, 1, 15))
    assert [p.kind for p in result.periods] == [INTEREST] * 3 and result.periods[-1].end == date(2024, 1, 10)
    assert result.interest == D("442.74") and result.penalty_interest == D("0.00")


def test_returned_on_the_due_date_is_not_late():
    result = compute_interest(D("10000.00"), date(2023, 5, 15), date(2024, 1, 15), RATES, due_on=date(2024, 1, 15))
    assert result.interest == D("453.01") and result.penalty_interest == D("0.00")


def test_only_the_total_is_rounded_not_each_line():
    # 1 000.15 from 1.12.2023 to 31.1.2024: lines 5.7542… (5.75) and 6.3708… (6.37) shown; they add up to 12.12,
    # but the interest is their exact sum 12.1251… rounded once: 12.13.
    result = compute_interest(D("1000.15"), date(2023, 12, 1), date(2024, 1, 31), RATES)
    assert [p.amount for p in result.periods] == [D("5.75"), D("6.37")]
    assert sum(p.amount for p in result.periods) == D("12.12")
    assert result.interest == D("12.13")


def test_half_a_cent_is_rounded_up():
    # 219 × 7.5 % / 365 = 0.045 exactly: half up gives 0.05 (rounding half to even would give 0.04).
    result = compute_interest(D("219.00"), date(2024, 3, 1), date(2024, 3, 2), RATES)
    assert result.exact(INTEREST) == Fraction(9, 200) and result.interest == D("0.05")


def test_several_instalments_latest_payment_first():
    # Paid 50 000 on 1.3.2023 and 30 000 on 1.9.2023; 40 000 to return on 31.12.2023:
    # 30 000 came from the payment of 1.9 (121 days at 7 %: 254 100 / 365), 10 000 from that of 1.3
    # (121 days at 5.5 %: 66 550 / 365, 184 days at 7 %: 128 800 / 365). 449 450 / 365 = 1 231.3698… → 1 231.37
    paid = [Payment(date(2023, 3, 1), D("50000.00")), Payment(date(2023, 9, 1), D("30000.00"))]
    result = compute_interest(D("40000.00"), paid, date(2023, 12, 31), RATES)
    assert result.attribution == (Payment(date(2023, 9, 1), D("30000.00")), Payment(date(2023, 3, 1), D("10000.00")))
    assert [(p.principal, p.paid_on, p.start, p.end, p.days) for p in result.periods] == [
        (D("30000.00"), date(2023, 9, 1), date(2023, 9, 2), date(2023, 12, 31), 121),
        (D("10000.00"), date(2023, 3, 1), date(2023, 3, 2), date(2023, 6, 30), 121),
        (D("10000.00"), date(2023, 3, 1), date(2023, 7, 1), date(2023, 12, 31), 184)]
    assert result.interest == D("1231.37")


def test_penalty_runs_on_the_whole_principal_only():
    paid = [Payment(date(2023, 3, 1), D("50000.00")), Payment(date(2023, 9, 1), D("30000.00"))]
    result = compute_interest(D("40000.00"), paid, date(2024, 1, 31), RATES, due_on=date(2023, 12, 31))
    penalty = [p for p in result.periods if p.kind == PENALTY]
    # 1.–31.1.2024: 31 days at 11.5 % on 40 000 (not on the interest): 142 600 / 365 = 390.6849… → 390.68
    assert [(p.principal, p.start, p.end, str(p.rate)) for p in penalty] == [
        (D("40000.00"), date(2024, 1, 1), date(2024, 1, 31), "11.50")]
    assert result.penalty_interest == D("390.68") and result.interest == D("1231.37")


def test_attribution_takes_each_payment_at_most_whole():
    paid = [Payment(date(2023, 1, 1), D("100.00")), Payment(date(2023, 2, 1), D("50.00")),
            Payment(date(2023, 2, 1), D("20.00"))]
    assert attribute(D("160.00"), paid) == (Payment(date(2023, 2, 1), D("20.00")),
                                            Payment(date(2023, 2, 1), D("50.00")),
                                            Payment(date(2023, 1, 1), D("90.00")))
    assert attribute(D("0.00"), paid) == ()


@pytest.mark.parametrize(("args", "kind"), [
    ((D("-1.00"), date(2024, 1, 1), date(2024, 2, 1)), InterestError.NEGATIVE),
    ((D("1.00"), date(2024, 2, 1), date(2024, 1, 1)), InterestError.RETURNED_BEFORE_PAID),
    ((D("1.00"), [], date(2024, 1, 1)), InterestError.NO_PAYMENTS),
    ((D("10.00"), [Payment(date(2024, 1, 1), D("5.00"))], date(2024, 2, 1)), InterestError.MORE_THAN_PAID),
])
def test_refusals_say_what_was_wrong(args, kind):
    with pytest.raises(InterestError) as caught:
        compute_interest(*args, RATES)
    assert caught.value.kind == kind


def test_a_due_date_before_the_payment_is_refused():
    with pytest.raises(InterestError) as caught:
        compute_interest(D("1.00"), date(2024, 2, 1), date(2024, 3, 1), RATES, due_on=date(2024, 1, 1))
    assert caught.value.kind == InterestError.DUE_BEFORE_PAID


def test_a_missing_half_year_is_named_never_guessed():
    rates = {**RATES, date(2025, 7, 1): D("2.50")}
    with pytest.raises(MissingReferenceRate, match="2026 H1") as caught:
        compute_interest(D("1000.00"), date(2025, 12, 1), date(2026, 1, 2), rates)
    assert caught.value.half_year == "2026 H1" and caught.value.start == date(2026, 1, 1)
    with pytest.raises(MissingReferenceRate, match="2022 H2"):
        compute_interest(D("1000.00"), date(2022, 12, 30), date(2023, 1, 2), RATES)


def test_half_years():
    assert half_year_start(date(2024, 6, 30)) == date(2024, 1, 1)
    assert half_year_start(date(2024, 7, 1)) == date(2024, 7, 1)
    assert next_half_year(date(2024, 7, 1)) == date(2025, 1, 1)
    assert half_year_label(date(2026, 1, 1)) == "2026 H1" and half_year_label(date(2026, 7, 1)) == "2026 H2"
    with pytest.raises(ValueError):
        parse_rate_table({date(2024, 2, 1): "1.00"})
    assert parse_rate_table({date(2024, 7, 1): "4.50"}) == {date(2024, 7, 1): D("4.50")}


@pytest.mark.parametrize(("exact", "rounded"), [
    (Fraction(1, 200), "0.01"), (Fraction(1, 201), "0.00"), (Fraction(-1, 200), "-0.01"),
    (Fraction(12345, 100), "123.45")])
def test_round_half_up(exact, rounded):
    assert round_half_up(exact) == D(rounded)


# --- properties -------------------------------------------------------------------------------------------

YEARS = range(2019, 2028)
TABLE = st.fixed_dictionaries({date(y, m, 1): st.sampled_from([D("0.00"), D("0.50"), D("2.50"), D("4.50")])
                               for y in YEARS for m in (1, 7)})
DAYS = st.dates(min_value=date(2019, 1, 1), max_value=date(2027, 12, 31))
AMOUNTS = st.decimals(min_value=0, max_value=D("10000000"), places=2, allow_nan=False, allow_infinity=False)


def _day_by_day(principal, first, last, rates, margin):
    """The exact interest summed one day at a time: the computation cut into the finest pieces."""
    total, day = Fraction(0), first
    while day <= last:
        total += Fraction(principal) * Fraction(rates[half_year_start(day)] + margin) / 36500
        day += timedelta(days=1)
    return total


@settings(max_examples=150, deadline=None)
@given(TABLE, AMOUNTS, DAYS, DAYS, DAYS, st.booleans())
def test_lines_cover_the_span_split_at_every_change_of_rate(rates, amount, a, b, c, with_due):
    paid_on, due_on, returned_on = sorted([a, b, c])
    result = compute_interest(amount, paid_on, returned_on, rates, due_on=due_on if with_due else None)
    if amount == 0:  # nothing to return carries no interest: no lines at all
        assert result.periods == ()
        return
    interest = [p for p in result.periods if p.kind == INTEREST]
    penalty = [p for p in result.periods if p.kind == PENALTY]
    late = with_due and returned_on > due_on
    until = due_on if late else returned_on
    assert sum(p.days for p in interest) == (until - paid_on).days
    assert sum(p.days for p in penalty) == ((returned_on - due_on).days if late else 0)
    for kind in (interest, penalty):
        for before, after in zip(kind, kind[1:], strict=False):
            assert after.start == before.end + timedelta(days=1)  # contiguous, no day twice
            assert after.rate != before.rate  # a new line only where the rate changes
    for p in result.periods:  # one rate for every day of a line
        margin = 3 if p.kind == INTEREST else 7
        start = half_year_start(p.start)
        while start <= p.end:
            assert rates[start] + margin == p.rate
            start = next_half_year(start)
    if interest and penalty:
        assert interest[-1].end < penalty[0].start  # penalty never overlaps interest
    assert result.exact(INTEREST) == _day_by_day(amount, paid_on + timedelta(days=1), until, rates, 3)
    if late:
        assert result.exact(PENALTY) == _day_by_day(amount, due_on + timedelta(days=1), returned_on, rates, 7)
    assert result.interest == round_half_up(result.exact(INTEREST))
    assert abs(result.interest - sum((p.amount for p in interest), D(0))) <= D("0.005") * max(1, len(interest))


@settings(max_examples=150, deadline=None)
@given(TABLE, AMOUNTS, DAYS, DAYS, DAYS)
def test_the_result_does_not_depend_on_where_the_span_is_cut(rates, amount, a, b, c):
    paid_on, cut, returned_on = sorted([a, b, c])
    whole = compute_interest(amount, paid_on, returned_on, rates)
    first = compute_interest(amount, paid_on, cut, rates)
    second = compute_interest(amount, cut, returned_on, rates)
    assert whole.exact(INTEREST) == first.exact(INTEREST) + second.exact(INTEREST)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(DAYS, AMOUNTS), min_size=1, max_size=5), st.data())
def test_attribution_adds_up_latest_payments_first(payments, data):
    paid = [Payment(day, amount) for day, amount in payments]
    total = sum((p.amount for p in paid), D(0))
    amount = data.draw(st.decimals(min_value=0, max_value=total, places=2))
    parts = attribute(amount, paid)
    assert sum((p.amount for p in parts), D(0)) == amount
    assert [p.paid_on for p in parts] == sorted((p.paid_on for p in parts), reverse=True)
    assert all(p.amount > 0 for p in parts)
    # every payment later than the earliest one used is used whole
    if parts:
        earliest = parts[-1].paid_on
        later = sum((p.amount for p in paid if p.paid_on > earliest), D(0))
        assert sum((p.amount for p in parts if p.paid_on > earliest), D(0)) == later


@given(amounts=st.lists(st.integers(min_value=1, max_value=500_000), min_size=1, max_size=4),
       pieces=st.lists(st.integers(min_value=1, max_value=200_000), min_size=1, max_size=5))
def test_returns_in_parts_take_the_same_money_as_one_return(amounts, pieces):
    from collections import Counter

    from avustus.rules.interest import attribute_next

    paid = [Payment(date(2020, 1, 1) + timedelta(days=40 * i), Decimal(cents) / 100) for i, cents in
            enumerate(amounts)]
    total_paid = sum(p.amount for p in paid)
    before, taken = Decimal(0), Counter()
    for cents in pieces:
        amount = min(Decimal(cents) / 100, total_paid - before)
        if amount <= 0:
            break
        for part in attribute_next(before, amount, paid):
            taken[part.paid_on] += part.amount
        before += amount
    whole = Counter()
    for part in attribute(before, paid):
        whole[part.paid_on] += part.amount
    assert taken == whole
