"""International bank account numbers checked by ISO 13616: the country's length and the mod-97 check digits.

A payment to a mistyped account is money sent to someone else; the checksum catches every single mistyped
character and nearly every swap of two. A Finnish IBAN is FI followed by 16 characters (18 in all).
"""

import re

# Lengths from the SWIFT IBAN registry for the SEPA countries, which is where a Finnish grant is paid.
LENGTHS = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "EE": 20,
    "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GI": 23, "GL": 18, "GR": 27, "HR": 21, "HU": 28,
    "IE": 22, "IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18,
    "NO": 15, "PL": 28, "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "VA": 22,
}


class IbanError(ValueError):
    """Not an IBAN; ``kind`` says why, so that an entry point can say it in the user's language."""

    FORMAT = "format"  # characters other than letters and digits, or no country code
    COUNTRY = "country"  # a country whose IBANs are not known here
    LENGTH = "length"  # the wrong length for its country
    CHECKSUM = "checksum"  # the check digits do not match

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind


def normalise(text: str) -> str:
    """The IBAN in its electronic form: upper case, no spaces (people type it in groups of four)."""
    return re.sub(r"[\s\u00a0]+", "", text).upper()


def mod97(iban: str) -> int:
    """The ISO 7064 MOD 97-10 remainder of the IBAN: country and check digits moved to the end, letters as 10..35."""
    rearranged = iban[4:] + iban[:4]
    remainder = 0
    for char in rearranged:
        remainder = (remainder * (100 if char.isalpha() else 10) + int(char, 36)) % 97
    return remainder


def validate(text: str) -> str:
    """The IBAN normalised, or ``IbanError`` saying why it is not one."""
    iban = normalise(text)
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]+", iban):
        raise IbanError(f"not an IBAN: {text!r}", IbanError.FORMAT)
    country = iban[:2]
    if country not in LENGTHS:
        raise IbanError(f"unknown IBAN country {country}", IbanError.COUNTRY)
    if len(iban) != LENGTHS[country]:
        raise IbanError(f"an IBAN of {country} has {LENGTHS[country]} characters, not {len(iban)}", IbanError.LENGTH)
    if country == "FI" and not iban[4:].isdigit():
        raise IbanError(f"a Finnish IBAN has digits after FI and its check digits: {text!r}", IbanError.FORMAT)
    if mod97(iban) != 1:
        raise IbanError(f"the check digits of {iban} do not match", IbanError.CHECKSUM)
    return iban


def is_valid(text: str) -> bool:
    try:
        validate(text)
    except IbanError:
        return False
    return True


def check_digits(country: str, bban: str) -> str:
    """The two check digits that make ``country`` + digits + ``bban`` a valid IBAN (used to build test data)."""
    return f"{98 - mod97(country + '00' + bban):02d}"


def grouped(iban: str) -> str:
    """The IBAN in groups of four, as it is printed for people to read."""
    return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))
