from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from avustus.rules import changes
from avustus.rules.changes import Move, MoveError, apply_moves, extension_refusal, final_report_due

END_2020 = date(2021, 11, 30)
USABLE_2020 = date(2021, 12, 31)


def test_the_2020_final_report_is_due_on_the_new_end():
    # The 2020 call: end of implementation and final report both 30.11.2021.
    assert final_report_due(date(2021, 12, 31), END_2020, END_2020) == date(2021, 12, 31)


def test_the_final_report_keeps_the_calls_distance_from_the_end():
    assert final_report_due(date(2022, 3, 31), date(2022, 1, 31), date(2022, 2, 28)) == date(2022, 4, 28)
    assert final_report_due(date(2022, 3, 31), None, None) == date(2022, 3, 31)


@pytest.mark.parametrize(("new_end", "expected"), [
    (date(2021, 12, 31), None),  # the appropriation's last day of use
    (date(2022, 1, 1), changes.BEYOND_PERIOD_OF_USE),
    (END_2020, changes.NOT_LATER),
    (date(2021, 6, 30), changes.NOT_LATER),
])
def test_an_extension_within_the_period_of_use(new_end, expected):
    assert extension_refusal(END_2020, new_end, USABLE_2020) == expected


def test_no_period_of_use_recorded_limits_nothing():
    assert extension_refusal(END_2020, date(2030, 1, 1), None) is None
    assert not changes.payment_beyond_period(date(2030, 1, 1), None)


def test_a_payment_on_the_last_day_of_use_is_within_it():
    assert not changes.payment_beyond_period(USABLE_2020, USABLE_2020)
    assert changes.payment_beyond_period(date(2022, 1, 1), USABLE_2020)


BUDGET = {("staff", 1): Decimal("1000.00"), ("services", 1): Decimal("500.00")}


def test_a_move_keeps_the_total_and_opens_a_new_cell():
    after = apply_moves(BUDGET, [Move(("staff", 1), ("services", 2), Decimal("250.00"))])
    assert after == {("staff", 1): Decimal("750.00"), ("services", 1): Decimal("500.00"),
                     ("services", 2): Decimal("250.00")}


@pytest.mark.parametrize(("move", "kind"), [
    (Move(("staff", 1), ("staff", 1), Decimal("1")), changes.SAME_CELL),
    (Move(("staff", 1), ("services", 1), Decimal("0")), changes.NOT_POSITIVE),
    (Move(("travel", 1), ("services", 1), Decimal("1")), changes.UNKNOWN_CELL),
    (Move(("staff", 1), ("services", 1), Decimal("1000.01")), changes.BELOW_ACCEPTED),
])
def test_moves_refused(move, kind):
    with pytest.raises(MoveError) as caught:
        apply_moves(BUDGET, [move])
    assert caught.value.kind == kind and caught.value.index == 0


def test_a_cell_keeps_what_was_accepted_in_it():
    accepted = {("staff", 1): Decimal("800.00")}
    assert apply_moves(BUDGET, [Move(("staff", 1), ("services", 1), Decimal("200.00"))], accepted)[("staff", 1)] \
        == Decimal("800.00")
    with pytest.raises(MoveError) as caught:
        apply_moves(BUDGET, [Move(("staff", 1), ("services", 1), Decimal("200.01"))], accepted)
    assert caught.value.kind == changes.BELOW_ACCEPTED


cells = st.sampled_from(["a", "b", "c", "d"])
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000"), places=2)


@given(st.lists(st.tuples(cells, cells, amounts), max_size=8))
def test_moves_never_change_the_total_nor_go_negative(raw):
    budget = {"a": Decimal("3000.00"), "b": Decimal("2000.00")}
    try:
        after = apply_moves(budget, [Move(s, t, a) for s, t, a in raw])
    except MoveError:
        return
    assert sum(after.values()) == Decimal("5000.00")
    assert all(v >= 0 for v in after.values())
