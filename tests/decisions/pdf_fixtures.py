"""Decision PDFs the project renders itself, rendered once per test session and kept under tmp.

Typst takes seconds for a decision, so each PDF (the 2020 round in Finnish and Swedish, and a
synthetic round of 500 applications with long names) is rendered by the first test that asks for it
and read from the session's cache after that. The text ``pdftotext`` makes of them is cached the same
way; tests that need it are skipped where poppler-utils is not installed.
"""

import dataclasses
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from avustus.decisions.documents.build import build_document
from avustus.decisions.documents.model import Table
from avustus.decisions.documents.pdf import render_pdf
from avustus.decisions.documents.render import document_timestamp, render_decision
from avustus.decisions.models import Decision
from avustus.rules.money import format_amount

# Long names, compounds with hyphens that may break at a line's end, and lists that wrap.
_BODIES = ["Pohjois-Pohjanmaan hyvinvointialueen kuntayhtymä", "Etelä-Karjalan sosiaali- ja terveydenhuollon "
           "kuntayhtymä", "Keski-Uudenmaan koulutuskuntayhtymä Keuda", "Kainuun liitto", "Helsingin kaupunki"]
_PARTNERS = ["Oulu", "Kempele", "Liminka", "Muhos", "Tyrnävä", "Lumijoki", "Siikajoki", "Raahe", "Pyhäjoki",
             "Kalajoki", "Ylä-Savon koulutuskuntayhtymä", "Mänttä-Vilppula", "Kaskinen", "Närpiö"]
_PROJECT_WORDS = ["tekoälyavusteisen", "asiakaspalvelun", "ja", "tiedolla", "johtamisen", "yhteisen",
                  "kehittämisen", "sote-palvelujen", "digitaalisten", "toimintamallien", "Etelä-Savon",
                  "käyttöönotto", "kuntien", "yhteistyönä", "rajapintojen"]


def synthetic_rows(count: int = 500) -> list[tuple[str, str, str]]:
    """(applicant cell, project, amount) of ``count`` applications, deterministic, names of many lengths."""
    rows = []
    for i in range(1, count + 1):
        lead = f"{_BODIES[i % len(_BODIES)]} {i}"
        partners = [_PARTNERS[(i * 7 + k) % len(_PARTNERS)] for k in range(i % 9)]
        cell = f"{lead} ({', '.join(partners)})" if partners else lead
        words = [_PROJECT_WORDS[(i * 5 + k * 3) % len(_PROJECT_WORDS)] for k in range(2 + i % 13)]
        project = f"Hanke {i}: " + " ".join(words)
        amount = Decimal(1000 + (i * 7919) % 2_400_000) + Decimal(i % 100) / 100
        rows.append((cell, project, format_amount(amount)))
    return rows


@pytest.fixture(scope="session")
def pdf_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("decision-pdfs")


@pytest.fixture
def pdf_2020(round_2020, pdf_cache):
    """The 2020 round's decision PDF in each language: {"fi": bytes, "sv": bytes}."""
    decision = Decision.objects.get(call=round_2020)
    result = {}
    for lang in ("fi", "sv"):
        path = pdf_cache / f"2020-{lang}.pdf"
        if not path.exists():
            path.write_bytes(render_decision(decision, lang, "pdf"))
        result[lang] = path.read_bytes()
    return result


@pytest.fixture
def pdf_500(round_2020, pdf_cache):
    """The 2020 round's Finnish decision with Appendix 1 replaced by 500 synthetic applications."""
    path = pdf_cache / "500-fi.pdf"
    if not path.exists():
        from avustus.decisions.documents.snapshot import decision_snapshot

        snapshot = decision_snapshot(Decision.objects.get(call=round_2020))
        document = build_document(snapshot, "fi")
        rows = tuple(synthetic_rows())
        total = sum((Decimal(r[2].replace("\u00a0", "").replace(" ", "").replace(",", ".")) for r in rows),
                    Decimal("0.00"))
        blocks = tuple(
            dataclasses.replace(b, rows=rows, total=format_amount(total)) if isinstance(b, Table) else b
            for b in document.blocks
        )
        document = dataclasses.replace(document, blocks=blocks)
        path.write_bytes(render_pdf(document, timestamp=document_timestamp(snapshot)))
    return path.read_bytes()


def pdftotext(pdf: bytes, cache: Path, name: str, *, layout: bool) -> bytes:
    """The text pdftotext makes of ``pdf`` (with or without -layout), cached; skips without poppler-utils."""
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext is not installed (apt-get install poppler-utils)")
    out = cache / f"{name}{'-layout' if layout else ''}.txt"
    if not out.exists():
        source = cache / f"{name}-for-pdftotext.pdf"
        source.write_bytes(pdf)
        subprocess.run([tool, "-enc", "UTF-8", *(["-layout"] if layout else []), str(source), str(out)], check=True)
    return out.read_bytes()
