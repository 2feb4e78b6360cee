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
    # The appropriation's last day of use: its final report would be due that day, and the last instalment,
    # paid after it, could never be paid from the appropriation.
    (date(2021, 12, 31), changes.FINAL_REPORT_BEYOND_PERIOD_OF_USE),
    (date(2021, 12, 1), changes.FINAL_REPORT_BEYOND_PERIOD_OF_USE),
    (date(2022, 1, 1), changes.BEYOND_PERIOD_OF_USE),
    (END_2020, changes.NOT_LATER),
    (date(2021, 6, 30), changes.NOT_LATER),
])
def test_the_2020_round_leaves_no_room_for_an_extension(new_end, expected):
    # The decision's own end, 30.11.2021, is the last permissible: the final report due then, a month to pay.
    assert changes.last_permissible_end(USABLE_2020, END_2020, END_2020) == END_2020
    assert extension_refusal(END_2020, new_end, USABLE_2020, END_2020, END_2020) == expected


def test_an_extension_whose_final_report_leaves_a_month_to_pay_is_allowed():
    # A call ending 31.1.2022 with its final report two months later, its appropriation usable through 2022.
    end, final_due, usable = date(2022, 1, 31), date(2022, 3, 31), date(2022, 12, 31)
    # The final report is due 59 days after the end (as the call set), by 30.11.2022: the end by 2.10.2022.
    assert changes.last_permissible_end(usable, end, final_due) == date(2022, 10, 2)
    assert changes.final_report_due(date(2022, 10, 2), end, final_due) == date(2022, 11, 30)
    assert extension_refusal(end, date(2022, 10, 2), usable, end, final_due) is None
    assert extension_refusal(end, date(2022, 10, 3), usable, end, final_due) == \
        changes.FINAL_REPORT_BEYOND_PERIOD_OF_USE
    # Without the call's dates the final report is due on the end.
    assert changes.last_permissible_end(usable, None, None) == date(2022, 11, 30)


@pytest.mark.parametrize(("day", "expected"), [
    (date(2021, 12, 31), date(2021, 11, 30)), (date(2022, 3, 31), date(2022, 2, 28)),
    (date(2024, 3, 31), date(2024, 2, 29)), (date(2022, 3, 30), date(2022, 2, 28)),
    (date(2022, 3, 15), date(2022, 2, 15)), (date(2022, 1, 31), date(2021, 12, 31)),
    (date(2022, 1, 1), date(2021, 12, 1)), (date(2022, 6, 30), date(2022, 5, 31)),
])
def test_a_month_before(day, expected):
    assert changes.months_before(day, 1) == expected


days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


@given(days, days, st.integers(min_value=0, max_value=400), st.integers(min_value=1, max_value=2000))
def test_an_allowed_extension_always_leaves_the_month_to_pay_within_the_period(usable, end, distance, later):
    from datetime import timedelta

    final_due = end + timedelta(days=distance)
    new_end = end + timedelta(days=later)
    if extension_refusal(end, new_end, usable, end, final_due) is None:
        due = changes.final_report_due(new_end, end, final_due)
        assert new_end <= usable and due <= changes.months_before(usable, 1) < usable
        assert new_end <= changes.last_permissible_end(usable, end, final_due)


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
