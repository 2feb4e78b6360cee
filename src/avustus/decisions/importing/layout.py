"""Rebuilding a decision's text from words placed on pages: a PDF's words, or the text a PDF reader made.

A published decision is a PDF, or the text ``pdftotext`` makes of it. Both have lost what the parser
reads: Appendix 1 is a table drawn with columns, not a tab-separated one, its rows wrap onto several
lines, it breaks across pages with its header repeated, and every page carries a running header and
a page number ("1 / 9"). ``rebuild`` puts each word back where the parser expects it and returns the
text the parser already reads (the form ``documents.text`` writes), so that there is one parser:

* page furniture goes: page numbers, and the lines that repeat the first page's letterhead at the top
  of later pages;
* prose lines are kept in order, a blank line between paragraphs (where ``Source.breaks`` says one
  ends), and a line set in two columns (a letterhead, the signatures side by side) becomes its left
  column, then its right one;
* Appendix 1 is read from the positions of its header's columns: each row starts at the line that
  has its amount (right-aligned under the amount heading), lines without an amount continue the row
  above, also across a page break; the header repeated on a later page sets the columns again; a
  line that has only an amount is the total; the rule lines between our PDF's rows are passed over.
  Each row becomes a tab-separated line.

What cannot be placed in a column is never guessed: the import is refused with the page and line.

Pure Python, standard library only.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from avustus.decisions.importing.finnish import plain_spaces
from avustus.decisions.importing.result import DecisionFormatError
from avustus.decisions.vocabulary import VOCABULARIES
from avustus.decisions.vocabulary.base import Vocabulary

AMOUNT = re.compile(r"\d{1,3}(?: \d{3})*(?:,\d{1,2})?")
# "1 / 9", "1/9", "Sivu 1 (9)", "Sida 1 av 9", "Page 1 of 9": at the top or the bottom of a page.
PAGE_NUMBER = re.compile(r"(?:(?:sivu|sida|page)\s+)?\d{1,4}\s*(?:/|\(|of\b|av\b)\s*\d{1,4}\)?", re.IGNORECASE)
# A line that starts an item of its own: a bullet, "1)" or a numbered entry ("12. Espoon kaupungille").
LIST_ITEM = re.compile(r"^(?:[•◦▪*–-]\s|\d{1,2}\)\s|\d{1,4}\.\s)")
# The line our decision PDF draws between the rows of Appendix 1: one box-drawing character stretched
# across the table, text so that pdftotext without -layout keeps each row together (see ``plain``). A
# line of it is not part of any row.
RULE = "\u2500"


def is_rule(text: str) -> bool:
    """Whether a line is only rule characters (two rules drawn on one line may read as "─ ─")."""
    return set(text.replace(" ", "")) == {RULE}


# Words that follow a hyphen at a line's end with a space before them ("sosiaali- ja"); any other
# word after such a hyphen is the rest of a compound broken at its hyphen ("Etelä-|Karjalan").
_AFTER_SPACED_HYPHEN = {"ja", "tai", "sekä", "eli", "och", "eller", "samt"}


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass
class Row:
    """A line of a page: its words left to right."""

    page: int  # 1-based
    number: int  # 1-based, on its page
    words: list[Word]

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    def where(self) -> str:
        return f"page {self.page}, line {self.number}"


@dataclass(frozen=True)
class Source:
    """What differs between a PDF's words and a text's characters: units and how paragraphs show.

    ``space`` is about the width of a space; ``column_gap`` the least gap that separates columns
    of prose (a letterhead, signatures side by side); ``align`` how far right-aligned amounts may
    stray from the amount heading's right edge; ``cell_gap`` the least gap between two cells of a
    table row, ``drift`` how far a cell may start from its heading; ``breaks(rows, i)`` whether a paragraph ends after
    ``rows[i]``; ``adjacent(rows, i)`` whether ``rows[i + 1]`` is the very next line, without space
    between them.
    """

    space: float
    column_gap: float
    align: float
    cell_gap: float
    drift: float
    breaks: Callable[[Sequence[Row], int], bool]
    adjacent: Callable[[Sequence[Row], int], bool]


@dataclass
class Rebuilt:
    """The rebuilt text and, for each of its lines, where it came from ("page 7, line 12"), or ""."""

    lines: list[str] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)

    def add(self, text: str, origin: str = "") -> None:
        self.lines.append(text)
        self.origins.append(origin)

    def blank(self) -> None:
        if self.lines and self.lines[-1]:
            self.add("")

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def rebuild(pages: Sequence[Sequence[Row]], source: Source) -> Rebuilt:
    """The decision's text as the parser reads it, from the rows of its pages."""
    rows = _without_furniture(pages)
    if not rows:
        raise DecisionFormatError("the document has no text", part="document")
    header = _find_header(rows)
    out = Rebuilt()
    prose = rows if header is None else rows[: header[0]]
    _write_prose(prose, source, out)
    if header is not None:
        start, vocab = header
        _write_table(rows[start:], vocab, source, out)
    return out


# -- page furniture --


def _without_furniture(pages: Sequence[Sequence[Row]]) -> list[Row]:
    """The rows of every page without page numbers and without the running header of later pages.

    The running header is recognised as the lines at the top of a later page that repeat one of the
    first lines of the first page (the issuer and the date of the letterhead), or that repeat at the
    top of most later pages.
    """
    kept_pages = [
        [r for k, r in enumerate(page) if r.words and not (_edge(page, k) and PAGE_NUMBER.fullmatch(_norm(r.text)))]
        for page in pages
    ]
    letterhead = kept_pages[0][:2] if kept_pages else []
    first = {_norm(r.text) for r in letterhead} | {_norm(w.text) for r in letterhead for w in r.words}
    tops: dict[str, int] = {}
    for page in kept_pages[1:]:
        for r in page[:3]:
            tops[_norm(r.text)] = tops.get(_norm(r.text), 0) + 1
    repeated = {t for t, n in tops.items() if n >= max(2, (len(kept_pages) - 1) // 2)}
    rows: list[Row] = []
    for index, page in enumerate(kept_pages):
        skipping = index > 0
        for r in page:
            furniture = _norm(r.text) in first or _norm(r.text) in repeated or _letterhead(r, first)
            # The header of Appendix 1 repeated on each page is the table's, not the page's: it sets
            # the columns of that page again.
            if skipping and furniture and not _is_table_header(r):
                continue
            skipping = False
            rows.append(r)
    return rows


def _is_table_header(row: Row) -> bool:
    return any(_match_header(row, vocab) for vocab in VOCABULARIES.values())


def _edge(page: Sequence[Row], index: int) -> bool:
    nonblank = [k for k, r in enumerate(page) if r.words]
    return index in nonblank[:2] or index in nonblank[-2:]


def _letterhead(row: Row, first: set[str]) -> bool:
    # "Valtiovarainministeriö    26.2.2020" on one line where the first page had two, or the other way.
    return all(_norm(w.text) in first for w in row.words)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", plain_spaces(text)).strip().casefold()


# -- prose --


def _segments(row: Row, gap: float) -> list[list[Word]]:
    """The words of a row in runs separated by gaps of at least ``gap``: its columns."""
    runs: list[list[Word]] = [[row.words[0]]]
    for before, word in zip(row.words, row.words[1:], strict=False):
        if word.x0 - before.x1 >= gap:
            runs.append([])
        runs[-1].append(word)
    return runs


def _write_prose(rows: Sequence[Row], source: Source, out: Rebuilt) -> None:
    """Paragraphs as single lines, as the parser reads them; list items and numbered entries on lines of their own."""
    paragraph: list[str] = []
    origin = ""

    def flush() -> None:
        nonlocal origin
        if paragraph:
            out.add(_join(paragraph), origin)
            paragraph.clear()

    i = 0
    while i < len(rows):
        columns = _segments(rows[i], source.column_gap)
        if len(columns) == 1:
            if LIST_ITEM.match(rows[i].text):
                flush()
            if not paragraph:
                origin = rows[i].where()
            paragraph.append(rows[i].text)
            if source.breaks(rows, i):
                flush()
                out.blank()
            i += 1
            continue
        # Lines set in columns (the signatures side by side: names, then titles): each column in turn.
        flush()
        run = [i]
        while source.adjacent(rows, run[-1]):
            if len(_segments(rows[run[-1] + 1], source.column_gap)) < 2:
                break
            run.append(run[-1] + 1)
        split = [_segments(rows[k], source.column_gap) for k in run]
        width = max(len(s) for s in split)
        out.blank()
        for c in range(width):
            for k, segments in zip(run, split, strict=True):
                if c < len(segments):
                    out.add(" ".join(w.text for w in segments[c]), rows[k].where())
            out.blank()
        i = run[-1] + 1
    flush()


# -- Appendix 1 --


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", plain_spaces(text)).casefold()


def _header_columns(vocab: Vocabulary) -> list[tuple[str, str, str]]:
    return [vocab.appendix_columns, *vocab.old_appendix_columns]


@dataclass
class _Columns:
    """Where the columns of Appendix 1 are on a page, from its header."""

    project: float  # left edge of the project column
    amount_right: float  # right edge of the amount heading: the amounts are aligned on it
    amount_left: float  # left edge of the amount heading


def _match_header(row: Row, vocab: Vocabulary) -> tuple[_Columns, tuple[str, str, str]] | None:
    """The columns of ``row`` if it is the header of Appendix 1 (its first column may wrap)."""
    words = row.words
    squeezed = _squeeze(row.text)
    for columns in _header_columns(vocab):
        first, project, amount = (_squeeze(c) for c in columns)
        if not (squeezed.endswith(amount) and project in squeezed):
            continue
        for j in range(1, len(words)):
            for k in range(j + 1, len(words)):
                lead = _squeeze(" ".join(w.text for w in words[:j]))
                middle = _squeeze(" ".join(w.text for w in words[j:k]))
                last = _squeeze(" ".join(w.text for w in words[k:]))
                if lead and first.startswith(lead) and middle == project and last == amount:
                    return _Columns(words[j].x0, words[-1].x1, words[k].x0), columns
    return None


def _find_header(rows: Sequence[Row]) -> tuple[int, Vocabulary] | None:
    """The index of the first header row of Appendix 1 (its label line, if any, included) and the language."""
    for i, row in enumerate(rows):
        for vocab in VOCABULARIES.values():
            if _match_header(row, vocab):
                label = re.compile(rf"^{vocab.appendix_label}$", re.IGNORECASE)
                start = i - 1 if i > 0 and label.match(rows[i - 1].text) else i
                return start, vocab
    return None


def _join(parts: Sequence[str]) -> str:
    """Lines as one text: a compound broken at its hyphen ("Etelä-|Karjalan") is joined without a space."""
    text = ""
    for part in parts:
        if not text:
            text = part
        elif (
            text.endswith(("-", "–"))
            and not text.endswith((" -", " –"))
            and part.split(" ")[0].casefold() not in _AFTER_SPACED_HYPHEN
        ):
            text += part
        else:
            text += " " + part
    return text


@dataclass
class _TableRow:
    lines: list[tuple[Row, list[Word], _Columns]]  # each line of the row: the row, its words but the amount
    amount: str
    where: str


def _amount_split(row: Row, cols: _Columns, source: Source) -> tuple[list[Word], str]:
    """The words of a line of the table before its amount, and the amount ("" when it has none)."""
    words = row.words
    # The amount: the words at the end of the line that read as an amount, aligned on the amount
    # heading's right edge and set apart from the project by more than a space.
    amount_from = len(words)
    tolerance = source.space * 1.5
    if abs(words[-1].x1 - cols.amount_right) <= source.align:
        for k in range(len(words) - 1, -1, -1):
            candidate = " ".join(w.text for w in words[k:])
            gap_before = words[k].x0 - words[k - 1].x1 if k else float("inf")
            if AMOUNT.fullmatch(plain_spaces(candidate)) and gap_before > tolerance and words[k].x0 > cols.project:
                amount_from = k
    rest = words[:amount_from]
    for word in rest:
        if word.x1 > cols.amount_left + source.drift and word.x0 > cols.project:
            raise DecisionFormatError(
                f"a line of Appendix 1 has '{word.text}' under the amount heading where an amount of euros "
                f"is expected ({row.where()}): it cannot be split into columns",
                part="appendix",
            )
    return rest, " ".join(w.text for w in words[amount_from:])


def _cells(words: list[Word], cols: _Columns, source: Source, project_at: float | None) -> tuple[str, str] | None:
    """(applicant text, project text) of a line's words; None when they touch and ``project_at``,
    where the project starts on the row's other lines, does not tell where they part."""
    # Runs of words apart by more than a space; the project's starts where its heading starts (a text
    # made by a PDF reader may place it a few characters off).
    runs: list[list[Word]] = []
    for k, word in enumerate(words):
        if not runs or word.x0 - words[k - 1].x1 >= source.cell_gap:
            runs.append([])
        runs[-1].append(word)
    if len(runs) == 1 and runs[0][0].x0 < cols.project - source.drift and runs[0][-1].x1 > cols.project:
        # The cells nearly touch (a PDF reader's text may leave one space between them): they part
        # only where the project starts on the row's other lines, at exactly one word.
        if project_at is None:
            return None
        starts = [k for k, w in enumerate(runs[0]) if k and abs(w.x0 - project_at) <= source.space]
        if len(starts) != 1:
            return None
        runs = [runs[0][: starts[0]], runs[0][starts[0] :]]
    near = [abs(run[0].x0 - cols.project) <= source.drift for run in runs]
    text = [" ".join(w.text for w in run) for run in runs]
    if len(runs) == 2 and runs[0][0].x0 < cols.project - source.drift and near[1]:
        return text[0], text[1]
    if len(runs) == 1 and near[0]:
        return "", text[0]
    if len(runs) == 1 and runs[0][-1].x1 < cols.project + source.drift:
        return text[0], ""
    if not runs:
        return "", ""
    return None


def _row_cells(entry: _TableRow, source: Source) -> tuple[str, str]:
    """The applicant and the project of a row of the table, its lines joined."""
    clear = [_cells(words, cols, source, None) for _row, words, cols in entry.lines]
    starts = {
        round(next(w.x0 for w in words if w.x0 >= cols.project - source.drift), 1)
        for (_row, words, cols), cells in zip(entry.lines, clear, strict=True)
        if cells is not None and cells[1]
    }
    project_at = starts.pop() if len(starts) == 1 else None
    first: list[str] = []
    project: list[str] = []
    for (row, words, cols), cells in zip(entry.lines, clear, strict=True):
        cells = cells or _cells(words, cols, source, project_at)
        if cells is None:
            raise DecisionFormatError(
                f"a line of Appendix 1 ('{row.text}', {row.where()}) cannot be split into the applicant and the "
                "project: nothing sets them apart where the columns' headings are",
                part="appendix",
            )
        if cells[0]:
            first.append(cells[0])
        if cells[1]:
            project.append(cells[1])
    if not first or not project:
        raise DecisionFormatError(
            f"a row of Appendix 1 has no {'applicant' if not first else 'project'} ({entry.where}): "
            "the row cannot be split into columns",
            part="appendix",
        )
    return _join(first), _join(project)


def _write_table(rows: Sequence[Row], vocab: Vocabulary, source: Source, out: Rebuilt) -> None:
    label = re.compile(rf"^{vocab.appendix_label}$", re.IGNORECASE)
    cols: _Columns | None = None
    header: tuple[str, str, str] | None = None
    table: list[_TableRow] = []
    total: tuple[str, str] | None = None
    header_rest = ""  # the part of the first header cell still to come on the lines below
    i = 0
    if rows and label.match(rows[0].text):
        out.blank()
        out.add(rows[0].text, rows[0].where())
        i = 1
    while i < len(rows):
        row = rows[i]
        i += 1
        if is_rule(row.text):
            continue
        matched = _match_header(row, vocab)
        if matched:
            cols, header = matched
            first = _squeeze(" ".join(w.text for w in row.words if w.x1 <= cols.project))
            header_rest = _squeeze(header[0])[len(first) :]
            continue
        if cols is None:  # the rows start at the header (see _find_header); a label line may stand before it
            raise DecisionFormatError(f"Appendix 1 has a line before its header ({row.where()})", part="appendix")
        if header_rest and _squeeze(row.text) and header_rest.startswith(_squeeze(row.text)):
            header_rest = header_rest[len(_squeeze(row.text)) :]  # "Sökande kommun /" | "projektadministratör"
            continue
        if total is not None:
            break  # what follows the total is not part of Appendix 1 (a distribution list, a further appendix)
        words, amount = _amount_split(row, cols, source)
        if amount and not words:
            total = (amount, row.where())
        elif amount:
            table.append(_TableRow([(row, words, cols)], amount, row.where()))
        elif not table:
            raise DecisionFormatError(
                f"the first row of Appendix 1 has no amount on its first line ({row.where()}): "
                "the row cannot be split into columns",
                part="appendix",
            )
        else:
            table[-1].lines.append((row, words, cols))
    if header is None:
        return
    out.add("\t".join(header), "")
    for entry in table:
        applicant, project = _row_cells(entry, source)
        out.add(f"{applicant}\t{project}\t{entry.amount}", entry.where)
    if total is not None:
        out.add(f"\t\t{total[0]}", total[1])
