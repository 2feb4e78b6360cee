"""The words of a decision's PDF with their positions, read with PDFium (``pypdfium2``).

Only reading: the PDF's text layer, character by character with its box, made into words and the
words into rows (``layout.Row``) that ``layout.rebuild`` turns into the text the parser reads. A PDF
that cannot be read this way is refused with a ``PdfError`` saying why, in terms a user can act on:
it needs a password to open (one with only an owner password, which restricts printing or copying
but not reading, is read), it is damaged or not a PDF at all, or it has no text (a scan).

Pure Python, no Django.
"""

from collections.abc import Sequence

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from avustus.decisions.importing.layout import Row, Source, Word
from avustus.decisions.importing.result import DecisionFormatError

# A PDF larger than this is not a collective decision; refusing it keeps a mistaken file from
# taking the importer's memory.
MAX_PAGES = 2000


class PdfError(DecisionFormatError):
    """A PDF that cannot be read: ``reason`` is "password", "damaged" or "no_text"; ``detail`` what the
    PDF library said, if anything."""

    def __init__(self, message: str, *, reason: str, detail: str = ""):
        super().__init__(f"{message} ({detail})" if detail else message, part="pdf")
        self.reason = reason
        self.detail = detail


def is_pdf(data: bytes) -> bool:
    """A PDF by its content: the "%PDF-" header, on the first line (readers accept a few bytes of junk
    before it, as some mail and web servers add), within the first kilobyte."""
    at = data.find(b"%PDF-", 0, 1024)
    return at != -1 and b"\n" not in data[:at] and b"\r" not in data[:at]


def read_pdf(data: bytes) -> list[list[Row]]:
    """The rows of each page, top to bottom, each row's words left to right."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise PdfError("the PDF is encrypted and needs a password to open", reason="password") from exc
        raise PdfError("the PDF is damaged and cannot be read", reason="damaged", detail=str(exc)) from exc
    try:
        count = len(document)
        if count == 0:
            raise PdfError("the PDF has no pages", reason="damaged")
        if count > MAX_PAGES:
            raise PdfError(f"the PDF has {count} pages, more than a decision has", reason="damaged")
        pages = [_page_rows(document, index) for index in range(count)]
    except PdfError:
        raise
    except Exception as exc:  # PDFium reports a broken page in several ways; each means the same here
        raise PdfError("the PDF is damaged and cannot be read", reason="damaged", detail=str(exc)) from exc
    finally:
        document.close()
    if not any(pages):
        raise PdfError(
            "the PDF has no text to read, only images (a scanned document): it needs text recognition first",
            reason="no_text",
        )
    return pages


def _page_rows(document: pdfium.PdfDocument, index: int) -> list[Row]:
    page = document[index]
    try:
        height = page.get_height()
        textpage = page.get_textpage()
        try:
            words = _words(textpage, height)
        finally:
            textpage.close()
    finally:
        page.close()
    return _rows(words, index + 1)


def _words(textpage: pdfium.PdfTextPage, height: float) -> list[Word]:
    """Characters into words: white space (also the spaces PDFium infers from gaps) ends a word."""
    words: list[Word] = []
    chars: list[str] = []
    box = [0.0, 0.0, 0.0, 0.0]  # x0, x1, top, bottom of the word so far

    def close() -> None:
        if chars:
            words.append(Word("".join(chars), box[0], box[1], box[2], box[3]))
            chars.clear()

    for i in range(textpage.count_chars()):
        code = pdfium_c.FPDFText_GetUnicode(textpage.raw, i)
        if code == 0x02:
            code = ord("-")  # PDFium's mark for a hyphen that ends a line: it is the text's own hyphen
        char = chr(code) if 0 < code < 0x110000 else ""
        if not char or char.isspace() or code < 0x20 or 0xFFFE <= code <= 0xFFFF:
            close()
            continue
        left, bottom, right, top = textpage.get_charbox(i, loose=True)
        top, bottom = height - top, height - bottom  # from the top of the page, as the eye reads
        if chars and (left < box[1] - (bottom - top) or abs(top - box[2]) > (bottom - top) / 2):
            close()  # the next character is back on the left or on another line: a new word
        if not chars:
            box[:] = [left, right, top, bottom]
        else:
            box[:] = [min(box[0], left), max(box[1], right), min(box[2], top), max(box[3], bottom)]
        chars.append(char)
    close()
    return words


def _rows(words: Sequence[Word], page: int) -> list[Row]:
    """Words into rows: those whose middles are within half a line of each other share a row."""
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda w: ((w.top + w.bottom) / 2, w.x0)):
        middle = (word.top + word.bottom) / 2
        if rows:
            first = rows[-1][0]
            if abs(middle - (first.top + first.bottom) / 2) <= (first.bottom - first.top) / 2:
                rows[-1].append(word)
                continue
        rows.append([word])
    return [Row(page, n, sorted(r, key=lambda w: w.x0)) for n, r in enumerate(rows, start=1)]


def pdf_source(pages: Sequence[Sequence[Row]]) -> Source:
    """How a PDF's rows are measured: in points, paragraphs by the space between lines."""
    rows = [r for page in pages for r in page]
    heights = sorted(r.bottom - r.top for r in rows) or [10.0]
    line = heights[len(heights) // 2]
    # The usual distance from one line of prose to the next, and paragraphs farther apart than that.
    # The first pages are prose; a long Appendix 1 in a smaller type would outvote them.
    pitches = sorted(
        round(b.top - a.top, 1)
        for a, b in zip(rows, rows[1:], strict=False)
        if a.page == b.page and b.top > a.top and a.page <= 3
    )
    pitch = _mode(pitches) if pitches else line * 1.2
    right = max((r.words[-1].x1 for r in rows), default=0.0)

    def breaks(rows: Sequence[Row], i: int) -> bool:
        if i + 1 >= len(rows):
            return True
        here, below = rows[i], rows[i + 1]
        if here.page == below.page:
            return below.top - here.top > pitch * 1.2
        # Across a page: the paragraph goes on when the next line's first word would not have fit.
        first = below.words[0]
        return here.words[-1].x1 + line / 3 + (first.x1 - first.x0) < right - line
    def adjacent(rows: Sequence[Row], i: int) -> bool:
        return i + 1 < len(rows) and rows[i].page == rows[i + 1].page and not breaks(rows, i)

    return Source(space=line / 4, column_gap=line * 1.5, align=line / 2, cell_gap=line / 2, drift=line / 4,
                  breaks=breaks, adjacent=adjacent)


def _mode(values: Sequence[float]) -> float:
    counts: dict[float, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return max(counts, key=lambda v: (counts[v], -v))
