"""The PDF renderer: metadata, fonts, page furniture, determinism, escaping and the long appendix.

The PDFs are read back with poppler's ``pdftotext``/``pdfinfo``/``pdffonts``. Those are system tools
(``apt-get install poppler-utils``), not Python packages: where they are missing the checks that need
them are skipped, the others still run.
"""

import dataclasses
import io
import re
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from avustus.decisions.documents.model import (
    BulletList,
    Document,
    Entry,
    Heading,
    Paragraph,
    Signatures,
    Table,
)
from avustus.decisions.documents.pdf import render_pdf, typst_source

TIMESTAMP = datetime(2020, 2, 26, 12, 0, tzinfo=UTC)
NBSP = "\u00a0"

# Everything Typst markup could interpret, and text a user could write to try it on. The trailing
# backslash would swallow the closing quote of a badly escaped string literal.
SPECIAL = (
    'Merkit # * _ $ @ < > [ ] ` // ~ -- ... "lainaus" \'heittomerkki\' '
    '<script>alert(1)</script> #import "x" #read("/etc/passwd") $x^2$ @viite <nimiö> '
    "*ei lihavoitu* _ei kursiivi_ = ei otsikko /* ei kommentti */ C:\\hakemisto\\"
)


def _entries(lang: str) -> tuple[Entry, ...]:
    if lang == "fi":
        return (
            Entry(1, "Hämeenlinnan kaupungille ja muille hakemuksessa mainituille kunnille "
                     f"enintään 250{NBSP}000 euroa", ", Kaupunki taskussa -hankkeeseen,"),
            Entry(2, f"Eksotelle enintään 87{NBSP}360,50 euroa", ", Digituki #1 -hankkeeseen."),
        )
    return (
        Entry(1, f"Till Pargas stad och övriga kommuner som nämns i ansökan högst 250{NBSP}000 euro",
              ", för projektet Den it-smarta kommunen,"),
        Entry(2, f"Till Esbo stad högst 87{NBSP}360,50 euro", ", för projektet Digistöd #1."),
    )


def _document(lang: str = "fi", *, rows: int = 3) -> Document:
    fi = lang == "fi"
    table_rows = tuple(
        (f"{'Kunta' if fi else 'Kommun'} {i} / Seutukunta {i}", f"Hanke {i}", f"{i}{NBSP}000,00")
        for i in range(1, rows + 1)
    )
    return Document(
        lang=lang,
        title=("Valtionavustuspäätös kuntien digitalisaation kannustinjärjestelmästä" if fi
               else "Beslut om statsunderstöd inom incitamentsystemet för kommunernas digitalisering"),
        date_text="26.2.2020",
        addressees="Jakelussa mainitut" if fi else "Enligt sändlista",
        issuer="Valtiovarainministeriö" if fi else "Finansministeriet",
        blocks=(
            Heading("Taustaa" if fi else "Bakgrund"),
            Paragraph(
                f"Valtion talousarvioon vuodelle 2020 on otettu 8{NBSP}268{NBSP}000 euron määräraha "
                "(momentti 28.70.05)." if fi else
                f"I statsbudgeten för år 2020 har tagits in ett anslag på 8{NBSP}268{NBSP}000 euro "
                "(moment 28.70.05)."
            ),
            Paragraph(SPECIAL),
            BulletList(("henkilöstökustannukset", "ostopalvelut") if fi else ("personalkostnader", "köpta tjänster"),
                       numbered=True),
            BulletList(("hankkeen hallinnointi", "viestintä") if fi else ("projektets förvaltning", "kommunikation")),
            Heading("Päätös ja sen perustelut" if fi else "Beslut och motivering"),
            Heading("Myönnetyt avustukset" if fi else "Beviljade understöd", level=2),
            *_entries(lang),
            Signatures((
                ("Sirpa Paatero", "Kunta- ja uudistusministeri" if fi else "Kommun- och reformminister"),
                ("Matti Meikäläinen", "Erityisasiantuntija" if fi else "Specialsakkunnig"),
            )),
            Table(
                title="Liite 1" if fi else "Bilaga 1",
                header=(("Hakijakunta / hankehallinnoija", "Hankkeen nimi", "Haetaan") if fi
                        else ("Sökande kommun / projektadministratör", "Projektets namn", "Ansökt belopp")),
                rows=table_rows,
                total=f"{rows * (rows + 1) // 2}{NBSP}000,00",
            ),
        ),
    )


def _texts(document: Document) -> list[str]:
    """Every text of the document as it should read in the PDF."""
    texts = [document.title, document.date_text, document.addressees, document.issuer]
    for block in document.blocks:
        match block:
            case Heading(text=text) | Paragraph(text=text):
                texts.append(text)
            case BulletList(items=items, numbered=numbered):
                texts += [f"{n}) {item}" if numbered else item for n, item in enumerate(items, 1)]
            case Entry(number=number, bold=bold, rest=rest):
                texts.append(f"{number}. {bold}{rest}")
            case Signatures(people=people):
                texts += [text for person in people for text in person]
            case Table(title=title, header=header, rows=rows, total=total):
                texts += [title, *header, *(cell for row in rows for cell in row), total]
    return texts


def _squeeze(text: str) -> str:
    """Text without any white space (no-break spaces too): line wrapping cannot make a difference."""
    return re.sub(r"\s+", "", text)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (apt-get install poppler-utils)")
    return path


def _run(tool: str, pdf: bytes, *args: str) -> str:
    """Run a poppler tool on ``pdf``, written to a file: not every tool reads standard input."""
    command = _tool(tool)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "document.pdf"
        path.write_bytes(pdf)
        output = [path, "-"] if tool == "pdftotext" else [path]
        result = subprocess.run([command, *args, *output], capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def _pages(pdf: bytes) -> list[str]:
    """The text of each page; pdftotext ends every page with a form feed."""
    return _run("pdftotext", pdf).split("\f")[:-1]


@pytest.fixture(scope="module")
def pdfs() -> dict[str, bytes]:
    return {lang: render_pdf(_document(lang), timestamp=TIMESTAMP) for lang in ("fi", "sv")}


@pytest.fixture(scope="module")
def long_pdf() -> bytes:
    return render_pdf(_document("fi", rows=300), timestamp=TIMESTAMP)


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_is_a_pdf_with_title_and_language_in_its_metadata(pdfs, lang):
    pdf = pdfs[lang]
    document = _document(lang)
    assert pdf.startswith(b"%PDF-")
    assert f"/Lang({lang})".encode() in pdf
    # The XMP metadata is stored uncompressed and names the title and the language.
    assert f'<rdf:li xml:lang="x-default">{document.title}</rdf:li>'.encode() in pdf
    assert f"<dc:language><rdf:Bag><rdf:li>{lang}</rdf:li>".encode() in pdf
    info = _run("pdfinfo", pdf)
    assert re.search(rf"^Title:\s+{re.escape(document.title)}$", info, re.MULTILINE)
    assert re.search(r"^Page size:.*\(A4\)", info, re.MULTILINE)
    assert re.search(r"^Tagged:\s+yes", info, re.MULTILINE)


def test_fonts_are_embedded(pdfs):
    listing = _run("pdffonts", pdfs["fi"]).splitlines()
    fonts = listing[2:]  # below the two header lines
    assert fonts, listing
    for line in fonts:
        # Columns: name, type (two words), encoding, emb, sub, uni, object id, generation.
        assert line.split()[-5] == "yes", f"font not embedded: {line}"
    assert any("Bold" in line for line in fonts), "the bold parts should use a bold font"


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_every_text_of_the_document_is_in_the_pdf(pdfs, lang):
    text = _squeeze(_run("pdftotext", pdfs[lang]))
    for expected in _texts(_document(lang)):
        assert _squeeze(expected) in text, f"missing from the PDF: {expected!r}"


def test_markup_characters_and_code_come_out_literally(pdfs):
    text = _run("pdftotext", pdfs["fi"])
    assert _squeeze(SPECIAL) in _squeeze(text)
    # Straight quotes stay straight and "--" stays two hyphens: no markup shorthands were applied.
    assert '"lainaus"' in text and '#import "x"' in text and "-- ..." in text
    # The text is written into string literals only: the source never splices it into markup.
    source = typst_source(_document("fi"))
    assert "#import" not in source.replace('#import \\"x\\"', "")
    assert '#read(\\"/etc/passwd\\")' in source
    assert 'C:\\\\hakemisto\\\\")' in source


def test_page_numbers_and_running_header(pdfs):
    pages = _pages(pdfs["fi"])
    total = len(pages)
    assert total >= 2, "the appendix starts a page of its own"
    for number, page in enumerate(pages, 1):
        assert re.search(rf"\b{number}\s*/\s*{total}\b", page), f"no page number on page {number}"
        # The issuer and the date: in the letterhead on page 1, in the running header after it.
        assert "Valtiovarainministeriö" in page and "26.2.2020" in page, f"no header on page {number}"


def test_letter_opens_with_date_addressees_and_title(pdfs):
    first = _pages(pdfs["fi"])[0]
    date, addressees, title = (first.index(s) for s in ("26.2.2020", "Jakelussa mainitut", "Valtionavustuspäätös"))
    assert date < addressees < title < first.index("Taustaa")


def test_lists_and_entries_are_numbered(pdfs):
    text = _run("pdftotext", pdfs["fi"])
    assert "1) henkilöstökustannukset" in text and "2) ostopalvelut" in text
    assert "1. Hämeenlinnan kaupungille" in text and "2. Eksotelle" in text


def test_same_input_gives_the_same_bytes(pdfs):
    assert render_pdf(_document("fi"), timestamp=TIMESTAMP) == pdfs["fi"]
    assert typst_source(_document("fi")) == typst_source(_document("fi"))
    # The same instant in another time zone is the same PDF; another instant is not.
    helsinki = TIMESTAMP.astimezone(ZoneInfo("Europe/Helsinki"))
    assert render_pdf(_document("fi"), timestamp=helsinki) == pdfs["fi"]
    assert render_pdf(_document("fi"), timestamp=TIMESTAMP + timedelta(days=1)) != pdfs["fi"]


def test_long_table_breaks_over_pages_with_the_header_repeated(long_pdf):
    pages = _pages(long_pdf)
    appendix = [page for page in pages if "Seutukunta" in page]
    assert len(appendix) >= 3, f"300 rows on {len(appendix)} page(s)"
    # The appendix starts on a page of its own, after the signatures.
    assert "Liite 1" in appendix[0] and "Matti Meikäläinen" not in appendix[0]
    for page in appendix:
        assert "Hakijakunta / hankehallinnoija" in page and "Haetaan" in page
    # Every row once, in order, and the total only at the end.
    rows = [int(n) for page in appendix for n in re.findall(r"Seutukunta (\d+)", page)]
    assert rows == list(range(1, 301))
    total = f"45{NBSP}150{NBSP}000,00"
    assert _squeeze(total) in _squeeze(appendix[-1])
    assert not any(_squeeze(total) in _squeeze(page) for page in appendix[:-1])


def _structure(pdf: bytes) -> list[str]:
    """The tags of the PDF's structure tree, depth first."""
    import pikepdf

    tags: list[str] = []

    def walk(node) -> None:
        if isinstance(node, pikepdf.Array):
            for child in node:
                walk(child)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            tags.append(str(node.S))
            if "/K" in node:
                walk(node.K)

    with pikepdf.open(io.BytesIO(pdf)) as document:
        walk(document.Root.StructTreeRoot.K)
    return tags


def test_the_lines_between_the_rows_are_text_outside_the_tagged_table(long_pdf):
    """The lines between the appendix's rows are text (so that pdftotext without -layout keeps each row
    together, issue 17), one stretched character on each line, but artifacts: a screen reader meets
    the header, a row per application and the total, nothing else."""
    tags = _structure(long_pdf)
    assert tags.count("/Table") == 1
    assert tags.count("/TR") == 1 + 300 + 1 and tags.count("/TH") == 3 and tags.count("/TD") == 3 * 301
    plain = _run("pdftotext", long_pdf)
    # Under the header on each page, under each row but the last, above the total.
    pages = len([page for page in _pages(long_pdf) if "Seutukunta" in page])
    assert plain.count("\n\u2500\n") == pages + 299 + 1
    first = plain.index("Kunta 1 / Seutukunta 1")
    assert plain[first : plain.index("Kunta 2 /")].split("\n\n")[:3] == [
        "Kunta 1 / Seutukunta 1", "Hanke 1", "1 000,00"
    ]


def test_a_word_with_a_hyphen_is_not_broken_across_lines_of_the_appendix():
    """pdftotext without -layout drops a hyphen that ends a line ("Etelä-|Karjalan" becomes "EteläKarjalan")."""
    name = "Etelä-Karjalan sosiaali- ja terveydenhuollon kuntayhtymä (Etelä-Karjalan kunnat, Ylä-Savo, Keski-Pohjanmaa)"
    document = _document("fi", rows=1)
    table = next(b for b in document.blocks if isinstance(b, Table))
    rows = tuple((name * 2, name, amount) for _cell, _project, amount in table.rows)
    blocks = tuple(dataclasses.replace(b, rows=rows) if b is table else b for b in document.blocks)
    pdf = render_pdf(dataclasses.replace(document, blocks=blocks), timestamp=TIMESTAMP)
    plain = _run("pdftotext", pdf)
    assert plain.count("Etelä-Karjalan") == 6 and "EteläKarjalan" not in plain
    assert plain.count("sosiaali- ja") == 3


def _with_amounts(amounts: tuple[str, ...], total: str) -> Document:
    document = _document("fi", rows=1)
    table = next(b for b in document.blocks if isinstance(b, Table))
    rows = tuple((f"Kunta {i}", f"Hanke {i}", amount) for i, amount in enumerate(amounts))
    blocks = tuple(dataclasses.replace(b, rows=rows, total=total) if b is table else b for b in document.blocks)
    return dataclasses.replace(document, blocks=blocks)


def _auto_column_pdf(document: Document) -> bytes:
    """The PDF with Typst sizing the amounts column itself (an auto column), as before the samples."""
    import typst

    source = typst_source(document)
    samples = re.findall(r"\n  (\(.*\)),\n\)\n$", source)
    assert len(samples) == 1, source[-500:]
    source = source.removesuffix(f"  {samples[0]},\n)\n") + "  none,\n)\n"
    with tempfile.TemporaryDirectory() as root:
        return typst.compile(source.encode(), root=root, ignore_system_fonts=True, pdf_standards="ua-1",
                             timestamp=TIMESTAMP)


def test_the_amounts_column_is_as_wide_as_its_widest_amount():
    # One sample per shape stands for all amounts of that shape: the widest figures (8) and the
    # narrowest-looking (1) alike, a negative amount, a word, and a total narrower than an amount.
    amounts = (f"1{NBSP}111,11", f"8{NBSP}888,88", f"-888{NBSP}888,88", "ei haettu", f"11{NBSP}111{NBSP}111,11",
               "0,00", f"88{NBSP}888{NBSP}888,88")
    document = _with_amounts(amounts, f"1{NBSP}000,00")
    assert render_pdf(document, timestamp=TIMESTAMP) == _auto_column_pdf(document)


def test_a_column_of_many_shapes_is_sized_by_typst():
    amounts = tuple("x" * i for i in range(1, 60))
    document = _with_amounts(amounts, "1,00")
    assert typst_source(document).endswith("  none,\n)\n")
    assert render_pdf(document, timestamp=TIMESTAMP).startswith(b"%PDF-")


def test_a_document_may_open_with_a_group_heading():
    # PDF/UA-1 refuses a first heading below level 1; the renderer adjusts the structure instead.
    document = Document(lang="sv", title="Rubriker", date_text="1.1.2021", addressees="", issuer="",
                        blocks=(Heading("Grupp", level=2), Heading("Undergrupp", level=3), Paragraph("Text.")))
    assert render_pdf(document, timestamp=TIMESTAMP).startswith(b"%PDF-")
    source = typst_source(document)
    assert '#decision-heading(1, 2, "Grupp")' in source
    assert '#decision-heading(2, 2, "Undergrupp")' in source


def test_timestamp_must_be_timezone_aware():
    with pytest.raises(ValueError, match="timezone-aware"):
        render_pdf(_document("fi"), timestamp=datetime(2020, 2, 26, 12, 0))  # noqa: DTZ001 (the naive time refused)
    assert render_pdf(_document("fi"), timestamp=datetime(2020, 2, 26, 12, 0, tzinfo=timezone(timedelta(hours=2))))
