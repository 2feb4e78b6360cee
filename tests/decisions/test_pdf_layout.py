"""Rebuilding Appendix 1 from words placed on a page (``importing.layout``), and fuzzed PDFs.

The layout tests place words by hand, so each case says exactly what a PDF would hold; the fuzz tests
damage a real decision PDF (rendered once, see ``pdf_fixtures``) and require a refusal, never a crash.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from avustus.decisions.importing.layout import Row, Source, Word, rebuild
from avustus.decisions.importing.parser import parse_decision_bytes
from avustus.decisions.importing.pdf import is_pdf
from avustus.decisions.importing.result import DecisionFormatError, ParsedDecision
from avustus.decisions.importing.sources import text_rows, text_source
from tests.decisions.pdf_fixtures import pdf_2020, pdf_cache  # noqa: F401

HEADER = "Hakijakunta / hankehallinnoija       Hankkeen nimi                    Haetaan"
PROJECT, RIGHT = HEADER.index("Hankkeen"), len(HEADER)


def _line(applicant: str, project: str = "", amount: str = "", indent: int = 0) -> str:
    """A line of the table as pdftotext -layout writes it: the amount right-aligned under its heading."""
    left = " " * indent + applicant.ljust(PROJECT) + project
    return (left.ljust(indent + RIGHT - len(amount)) + amount) if amount else left


def _page(*lines: str) -> str:
    return "\n".join(lines) + "\n\f"


def _table(text: str) -> list[str]:
    pages = text_rows(text)
    return [line for line in rebuild(pages, text_source(pages)).lines if "\t" in line]


def test_wrapped_cells_are_joined_and_amounts_read_from_the_right():
    text = _page(
        "Liite 1",
        HEADER,
        _line("Espoon kaupunki (Tampere,", "Kuntien varhaiskasvatuksen", "3 400 000,00"),
        _line("Vantaa, Etelä-", "toiminnanohjaus- ja"),
        _line("Karjalan kunnat)", "asiakasjärjestelmä"),
        _line("Hollolan kunta", "Tekoälyllä digitointia", "293 250,00"),
        _line("", "", "3 693 250,00"),
    )
    assert _table(text) == [
        "Hakijakunta / hankehallinnoija\tHankkeen nimi\tHaetaan",
        "Espoon kaupunki (Tampere, Vantaa, Etelä-Karjalan kunnat)\tKuntien varhaiskasvatuksen toiminnanohjaus- ja "
        "asiakasjärjestelmä\t3 400 000,00",
        "Hollolan kunta\tTekoälyllä digitointia\t293 250,00",
        "\t\t3 693 250,00",
    ]


def test_a_row_continues_across_a_page_break_under_the_repeated_header_and_page_numbers_go():
    text = _page(
        "Valtiovarainministeriö                                                26.2.2020",
        "Liite 1",
        HEADER,
        _line("Espoon kaupunki (Tampere,", "Kuntien hanke", "3 400 000,00"),
        "                 1 / 2",
    ) + _page(
        "Valtiovarainministeriö                                                26.2.2020",
        "   " + HEADER,  # the next page's header sets the columns again, three characters further right
        _line("Vantaa)", "ja sen jatko", indent=3),
        _line("Hollolan kunta", "Digitointi", "293 250,00", indent=3),
        _line("", "", "3 693 250,00", indent=3),
        "                 2 / 2",
    )
    assert _table(text)[1:] == [
        "Espoon kaupunki (Tampere, Vantaa)\tKuntien hanke ja sen jatko\t3 400 000,00",
        "Hollolan kunta\tDigitointi\t293 250,00",
        "\t\t3 693 250,00",
    ]


@pytest.mark.parametrize(
    ("line", "why"),
    [
        (_line("Hollolan kunta", "Digitointi").ljust(RIGHT - 14) + "Tampere" + "  293 250,00", "under the amount"),
        (_line("Hollolan kunta Digitointi ja sen jatkohanke", "", "").rstrip() + " tekoälyllä ja muuta"
         + " " * 8 + "293 250,00", "cannot be split"),
    ],
    ids=["word-under-the-amount-heading", "cells-touching"],
)
def test_a_line_that_cannot_be_split_refuses_the_import_with_its_page_and_line(line, why):
    text = _page("Liite 1", HEADER, _line("Espoon kaupunki", "Hanke", "1 000,00"), line, _line("", "", "294 250,00"))
    with pytest.raises(DecisionFormatError, match=why) as refused:
        _table(text)
    assert "page 1, line 4" in str(refused.value)


def test_a_table_whose_first_line_has_no_amount_is_refused():
    text = _page("Liite 1", HEADER, _line("Espoon kaupunki", "Hanke"))
    with pytest.raises(DecisionFormatError, match="page 1, line 3"):
        _table(text)


def test_prose_in_two_columns_is_read_column_by_column():
    rows = [
        Row(1, 1, [Word("Sirpa", 70, 95, 100, 110), Word("Paatero", 97, 130, 100, 110),
                   Word("Anne-Marie", 300, 350, 100, 110), Word("Välikangas", 352, 400, 100, 110)]),
        Row(1, 2, [Word("Kuntaministeri", 70, 130, 112, 122), Word("Finanssineuvos", 300, 370, 112, 122)]),
    ]
    source = Source(space=3, column_gap=20, align=5, cell_gap=6, drift=3,
                    breaks=lambda rows, i: i + 1 >= len(rows), adjacent=lambda rows, i: i + 1 < len(rows))
    assert [line for line in rebuild([rows], source).lines if line] == [
        "Sirpa Paatero", "Kuntaministeri", "Anne-Marie Välikangas", "Finanssineuvos"]


def test_a_pdf_is_known_by_its_header_not_by_its_name():
    assert is_pdf(b"%PDF-1.7\n...") and is_pdf(b"\xef\xbb\xbf  %PDF-1.4")
    assert not is_pdf(b"26.2.2020\nJakelussa mainitut\n%PDF- is not at the start")
    assert not is_pdf("Päätös".encode())


# -- fuzzed PDFs: refused with a DecisionFormatError (a PdfError, or a parse error of what could be read) --


def _refused_or_read(data: bytes) -> None:
    try:
        result = parse_decision_bytes(data)
    except DecisionFormatError:
        return
    assert isinstance(result, ParsedDecision)


FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.django_db
@FUZZ
@given(cut=st.floats(min_value=0.0, max_value=0.999))
def test_a_truncated_pdf_is_refused_without_a_crash(pdf_2020, cut):
    data = pdf_2020["fi"]
    _refused_or_read(data[: int(len(data) * cut)])


@pytest.mark.django_db
@FUZZ
@given(start=st.floats(min_value=0.0, max_value=0.99), garbage=st.binary(min_size=1, max_size=4000))
def test_a_pdf_with_garbage_in_its_streams_is_refused_without_a_crash(pdf_2020, start, garbage):
    data = pdf_2020["sv"]
    at = int(len(data) * start)
    _refused_or_read(data[:at] + garbage + data[at + len(garbage) :])


@given(tail=st.binary(max_size=20000), version=st.sampled_from([b"1.4", b"1.7", b"2.0", b""]))
@settings(max_examples=60, deadline=None)
def test_random_bytes_after_a_pdf_header_are_refused_as_a_damaged_pdf(tail, version):
    with pytest.raises(DecisionFormatError):
        parse_decision_bytes(b"%PDF-" + version + b"\n" + tail)
