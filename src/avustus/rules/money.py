"""Money in euros with cents, and the rounding rules a call may choose for granted amounts.

Amounts are ``Decimal`` quantised to cents. Floats are refused outright: 0.1 + 0.2 is not a sum of
money, and a grant decision must agree with the ledger to the cent.
"""

import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")


class MoneyError(ValueError):
    """An amount that cannot be money: a float, text that is not a number, or a NaN.

    ``kind`` says what was wrong, so that an entry point can tell the user in their language:
    ``NOT_A_NUMBER`` (text, a float), ``NOT_FINITE`` (NaN, infinity), ``DECIMALS`` (more than cents) or
    ``TOO_LARGE`` (beyond the maximum, or beyond what a Decimal of cents holds).
    """

    NOT_A_NUMBER = "not_a_number"
    NOT_FINITE = "not_finite"
    DECIMALS = "decimals"
    TOO_LARGE = "too_large"

    def __init__(self, message: str, kind: str = NOT_A_NUMBER):
        super().__init__(message)
        self.kind = kind


def euros(value: Decimal | int | str) -> Decimal:
    """The amount as a Decimal of euros with exactly two decimals.

    More than two decimals is an error rather than a silent rounding: where rounding is wanted, the
    caller says which rule applies (see ``round_amount``).
    """
    if isinstance(value, float) or isinstance(value, bool):
        raise MoneyError(f"money must not be a {type(value).__name__}: {value!r}")
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise MoneyError(f"not an amount of money: {value!r}") from exc
    if not amount.is_finite():
        raise MoneyError(f"not an amount of money: {value!r}", MoneyError.NOT_FINITE)
    try:
        quantised = amount.quantize(CENT)
    except InvalidOperation as exc:  # more digits than the context holds: 1e30 is not a sum of money here
        raise MoneyError(f"not an amount of money: {value!r}", MoneyError.TOO_LARGE) from exc
    if quantised != amount:
        raise MoneyError(f"more than two decimals in an amount of euros: {value!r}", MoneyError.DECIMALS)
    return quantised


# The largest amount the database's money columns hold (14 digits, 2 of them decimals).
MAX_AMOUNT = Decimal("999999999999.99")


_TYPED_AMOUNT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def parse_euros(text: str | Decimal | int, *, maximum: Decimal = MAX_AMOUNT) -> Decimal:
    """An amount as people type it (``12 500,00``, ``12500.5``, with no-break spaces) as euros.

    The one parser of typed amounts: forms, the API and the call's set-up all come through here.
    Raises ``MoneyError`` for anything else: text, a float, NaN, more than cents, or more than ``maximum``.
    """
    if isinstance(text, (float, bool)):  # 0.1 from a JSON number is already not the amount that was meant
        raise MoneyError(f"money must not be a {type(text).__name__}: {text!r}")
    cleaned = str(text).replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if len(cleaned) > 40:
        raise MoneyError(f"not an amount of money: {text!r}")
    amount = euros(cleaned)
    # Typed, only the digits 0–9 with one decimal point: ``Decimal`` also reads other scripts' digits ("١٢٣"),
    # exponents ("1e3") and underscores ("1_000"), none of which anyone means as euros on these forms.
    if isinstance(text, str) and not _TYPED_AMOUNT.fullmatch(cleaned):
        raise MoneyError(f"not an amount of money: {text!r}")
    if abs(amount) > maximum:
        raise MoneyError(f"more than {maximum} euros: {text!r}", MoneyError.TOO_LARGE)
    # "-0" is zero: stored as it was typed it would be shown as -0,00 € on screens, documents and exports.
    return amount if amount else amount.copy_abs()


# How a call rounds the amounts it grants. The 2019/2 round granted each amount applied rounded down
# to full hundreds of euros (82 450,00 → 82 400); later rounds granted amounts such as 190 060 €.
ROUNDING_MODES = {"down": ROUND_DOWN, "half_up": ROUND_HALF_UP, "up": ROUND_UP}


@dataclass(frozen=True)
class RoundingRule:
    """Round to a multiple of ``unit`` euros in ``mode`` (``down``, ``half_up`` or ``up``)."""

    unit: Decimal = CENT
    mode: str = "down"

    def __post_init__(self) -> None:
        if self.mode not in ROUNDING_MODES:
            raise ValueError(f"unknown rounding mode {self.mode!r}; use one of {sorted(ROUNDING_MODES)}")
        if not isinstance(self.unit, Decimal) or self.unit <= 0:
            raise ValueError(f"rounding unit must be a positive Decimal, not {self.unit!r}")

    def apply(self, amount: Decimal) -> Decimal:
        units = (euros(amount) / self.unit).quantize(Decimal(1), rounding=ROUNDING_MODES[self.mode])
        return euros((units * self.unit).quantize(CENT))


def max_aid(eligible_costs_vat_free: Decimal, aid_rate: Decimal) -> Decimal:
    """The most a project may be granted: ``aid_rate`` of its VAT-free eligible costs, cut to the cent.

    Rounded down, never up, because a grant above the legal maximum rate is unlawful by a cent too.
    """
    if not Decimal(0) <= aid_rate <= Decimal(1):
        raise ValueError(f"aid rate must be between 0 and 1, not {aid_rate}")
    return (euros(eligible_costs_vat_free) * aid_rate).quantize(CENT, rounding=ROUND_DOWN)


def format_amount(amount: Decimal, *, cents: bool = True) -> str:
    """The amount the way Finnish and Swedish documents write it: ``24 574 065,00`` or ``8 268 000``.

    Thousands are separated by a no-break space so that a figure never breaks across lines. With
    ``cents=False`` the cents are still shown when there are any: a document never hides money.
    """
    amount = euros(amount)
    sign = "-" if amount < 0 else ""
    whole, _, fraction = f"{abs(amount):.2f}".partition(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = "\u00a0".join(groups)
    if cents or fraction != "00":
        text += "," + fraction
    return sign + text
