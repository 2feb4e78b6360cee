"""Payment reference numbers: the Finnish national reference (viitenumero) and the RF creditor reference.

- **Finnish reference** (Finance Finland's standard for domestic payments): 4 to 20 digits, the last a check
  digit over the others. The base's digits, right to left, are multiplied by 7, 3, 1, 7, 3, 1, …; the check
  digit is what takes the sum up to the next multiple of ten (0 when it is one already). ``1232``,
  ``2348236``. Printed without leading zeros, in groups of five from the right (``23 48236``).
- **RF creditor reference** (ISO 11649): ``RF``, two check digits, then the reference (up to 21 letters or
  digits). The check digits are those of ISO 7064 MOD 97-10, as in an IBAN: move ``RF00`` to the end, letters
  to numbers (A = 10 … Z = 35), and 98 − (that number mod 97). In Finland the reference part is the national
  reference, check digit included: ``2348236`` → ``RF33 2348 236``. Printed in groups of four.
"""

import re

WEIGHTS = (7, 3, 1)
MIN_LENGTH, MAX_LENGTH = 4, 20  # digits of a Finnish reference, its check digit included
RF_MAX_REFERENCE = 21  # characters after RF and its two check digits


class ReferenceNumberError(ValueError):
    """Not a reference number: wrong characters, length or check digit."""


def _clean(text: str) -> str:
    """Without the spaces people print references with."""
    return re.sub(r"\s+", "", str(text))


def check_digit(base: str) -> str:
    """The check digit of a Finnish reference's base (its digits without the check digit)."""
    base = _clean(base)
    if not base.isascii() or not base.isdigit():
        raise ReferenceNumberError(f"a reference's base is digits only: {base!r}")
    total = sum(int(digit) * WEIGHTS[i % 3] for i, digit in enumerate(reversed(base)))
    return str(-total % 10)


def finnish_reference(base: str | int) -> str:
    """The Finnish reference for ``base`` (3 to 19 digits): the base with its check digit, no leading zeros.

    ``finnish_reference("123")`` is ``"1232"``.
    """
    digits = _clean(str(base)).lstrip("0")
    if not digits.isascii() or not digits.isdigit() or not MIN_LENGTH - 1 <= len(digits) <= MAX_LENGTH - 1:
        raise ReferenceNumberError(
            f"a reference's base is 3 to 19 digits, not starting with zeros: {base!r}")
    return digits + check_digit(digits)


def is_finnish_reference(text: str) -> bool:
    """Whether ``text`` (spaces allowed) is a Finnish reference with a right check digit."""
    digits = _clean(text)
    if not digits.isascii() or not digits.isdigit() or not MIN_LENGTH <= len(digits) <= MAX_LENGTH:
        return False
    return check_digit(digits[:-1]) == digits[-1]


def format_finnish_reference(text: str) -> str:
    """A Finnish reference in groups of five digits from the right: ``12345 67890 12344``."""
    digits = _clean(text).lstrip("0")
    if not is_finnish_reference(digits):
        raise ReferenceNumberError(f"not a Finnish reference number: {text!r}")
    groups: list[str] = []
    while digits:
        groups.insert(0, digits[-5:])
        digits = digits[:-5]
    return " ".join(groups)


def _as_number(text: str) -> int:
    """Letters as numbers, A = 10 … Z = 35, as ISO 7064 MOD 97-10 reads them."""
    return int("".join(str(int(char, 36)) for char in text))


def rf_reference(reference: str) -> str:
    """The RF creditor reference (ISO 11649) for ``reference``, 1 to 21 letters and digits.

    ``rf_reference("539007547034")`` is ``"RF18539007547034"``. For a Finnish reference use
    ``rf_from_finnish``, which checks the national check digit first.
    """
    body = _clean(reference).upper()
    if not body or len(body) > RF_MAX_REFERENCE or not body.isascii() or not body.isalnum():
        raise ReferenceNumberError(f"an RF reference holds 1 to 21 letters or digits: {reference!r}")
    check = 98 - _as_number(body + "RF00") % 97
    return f"RF{check:02d}{body}"


def rf_from_finnish(reference: str) -> str:
    """The RF reference built from a Finnish one, as Finnish banks do: ``2348236`` → ``RF332348236``.

    A mistyped national check digit is refused here rather than passed on under a valid RF check.
    """
    digits = _clean(reference).lstrip("0")
    if not is_finnish_reference(digits):
        raise ReferenceNumberError(f"not a Finnish reference number: {reference!r}")
    return rf_reference(digits)


def is_rf_reference(text: str) -> bool:
    """Whether ``text`` (spaces allowed, any case) is an RF creditor reference with right check digits."""
    value = _clean(text).upper()
    if not re.fullmatch(r"RF[0-9]{2}[0-9A-Z]{1,21}", value):
        return False
    return _as_number(value[4:] + value[:4]) % 97 == 1


def format_rf_reference(text: str) -> str:
    """An RF reference in groups of four: ``RF33 2348 236``."""
    value = _clean(text).upper()
    if not is_rf_reference(value):
        raise ReferenceNumberError(f"not an RF creditor reference: {text!r}")
    return " ".join(value[i : i + 4] for i in range(0, len(value), 4))


def finnish_reference_of_rf(text: str) -> str:
    """The Finnish reference inside an RF reference built from one (``RF332348236`` → ``2348236``)."""
    value = _clean(text).upper()
    if not is_rf_reference(value) or not is_finnish_reference(value[4:]):
        raise ReferenceNumberError(f"not an RF reference built from a Finnish one: {text!r}")
    return value[4:].lstrip("0")
