"""The decision section: the group headings with their conditions, the numbered grants (recipient,
amount, project, special conditions) and the deferred applications, and the total granted.

Pure Python, standard library only.
"""

import re
from decimal import Decimal

from avustus.decisions.importing.lines import (
    NUMBERED,
    Found,
    Line,
    heading_key,
    looks_like_heading,
    numbered,
    numbered_entries,
    pattern,
    split_sentences,
    verbatim,
)
from avustus.decisions.importing.result import DecisionFormatError, DeferredEntry, GrantEntry, GroupSection
from avustus.decisions.importing.text import DecisionText
from avustus.decisions.vocabulary.base import Vocabulary


def read_decision(
    doc: DecisionText,
) -> tuple[tuple[GroupSection, ...], tuple[GrantEntry, ...], tuple[DeferredEntry, ...], Decimal]:
    """The groups with their conditions, the grants, the deferred applications and the total granted."""
    lines = doc.require_section("decision")
    groups: list[GroupSection] = []
    grants: list[GrantEntry] = []
    deferred: list[DeferredEntry] = []
    deferred_key = heading_key(doc.vocab.deferred_heading)

    # Paragraphs: runs of non-blank lines. A numbered line starts a new entry even without a
    # blank line before it; a non-numbered line right after an entry continues that entry.
    paragraphs: list[list[Line]] = [[]]
    for line in lines:
        if line.text:
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])

    state = "intro"  # → "condition" after a group heading → "grants" → "deferred"
    heading: str = ""
    condition: list[Line] = []
    group_grants = 0

    def close_group() -> None:
        if heading and group_grants:
            # Verbatim: every source line from the condition's first line to its last.
            span = doc.lines[condition[0].number - 1 : condition[-1].number] if condition else []
            groups.append(GroupSection(heading, verbatim(span)))

    for paragraph in (p for p in paragraphs if p):
        first = paragraph[0].text
        if len(paragraph) == 1 and heading_key(first) == deferred_key:
            close_group()
            heading, group_grants, state = "", 0, "deferred"
            continue
        if NUMBERED.match(first):
            for entry in numbered_entries(paragraph):
                if state == "deferred":
                    deferred.append(_deferred_entry(entry))
                else:
                    grants.append(_grant_entry(doc, entry, heading))
                    group_grants += 1
                    state = "grants"
            continue
        if state != "deferred" and len(paragraph) == 1 and looks_like_heading(first):
            # A group heading: a short line without a full stop, followed by its condition.
            close_group()
            heading, condition, group_grants, state = first, [], 0, "condition"
            continue
        if state == "condition":
            condition.extend(paragraph)
        # Other prose (the opening, the reasons after the lists) is kept only in `sections`.
    close_group()

    if not grants:
        raise DecisionFormatError(
            f"no numbered grants were found in section '{doc.vocab.headings['decision']}'",
            part="grants",
            line=doc.headings["decision"] + 1,
        )
    total = doc.find("decision", doc.vocab.granted_total)
    if total is None:
        raise DecisionFormatError(
            f"the total amount granted ('{doc.vocab.examples['granted_total']}') was not found "
            "after the grants: the text may be cut off",
            part="granted_total",
            line=grants[-1].line,
        )
    return tuple(groups), tuple(grants), tuple(deferred), doc.read_amount(total, "granted_total")


def _grant_entry(doc: DecisionText, entry: list[Line], heading: str) -> GrantEntry:
    text = " ".join(line.text for line in entry)
    number, body = numbered(text)
    amount_re = pattern(doc.vocab.grant_amount, doc.vocab).pattern
    match = re.match(rf"(?P<recipient>.+?)\s+{amount_re}(?P<rest>.*)$", body, re.IGNORECASE | re.DOTALL)
    if match is None:
        raise DecisionFormatError(
            f"grant {number} does not name a recipient and an amount ('{doc.vocab.examples['grant']}')",
            part="grants",
            line=entry[0].number,
        )
    recipient = match["recipient"]
    if doc.vocab.recipient_prefix:  # "Till Tavastehus stad" → "Tavastehus stad"
        recipient = re.sub(doc.vocab.recipient_prefix, "", recipient, flags=re.IGNORECASE)
    recipient = re.sub(doc.vocab.co_recipients, "", recipient, flags=re.IGNORECASE).strip()
    project, conditions = _project_and_conditions(doc.vocab, match["rest"])
    if not recipient or not project:
        raise DecisionFormatError(
            f"grant {number} names no {'recipient' if not recipient else 'project'}",
            part="grants",
            line=entry[0].number,
        )
    return GrantEntry(
        number=number,
        group_heading=heading,
        recipient=recipient,
        amount=doc.read_amount(Found(match["value"], entry[0].number), "grants"),
        project=project,
        project_name=_project_name(doc.vocab, project),
        conditions=conditions,
        line=entry[0].number,
        raw=verbatim(entry),
    )


def _project_and_conditions(vocab: Vocabulary, rest: str) -> tuple[str, tuple[str, ...]]:
    """Split "…, Kurob-hankkeeseen. Avustuksen ehtona on, että …" into the project and its conditions.

    The project phrase ends at the end of the first sentence, or earlier where a clause such as
    ", jonka osalta edellytetään …" starts the conditions. Markdown bold is already gone, so the
    varying place where it closed does not matter.
    """
    rest = rest.strip().lstrip(",").strip()
    if vocab.project_prefix:  # "för projektet Kaupunki taskussa" → "Kaupunki taskussa"
        rest = re.sub(vocab.project_prefix, "", rest, flags=re.IGNORECASE)
    sentences = split_sentences(rest)
    project = sentences[0] if sentences else ""
    conditions = sentences[1:]
    clause = re.search(vocab.condition_clause, project, re.IGNORECASE)
    if clause:
        conditions.insert(0, project[clause.end() :])
        project = project[: clause.start()]
    project = project.strip().rstrip(",.;").strip()
    return project, tuple(c.strip().rstrip(",;").strip() for c in conditions if c.strip(" ,;"))


def _project_name(vocab: Vocabulary, project: str) -> str:
    """The project's base name: "Kaupunki taskussa -hankkeeseen" → "Kaupunki taskussa".

    A compound such as "Pohjois-Satakunnan digitalisaatiohankkeeseen" becomes
    "Pohjois-Satakunnan digitalisaatiohanke"; a phrase without the ending stays as it is.
    """
    if not vocab.project_suffix:  # a language that does not inflect the name
        return project
    suffix = re.escape(vocab.project_suffix)
    dashed = re.fullmatch(rf"(?P<name>.+?)\s*[-–—]\s*{suffix}|(?P<spaced>.+?)\s+{suffix}", project, re.IGNORECASE)
    if dashed:
        return (dashed["name"] or dashed["spaced"]).strip()
    if project.casefold().endswith(vocab.project_suffix) and len(project) > len(vocab.project_suffix):
        # A compound ("digitalisaatiohankkeeseen"): cutting the ending off would leave half a
        # word, so give the compound in its basic form instead.
        return project[: -len(vocab.project_suffix)] + vocab.project_noun
    return project


def _deferred_entry(entry: list[Line]) -> DeferredEntry:
    raw = verbatim(entry)
    number, rest = numbered(" ".join(line.text for line in entry))
    # "1. **Espoon kaupunki**, kuntien varhaiskasvatuksen …": the applicant ends at the first
    # comma. The bold is not used to find it, because bold may stand anywhere in a copy.
    applicant, _, rest = rest.partition(",")
    applicant = applicant.strip().rstrip(",").strip()
    project = rest.strip().lstrip(",").strip().rstrip(",.;").strip()
    if not applicant or not project:
        raise DecisionFormatError(
            f"deferred application {number} does not name an applicant and a project ('Applicant, project')",
            part="deferred",
            line=entry[0].number,
        )
    return DeferredEntry(number, applicant, project, entry[0].number, raw)
