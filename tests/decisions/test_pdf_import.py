"""Importing a decision from its PDF, and from the text pdftotext makes of it (issue 17).

The PDFs are the project's own renderings (see ``pdf_fixtures``): the 2020 round in Finnish and Swedish
must come back as the same round, the Swedish one beside a Finnish import as its translation, and a
PDF that cannot be read must be refused with the data left as it was.
"""

import io
import re
from decimal import Decimal

import pikepdf
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from avustus.actors import SYSTEM
from avustus.audit.models import AuditEntry
from avustus.calls.models import CostCategory, GrantGroup
from avustus.decisions.importing.parser import parse_decision_bytes
from avustus.decisions.importing.pdf import PdfError
from avustus.decisions.importing.result import DecisionFormatError
from avustus.decisions.models import Decision, DecisionTranslation, Outcome
from avustus.decisions.round_import import import_decision
from avustus.decisions.selectors import round_report
from tests.decisions.pdf_fixtures import pdf_500, pdf_2020, pdf_cache, pdftotext, synthetic_rows  # noqa: F401
from tests.decisions.test_documents import _from_report

pytestmark = pytest.mark.django_db


def _source(pdf_2020, pdf_cache, lang: str, form: str) -> bytes:
    if form == "pdf":
        return pdf_2020[lang]
    return pdftotext(pdf_2020[lang], pdf_cache, f"2020-{lang}", layout=form == "pdftotext-layout")


def _state() -> tuple:
    """What an import may change: decisions, outcomes, translations, audit entries, group names."""
    return (
        list(Decision.objects.values_list("id", "source_sha256")),
        list(Outcome.objects.order_by("id").values_list("id", "kind", "amount_granted")),
        list(DecisionTranslation.objects.values_list("language", "source_sha256")),
        AuditEntry.objects.count(),
        list(GrantGroup.objects.order_by("id").values_list("name_fi", "name_sv", "condition_sv")),
    )


@pytest.mark.parametrize("form", ["pdf", "pdftotext-layout", "pdftotext"])
@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_the_rendered_decision_imports_back_as_the_same_round(round_2020, pdf_2020, pdf_cache, lang, form):
    before = round_report(round_2020)
    data = _source(pdf_2020, pdf_cache, lang, form)
    result = import_decision(data, actor=SYSTEM, source_name=f"decision-{lang}.{form}", replace=True)
    assert result.changed and not result.translation
    after = round_report(result.call)
    assert after["round"]["id"] == before["round"]["id"] == "kuntadigi-2020-02-26"
    for key in ("received", "withdrawn", "applications", "granted", "deferred", "rejected", "decision_date"):
        assert after["round"][key] == before["round"][key], key
    assert after["round"]["applications"] == 51
    assert [(g["grants"], g["granted"]) for g in after["round"]["groups"]] == [(13, "4105700.00"), (14, "4162300.00")]
    assert after["totals"] == before["totals"] == {"applied": "24574065.00", "granted": "8268000.00"}
    # Every application: lead and partners as resolved, project, amount applied, outcome and grant.
    assert _from_report(after) == _from_report(before)
    assert result.decision.source_language == lang
    # The prose read as from the PDF itself: the cost categories, the groups' names and conditions.
    texts = _texts(result.call)
    if form != "pdf":
        import_decision(pdf_2020[lang], actor=SYSTEM, source_name=f"decision-{lang}.pdf", replace=True)
        assert _texts(Decision.objects.get().call) == texts
    assert len(texts[0]) == 5 and all(len(name) < 200 for name, _sv in texts[0])


def _texts(call) -> tuple[list, list]:
    return (
        list(CostCategory.objects.filter(call=call).order_by("position").values_list("name_fi", "name_sv")),
        list(GrantGroup.objects.filter(call=call).order_by("position").values_list(
            "name_fi", "name_sv", "condition_fi", "condition_sv")),
    )


def test_importing_the_same_pdf_again_changes_nothing(round_2020, pdf_2020):
    import_decision(pdf_2020["fi"], actor=SYSTEM, source_name="fi.pdf", replace=True)
    state = _state()
    again = import_decision(pdf_2020["fi"], actor=SYSTEM, source_name="fi.pdf")
    assert not again.changed
    assert _state() == state


@pytest.mark.parametrize("form", ["pdf", "pdftotext-layout", "pdftotext"])
def test_the_swedish_version_of_a_finnish_round_is_stored_as_its_translation(round_2020, pdf_2020, pdf_cache, form):
    decision = Decision.objects.get(call=round_2020)
    outcomes = list(decision.outcomes.order_by("id").values_list("id", "kind", "amount_granted", "group_id"))
    data = _source(pdf_2020, pdf_cache, "sv", form)

    result = import_decision(data, actor=SYSTEM, source_name="beslut.pdf")

    assert result.changed and result.translation == "sv" and result.decision == decision
    assert Decision.objects.count() == 1
    assert list(decision.outcomes.order_by("id").values_list("id", "kind", "amount_granted", "group_id")) == outcomes
    stored = DecisionTranslation.objects.get(decision=decision)
    assert (stored.language, stored.source_name) == ("sv", "beslut.pdf")
    assert "Bilaga 1" in stored.text and "Esbo stad" in stored.text
    assert stored.special_conditions  # the Swedish conditions of the grants that have some
    assert GrantGroup.objects.get(call=round_2020, code="group-2").name_sv == "Övriga projekt"
    assert GrantGroup.objects.get(call=round_2020, code="group-2").name_fi == "Muut hankkeet"
    assert AuditEntry.objects.filter(action="decision.translation_imported").count() == 1

    state = _state()
    again = import_decision(data, actor=SYSTEM, source_name="beslut.pdf")
    assert not again.changed and again.translation == "sv"
    assert _state() == state


def test_a_swedish_decision_with_other_figures_is_still_a_conflict(round_2020, pdf_2020, pdf_cache):
    from avustus.decisions.round_import import RoundConflict

    text = pdftotext(pdf_2020["sv"], pdf_cache, "2020-sv", layout=True).decode()
    changed = text.replace("3 400 000,00", "3 400 001,00", 1).replace("24 574 065,00", "24 574 066,00")
    assert changed != text
    state = _state()
    with pytest.raises(RoundConflict):
        import_decision(changed.encode(), actor=SYSTEM, source_name="other.txt")
    assert _state() == state


def test_a_pdf_text_without_a_recognisable_appendix_table_is_refused_naming_the_columns(pdf_2020, pdf_cache):
    text = pdftotext(pdf_2020["fi"], pdf_cache, "2020-fi", layout=True).decode().replace("Haetaan", "Summa")
    with pytest.raises(DecisionFormatError, match="Appendix 1, a table whose header names the columns") as refused:
        parse_decision_bytes(text.encode())
    assert "'Hankkeen nimi'" in str(refused.value) and "tab-separated" not in str(refused.value)


def _columns_as_blocks(text: str, rows: list[tuple[str, str, str]], lang: str) -> str:
    """``text`` with Appendix 1 as pdftotext without -layout writes a table without rule lines between its
    rows (another PDF's): the column headings one a line, then each column's cells apart, in blocks."""
    label = "\nLiite 1\n" if lang == "fi" else "\nBilaga 1\n"
    headings = {"fi": ["Hakijakunta / hankehallinnoija", "Hankkeen nimi", "Haetaan"],
                "sv": ["Sökande kommun / projektadministratör", "Projektets namn", "Ansökt belopp"]}[lang]
    columns = ["\n\n".join(row[c] for row in rows) for c in range(3)]
    table = "\n".join(f"{heading}\n{column}\n" for heading, column in zip(headings, columns, strict=True))
    return text[: text.index(label) + len(label)] + table


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_plain_pdftotext_of_a_table_in_column_blocks_is_refused_with_advice(
    round_2020, pdf_2020, pdf_cache, tmp_path, lang
):
    """Without lines of text between its rows, plain pdftotext writes a table's columns apart and its amounts
    in an order of its own (19 of the 51 Finnish rows when our PDF drew its lines as strokes): pairing the
    blocks again would give applications another's amount, so such a text is refused, never guessed."""
    plain = pdftotext(pdf_2020[lang], pdf_cache, f"2020-{lang}", layout=False).decode()
    rows = [(r.applicant_cell, r.project, _amount(r.amount))
            for r in parse_decision_bytes(plain.encode()).appendix]
    text = _columns_as_blocks(plain, rows, lang).encode()
    state = _state()
    with pytest.raises(DecisionFormatError, match="not in the order of its rows") as refused:
        import_decision(text, actor=SYSTEM, source_name=f"{lang}.txt", replace=True)
    assert "pdftotext -layout" in str(refused.value)
    assert _state() == state
    path = tmp_path / "out.txt"
    path.write_bytes(text)
    with translation.override("fi"), pytest.raises(CommandError, match="ei ole kokoomapäätös, jonka voisi tuoda"):
        call_command("import_decision", str(path), "--replace")
    assert _state() == state


def test_a_row_of_plain_pdftotext_without_its_amount_is_refused_at_its_line(round_2020, pdf_2020, pdf_cache):
    """Each row stands between two rule lines as its applicant, its project and its amount; a row that
    lacks one of them is refused at its page and line, not joined with the next."""
    plain = pdftotext(pdf_2020["fi"], pdf_cache, "2020-fi", layout=False).decode()
    assert plain.count("\n\u2500\n") == 54  # under the header (3 pages), above rows 2 to 51 and above the total
    changed = plain.replace("\n\n364 437,50\n", "\n", 1)
    assert changed != plain
    state = _state()
    refusal = r"a row of Appendix 1 \(page \d+, line \d+\) does not come as its applicant, its project and its amount"
    with pytest.raises(DecisionFormatError, match=refusal) as e:
        import_decision(changed.encode(), actor=SYSTEM, source_name="fi.txt", replace=True)
    assert _state() == state
    page, line = (int(n) for n in re.search(r"page (\d+), line (\d+)", str(e.value)).groups())
    assert changed.split("\f")[page - 1].split("\n")[line - 1] == "Espoon seudun koulutuskuntayhtymä"


def _encrypted(pdf: bytes, *, user: str) -> bytes:
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdf)) as document:
        document.save(out, encryption=pikepdf.Encryption(user=user, owner="omistaja",
                                                          allow=pikepdf.Permissions(extract=False)))
    return out.getvalue()


def _image_only() -> bytes:
    out = io.BytesIO()
    with pikepdf.new() as document:
        document.add_blank_page()
        document.pages[0].Contents = document.make_stream(b"0 0 m 200 200 l S 10 10 100 100 re f")
        document.save(out)
    return out.getvalue()


def test_a_pdf_with_only_an_owner_password_is_read(round_2020, pdf_2020):
    parsed = parse_decision_bytes(_encrypted(pdf_2020["fi"], user=""))
    assert len(parsed.appendix) == 51 and parsed.appendix_total == Decimal("24574065.00")


@pytest.mark.parametrize(
    ("make", "reason", "fi_words"),
    [
        (lambda pdf: _encrypted(pdf, user="salainen"), "password", "salasanan"),
        (lambda pdf: _image_only(), "no_text", "skannattu"),
        (lambda pdf: pdf[: len(pdf) // 3], "damaged", "vioittunut"),
        (lambda pdf: b"%PDF-1.7\n" + bytes(range(256)) * 40, "damaged", "vioittunut"),
    ],
    ids=["user-password", "image-only", "truncated", "garbage"],
)
def test_an_unreadable_pdf_is_refused_in_the_users_language_and_nothing_changes(
    round_2020, pdf_2020, tmp_path, make, reason, fi_words
):
    data = make(pdf_2020["fi"])
    with pytest.raises(PdfError) as refused:
        parse_decision_bytes(data)
    assert refused.value.reason == reason
    path = tmp_path / "päätös.pdf"
    path.write_bytes(data)
    state = _state()
    with translation.override("fi"), pytest.raises(CommandError, match=fi_words):
        call_command("import_decision", str(path))
    with translation.override("en"), pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_decision", str(path), "--replace")
    assert _state() == state


def test_a_pdf_is_known_by_its_content_not_its_name(round_2020, pdf_2020, tmp_path):
    path = tmp_path / "decision.txt"
    path.write_bytes(pdf_2020["sv"])
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_decision", str(path), stdout=out)
    assert "Stored as the Swedish version of round kuntadigi-2020-02-26" in out.getvalue()
    assert DecisionTranslation.objects.get().source_name == "decision.txt"


def _rows(parsed) -> list[tuple[str, str, str]]:
    return [(r.applicant_cell, r.project, _amount(r.amount)) for r in parsed.appendix]


def test_a_table_of_500_applications_with_long_names_is_read_row_by_row(round_2020, pdf_500):
    """Names wrapping onto several lines, 30 pages of table with its header repeated on each."""
    expected = [(cell, project, amount.replace("\u00a0", " ")) for cell, project, amount in synthetic_rows()]
    parsed = parse_decision_bytes(pdf_500)
    assert len(parsed.appendix) == 500
    assert _rows(parsed) == expected
    assert parsed.appendix_total == sum((r.amount for r in parsed.appendix), Decimal("0.00"))


def test_the_plain_text_of_500_applications_is_read_row_by_row(round_2020, pdf_500, pdf_cache):
    """pdftotext without -layout, names wrapping onto several lines, the header repeated on 30 pages."""
    text = pdftotext(pdf_500, pdf_cache, "500-fi", layout=False)
    expected = [(cell, project, amount.replace("\u00a0", " ")) for cell, project, amount in synthetic_rows()]
    parsed = parse_decision_bytes(text)
    assert _rows(parsed) == expected
    assert parsed.appendix_total == sum((r.amount for r in parsed.appendix), Decimal("0.00"))


def test_the_layout_text_of_500_applications_is_read_as_the_pdf_or_refused_at_the_line(round_2020, pdf_500, pdf_cache):
    """pdftotext -layout squeezes columns together where a name fills its column; where nothing tells
    the applicant from the project the import is refused at that page and line, never guessed."""
    text = pdftotext(pdf_500, pdf_cache, "500-fi", layout=True)
    expected = [(cell, project, amount.replace("\u00a0", " ")) for cell, project, amount in synthetic_rows()]
    try:
        parsed = parse_decision_bytes(text)
    except DecisionFormatError as refused:
        match = re.search(r"\('(?P<line>.+)', page (?P<page>\d+), line (?P<number>\d+)\)", str(refused))
        assert match, str(refused)
        page = text.decode().split("\f")[int(match["page"]) - 1].split("\n")
        assert " ".join(page[int(match["number"]) - 1].split()) == match["line"]
    else:
        assert _rows(parsed) == expected


def _amount(value: Decimal) -> str:
    from avustus.rules.money import format_amount

    return format_amount(value).replace("\u00a0", " ")


def test_render_decision_as_pdf_then_import_decision_gives_back_the_round(round_2020, tmp_path):
    """The issue's own words: render-decision ROUND --format pdf, then import-decision of that PDF."""
    before = round_report(round_2020)
    path = tmp_path / "kuntadigi-2020-02-26.pdf"
    call_command("render_decision", round_2020.slug, "--lang", "fi", "--format", "pdf", "-o", str(path),
                 stderr=io.StringIO())
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_decision", str(path), "--replace", stdout=out)
    assert out.getvalue().startswith("Imported round kuntadigi-2020-02-26 decided 2020-02-26: 51 applications, "
                                      "27 granted (8268000.00 €), 6 deferred, 18 rejected")
    after = round_report(Decision.objects.get().call)
    assert after["totals"] == before["totals"] and _from_report(after) == _from_report(before)
