"""Small helpers for reading Swedish administrative text written in Finland: number words.

Finland's Swedish writes amounts and dates exactly as Finnish does ("24 574 065,00", "26.2.2020"),
so ``finnish.parse_amount``, ``parse_date`` and ``parse_percentage`` read both languages. What
differs are the words for small counts: "Ett projekt återtog ...", "med fyra månaders mellanrum".
Swedish number words do not inflect the way Finnish ones do; only "one" has two genders
("en", "ett").

Stdlib only, no Django: the parser that uses these runs before anything is stored.
"""

from avustus.decisions.importing.finnish import FinnishNumberError

# Number words 1-12; "en" and "ett" are the two genders of "one".
NUMBER_WORDS = {
    "en": 1, "ett": 1,
    "två": 2,
    "tre": 3,
    "fyra": 4,
    "fem": 5,
    "sex": 6,
    "sju": 7,
    "åtta": 8,
    "nio": 9,
    "tio": 10,
    "elva": 11,
    "tolv": 12,
}  # fmt: skip

# A count written in digits or as a word, longest words first. The parser's patterns put a word
# boundary on both sides, so "en" is never read inside another word.
COUNT_PATTERN = r"(?:\d{1,6}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"


class SwedishNumberError(FinnishNumberError):
    """Text that is not the count it was expected to be.

    A ``FinnishNumberError`` (and so a ``ValueError``): figures are written the same way in both
    languages of Finland, and whoever catches one kind of unreadable figure should catch both.
    """


def parse_count(text: str) -> int:
    """A small count written in digits ("52") or as a Swedish number word ("Ett", "fyra")."""
    word = text.strip().casefold()
    if word.isdigit():
        return int(word)
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    raise SwedishNumberError(f"not a count in digits or a Swedish number word: {text!r}")
