"""Foreseeing how many lines each row of the appendix takes (``documents/lines.py``).

A row given a height it does not need, or too small for its text, would spoil the decision's look (rows
overlapping, or gaps); so the foresight must answer exactly Typst's own count or nothing. The first test
renders varied rows both ways (heights foreseen, and all measured by Typst) and requires the same PDF;
the others pin the rules with made-up widths, where every character is 2 pt wide and nothing kerns.
"""

import dataclasses
import random
import re

import pytest

from avustus.decisions.documents import pdf
from avustus.decisions.documents.lines import MARGIN, Widths, row_lines
from avustus.decisions.documents.model import Table
from avustus.decisions.documents.pdf import render_pdf, typst_source
from tests.decisions.test_pdf import NBSP, TIMESTAMP, _document

# Words of applicants and projects with what UAX #14 treats specially: hyphens (kept whole), slashes after
# spaces and between digits, parentheses, commas, colons, quotes, numbers with points and no-break spaces,
# a per cent sign, an en dash, and long compounds that fill a line.
_WORDS = [
    "Kunta", "kaupunki", "kuntayhtymä", "Etelä-Karjalan", "sosiaali- ja", "terveydenhuollon", "Ylä-Savon",
    "(Oulu,", "Kempele)", "/", "Oy", "Ab", "hanke:", "”Digituki”", "'pilotti'", "28.70.05", f"12{NBSP}345,00",
    "50 %", "§ 5", "–", "tekoälyavusteisen", "asiakaspalvelujärjestelmän", "ja", "i", "Närpes", "Pedersöre",
    "kommun", "Åbolands", "förvaltning,", "toimintamallien", "käyttöönotto", "rajapintojen", "yhteistyönä",
    "1/2", "(2020–2022)", "Keski-Suomi", "Ω-malli",
]
# Words a line may break inside, or that the rules here do not know: their rows are left to Typst.
_ODD = ["ja/tai", "A/S", "v.2020", "x!y", "α", "e-", "2020—2022"]


def _varied_rows(count: int) -> tuple[tuple[str, str, str], ...]:
    chance = random.Random(15)  # noqa: S311 (reproducible test data, not secrets)

    def words(most: int) -> str:
        return " ".join(chance.choice(_ODD if chance.random() < 0.01 else _WORDS)
                        for _ in range(chance.randint(1, most)))

    return tuple((f"{words(9)} {i}", words(14), f"{chance.randint(1, 999)}{NBSP}{chance.randint(100, 999)},00")
                 for i in range(count))


def _with_rows(rows: tuple[tuple[str, str, str], ...]):
    document = _document("fi", rows=1)
    table = next(b for b in document.blocks if isinstance(b, Table))
    blocks = tuple(dataclasses.replace(b, rows=rows) if b is table else b for b in document.blocks)
    return dataclasses.replace(document, blocks=blocks)


def _counts(source: str) -> list[int]:
    found = re.search(r"\n  \(([0-9,]*)\),\n  \(", source)
    assert found, source[-300:]
    return [int(n) for n in found.group(1).split(",") if n]


def test_foreseen_rows_are_the_rows_typst_measures(monkeypatch):
    document = _with_rows(_varied_rows(400))
    counts = _counts(typst_source(document))
    assert len(counts) == 400
    # Most rows foreseen, of one to many lines; the rest (a word that may break inside, a line within the
    # margin, the fallback letter) left to Typst.
    assert 250 < sum(n > 0 for n in counts) < 400
    assert {1, 2, 3}.issubset(counts) and max(counts) >= 4
    foreseen = render_pdf(document, timestamp=TIMESTAMP)
    monkeypatch.setattr(pdf, "_FORESEE_FROM", 10**9)
    assert _counts(typst_source(document)) == []
    assert render_pdf(document, timestamp=TIMESTAMP) == foreseen


def test_a_short_table_is_left_to_typst():
    assert _counts(typst_source(_with_rows(_varied_rows(pdf._FORESEE_FROM - 1)))) == []


def _two_points(*texts: str) -> Widths:
    """Widths where every character is 2 pt wide, a pair 4 pt, and all are plain but "Ω"."""
    widths = Widths()
    pieces = sorted(widths.missing([texts]))
    widths.add(pieces, [2.0 * len(piece) for piece in pieces], ["Ω" not in piece for piece in pieces])
    return widths


def _lines(text: str, column: float) -> int:
    return row_lines([(text,)], _two_points(text), [column])[0]


def test_lines_take_words_while_they_fit():
    assert _lines("Kunta Seutu", 30) == 1  # 22 pt
    assert _lines("Kunta Seutu", 20) == 2
    assert _lines("aa bb cc dd ee", 12) == 3  # "aa bb" is 10 pt: three pairs of words on two lines and one
    assert _lines("aa bb cc dd ee", 6) == 5


def test_no_line_starts_with_a_slash_or_closing_punctuation_after_a_space():
    # UAX #14 (LB13) forbids breaking between "12" and "/": "Kunta 12" (16 pt) would fit in 18 pt.
    assert _lines("Kunta 12 / Seutu", 18) == 3  # "Kunta", "12 /", "Seutu"
    assert _lines("Kunta 12 , Seutu", 18) == 3
    assert _lines("Kunta (Oulu, Raahe)", 26) == 2  # "Kunta (Oulu," and "Raahe)"


def test_a_word_with_a_hyphen_is_one_piece_with_the_word_after_its_hyphen():
    # keep-hyphens boxes "sosiaali- ja": no line ends between the two.
    assert _lines("sosiaali- ja terveys", 26) == 2  # 24 pt, then "terveys"
    assert _lines("Etelä-Karjalan kunnat", 30) == 2


@pytest.mark.parametrize(
    "text",
    ["ja/tai sana", "a!b sana", "v.2020 sana", "2020—2022 sana", "lainaus ” sana", "sana ×", "a\tb c"],
    ids=["slash-inside", "exclamation-inside", "point-before-digit", "em-dash-inside", "quote-after-space",
         "sign", "tab"],
)
def test_text_that_may_break_where_the_rules_here_do_not_know_is_left_to_typst_if_it_wraps(text):
    assert _lines(text, 10) == 0
    assert _lines(text, 1000) == 1  # narrower than its column: one line, wherever it might break


@pytest.mark.parametrize(
    "text",
    ["Ω sana", "sana  kaksi", " sana", "sana ", "", "rivi\nrivi"],
    ids=["fallback-letter", "double-space", "leading-space", "trailing-space", "empty", "line-break"],
)
def test_text_of_other_line_metrics_or_spacing_is_left_to_typst(text):
    assert _lines(text, 10) == 0
    assert _lines(text, 1000) == 0


def test_a_line_within_the_margin_of_its_column_is_left_to_typst():
    assert _lines("Kunta Seutu", 22 + MARGIN / 2) == 0
    assert _lines("Kunta Seutu", 22 - MARGIN / 2) == 0
    assert _lines("Kunta Seutu", 22 + 2 * MARGIN) == 1


def test_a_word_wider_than_its_column_is_left_to_typst():
    assert _lines("Seutukunnan kunta", 16) == 0


def test_a_row_has_the_lines_of_its_tallest_cell_or_none_if_one_is_uncertain():
    rows = [("aa bb cc", "aa", "dd"), ("aa", "ja/tai sana", "dd"), ("aa", "ja/tai", "dd")]
    widths = _two_points(*(cell for row in rows for cell in row))
    assert row_lines(rows, widths, [6, 16, 30]) == [3, 0, 1]
