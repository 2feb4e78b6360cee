"""Building a collective decision ``Document`` in Finnish or Swedish from a decision snapshot.

The order of the document follows the Ministry's collective decisions: background, purposes of the
grant, applications, the decision with the grants under their group headings, the deferred
applications, the grounds, conditions of use, rectification, signatures and Appendix 1. Prose comes
from the call's texts; every figure, name and date from the snapshot.

Pure Python, no Django.
"""

from datetime import date
from decimal import Decimal

from avustus.decisions.documents.model import Block, BulletList, Document, Entry, Heading, Paragraph, Signatures, Table
from avustus.decisions.vocabulary import PHRASES, fi, sv
from avustus.decisions.vocabulary.base import Phrases, Recipient, date_text
from avustus.rules.money import format_amount

DEFAULT_TITLES = {"fi": fi.DEFAULT_TITLE, "sv": sv.DEFAULT_TITLE}


def _text(snapshot: dict, key: str, lang: str) -> str:
    value = snapshot["call"]["texts"].get(key) or {}
    return (value.get(lang) or value.get("fi") or "").strip() if isinstance(value, dict) else ""


def _prose(snapshot: dict, key: str, lang: str) -> list[Block]:
    """A text of the call as blocks: paragraphs split on blank lines, "- " lines as bullet lists."""
    blocks: list[Block] = []
    for chunk in _text(snapshot, key, lang).split("\n\n"):
        lines = [line.strip() for line in chunk.strip().splitlines() if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            blocks.append(BulletList(tuple(line[2:].strip() for line in lines)))
        else:
            blocks.append(Paragraph(" ".join(lines)))
    return blocks


def _recipient(body: dict) -> Recipient | None:
    if body is None or body.get("name_fi") is None:
        return None
    return Recipient(body["name_fi"], body.get("name_sv") or "", body.get("genitive_fi"), body.get("municipal_form"))


def name_to(body: dict, lang: str) -> str:
    """The recipient as a grant line names it: "Hämeenlinnan kaupungille" / "Tavastehus stad".

    A body the registry does not know is named as the source wrote it, which is already in its case.
    """
    recipient = _recipient(body)
    if recipient is None:
        return body["written"]
    return PHRASES[lang].recipient(recipient)


def name_of(body: dict, lang: str, *, formal: bool) -> str:
    """A body in the nominative: formal ("Espoon kaupunki", "Esbo stad") or short ("Espoo", "Esbo")."""
    recipient = _recipient(body)
    if recipient is None:
        return body["written"]
    if not formal or not recipient.municipal_form:
        return (recipient.name_sv or recipient.name_fi) if lang == "sv" else recipient.name_fi
    return PHRASES[lang].formal_name(recipient)


def _conditions(conditions: list, lang: str) -> str:
    """Special conditions after the project: a relative clause joins with a comma, a sentence stands alone."""
    text = ""
    for condition in conditions:
        words = (condition.get(lang) or condition["fi"]) if isinstance(condition, dict) else condition
        words = words.strip()
        if words[:1].islower():
            text += f", {words.rstrip('.,')}"
        else:
            text += f". {words.rstrip('.')}"
    return text


def grant_conditions(grant: dict, lang: str) -> list:
    """A grant's special conditions in ``lang``: the Swedish ones in a Swedish document if written, else the Finnish."""
    if lang == "sv" and grant.get("conditions_sv"):
        return list(grant["conditions_sv"])
    return list(grant.get("conditions") or [])


def _grant_entry(grant: dict, phrases: Phrases, lang: str, last: bool) -> Entry:
    bold = phrases.grant_bold(name_to(grant["recipient"], lang), Decimal(grant["amount"]))
    if lang == "fi" and grant.get("project_as_written"):
        rest = f", {grant['project_as_written']}"
    else:
        rest = phrases.grant_project(grant["title"])
    rest += _conditions(grant_conditions(grant, lang), lang)
    return Entry(grant["number"], bold, rest + ("." if last else ","))


def _deferred_entry(entry: dict, lang: str) -> Entry:
    project = entry["project_as_written"] if lang == "fi" and entry.get("project_as_written") else entry["title"]
    return Entry(entry["number"], name_of(entry["applicant"], lang, formal=True), f", {project.rstrip('.,')},")


def _appendix_cell(row: dict, lang: str) -> str:
    lead = name_of(row["lead"], lang, formal=True) if row["lead"] else ""
    partners = [name_of(p, lang, formal=False) for p in row["partners"]]
    return f"{lead} ({', '.join(partners)})" if partners else lead


def build_document(snapshot: dict, lang: str) -> Document:
    phrases = PHRASES[lang]
    call = snapshot["call"]
    h = phrases.headings
    blocks: list[Block] = []

    blocks.append(Heading(h["background"]))
    amends = snapshot["decision"]["amends"]
    if amends:
        decided_on = date.fromisoformat(amends["decided_on"]) if amends["decided_on"] else None
        blocks.append(Paragraph(phrases.amends(decided_on)))
    if call["appropriation"]:
        blocks.append(Paragraph(phrases.appropriation(Decimal(call["appropriation"]), call["budget_item"] or "", None)))
    blocks += _prose(snapshot, "background", lang)

    blocks.append(Heading(h["purposes"]))
    for key in ("purposes_intro", "purposes", "purposes_after", "exclusions", "scope"):
        blocks += _prose(snapshot, key, lang)

    blocks.append(Heading(h["applications"]))
    deadline = date.fromisoformat(call["deadline"]) if call["deadline"] else None
    blocks.append(
        Paragraph(
            " ".join(
                (
                    phrases.received(deadline, snapshot["received"]),
                    phrases.withdrawn(snapshot["withdrawn"]),
                    phrases.applied_total(Decimal(snapshot["totals"]["applied"])),
                )
            )
        )
    )

    blocks.append(Heading(h["decision"]))
    blocks += _prose(snapshot, "decision_intro", lang)
    grants = snapshot["grants"]
    for group in snapshot["groups"] + [None]:
        code = group["code"] if group else None
        members = [g for g in grants if g["group"] == code]
        if not members:
            continue
        if group:
            blocks.append(Heading(group["heading"].get(lang) or group["heading"]["fi"], level=2))
            condition = group["condition"].get(lang) or group["condition"]["fi"]
            if condition:
                blocks.append(Paragraph(condition))
        blocks += [_grant_entry(g, phrases, lang, last=(g is members[-1])) for g in members]

    if snapshot["deferred"]:
        blocks.append(Heading(h["deferred"]))
        blocks += _prose(snapshot, "deferred_intro", lang)
        blocks += [_deferred_entry(d, lang) for d in snapshot["deferred"]]
    blocks += _prose(snapshot, "rest_statement", lang)
    blocks.append(Paragraph(phrases.granted_total(Decimal(snapshot["totals"]["granted"]))))
    blocks += _prose(snapshot, "criteria", lang)
    if call["implementation_end"]:
        blocks.append(Paragraph(phrases.implementation_end(date.fromisoformat(call["implementation_end"]))))

    blocks.append(Heading(h["terms"]))
    blocks += _prose(snapshot, "conditions", lang)
    if call["cost_categories"]:
        blocks += _prose(snapshot, "costs_intro", lang)
        blocks.append(BulletList(tuple(c.get(lang) or c["fi"] for c in call["cost_categories"]), numbered=True))
    blocks += _prose(snapshot, "costs_after", lang)
    blocks.append(Paragraph(phrases.aid_rate(Decimal(call["aid_rate"]))))
    for key in ("use", "payment", "interim"):
        blocks += _prose(snapshot, key, lang)
    if call["reporting_interval_months"]:
        blocks.append(Paragraph(phrases.reporting_interval(call["reporting_interval_months"])))
    for key in ("final", "instructions"):
        blocks += _prose(snapshot, key, lang)

    blocks.append(Heading(h["appeal"]))
    blocks += _prose(snapshot, "rectification", lang)

    decision = snapshot["decision"]
    signers = (decision["decision_maker"], decision["presenting_official"])
    people = tuple((p["name"], phrases.signatory_title(p["title"])) for p in signers if p["name"])
    if people:
        blocks.append(Signatures(people))

    blocks.append(
        Table(
            title=phrases.appendix_title,
            header=phrases.appendix_header,
            rows=tuple(
                (_appendix_cell(r, lang), r["title"], format_amount(Decimal(r["applied"])))
                for r in snapshot["appendix"]
            ),
            total=format_amount(Decimal(snapshot["totals"]["applied"])),
        )
    )
    decided_on = decision["decided_on"]
    return Document(
        lang=lang,
        title=_text(snapshot, "title", lang) or DEFAULT_TITLES[lang],
        date_text=date_text(date.fromisoformat(decided_on)) if decided_on else "",
        addressees=_text(snapshot, "addressees", lang),
        blocks=tuple(blocks),
        issuer=_text(snapshot, "issuer", lang),
    )
