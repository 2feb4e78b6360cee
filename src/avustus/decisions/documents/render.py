"""Rendering a decision to its formats: the glue between the database, the builder and the renderers."""

import json
from datetime import datetime, time
from zoneinfo import ZoneInfo

from avustus.decisions.documents.build import build_document
from avustus.decisions.documents.html import render_html
from avustus.decisions.documents.snapshot import decision_snapshot
from avustus.decisions.documents.text import render_text
from avustus.decisions.models import Decision
from avustus.registry.languages import DOCUMENT_LANGUAGES, document_language

FORMATS = ("html", "pdf", "json", "txt")
LANGUAGES = DOCUMENT_LANGUAGES
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "json": "application/json",
    "txt": "text/plain; charset=utf-8",
}


def snapshot_of(decision: Decision) -> dict:
    """The frozen snapshot of a decision signed in Avustus, else its data as it stands."""
    return decision.snapshot or decision_snapshot(decision)


def document_timestamp(snapshot: dict) -> datetime:
    """The PDF's creation time: noon of the decision's day, so the same data gives the same bytes."""
    day = snapshot["decision"]["decided_on"] or "2000-01-01"
    return datetime.combine(datetime.fromisoformat(day).date(), time(12), tzinfo=ZoneInfo("Europe/Helsinki"))


def render_snapshot(snapshot: dict, lang: str, fmt: str) -> bytes:
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if fmt == "json":
        return (json.dumps(snapshot, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
    document = build_document(snapshot, lang)
    if fmt == "txt":
        return render_text(document).encode()
    if fmt == "html":
        return render_html(document).encode()
    from avustus.decisions.documents.pdf import render_pdf  # Typst loads only when a PDF is asked for

    return render_pdf(document, timestamp=document_timestamp(snapshot))


def render_decision(decision: Decision, lang: str, fmt: str) -> bytes:
    return render_snapshot(snapshot_of(decision), lang, fmt)


def letter_language(application) -> str:
    """The lead's language: Swedish for a Swedish-speaking or Swedish-majority municipality."""
    lead = application.lead
    return document_language(organisation=lead.organisation if lead else None)


def render_letter(application, *, lang: str | None = None, fmt: str = "html", sent_on=None, by=None) -> bytes:
    """The letter on an application's newest decision, in the lead's language unless ``lang`` is given."""
    from avustus.decisions.documents.letter import build_letter
    from avustus.decisions.selectors import current_outcome

    outcome = current_outcome(application)
    if outcome is None:
        raise ValueError(f"application {application.reference} has no decision yet")
    lang = lang or letter_language(application)
    if fmt not in {"html", "pdf", "txt"}:
        raise ValueError("a letter is rendered as html, pdf or txt")
    snapshot = snapshot_of(outcome.decision)
    document = build_letter(snapshot, application.reference, lang, sent_on=sent_on, by=by)
    if fmt == "txt":
        return render_text(document).encode()
    if fmt == "html":
        return render_html(document).encode()
    from avustus.decisions.documents.pdf import render_pdf

    return render_pdf(document, timestamp=document_timestamp(snapshot))
