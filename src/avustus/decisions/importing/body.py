"""The prose parts of a decision: the front matter (date, addressees, title), the figures of the
background, the applications and the terms of use, and every section verbatim.

Pure Python, standard library only.
"""

import re
from datetime import date
from decimal import Decimal

from avustus.decisions.importing.finnish import DATE_PATTERN, FinnishNumberError, parse_percentage
from avustus.decisions.importing.lines import Found, Line, verbatim
from avustus.decisions.importing.result import DecisionFormatError
from avustus.decisions.importing.text import DecisionText

_COST_CATEGORY = re.compile(r"^(?:[-–•*]\s*)?(?P<number>\d{1,2})\)\s+(?P<value>.+)$")


def front_matter(doc: DecisionText) -> tuple[date, str, str]:
    """The date line, the addressees and the title, all before the first section heading."""
    limit = min(doc.headings.values(), default=doc.body_end)
    dated = re.compile(rf"(?:\D{{0,40}}\s)?(?P<value>{DATE_PATTERN})")  # "26.2.2020", "Helsinki 26.2.2020"
    date_index, date_match = next(
        ((i, match) for i in range(limit) if (match := dated.fullmatch(doc.lines[i].text))), (None, None)
    )
    if date_index is None or date_match is None:
        first = next((line.number for line in doc.lines[:limit] if line.text), None)
        raise DecisionFormatError(
            "the decision's date (a line such as '26.2.2020' before the first section) was not found",
            part="date",
            line=first,
        )
    line = doc.lines[date_index]
    decision_date = doc.read_date(Found(date_match["value"], line.number), "date")

    title_lines: list[Line] = []
    addressee_lines: list[Line] = []
    for ln in doc.lines[date_index + 1 : limit]:
        capitals = len(ln.text) >= 5 and any(c.isalpha() for c in ln.text) and ln.text == ln.text.upper()
        if capitals:
            title_lines.append(ln)
        elif title_lines:
            break  # the title ends at the first line not in capitals (or a blank line)
        elif ln.text:
            addressee_lines.append(ln)
    if not title_lines:
        raise DecisionFormatError(
            "the decision's title (a line in capitals after the date) was not found", part="title", line=line.number
        )
    return decision_date, "\n".join(ln.text for ln in addressee_lines), " ".join(ln.text for ln in title_lines)


def background(doc: DecisionText) -> tuple[Decimal | None, str | None]:
    found = doc.find("background", doc.vocab.appropriation)
    appropriation = doc.read_amount(found, "background") if found else None
    item = doc.find("background", doc.vocab.budget_item)
    return appropriation, item.value if item else None


def applications(doc: DecisionText) -> tuple[date | None, int, int, Decimal]:
    doc.require_section("applications")
    heading = doc.headings["applications"] + 1
    deadline = doc.read_date(doc.find("applications", doc.vocab.deadline), "applications")
    if deadline is None:  # also stated in the background: "19.12.2019 päättyneen avustushaun"
        deadline = doc.read_date(doc.find("background", doc.vocab.deadline), "background")
    received = doc.read_count(doc.find("applications", doc.vocab.received), "applications")
    if received is None:
        raise DecisionFormatError(
            f"the number of applications received ('{doc.vocab.examples['received']}') was not found in "
            f"section '{doc.vocab.headings['applications']}'",
            part="applications",
            line=heading,
        )
    # "Yksikään hakija ei perunut hakemustaan." says 0 in so many words, and is looked for first
    # so that no count pattern reads a number out of a negated sentence. Saying nothing says 0 too.
    if doc.find("applications", doc.vocab.withdrawn_none):
        withdrawn = 0
    else:
        withdrawn = doc.read_count(doc.find("applications", doc.vocab.withdrawn), "applications") or 0
    total = doc.find("applications", doc.vocab.applied_total)
    if total is None:
        raise DecisionFormatError(
            f"the total amount applied ('{doc.vocab.examples['applied_total']}') was not found in section "
            f"'{doc.vocab.headings['applications']}'",
            part="applications",
            line=heading,
        )
    return deadline, received, withdrawn, doc.read_amount(total, "applications")


def terms(doc: DecisionText) -> tuple[Decimal | None, date | None, int | None, tuple[str, ...]]:
    lines = doc.section_lines("terms") or []
    rate = doc.find("terms", doc.vocab.aid_rate)
    aid_rate = None
    if rate is not None:
        try:
            aid_rate = parse_percentage(rate.value)
        except FinnishNumberError as exc:
            raise DecisionFormatError(str(exc), part="terms", line=rate.line) from exc
    end = doc.read_date(doc.find("terms", doc.vocab.implementation_end), "terms")
    if end is None:  # Avustus states it among the reasons of the decision, before the terms
        end = doc.read_date(doc.find("decision", doc.vocab.implementation_end), "decision")
    interval = doc.read_count(doc.find("terms", doc.vocab.reporting_interval), "terms")
    return aid_rate, end, interval, _cost_categories(lines)


def sections(doc: DecisionText) -> dict[str, str]:
    """Every section's text verbatim, by its heading as the language writes it, in the order of the text."""
    sections = {}
    for role in sorted(doc.headings, key=lambda role: doc.headings[role]):
        sections[doc.vocab.headings[role]] = verbatim(doc.section_lines(role) or [])
    return sections


def _cost_categories(lines: list[Line]) -> tuple[str, ...]:
    """The eligible cost categories: the first numbered list of the terms of use.

    The list is found by its form alone, not by the sentence that introduces it (which is prose of
    the call, worded differently from one call and language to the next): lines "- 1) …", "- 2) …",
    … numbered from 1 without a gap, blank lines allowed between them. It ends at the first other
    line, except that a line in lower case right under an item (no blank line between) continues a
    category broken across lines. A later numbered list is not read. The list's own punctuation
    (the last item's full stop, semicolons) is not part of a category.
    """
    items: list[str] = []
    under_item = False  # the previous line is an item or continues one
    for line in lines:
        if not line.text:
            under_item = False
            continue
        match = _COST_CATEGORY.match(line.text)
        if match and int(match["number"]) == len(items) + 1:
            items.append(match["value"])
            under_item = True
        elif items and under_item and line.text[:1].islower():
            items[-1] = f"{items[-1]} {line.text}"
        elif items:
            break
    return tuple(item.rstrip(".;,").strip() for item in items)
