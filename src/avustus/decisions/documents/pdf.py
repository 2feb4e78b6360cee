"""A decision document as a PDF, typeset with Typst.

The renderer writes Typst source for a :class:`~avustus.decisions.documents.model.Document` and
compiles it in-process with the ``typst`` package (a self-contained compiler, no system fonts or
binaries needed). The output is:

* A4, a Finnish ministry letter: the issuer and the date at the top of the first page, then the
  addressees and the title in bold; on later pages a running header with the issuer and the date;
  page numbers ("2 / 5") in the footer of every page;
* tagged PDF/UA-1, with the document's title and language in its metadata, so that screen readers
  can read it (the decisions are public documents that must be accessible);
* set in fonts that ship inside the Typst compiler and are embedded in the PDF, so the result does
  not depend on the fonts of the machine that renders it;
* byte-identical for the same document and timestamp, so a stored decision can be re-rendered and
  compared with its content hash.

All text of the document is user data as far as Typst is concerned: names of projects and bodies
are written by applicants. Nothing is ever spliced into Typst markup; every string is written as a
Typst *string literal* and shown as text, so ``#import "x"``, ``*bold*`` or ``<script>`` come out
literally instead of being interpreted (see :func:`_str`).

Pure Python, no Django.
"""

import json
import re
import tempfile
import threading
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from functools import cache
from itertools import groupby

import typst

from avustus.decisions.documents.lines import Widths, row_lines
from avustus.decisions.documents.model import (
    Block,
    BulletList,
    Document,
    Entry,
    Heading,
    Paragraph,
    Signatures,
    Table,
)

__all__ = ["render_pdf", "typst_source"]

# Fonts embedded in the typst package itself: Libertinus Serif for text, the other two as fallback
# for characters it lacks. System fonts are ignored when compiling (see render_pdf) so the same
# document gives the same bytes on every machine.
_FONTS = ("Libertinus Serif", "New Computer Modern", "DejaVu Sans Mono")

# Page setup and the functions the body calls. Kept as one literal so the layout can be read in one
# place; the body below only calls these functions with string literals.
_PREAMBLE = r"""
// A word with a hyphen stays on one line ("Etelä-Karjalan", "sosiaali- ja"): at a line's end pdftotext
// without -layout drops the hyphen and joins the halves ("EteläKarjalan"), so the text it makes of a
// decision could not be imported as it was written (issue 17). The rule is in force for the running
// header and the body of the letter (see typst_source) but not for the whole appendix: there the
// renderer applies it only to the cells that hold a hyphen (see _HYPHENS), since Typst otherwise
// tries the pattern on every one of thousands of cells (a twentieth of the appendix's time).
#let keep-hyphens(body) = {
  show regex("\\S*[-\u{2010}\u{2013}](\\s\\S+|\\S+)"): box
  body
}
#set page(
  paper: "a4",
  margin: (top: 2.8cm, bottom: 2.5cm, left: 2.5cm, right: 2.2cm),
  // The first page carries the letterhead in the body (where it is part of the tagged text that a
  // screen reader reads); later pages repeat the issuer and the date as a running header.
  header: context if here().page() > 1 {
    set text(size: 9pt)
    keep-hyphens(grid(columns: (1fr, auto), issuer, date-text))
  },
  footer: context {
    set text(size: 9pt)
    align(center, counter(page).display("1 / 1", both: true))
  },
)
#set text(font: FONTS, size: 11pt, lang: LANG, hyphenate: false)
// Left-aligned without hyphenation, as ministry letters are written: justified Finnish with its long
// compound words leaves gaps, and hyphens inserted at line ends would change the text a reader
// copies out of the PDF.
#set par(justify: false, leading: 0.6em, spacing: 1em)
#set list(indent: 1em, spacing: 0.6em)
#set enum(indent: 1em, spacing: 0.6em)
#show title: set text(size: 13pt, weight: "bold")
#show title: set block(above: 0pt, below: 1.4em)
#show heading: set block(above: 1.6em, below: 0.9em)
#set table.cell(breakable: false)

// A heading whose structural level may differ from how it looks: PDF/UA forbids skipping levels,
// so the renderer may lower a level (see _heading_levels) while the reader still sees a group
// heading as one.
#let decision-heading(level, look, body) = {
  show heading: set text(size: if look == 1 { 12pt } else { 11pt }, weight: "bold")
  heading(level: level, body)
}

// The numbered entries of the decision: "3. <bold>rest", the number hanging in the margin.
#let entries(..items) = enum(
  numbering: "1.",
  spacing: 1em,
  body-indent: 0.6em,
  ..items.pos().map(((number, bold, rest)) => enum.item(number, strong(bold) + rest)),
)

// Name over title, with room above each name for the signature. Two signers side by side (the
// decision-maker on the left), more in further rows; kept on one page.
#let signatures(..people) = block(breakable: false, above: 2em, grid(
  columns: (1fr, 1fr),
  column-gutter: 1.5em,
  row-gutter: 2em,
  ..people.pos().map(((name, title)) => block(above: 0pt, v(3.5em) + name + linebreak() + title)),
))

// Appendix 1 on pages of its own: the header row repeats on every page, the amounts are
// right-aligned, and the total closes the table in bold under the amounts.
//
// The lines between the rows are text, not strokes: one box-drawing character stretched across the
// table, marked as an artifact so that screen readers skip it, and placed over the edge of a row's
// first cell so that it takes no room and adds no row to the table's structure. pdftotext without
// -layout reads a table column by column unless a line of text spans the columns between its rows;
// with one there, it writes each row's cells one after another, and the importer reads the rows back
// from them (importing/plain.py; issue 17).
//
// The artifact holds the whole placement, not only the line inside it: what is placed then holds nothing
// locatable, which lets Typst reuse its layout of the line from row to row (0.05 s of 1.4 at 5,000 rows).
#let appendix-rule(width, edge, shade) = pdf.artifact(place(
  edge + left,
  dx: -4pt, // the cell's inset
  dy: if edge == top { -5.5pt } else { 5.5pt }, // the inset and half the line's height: on the row's edge
  block(width: width, height: 2pt, clip: true, scale(
    x: 20000%, origin: left, reflow: false, text(size: 4pt, fill: luma(shade), "\u{2500}"),
  )),
))
//
// `last` is one value of the last column per shape (see _last_column_samples), or none. The last column
// is as wide as its widest cell, as an `auto` column would be; measuring a few samples here spares Typst
// laying out every cell of that column once more only to find its width (a twentieth of the appendix's
// time).
#let appendix-last-width(header, total, last) = if last == none { auto } else {
  calc.max(..(strong(header.at(2)), strong(total), ..last).map(c => measure(c).width)) + 2 * 4pt
}
//
// `lines` is each row's number of lines as the renderer foresaw it (lines.py), 0 where it could not; a row
// of known lines gets its height, so Typst lays its cells out once instead of measuring them first (two
// fifths of the appendix's time). The height of n lines is measured here, in the cells' own text.
#let appendix(title, header, rows, total, lines, last) = {
  pagebreak(weak: true)
  decision-heading(1, 1, keep-hyphens(title))
  set text(size: 9.5pt)
  let header = header.map(keep-hyphens)
  let total = keep-hyphens(total)
  layout(size => {
    let rule(edge, shade) = appendix-rule(size.width, edge, shade)
    let heights = range(1, calc.max(0, ..lines) + 1).map(n => {
      measure(block(inset: (y: 4.5pt), range(n).map(_ => [X]).join(linebreak()))).height
    })
    table(
      columns: (1fr, 1.3fr, appendix-last-width(header, total, last)),
      rows: if lines.len() == 0 { auto } else {
        (auto, ..lines.map(n => if n == 0 { auto } else { heights.at(n - 1) }), auto)
      },
      align: (left, left, right),
      stroke: none,
      // Rows 9pt apart: any closer, and pdftotext reads lines of two rows as one block across the line.
      inset: (x: 4pt, y: 4.5pt),
      column-gutter: 6pt,
      table.header(strong(header.at(0)) + rule(bottom, 0), ..header.slice(1).map(strong)),
      // A line under each row but the last (the line above the total is under that one), as a hairline.
      ..rows.enumerate().map(((i, row)) => {
        if i + 1 == rows.len() { row } else { (rule(bottom, 180) + row.at(0), ..row.slice(1)) }
      }).flatten(),
      table.footer(repeat: false, rule(top, 0), [], strong(total)),
    )
  })
}

// What lines.py needs to foresee the appendix's lines, as metadata for a query: the width inside each
// column (as the appendix's table resolves them), the width of each of `pieces` in the cells' text, and
// whether each is as tall as a line of "X" (not drawn from a fallback font of other metrics).
#let appendix-metrics(header, total, last, pieces) = {
  set text(size: 9.5pt)
  let header = header.map(keep-hyphens)
  let total = keep-hyphens(total)
  layout(size => {
    let last-width = appendix-last-width(header, total, last)
    let rest = size.width - last-width - 2 * 6pt
    let line = measure[X].height
    [#metadata((
      columns: (rest / 2.3, rest * 1.3 / 2.3, last-width).map(c => (c - 2 * 4pt) / 1pt),
      widths: pieces.map(p => measure(p).width / 1pt),
      plain: pieces.map(p => measure("X" + p).height == line),
    )) <appendix-metrics>]
  })
}
"""


_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\t"): "\\t"} | {
    code: f"\\u{{{code:x}}}" for code in (*range(0x20), 0x7F) if code not in (0x09, 0x0A)}


def _str(text: str) -> str:
    """``text`` as a Typst string literal.

    Inside a string literal Typst interprets only backslash escapes, so escaping ``\\`` and ``"``
    (and writing control characters as ``\\u{..}``, which a literal cannot hold raw) is all it
    takes for any text to be shown verbatim: markup characters (``#*_$@<>[]`~``, ``//``) have no
    meaning there, and a string shown as content is not subject to smart quotes or other markup
    shorthands.
    """
    # One pass in C (str.translate) rather than a Python loop per character: a 5,000-row appendix is 15,000
    # strings, and the loop took 0.06 s of the 2.1 s of processor time the render takes.
    return '"' + text.translate(_ESCAPES) + '"'


def _array(items: Sequence[str]) -> str:
    """A Typst array of string literals; the trailing comma keeps a one-item array an array."""
    return "(" + "".join(f"{_str(item)}, " for item in items) + ")"


_DIGITS = re.compile("[0-9]")
# Beyond this many shapes measuring them would cost about what Typst's own sizing of the column does.
_MOST_SAMPLES = 50


def _last_column_samples(rows: Sequence[Sequence[str]]) -> list[str] | None:
    """One value of the table's last column for each shape it comes in, or None for too many shapes.

    The shape of a value is the value with every digit written as 0: "12\u00a0345,00" and
    "98\u00a0765,43" have one shape. The body font's figures are tabular (all ten digits equally wide,
    without kerning between them), so values of one shape are equally wide and the widest sample is as
    wide as the widest value. The amounts of a 5,000-application appendix come in a handful of shapes.
    """
    samples: dict[str, str] = {}
    for row in rows:
        samples.setdefault(_DIGITS.sub("0", row[-1]), row[-1])
        if len(samples) > _MOST_SAMPLES:
            return None
    return list(samples.values())


# The characters after which keep-hyphens keeps a word together; a cell without any is left alone.
_HYPHENS = re.compile("[-\u2010\u2013]")


def _cells(row: Sequence[str]) -> str:
    """A row of the appendix as a Typst array: string literals, those holding a hyphen through keep-hyphens."""
    return "(" + "".join(
        f"keep-hyphens({_str(cell)}), " if _HYPHENS.search(cell) else f"{_str(cell)}, " for cell in row) + ")"


# Below this many rows the appendix is left to Typst's measuring: foreseeing its lines costs a query of
# its own (a few milliseconds), more than measuring a short table does.
_FORESEE_FROM = 100
# Each language's measured widths, kept for the process (see lines.Widths). The lock keeps two threads
# rendering at once from reading widths that the other has yet to measure.
_WIDTHS: dict[str, Widths] = {}
_WIDTHS_LOCK = threading.Lock()


def _row_lines(lang: str, header: Sequence[str], total: str, samples: list[str] | None,
               rows: Sequence[Sequence[str]]) -> list[int]:
    """Each row's number of lines as :mod:`~avustus.decisions.documents.lines` foresees it (0 where it
    cannot), or none at all for a short table or one whose amounts column Typst sizes itself (an ``auto``
    column may be narrowed to make room, so its cells may wrap)."""
    if len(rows) < _FORESEE_FROM or samples is None:
        return []
    with _WIDTHS_LOCK:
        return _measured_row_lines(_WIDTHS.setdefault(lang, Widths()), lang, header, total, samples, rows)


def _measured_row_lines(widths: Widths, lang: str, header: Sequence[str], total: str, samples: list[str],
                        rows: Sequence[Sequence[str]]) -> list[int]:
    """:func:`_row_lines` once the widths are this thread's: Typst measures what ``widths`` lacks and the
    columns (a query of the ``appendix-metrics`` function of the preamble)."""
    pieces = widths.missing(rows)
    source = "\n".join((
        f"#let issuer = {_str('')}", f"#let date-text = {_str('')}", f"#let FONTS = {_array(_FONTS)}",
        f"#let LANG = {_str(lang)}", _PREAMBLE,
        f"#appendix-metrics({_array(header)}, {_str(total)}, {_cells(samples)}, {_array(pieces)})",
    ))
    with tempfile.TemporaryDirectory(prefix="avustus-pdf-") as root:
        measured = json.loads(typst.query(  # type: ignore[type-var]
            source.encode("utf-8"), "<appendix-metrics>", field="value", one=True, root=root,
            font_paths=_fonts(), ignore_system_fonts=True,
        ))
    widths.add(pieces, measured["widths"], measured["plain"])
    return row_lines(rows, widths, measured["columns"])


def _heading_levels(blocks: Sequence[Block]) -> dict[int, int]:
    """The structural level of each heading (by block index), never more than one deeper than the
    previous heading: PDF/UA-1 refuses a document whose first heading is not level 1 or that skips a
    level, and a decision that opens with a group heading should still render."""
    levels: dict[int, int] = {}
    previous = 0
    for index, block in enumerate(blocks):
        if isinstance(block, Heading):
            level = max(1, min(block.level, previous + 1))
            levels[index] = previous = level
        elif isinstance(block, Table):
            previous = 1  # the appendix title is a level-1 heading
    return levels


def _blocks(blocks: Sequence[Block], lang: str) -> Iterator[str]:
    """One Typst call per block; consecutive entries become one numbered list."""
    levels = _heading_levels(blocks)
    indexed = list(enumerate(blocks))
    for is_entry, group in groupby(indexed, key=lambda pair: isinstance(pair[1], Entry)):
        if is_entry:
            entries = [b for _, b in group if isinstance(b, Entry)]  # all of them, by the grouping
            listed = ", ".join(f"({b.number}, {_str(b.bold)}, {_str(b.rest)})" for b in entries)
            yield f"#entries({listed})"
            continue
        for index, block in group:
            match block:
                case Heading(text=text, level=level):
                    look = 1 if level <= 1 else 2
                    yield f"#decision-heading({levels[index]}, {look}, {_str(text)})"
                case Paragraph(text=text):
                    yield f"#par({_str(text)})"
                case BulletList(items=items, numbered=numbered):
                    if items:
                        function = 'enum.with(numbering: "1)")' if numbered else "list"
                        yield f"#({function})(..{_array(items)})"
                case Signatures(people=people):
                    if people:
                        pairs = ", ".join(f"({_str(name)}, {_str(title)})" for name, title in people)
                        yield f"#signatures({pairs})"
                case Table(title=title, header=header, rows=rows, total=total):
                    body = "\n  ".join(_cells(row) + "," for row in rows)
                    samples = _last_column_samples(rows)
                    last = "none" if samples is None else _cells(samples)
                    counts = _row_lines(lang, header, total, samples, rows)
                    yield (
                        f"#appendix(\n  {_str(title)},\n  {_array(header)},\n  (\n  {body}\n  ),\n"
                        f"  {_str(total)},\n  ({''.join(f'{n},' for n in counts)}),\n  {last},\n)"
                    )
                case _:
                    raise TypeError(f"unknown block type {type(block).__name__}")


def typst_source(document: Document) -> str:
    """The Typst markup of ``document``: settings, layout functions and one call per block."""
    settings = [
        f"#let issuer = {_str(document.issuer)}",
        f"#let date-text = {_str(document.date_text)}",
        f"#let FONTS = {_array(_FONTS)}",
        f"#let LANG = {_str(document.lang)}",
        # The title is both the PDF's metadata and, through the title element, the visible title.
        f"#set document(title: {_str(document.title)})",
    ]
    letterhead = [
        # Issuer on the left and the date on the right, as at the top of a ministry letter; then
        # the addressees and the title in bold.
        "#grid(columns: (1fr, auto), strong(issuer), date-text)",
        "#v(1.6em)",
        f"#par({_str(document.addressees)})" if document.addressees else "",
        "#v(1.2em)",
        "#title()",
    ]
    parts = [part for part in (*letterhead, *_blocks(document.blocks, document.lang)) if part]
    # A blank line between blocks: each is a paragraph-level element of its own. The blocks other than
    # the appendix are in the scope of keep-hyphens' rule; the appendix applies it cell by cell.
    body: list[str] = []
    for is_appendix, group in groupby(parts, key=lambda part: part.startswith("#appendix(")):
        if is_appendix:
            body.extend(group)
        else:
            body.append("#[\n#show: keep-hyphens\n\n" + "\n\n".join(group) + "\n]")
    return "\n".join(settings) + "\n" + _PREAMBLE + "\n" + "\n\n".join(body) + "\n"


@cache
def _fonts() -> typst.Fonts:
    """The fonts embedded in the typst package, found once per process.

    Given paths instead (or nothing), ``typst.compile`` searches and reads the fonts again on every call:
    about 7 ms of processor time each time, a sixth of rendering a 51-application decision. The book
    holds only the embedded fonts, never the machine's (see render_pdf).
    """
    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=True)


def render_pdf(document: Document, *, timestamp: datetime) -> bytes:
    """``document`` as a tagged PDF/UA-1 file.

    ``timestamp`` becomes the PDF's creation date and must be timezone-aware (the decision's
    signing time, say): the same document and timestamp always give the same bytes.
    """
    if not document.title.strip():
        # PDF/UA-1 requires a title, and Typst would refuse with a less helpful message.
        raise ValueError("a PDF needs the document's title")
    if timestamp.tzinfo is None or timestamp.utcoffset() is None:
        raise ValueError("timestamp must be timezone-aware, for example the decision's signing time in UTC")
    # Typst accepts only fixed-offset times; UTC names the same instant for any time zone.
    timestamp = timestamp.astimezone(UTC)
    source = typst_source(document).encode("utf-8")
    # The source is compiled from memory; an empty root directory means that even a mistake in
    # escaping could not make Typst read files of the project or of the machine.
    with tempfile.TemporaryDirectory(prefix="avustus-pdf-") as root:
        # typst's stubs tie root to the input's type (bytes here); Typst takes a str path as the root.
        return typst.compile(  # type: ignore[call-overload]
            source,
            root=root,
            font_paths=_fonts(),
            ignore_system_fonts=True,
            pdf_standards="ua-1",
            timestamp=timestamp,
        )
