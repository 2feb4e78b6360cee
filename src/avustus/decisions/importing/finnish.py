"""Small helpers for reading Finnish administrative text: amounts, dates and number words.

Finnish writes amounts as ``24 574 065,00`` (spaces between thousands, a comma before the cents)
and dates as ``26.2.2020``. Word processors put a no-break space or a narrow no-break space between
the thousands, so every helper here treats those as ordinary spaces. Small counts are often written
as words: in the nominative ("Yksi hanke perui ...") or, inside a phrase in the genitive, in the
genitive ("neljän kuukauden välein").

The number words are Finnish's own (``vocabulary.fi``), shared with the documents that write them.

Stdlib only, no Django: the parser that uses these runs before anything is stored.
"""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from avustus.decisions.vocabulary.fi import NUMBER_WORDS

CENT = Decimal("0.01")

# Spaces that appear between groups of thousands in text copied from word processors.
THOUSANDS_SPACES = "\u00a0\u202f\u2007\u2009"
_TO_PLAIN_SPACE = str.maketrans({c: " " for c in THOUSANDS_SPACES})

# An amount as written in running text after spaces have been made plain: either grouped by
# thousands ("3 400 000", "112 200,00") or without groups ("112200,00"). Cents, when written, are
# always two digits, so a cut-off "24 574 065,0" is not mistaken for an amount.
AMOUNT_PATTERN = r"(?:\d{1,3}(?: \d{3})+|\d{1,15})(?:,\d{2})?"

# A Finnish date, day and month without leading zeros as a rule ("26.2.2020").
DATE_PATTERN = r"\d{1,2}\.\d{1,2}\.\d{4}"


class FinnishNumberError(ValueError):
    """Text that is not the amount, date, count or percentage it was expected to be."""


_AMOUNT_RE = re.compile(rf"(?P<number>{AMOUNT_PATTERN})(?:\s*(?:euroa|euro|eur|€))?")
_DATE_RE = re.compile(r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})")


def plain_spaces(text: str) -> str:
    """The text with no-break and narrow spaces replaced by ordinary spaces."""
    return text.translate(_TO_PLAIN_SPACE)


MAX_AMOUNT = Decimal(10**12)


def parse_amount(text: str) -> Decimal:
    """An amount of euros written the Finnish way, as a Decimal with two decimals.

    Accepts "24 574 065,00", "3 400 000,00" (with any kind of space between thousands),
    "112 200 euroa" and "112200". Raises ``FinnishNumberError`` (a ``ValueError``) for anything else, including grouping
    that is not by thousands ("24 574 06") and one-digit cents ("065,0"), which are what a
    cut-off or mistyped amount looks like.
    """
    candidate = plain_spaces(text).strip()
    match = _AMOUNT_RE.fullmatch(candidate)
    if match is None:
        raise FinnishNumberError(f"not an amount of euros in Finnish form: {text!r}")
    digits = match["number"].replace(" ", "").replace(",", ".")
    try:
        amount = Decimal(digits).quantize(CENT)
    except InvalidOperation as exc:  # too many digits to quantise
        raise FinnishNumberError(f"not an amount of euros in Finnish form: {text!r}") from exc
    if amount >= MAX_AMOUNT:
        # Amounts are stored with 12 digits of euros; a longer figure is a typing or conversion error.
        raise FinnishNumberError(f"an amount of a trillion euros or more is not a grant: {text!r}")
    return amount


def parse_date(text: str) -> date:
    """A date written "26.2.2020" (leading zeros allowed). Raises ``FinnishNumberError`` otherwise."""
    match = _DATE_RE.fullmatch(text.strip())
    if match is None:
        raise FinnishNumberError(f"not a date in the form D.M.YYYY: {text!r}")
    try:
        return date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError as exc:
        raise FinnishNumberError(f"not a date in the calendar: {text!r}") from exc


def parse_count(text: str) -> int:
    """A small count written in digits ("52") or as a Finnish number word ("Yksi", "neljän")."""
    word = text.strip().casefold()
    if word.isdigit():
        return int(word)
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    raise FinnishNumberError(f"not a count in digits or a Finnish number word: {text!r}")


def parse_percentage(text: str) -> Decimal:
    """A percentage such as "85" or "85,5" as a fraction: Decimal("0.85"), Decimal("0.855")."""
    candidate = text.strip().replace(",", ".")
    if not re.fullmatch(r"\d{1,3}(?:\.\d{1,4})?", candidate):
        raise FinnishNumberError(f"not a percentage: {text!r}")
    return Decimal(candidate) / 100
