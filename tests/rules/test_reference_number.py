"""Finnish reference numbers (7-3-1) and RF creditor references (ISO 11649), with published examples."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from avustus.rules.reference_number import (
    ReferenceNumberError,
    check_digit,
    finnish_reference,
    finnish_reference_of_rf,
    format_finnish_reference,
    format_rf_reference,
    is_finnish_reference,
    is_rf_reference,
    rf_from_finnish,
    rf_reference,
)


@pytest.mark.parametrize(("base", "reference"), [
    ("123", "1232"),  # 3×7 + 2×3 + 1×1 = 28 → 2
    ("234823", "2348236"),  # Finance Finland's example of an RF reference built from a national one
    ("123456", "1234561"),  # 6×7 + 5×3 + 4×1 + 3×7 + 2×3 + 1×1 = 89 → 1
    ("1000", "10003"),  # from the right 0×7 + 0×3 + 0×1 + 1×7 = 7 → 3
])
def test_finnish_check_digit(base, reference):
    assert finnish_reference(base) == reference and is_finnish_reference(reference)


def test_finnish_reference_limits():
    assert finnish_reference("1" * 19) == "1" * 19 + check_digit("1" * 19)
    for bad in ("12", "1" * 20, "12a4", "", "００１"):
        with pytest.raises(ReferenceNumberError):
            finnish_reference(bad)
    assert finnish_reference("000123") == "1232"  # leading zeros are not printed
    assert not is_finnish_reference("1233") and not is_finnish_reference("232") and not is_finnish_reference("1" * 21)
    assert is_finnish_reference("23 48236")


def test_finnish_reference_printed_in_groups_of_five_from_the_right():
    assert format_finnish_reference("2348236") == "23 48236"
    assert format_finnish_reference("1232") == "1232"
    with pytest.raises(ReferenceNumberError):
        format_finnish_reference("1233")


@pytest.mark.parametrize(("reference", "rf"), [
    ("2348236", "RF332348236"),  # Finance Finland: 2348236 → RF33 2348 236
    ("539007547034", "RF18539007547034"),  # ISO 11649's example: RF18 5390 0754 7034
    ("123ABCZ", "RF35123ABCZ"),
])
def test_rf_reference(reference, rf):
    assert rf_reference(reference) == rf and is_rf_reference(rf)


def test_rf_from_a_finnish_reference():
    assert rf_from_finnish("23 48236") == "RF332348236"
    with pytest.raises(ReferenceNumberError):
        rf_from_finnish("2348237")  # a mistyped national check digit is not given a valid RF check


def test_rf_reference_checks_and_groups():
    assert format_rf_reference("rf332348236") == "RF33 2348 236"
    assert format_rf_reference("RF18539007547034") == "RF18 5390 0754 7034"
    assert not is_rf_reference("RF342348236") and not is_rf_reference("RF33") and not is_rf_reference("XX332348236")
    assert finnish_reference_of_rf("RF33 2348 236") == "2348236"
    with pytest.raises(ReferenceNumberError):
        rf_reference("1" * 22)
    with pytest.raises(ReferenceNumberError):
        format_rf_reference("RF342348236")


@given(st.integers(min_value=100, max_value=10**19 - 1))
def test_every_base_gives_a_valid_reference_and_rf(base):
    reference = finnish_reference(base)
    assert is_finnish_reference(reference)
    rf = rf_from_finnish(reference)
    assert is_rf_reference(rf) and finnish_reference_of_rf(rf) == reference
    wrong = reference[:-1] + str((int(reference[-1]) + 1) % 10)
    assert not is_finnish_reference(wrong)


@given(st.integers(min_value=100, max_value=10**18), st.integers(min_value=0, max_value=8))
def test_a_single_mistyped_digit_is_caught(base, position):
    reference = finnish_reference(base)
    position = min(position, len(reference) - 2)
    digit = int(reference[position])
    for other in range(10):
        if other != digit:
            typo = reference[:position] + str(other) + reference[position + 1:]
            # 7-3-1 catches every change of one digit (7, 3 and 1 are each prime to 10)
            assert typo.startswith("0") or not is_finnish_reference(typo)
