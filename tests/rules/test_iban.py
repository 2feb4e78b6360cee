import pytest
from hypothesis import given
from hypothesis import strategies as st

from avustus.rules.iban import IbanError, check_digits, grouped, is_valid, normalise, validate

# Published examples from the SWIFT IBAN registry (FI, DE, SE, GB, NO).
VALID = ["FI21 1234 5600 0007 85", "DE89370400440532013000", "SE4550000000058398257466",
         "GB29NWBK60161331926819", "NO9386011117947"]


@pytest.mark.parametrize("iban", VALID)
def test_valid_ibans(iban):
    assert validate(iban) == normalise(iban)


@pytest.mark.parametrize(("iban", "kind"), [
    ("FI21 1234 5600 0007 86", IbanError.CHECKSUM),
    ("FI12 1234 5600 0007 85", IbanError.CHECKSUM),
    ("FI21 1234 5600 0007 8", IbanError.LENGTH),
    ("FI21 1234 5600 0007 855", IbanError.LENGTH),
    ("XX21 1234 5600 0007 85", IbanError.COUNTRY),
    ("1234", IbanError.FORMAT),
    ("FI21-1234-5600-0007-85", IbanError.FORMAT),
    ("FI21 1234 5600 000A 85", IbanError.FORMAT),
    ("", IbanError.FORMAT),
])
def test_invalid_ibans_say_why(iban, kind):
    with pytest.raises(IbanError) as caught:
        validate(iban)
    assert caught.value.kind == kind


def test_lower_case_and_no_break_spaces_are_normalised():
    assert validate("fi21\u00a01234 5600 0007 85") == "FI2112345600000785"
    assert grouped("FI2112345600000785") == "FI21 1234 5600 0007 85"


bbans = st.text(alphabet="0123456789", min_size=14, max_size=14)


@given(bban=bbans)
def test_check_digits_make_a_valid_finnish_iban(bban):
    assert is_valid("FI" + check_digits("FI", bban) + bban)


@given(bban=bbans, position=st.integers(min_value=0, max_value=13), digit=st.sampled_from("0123456789"))
def test_any_single_mistyped_digit_is_caught(bban, position, digit):
    iban = "FI" + check_digits("FI", bban) + bban
    typo = iban[:4 + position] + digit + iban[5 + position:]
    assert is_valid(typo) == (typo == iban)
