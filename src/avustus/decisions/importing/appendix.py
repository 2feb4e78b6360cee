"""Appendix 1: the tab-separated table of every application (lead cell, project, amount) and its total row.

Pure Python, standard library only.
"""

from decimal import Decimal

from avustus.decisions.importing.cells import split_applicant_cell
from avustus.decisions.importing.finnish import FinnishNumberError, parse_amount
from avustus.decisions.importing.lines import clean, row_cells
from avustus.decisions.importing.result import AppendixRow, DecisionFormatError
from avustus.decisions.importing.text import DecisionText


def read_appendix(doc: DecisionText) -> tuple[tuple[AppendixRow, ...], Decimal]:
    """The rows of Appendix 1, each lead cell split, and the total its last row states."""
    columns = ", ".join(f"'{c}'" for c in doc.vocab.appendix_columns)
    if doc.appendix_header is None:
        raise DecisionFormatError(
            f"Appendix 1 (a tab-separated table headed {columns}) was not found: the text may be cut off",
            part="appendix",
        )
    body = [line for line in doc.lines[doc.appendix_header + 1 :] if line.raw.strip()]
    if not body:
        raise DecisionFormatError(
            "Appendix 1 has a header but no rows: the text may be cut off",
            part="appendix",
            line=doc.lines[doc.appendix_header].number,
        )
    # The table ends with a total row whose first two cells are empty. Look for it first: a
    # text cut off inside the table lacks it, and that says more than a half row would.
    *row_lines, last = body
    last_cells = row_cells(last.raw)
    if not (len(last_cells) >= 3 and not any(c.strip() for c in last_cells[:-1])):
        raise DecisionFormatError(
            "Appendix 1 total row not found: the text may be cut off", part="appendix_total", line=last.number
        )
    total_text = clean(last_cells[-1])
    try:
        total = parse_amount(total_text)
    except FinnishNumberError as exc:
        raise DecisionFormatError(
            f"the Appendix 1 total '{total_text}' is not an amount of euros: the text may be cut off",
            part="appendix_total",
            line=last.number,
        ) from exc

    rows: list[AppendixRow] = []
    for line in row_lines:
        cells = row_cells(line.raw)
        if len(cells) < 3:
            raise DecisionFormatError(
                f"a row of Appendix 1 has {len(cells)} cell(s), not the three (applicant, project, amount): "
                "the text may be cut off or the row broken across lines",
                part="appendix",
                line=line.number,
            )
        if not any(c.strip() for c in cells[:-1]):
            raise DecisionFormatError(
                "Appendix 1 has a total row before its last row", part="appendix", line=line.number
            )
        amount_text = clean(cells[-1])
        try:
            amount = parse_amount(amount_text)
        except FinnishNumberError as exc:
            raise DecisionFormatError(
                f"the amount '{amount_text}' in row {len(rows) + 1} of Appendix 1 is not an amount of euros "
                "(such as '3 400 000,00')",
                part="appendix",
                line=line.number,
            ) from exc
        lead, partners, notes = split_applicant_cell(cells[0], doc.vocab)
        if len(cells) > 3:
            notes += (f"project cell broken by {len(cells) - 3} extra tab(s); its parts are joined",)
        rows.append(
            AppendixRow(
                row=len(rows) + 1,
                applicant_cell=cells[0],
                lead=lead,
                partners=partners,
                project=clean(" ".join(cells[1:-1])),
                amount=amount,
                line=line.number,
                raw=line.raw,
                notes=notes,
            )
        )
    if not rows:
        raise DecisionFormatError(
            "Appendix 1 has a total row but no applications", part="appendix", line=last.number
        )

    # A total cut off at a space ("24 574") still reads as an amount. Every row here has cents
    # and a complete total would too, so a total without them that does not add up is a cut.
    rows_sum = sum((r.amount for r in rows), Decimal("0.00"))
    if "," not in last_cells[-1] and all("," in row_cells(ln.raw)[-1] for ln in row_lines) and total != rows_sum:
        raise DecisionFormatError(
            f"the Appendix 1 total '{total_text}' has no cents although every row has: the text may be cut off",
            part="appendix_total",
            line=last.number,
        )
    return tuple(rows), total
