"""Reading a collective grant decision of the Ministry of Finance from its text.

A collective decision (kokoomapäätös) of the municipal digitalisation incentive scheme has one
shape: a date line, the addressees, a title in capitals, prose sections under fixed headings
(background with the appropriation, the applications received, the decision with numbered grants
under group headings and a list of deferred applications, the terms of use, how to seek
rectification), the signatures (a name line, then a title line) and Appendix 1, a tab-separated
table of every application ending in a total row.

``parse_decision`` turns such a text into a ``ParsedDecision`` and nothing more. It does not
resolve names against the registry, nor compare the body with the appendix: ``linking`` does both
and turns what disagrees into findings. For that, every entry keeps the exact source text it came
from (``raw``) and its line number, and the split of each appendix lead cell records what was odd
about it (``AppendixRow.notes``) instead of silently fixing it.

The text was typed by people and passed through word processors and markdown, so the parser
tolerates what that does: CRLF line ends, no-break spaces inside amounts, extra blank lines,
markdown bold (``**``) anywhere, bold that closes in different places, hyphens and en dashes. What
it does not tolerate is a text that is not such a decision, or one cut off before its end: those
raise ``DecisionFormatError`` naming the missing part, never a half-read result.

Decisions are read in Finnish and in Swedish. Every word of a language lives in one ``Vocabulary``
of ``decisions.vocabulary`` (``fi``, ``sv``), next to the phrases the documents write in that
language; the text says which one it is written in by its section headings and the header of its
Appendix 1 (see ``text.DecisionText._detect_language``), so a third language means adding a
module there, not editing patterns scattered through the code.

The reading is split by part: ``text`` (lines, language, headings, signatures), ``body`` (front
matter, background, applications, terms), ``grants`` (the decision section), ``appendix`` (Appendix 1,
whose lead cells ``cells`` splits), over the shared ``lines`` helpers; ``result`` holds what comes out.

A PDF, or the text ``pdftotext`` made of one, is first turned into such a text by ``sources`` (the
words of the PDF and their positions through ``pdf`` and ``layout``), so there is one parser for all.

Pure Python: nothing here may import Django (the PDF is read with ``pypdfium2``).
"""

from avustus.decisions.importing import appendix, body, grants
from avustus.decisions.importing.result import DecisionFormatError, ParsedDecision
from avustus.decisions.importing.sources import DecisionSource, decision_source
from avustus.decisions.importing.text import DecisionText
from avustus.decisions.vocabulary import VOCABULARIES


def parse_decision_bytes(data: bytes) -> ParsedDecision:
    """Parse a decision as read from a file: a PDF, the text pdftotext made of one, or UTF-8 text.

    ``sources`` turns a PDF (or its text) into the text this parser reads; an error found in that
    text names the page and line of the PDF it came from.
    """
    return parse_source(decision_source(data))


def parse_source(source: DecisionSource) -> ParsedDecision:
    """Parse the text of a decision file (see ``sources.decision_source``)."""
    try:
        return parse_decision(source.text)
    except DecisionFormatError as exc:
        if source.kind == "text":
            raise
        where = source.where(exc.line)
        message = f"{exc.message} ({where})" if where else exc.message
        if exc.part == "appendix" and "\t" not in source.text:
            # No table was found in the PDF: the tab-separated form the message speaks of is not the user's.
            columns = ", ".join(f"'{c}'" for vocab in VOCABULARIES.values() for c in vocab.appendix_columns)
            message = (f"Appendix 1, a table whose header names the columns {columns} (in Finnish or in Swedish), "
                       f"was not found in the {'PDF' if source.kind == 'pdf' else 'text'}")
        raise DecisionFormatError(message, part=exc.part) from exc


def parse_decision(text: str) -> ParsedDecision:
    """Parse the text of a collective decision (body and Appendix 1)."""
    return _parse(DecisionText(text))


def _parse(doc: DecisionText) -> ParsedDecision:
    # The parts are read in the order of the text, so that a text cut off half-way is reported
    # by the first part it lacks.
    decision_date, addressees, title = body.front_matter(doc)
    appropriation, budget_item = body.background(doc)
    deadline, received, withdrawn, applied_total = body.applications(doc)
    groups, grant_entries, deferred, granted_total = grants.read_decision(doc)
    aid_rate, implementation_end, interval, cost_categories = body.terms(doc)
    if not doc.signatories:
        raise DecisionFormatError(
            "no signatures (a name line followed by a title line) found after the last section: "
            "the text may be cut off",
            part="signatures",
            line=doc.lines[doc.body_end - 1].number if doc.body_end else None,
        )
    appendix_rows, appendix_total = appendix.read_appendix(doc)
    return ParsedDecision(
        language=doc.vocab.language,
        decision_date=decision_date,
        addressees=addressees,
        title=title,
        appropriation=appropriation,
        budget_item=budget_item,
        deadline=deadline,
        received=received,
        withdrawn=withdrawn,
        applied_total=applied_total,
        groups=groups,
        grants=grant_entries,
        deferred=deferred,
        granted_total=granted_total,
        aid_rate=aid_rate,
        implementation_end=implementation_end,
        reporting_interval_months=interval,
        cost_categories=cost_categories,
        signatories=doc.signatories,
        appendix=appendix_rows,
        appendix_total=appendix_total,
        sections=body.sections(doc),
    )
