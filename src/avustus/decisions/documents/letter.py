"""A recipient's letter: its own outcome, amount and conditions, the rectification deadline, and the decision.

The letter goes to the lead applicant in its language (Swedish for a Swedish-speaking or Swedish-
majority municipality); the collective decision follows it in the same document as its appendix.

Pure Python, no Django.
"""

from dataclasses import replace
from datetime import date
from decimal import Decimal

from avustus.decisions.documents.build import _conditions, _prose, build_document, grant_conditions, name_of, name_to
from avustus.decisions.documents.model import Block, Document, Heading, Paragraph
from avustus.decisions.vocabulary import fi, sv
from avustus.decisions.vocabulary.base import date_text, euros_text
from avustus.rules.deadlines import RECTIFICATION_DAYS, Delivery, rectification_deadline

WORDS = {"fi": fi.LETTER, "sv": sv.LETTER}


def _application(snapshot: dict, reference: str) -> tuple[dict, dict | None, dict | None]:
    row = next((r for r in snapshot["appendix"] if r["reference"] == reference), None)
    if row is None:
        raise KeyError(f"no application {reference} in this decision")
    grant = next((g for g in snapshot["grants"] if g["reference"] == reference), None)
    deferred = next((d for d in snapshot["deferred"] if d["reference"] == reference), None)
    return row, grant, deferred


def build_letter(
    snapshot: dict, reference: str, lang: str, *, sent_on: date | None = None, by: Delivery | str | None = None
) -> Document:
    """The letter to the lead applicant of ``reference``, with the collective decision appended."""
    words = WORDS[lang]
    row, grant, deferred = _application(snapshot, reference)
    decided = snapshot["decision"]["decided_on"]
    decided_text = date_text(date.fromisoformat(decided)) if decided else ""
    blocks: list[Block] = [
        Paragraph(words["application"].format(reference=reference, title=row["title"],
                                              applied=euros_text(Decimal(row["applied"]))))
    ]
    if grant:
        blocks.append(Paragraph(words["granted"].format(
            date=decided_text, recipient=name_to(grant["recipient"], lang), amount=euros_text(Decimal(grant["amount"])),
            title=row["title"])))
        group = next((g for g in snapshot["groups"] if g["code"] == grant["group"]), None)
        condition = (group["condition"].get(lang) or group["condition"]["fi"]) if group else ""
        special = _conditions(grant_conditions(grant, lang), lang).lstrip(".,").strip()
        if condition or special:
            blocks.append(Heading(words["conditions"]))
            blocks += [Paragraph(text) for text in (condition, special) if text]
    elif deferred:
        blocks.append(Paragraph(words["deferred"]))
    else:
        blocks.append(Paragraph(words[row["outcome"] if row["outcome"] == "withdrawn" else "rejected"]
                                .format(date=decided_text)))

    blocks.append(Heading(words["rectification"]))
    blocks += _prose(snapshot, "rectification", lang)
    if sent_on is not None and by is not None:
        received, deadline = rectification_deadline(sent_on, by)
        blocks.append(Paragraph(words["deadline"].format(
            sent=date_text(sent_on), by=words[Delivery(by).value], received=date_text(received),
            deadline=date_text(deadline))))
    else:
        blocks.append(Paragraph(words["no_deadline"].format(days=RECTIFICATION_DAYS)))

    decision = build_document(snapshot, lang)
    blocks.append(Heading(words["appendix"].format(date=decided_text)))
    # The decision's own headings sit one level below the letter's.
    blocks += [replace(b, level=2) if isinstance(b, Heading) else b for b in decision.blocks]
    return Document(
        lang=lang,
        title=words["title"],
        date_text=date_text(sent_on) if sent_on else decision.date_text,
        addressees=name_of(row["lead"], lang, formal=True) if row["lead"] else "",
        blocks=tuple(blocks),
        issuer=decision.issuer,
    )

