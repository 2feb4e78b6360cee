"""Appendix 1 of the text ``pdftotext`` makes of the project's own decision PDF without ``-layout`` (issue 17).

Without ``-layout`` pdftotext writes a page as blocks of text in an order of its own: a table drawn
with strokes comes out column by column, and the blocks of its amounts not in the order of the rows.
Our PDF therefore draws the line between two rows as text: one character, ``layout.RULE``, stretched across
the table (see ``documents/pdf.py``). A line of text spanning the columns between two rows keeps
pdftotext from reading across the rows, so it writes each row on its own between two rule lines: the
applicant's block, the project's block and the amount, each followed by a blank line. The header
repeated on a new page comes before a rule line of its own, after the last row of the page before,
mixed with the furniture of the pages (the page number, the running header).

Every row is therefore read from its own lines, and a row that does not come as exactly those three
blocks is refused at its page and line, never guessed. A text whose table has no rule lines (another
PDF's, or one of ours rendered before this) is not read here: ``sources`` refuses it.

Pure Python, standard library only.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from avustus.decisions.importing.finnish import plain_spaces
from avustus.decisions.importing.layout import AMOUNT, PAGE_NUMBER, is_rule
from avustus.decisions.importing.result import DecisionFormatError
from avustus.decisions.vocabulary import VOCABULARIES
from avustus.decisions.vocabulary.base import Vocabulary

__all__ = ["RuledTable", "is_ruled", "ruled_table"]


@dataclass(frozen=True)
class _Line:
    text: str  # without form feeds and surrounding spaces
    where: str  # "page 7, line 12"
    offset: int  # where the line starts in the text


@dataclass(frozen=True)
class RuledTable:
    """Where Appendix 1 starts in the text (its label, or its header), and its lines as the parser reads
    them (the label, the tab-separated header, one tab-separated line a row, the total), each with its origin."""

    start: int
    lines: list[tuple[str, str]]


def is_ruled(text: str) -> bool:
    """Whether the text has a rule line of our table: a line of just ``layout.RULE``."""
    return any(is_rule(line.strip("\f \r")) for line in text.split("\n"))


def _lines(text: str) -> list[_Line]:
    lines = []
    page, number, offset = 1, 0, 0
    for raw in text.split("\n"):
        number += 1
        if raw.startswith("\f"):  # pdftotext ends a page with a form feed: the next line starts the next page
            page, number = page + len(raw) - len(raw.lstrip("\f")), 1
        lines.append(_Line(raw.replace("\f", "").strip(), f"page {page}, line {number}", offset))
        offset += len(raw) + 1
    return lines


def _blocks(lines: Sequence[_Line]) -> list[list[_Line]]:
    """Runs of lines between blank lines."""
    blocks: list[list[_Line]] = [[]]
    for line in lines:
        if line.text:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", plain_spaces(text)).casefold()


def _text(block: Sequence[_Line]) -> str:
    # A word with a hyphen is never broken across lines in our table, so a cell's lines join with spaces.
    return " ".join(line.text for line in block)


def _is_amount(block: Sequence[_Line]) -> bool:
    return len(block) == 1 and AMOUNT.fullmatch(plain_spaces(block[0].text)) is not None


def _header(head: Sequence[_Line]) -> tuple[int, Vocabulary, tuple[str, str, str]] | None:
    """Where the header of Appendix 1 starts among the lines before the first rule (its headings in three
    blocks at their end), its language and its headings."""
    blocks = _blocks(head)
    if len(blocks) < 3:
        return None
    for vocab in VOCABULARIES.values():
        for columns in (vocab.appendix_columns, *vocab.old_appendix_columns):
            first, project, amount = (_squeeze(c) for c in columns)
            if _squeeze(_text(blocks[-1])) != amount or _squeeze(_text(blocks[-2])) != project:
                continue
            lead = blocks[-3]
            for j in range(len(lead)):
                if _squeeze(_text(lead[j:])) == first:
                    return next(k for k, line in enumerate(head) if line is lead[j]), vocab, columns
    return None


def ruled_table(text: str) -> RuledTable | None:
    """Appendix 1 of a text with rule lines between its rows, or None when its header is not found
    just before the first rule line."""
    lines = _lines(text)
    rules = [k for k, line in enumerate(lines) if is_rule(line.text)]
    if not rules:
        return None
    found = _header(lines[: rules[0]])
    if found is None:
        return None
    start, vocab, columns = found
    out: list[tuple[str, str]] = []
    label = re.compile(rf"^{vocab.appendix_label}$", re.IGNORECASE)
    before = next((k for k in range(start - 1, -1, -1) if lines[k].text), None)
    if before is not None and label.match(lines[before].text):
        out.append((lines[before].text, lines[before].where))
        start = before
    out.append(("\t".join(columns), ""))
    headings = sorted(_squeeze(c) for c in columns)
    # Page furniture between the rows: page numbers and the running header, which repeats the first
    # lines of the first page (the issuer and the date of the letterhead).
    letterhead = {_squeeze(line.text) for line in [line for line in lines if line.text][:2]}
    for k, rule in enumerate(rules):
        end = rules[k + 1] if k + 1 < len(rules) else len(lines)
        kept = [
            line
            for line in lines[rule + 1 : end]
            if not (PAGE_NUMBER.fullmatch(line.text) or (line.text and _squeeze(line.text) in letterhead))
        ]
        blocks = _blocks(kept)
        if len(blocks) >= 3 and sorted(_squeeze(_text(b)) for b in blocks[-3:]) == headings:
            blocks = blocks[:-3]  # the header repeated on the next page, after the last row of a page
        if not blocks:
            continue
        if k + 1 == len(rules):
            # After the last rule: the total, then whatever follows the table.
            if not _is_amount(blocks[0]):
                raise DecisionFormatError(
                    f"Appendix 1 does not end in its total: '{blocks[0][0].text}' ({blocks[0][0].where})",
                    part="appendix",
                )
            out.append((f"\t\t{blocks[0][0].text}", blocks[0][0].where))
            break
        if len(blocks) != 3 or not _is_amount(blocks[2]) or any(_is_amount(b) for b in blocks[:2]):
            raise DecisionFormatError(
                f"a row of Appendix 1 ({blocks[0][0].where}) does not come as its applicant, its project and its "
                "amount one after another: it cannot be read",
                part="appendix",
            )
        applicant, project, amount = (_text(b) for b in blocks)
        out.append((f"{applicant}\t{project}\t{amount}", blocks[0][0].where))
    return RuledTable(lines[start].offset, out)
