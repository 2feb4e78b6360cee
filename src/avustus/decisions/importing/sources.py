"""What a decision file is (a PDF, the text ``pdftotext`` made of one, or the parser's own text) and the
text the parser reads from it.

* A PDF, known by its "%PDF-" header and not by its name: its words are read with their positions
  (``pdf``) and the text rebuilt from them (``layout``).
* Text that ``pdftotext -layout`` made of a PDF: its characters keep their columns, so each
  character is a word's position on a grid of lines and columns, and the same ``layout.rebuild``
  reads it. Pages end in form feeds; paragraphs are where a line ends short of the next line's
  first word.
* Text that ``pdftotext`` made without ``-layout`` of our own decision PDF: its prose is read as
  above, and Appendix 1 row by row between the rule lines our PDF draws between its rows as text
  (``plain``).
* Text that ``pdftotext`` made without ``-layout`` of a table without such lines (another PDF's, or
  ours rendered before issue 17) writes each column of Appendix 1 apart, in blocks, and puts the
  blocks of the amount column in an order of its own: of the 2020 round's 51 rows, 19 amounts (8 in
  the Swedish PDF) came out beside another row than their own, while the totals still added up.
  Pairing the columns' blocks again would give applications another's amount without anything to
  tell, so such a text is refused with the advice to extract the text with ``-layout`` or to import
  the PDF (see ``docs/architecture.md``).
* Any other text (tab-separated Appendix 1, as typed or as ``render-decision --format txt`` writes it)
  is read as it is.

Pure Python, no Django.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from avustus.decisions.importing.layout import LIST_ITEM, Rebuilt, Row, Source, Word, rebuild
from avustus.decisions.importing.pdf import is_pdf, pdf_source, read_pdf
from avustus.decisions.importing.plain import is_ruled, ruled_table
from avustus.decisions.importing.result import DecisionFormatError
from avustus.decisions.vocabulary import VOCABULARIES


@dataclass(frozen=True)
class DecisionSource:
    """The text to parse; ``origins[i]`` says where line i+1 came from in a PDF or its text ("page 7, line 12")."""

    kind: str  # "pdf", "pdftotext" or "text"
    text: str
    origins: tuple[str, ...] = ()

    def where(self, line: int | None) -> str:
        if line is None or not self.origins or not 0 < line <= len(self.origins):
            return ""
        return self.origins[line - 1]


def decision_source(data: bytes) -> DecisionSource:
    if is_pdf(data):
        pages = read_pdf(data)
        return _rebuilt("pdf", rebuild(pages, pdf_source(pages)))
    text = decode(data)
    if "\t" not in text and _columns_apart(text) and is_ruled(text):
        table = ruled_table(text)
        if table is not None:
            pages = text_rows(text[: table.start])
            rebuilt = rebuild(pages, text_source(pages, indented=False))
            rebuilt.blank()
            for line, origin in table.lines:
                rebuilt.add(line, origin)
            return _rebuilt("pdftotext", rebuilt)
    if "\t" not in text and ("\f" in text or _spaced_header(text)):
        pages = text_rows(text)
        rebuilt = rebuild(pages, text_source(pages))
        if not any("\t" in line for line in rebuilt.lines) and _columns_apart(text):
            raise DecisionFormatError(
                "Appendix 1 of this text has its columns written one after another, as pdftotext writes them "
                "without -layout, and its amounts not in the order of its rows, so which amount belongs to "
                "which application cannot be told; extract the text with 'pdftotext -layout', or import the "
                "PDF itself",
                part="appendix",
            )
        return _rebuilt("pdftotext", rebuilt)
    return DecisionSource("text", text)


def decode(data: bytes) -> str:
    """A decision file's bytes as text: UTF-8, with or without a byte order mark."""
    if b"\x00" in data:
        raise DecisionFormatError("the file contains NUL bytes: it is binary, not a text document", part="encoding")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DecisionFormatError(
            f"the file is not UTF-8 text (byte {data[exc.start]:#04x} at offset {exc.start} cannot be decoded)",
            part="encoding",
        ) from exc


def _rebuilt(kind: str, rebuilt: Rebuilt) -> DecisionSource:
    return DecisionSource(kind, rebuilt.text, tuple(rebuilt.origins))


def _spaced_header(text: str) -> bool:
    """Whether a line heads Appendix 1 with its columns apart by spaces, as ``pdftotext -layout`` writes it
    (its pages' form feeds may have been lost on the way)."""
    for line in text.splitlines():
        squeezed = " ".join(line.split()).casefold()
        for vocab in VOCABULARIES.values():
            project, amount = (c.casefold() for c in vocab.appendix_columns[1:])
            if squeezed.endswith(amount) and f" {project} " in squeezed and "   " in line:
                return True
    return False


def _columns_apart(text: str) -> bool:
    """Whether the header of Appendix 1 stands one heading a line, as pdftotext writes it without -layout."""
    lines = {re.sub(r"\s+", " ", line).strip().casefold() for line in text.splitlines()}
    return any(
        all(column.casefold() in lines for column in vocab.appendix_columns[1:]) for vocab in VOCABULARIES.values()
    )


# -- text made by pdftotext --


def text_rows(text: str) -> list[list[Row]]:
    """Each page's lines as rows of words placed by their columns (characters) and lines."""
    pages = text.replace("\r\n", "\n").split("\f")
    if pages and not pages[-1].strip():
        pages.pop()  # pdftotext ends the last page with a form feed too
    result: list[list[Row]] = []
    for page_number, page in enumerate(pages, start=1):
        rows = []
        for index, line in enumerate(page.split("\n")):
            words = [Word(m[0], m.start(), m.end(), index, index + 1) for m in re.finditer(r"\S+", line)]
            if words:
                rows.append(Row(page_number, index + 1, words))
        result.append(rows)
    return result


def text_source(pages: Sequence[Sequence[Row]], *, indented: bool = True) -> Source:
    """How text rows are measured: in characters; a paragraph ends at a blank line or where a line ends
    short of the width the next line's first word would have needed. ``indented`` is False for the plain
    text of pdftotext, whose lines all start at the margin."""
    rows = [r for page in pages for r in page]
    widths = sorted(r.words[-1].x1 for r in rows)
    # The width of the text: nearly the longest line (a stray long line, such as a running header
    # with the date at the right margin, does not count).
    right = widths[int(len(widths) * 0.95)] if widths else 80.0

    def breaks(rows: Sequence[Row], i: int) -> bool:
        if i + 1 >= len(rows):
            return True
        here, below = rows[i], rows[i + 1]
        if here.page == below.page and below.top - here.top > 1:
            return True  # a blank line between them
        if LIST_ITEM.match(below.text):
            return here.text.endswith((".", ",", ":", ";"))
        # A paragraph ends with its sentence (or is a heading: no full stop, a capital first) and the
        # next one starts with a capital; a line followed by a small letter or a figure goes on.
        if here.text.isupper() and below.text.isupper():
            return False  # a title in capitals over two lines
        starts = below.text[:1].isupper() or below.text[:1] in "\"'(«»”"
        if starts and below.words[0].x0 < _indent(rows, i) - 1:
            return True  # back to the margin after an indented item
        ends = here.text.endswith((".", ",", ":", ";", "!", "?")) or here.text[:1].isupper()
        if not indented and below.text[:1].isupper() and _in_item(rows, i):
            # The plain text of pdftotext (no -layout) has no indent to tell the paragraph after a list
            # from its last item: the item ends where a line of it ends short before a capital.
            ends = True
        first = below.words[0]
        # Characters of a proportional font differ in width: a line counts as ending short only
        # when the next word would have fitted with a tenth of the width to spare.
        short = here.words[-1].x1 + 1 + (first.x1 - first.x0) < right * 0.9
        return ends and starts and short

    def adjacent(rows: Sequence[Row], i: int) -> bool:
        return i + 1 < len(rows) and rows[i].page == rows[i + 1].page and rows[i + 1].top - rows[i].top == 1

    return Source(space=1.0, column_gap=4.0, align=3.0, cell_gap=2.0, drift=4.0, breaks=breaks, adjacent=adjacent)


def _in_item(rows: Sequence[Row], i: int) -> bool:
    """Whether ``rows[i]`` is a line of a list item ("5) muut toimintakustannukset"): the lines above it, up
    to the item's first, follow one another without a paragraph's end between them."""
    k = i
    while not LIST_ITEM.match(rows[k].text):
        if k == 0 or rows[k - 1].page != rows[k].page or rows[k].top - rows[k - 1].top != 1:
            return False
        if rows[k - 1].text.endswith((".", ":", ";", "!", "?")):
            return False
        k -= 1
    return True


def _indent(rows: Sequence[Row], i: int) -> float:
    """Where the lines of the paragraph that ``rows[i]`` ends begin: the least indent of its lines."""
    indent = rows[i].words[0].x0
    k = i
    while k > 0 and rows[k - 1].page == rows[k].page and rows[k].top - rows[k - 1].top == 1:
        k -= 1
        if LIST_ITEM.match(rows[k + 1].text):
            break
        indent = min(indent, rows[k].words[0].x0)
    return indent
