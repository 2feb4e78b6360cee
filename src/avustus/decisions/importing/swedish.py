"""Small helpers for reading Swedish administrative text written in Finland: number words.

Finland's Swedish writes amounts and dates exactly as Finnish does ("24 574 065,00", "26.2.2020"),
so ``finnish.parse_amount``, ``parse_date`` and ``parse_percentage`` read both languages. What
differs are the words for small counts: "Ett projekt återtog ...", "med fyra månaders mellanrum".
Swedish number words do not inflect the way Finnish ones do; only "one" has two genders
("en", "ett"). They are kept in ``vocabulary.sv``, shared with the documents that write them.

Stdlib only, no Django: the parser that uses these runs before anything is stored.
"""

from avustus.decisions.importing.finnish import FinnishNumberError
from avustus.decisions.vocabulary.sv import NUMBER_WORDS


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
