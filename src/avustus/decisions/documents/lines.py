"""How many lines each row of the appendix takes, foreseen from the widths of its characters.

Typst lays out every cell of a table row of ``auto`` height twice: once to measure the row, once more at
the row's height (the second layout cannot reuse the first: its region differs). For a 5,000-application
appendix that measuring pass is about 40 % of the render. A row given a fixed height is laid out once, so
the renderer gives each row the height of its line count when it can tell that count for certain, and
leaves the row ``auto`` for Typst to measure otherwise.

Telling the count means breaking the cell's text into lines as Typst does: text left-aligned and not
justified, so Typst's simple first-fit breaking (a line takes words while they fit), at the break
opportunities of the Unicode line-breaking rules (UAX #14). This module foresees it for text it fully
understands, and answers ``None`` (measure it, Typst) for anything else:

* the widths come from Typst itself, measured in the appendix's font and size (:class:`Widths`): every
  character and every pair of adjacent characters, so kerning and ligatures of pairs are included; a
  character drawn from a fallback font of other line metrics is not understood;
* a line is tried at a space, except before the characters UAX #14 never lets a line start with after a
  space (``/``, ``,``, ``)`` ...); a space between other characters than letters, digits and common
  punctuation, or a pair of characters inside a word that the rules could break (``ja/tai``, ``a!b``), is
  not understood;
* a word with a hyphen is kept whole by the renderer's ``keep-hyphens`` (a box), so its spaces are no
  break opportunities;
* a cell narrower than its column is one line whatever it holds (first-fit breaking never breaks a text
  that fits), unless it holds a character that always ends a line;
* a line whose width is within :data:`MARGIN` of the column's is not decided: the sum of the measured
  widths is exact for kerning between pairs, not for the few effects beyond them (a three-letter
  ligature, the kerning lost at a box's edge), and those are far below the margin.

So every row given a height is one whose lines Typst itself breaks the same way, and the PDF is the one
Typst's own measuring gives (``tests/decisions/test_pdf_lines.py`` compares them). Pure Python, no Django.
"""

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from itertools import chain

__all__ = ["MARGIN", "Widths", "row_lines"]

# Points: a line this close to its column's width is left to Typst. Kerning at 9.5 pt is a few tenths of
# a point; a margin this small leaves undecided a row in a hundred or fewer.
MARGIN = 1.0

# Characters before which UAX #14 never breaks, even after a space (LB13, closing punctuation, slash,
# infix separators, exclamation): "Kunta 1 / Seutukunta" cannot break before "/".
_NO_BREAK_BEFORE = frozenset(")],.:;!?/")
# What may stand on either side of a space for the space to be a plain break opportunity (LB18), and
# pairs inside a word where the rules never break (LB13, LB14, LB19, LB24, LB25, LB28-LB30).
_PUNCTUATION_AFTER = frozenset(")],.:;!?/%§'\"\u2019\u201d-\u2010\u2013")  # may end a word
_PUNCTUATION_BEFORE = frozenset("([§€$#&+*%'\"\u2019\u201c\u201d")  # may start a word
# Final quotes: no break before one that stands alone (UAX #14 LB15b), as in "sana ” toinen".
_FINAL_QUOTES = frozenset("\u2019\u201d")
_NEVER_BREAK_BEFORE = frozenset(")],.:;!?/%'\"\u2019\u201d")  # inside a word, after any understood character
_NEVER_BREAK_AFTER = frozenset("([§€$#&+*'\"\u2019\u201c\u201d")  # inside a word, before any understood character
_INFIX = frozenset(".,:;")  # "a.b" and "1.5" hold, "a.5" may break
_LATIN_END = 0x250  # letters beyond Latin Extended-B may follow other rules (dictionaries, combining marks)

# Characters that end a line wherever they stand (UAX #14 BK, CR, LF, NL).
_MANDATORY = re.compile("[\n\r\x0b\x0c\x85\u2028\u2029]")

# keep-hyphens in pdf.py: each match is one box, a line is never broken inside it.
_KEPT = re.compile(r"\S*[-\u2010\u2013](\s\S+|\S+)")


class Widths:
    """Widths of text in the appendix's cells, in points, as Typst measured them (see pdf.py), gathered
    over the tables of a process: the pairs of characters of one table are mostly those of the next.

    Typst measures each character and each pair of adjacent characters (so kerning and ligatures of pairs
    are counted) and tells the characters whose line is as tall as a line of the body font's (the others
    are drawn from a fallback font of other metrics, or are not visible at all).
    """

    def __init__(self) -> None:
        self._width: dict[str, float] = {}
        self._advance: dict[str, float] = {}
        self._plain: set[str] = set()
        self._words: dict[str, tuple[float, float, float] | None] = {}
        self._seen: set[str] = set()
        self._pending: set[str] = set()

    def missing(self, rows: Iterable[Sequence[str]]) -> list[str]:
        """What Typst is to measure before :func:`row_lines` can read ``rows``: each character, each pair."""
        words = set(" ".join(chain.from_iterable(rows)).split(" "))
        # The new words one after another: their characters, the pairs inside each, and each pair of a
        # word's end or start with a space.
        new = words - self._seen
        self._pending = new
        text = " " + " ".join(new) + " "
        wanted = set(text)
        wanted.update(map(str.__add__, text, text[1:]))
        return sorted(wanted - self._width.keys())

    def add(self, pieces: Sequence[str], widths: Sequence[float], plain: Sequence[bool]) -> None:
        """Typst's measurements of ``pieces`` (what :meth:`missing` asked for last): the width of each and
        whether it is plain."""
        self._width.update(zip(pieces, widths, strict=True))
        self._seen |= self._pending  # only now: a measurement that failed is asked for again
        self._plain.update(piece for piece, is_plain in zip(pieces, plain, strict=True) if is_plain)
        # What the first character of a pair adds to a line when the second follows it.
        self._advance.update((pair, self._width[pair] - self._width[pair[1]]) for pair in pieces if len(pair) == 2)

    def word(self, word: str) -> tuple[float, float, float] | None:
        """Of ``word`` (no spaces): its width; what it adds to a line when a space follows it, with the
        space; what a space before it adds to the line; None if a character of it is not plain."""
        try:
            return self._words[word]
        except KeyError:
            pass
        found = None
        if self._plain.issuperset(word):
            advance = self._advance
            inner = sum(map(advance.__getitem__, map(str.__add__, word, word[1:])))
            found = (inner + self._width[word[-1]], inner + advance[word[-1] + " "], advance[" " + word[0]])
        self._words[word] = found
        return found


@cache
def _letter(character: str) -> bool:
    return ord(character) < _LATIN_END and unicodedata.category(character)[0] in "LN"


def _holds(left: str, right: str, before: str) -> bool:
    """Whether UAX #14 never breaks between ``left`` and ``right`` inside a word (``before``: the word up
    to ``left``)."""
    if _letter(left) and _letter(right):
        return True
    if "\u00a0" in (left, right):  # LB12, LB12a: no break at a no-break space
        return True
    if right in _NEVER_BREAK_BEFORE or left in _NEVER_BREAK_AFTER:
        return True
    within_number = right.isdigit() and before[-2:-1].isdigit()  # LB25: "28.70.05", "1/2"
    if left in _INFIX:  # and LB29: an infix before a letter
        return within_number or unicodedata.category(right)[0] == "L"
    if left == "/":
        return within_number
    return left in ")]%" and _letter(right)  # LB30, LB24


# Words that are never broken, checked in C: letters and digits (LB23, LB28), and amounts "12 345,00"
# with no-break spaces (LB12, LB12a, LB25).
_PLAIN_WORD = re.compile(
    "[0-9A-Za-z\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]+|[0-9]+(?:\u00a0[0-9]+)*(?:,[0-9]+)?")
_UNDERSTOOD, _BREAKS_BEFORE, _HOLDS_BEFORE = 1, 2, 4


@lru_cache(maxsize=1 << 16)
def _word(word: str) -> int:
    """What is known of ``word`` (a run without spaces), as flags: _UNDERSTOOD if no line can break inside
    it and each of its characters is understood; _BREAKS_BEFORE if a space before it is a break
    opportunity, _HOLDS_BEFORE if it is certainly not; neither if not understood."""
    first = word[0]
    before = _BREAKS_BEFORE if (_letter(first) or first in _PUNCTUATION_BEFORE) else 0
    if first in _NO_BREAK_BEFORE:
        before = _HOLDS_BEFORE
    elif word in _FINAL_QUOTES:
        before = 0
    if _PLAIN_WORD.fullmatch(word):
        return _UNDERSTOOD | before
    if not (_letter(first) or first in _PUNCTUATION_BEFORE or first in _PUNCTUATION_AFTER):
        return before
    whole = all(_holds(word[i - 1], word[i], word[:i]) for i in range(1, len(word)))
    return (_UNDERSTOOD if whole else 0) | before


def _opportunities(cell: str, words: Sequence[str]) -> list[int] | None:
    """The index of each word of ``cell`` after which a line may end (the last word always), or None if
    the cell holds anything not understood."""
    kept: list[tuple[int, int]] = []
    if "-" in cell or "\u2010" in cell or "\u2013" in cell:
        kept = [match.span() for match in _KEPT.finditer(cell)]
        for start, end in kept:
            if (start and cell[start - 1] != " ") or (end < len(cell) and cell[end] != " "):
                return None  # a box next to a no-break space or such: left to Typst
    ends = []
    position = 0
    last = len(words) - 1
    for index, word in enumerate(words):
        start, position = position, position + len(word) + 1
        boxed = kept and any(a <= start and position - 1 <= b for a, b in kept)
        if not (boxed or _word(word) & _UNDERSTOOD):
            return None
        if index == last:
            break
        if kept and any(a < position - 1 < b for a, b in kept):
            continue  # a space inside a box
        left, after = word[-1], _word(words[index + 1])
        if not (_letter(left) or left in _PUNCTUATION_AFTER):
            return None
        if kept and any(a == position for a, _ in kept):
            ends.append(index)  # a box after a space (LB18)
            continue
        if after & _HOLDS_BEFORE:
            continue
        if not after & _BREAKS_BEFORE:
            return None
        ends.append(index)
    ends.append(last)
    return ends


def _cell_lines(cell: str, width: float, widths: Widths) -> int | None:
    """The number of lines Typst breaks ``cell`` into in a column ``width`` wide, or None if not certain."""
    if not cell or cell != cell.strip() or "  " in cell:
        return None
    words = cell.split(" ")
    # start[k]: where word k starts on a line that starts with the cell; word k ends at start[k] + wide[k].
    start: list[float] = []
    wide: list[float] = []
    position = 0.0
    for word in words:
        measured = widths.word(word)
        if measured is None:
            return None
        whole, with_space, space_before = measured
        if start:
            position += space_before
        start.append(position)
        wide.append(whole)
        position += with_space
    if start[-1] + wide[-1] < width - MARGIN and not _MANDATORY.search(cell):
        return 1  # a first-fit line takes it all, wherever the text might break
    ends = _opportunities(cell, words)
    if ends is None:
        return None

    def fits(first: int, last: int) -> bool | None:
        """Whether words first..last fit on a line; None if too close to tell."""
        line = start[last] + wide[last] - start[first]
        if abs(line - width) <= MARGIN:
            return None
        return line < width

    # Typst's simple breaking (inline/linebreak.rs, linebreak_simple): extend the line to each next
    # opportunity while it fits; when it does not, end the line at the last that did.
    lines, first, fitted = 0, 0, None
    for end in ends:
        if end == ends[-1] and fitted is None and start[end] + wide[end] - start[first] < width + MARGIN:
            # The rest of the cell is its last line, whether it fits or not (an amount as wide as its
            # column, no matter the rounding); only a word wider than the column is left to Typst.
            return lines + 1
        fit = fits(first, end)
        if fit is None:
            return None
        if not fit and fitted is not None:
            lines, first, fitted = lines + 1, fitted + 1, None
            fit = fits(first, end)
            if fit is None:
                return None
        if not fit:
            return None  # a word wider than its column: Typst may break it elsewhere
        fitted = end
    return lines + 1


def row_lines(rows: Sequence[Sequence[str]], widths: Widths, columns: Sequence[float]) -> list[int]:
    """Each row's number of lines (its tallest cell's) in columns ``columns`` wide inside, or 0 where that
    is not certain."""
    counts = []
    for row in rows:
        count = 0
        for cell, width in zip(row, columns, strict=True):
            lines = _cell_lines(cell, width, widths)
            if lines is None:
                count = 0
                break
            count = max(count, lines)
        counts.append(count)
    return counts
