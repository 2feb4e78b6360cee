"""Linking a parsed collective decision into one round: which appendix row each grant is, and what disagrees.

The body of a decision and its Appendix 1 were typed separately, and they do not always agree: a
recipient named differently, an amount rounded, a lead cell left empty. This module pairs every
body entry (grant or deferral) with its appendix row, resolves every name against the registry, and
turns each disagreement or oddity into a ``FindingData`` that quotes both sources. It never fixes a
source silently: where it has to choose, it says so in a finding.

Pure Python: it takes the parser's output and a registry, and returns data for a service to store.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher

from avustus.decisions.importing.result import AppendixRow, DeferredEntry, GrantEntry, ParsedDecision
from avustus.registry.resolver import Registry, Resolution
from avustus.rules.collation import fold
from avustus.rules.money import RoundingRule

GRANTED, DEFERRED, REJECTED = "granted", "deferred", "rejected"

# Rules a round may have used to turn amounts applied into amounts granted, most specific last so
# that the loosest rule that explains every grant wins.
CANDIDATE_ROUNDING_RULES = (
    RoundingRule(Decimal("0.01"), "down"),
    RoundingRule(Decimal("1"), "down"),
    RoundingRule(Decimal("10"), "down"),
    RoundingRule(Decimal("100"), "down"),
    RoundingRule(Decimal("1000"), "down"),
)

# Below this title similarity a pairing must be carried by the lead and the amount together.
TITLE_MATCH = 0.55
TITLE_WEAK = 0.2


@dataclass(frozen=True)
class FindingData:
    kind: str
    message: str
    severity: str = "warning"  # "warning" for a disagreement, "info" for an oddity that changes nothing
    row: int | None = None  # the appendix row the finding is about, if any
    details: dict = field(default_factory=dict)  # quotes of the sources, keyed by where they come from


@dataclass(frozen=True)
class LinkedMember:
    name_as_written: str
    resolution: Resolution


@dataclass(frozen=True)
class LinkedApplication:
    row: AppendixRow
    lead: LinkedMember | None
    partners: tuple[LinkedMember, ...]
    outcome: str
    grant: GrantEntry | None = None
    deferred: DeferredEntry | None = None
    recipient: Resolution | None = None  # the body's recipient, resolved


@dataclass(frozen=True)
class LinkedRound:
    parsed: ParsedDecision
    applications: tuple[LinkedApplication, ...]
    findings: tuple[FindingData, ...]
    rounding_rule: RoundingRule | None


def _normalise(text: str) -> str:
    text = fold(text).replace("*", " ")
    return re.sub(r"[^\w#]+", " ", text).strip()


# Words that say "project" in a body entry's case ending but are not part of the project's name.
_PROJECT_WORDS = {"hanke", "hankkeeseen", "hankkeen", "hankkeelle", "projektet", "projekt", "projektets"}


def _stems(text: str) -> set[str]:
    # Finnish inflects the end of a word ("linkittäminen" / "linkittämiseen"), so compare stems.
    return {w[:6] for w in _normalise(text).split() if w not in _PROJECT_WORDS and len(w) > 1}


def title_similarity(a: str, b: str) -> float:
    """How alike two ways of writing a project's name are, from 0 to 1, tolerant of case endings."""
    sa, sb = _stems(a), _stems(b)
    dice = 2 * len(sa & sb) / (len(sa) + len(sb)) if sa and sb else 0.0
    ratio = SequenceMatcher(None, _normalise(a), _normalise(b)).ratio()
    return max(dice, ratio)


def _names_same_project(a: str, b: str) -> bool:
    """Whether two names of a project agree, a short name being the start of a long one included.

    The body often names a project by the first words of its title in Appendix 1 ("Kurob" for
    "Kurob-hanke (Kunnille Robotteja) ..."); that is not a disagreement worth a finding.
    """
    short, long_ = sorted((_stems(a), _stems(b)), key=len)
    return title_similarity(a, b) >= TITLE_MATCH or (bool(short) and short <= long_)


def _row_keys(app_lead: Resolution | None, partners: tuple[LinkedMember, ...]) -> tuple[str | None, set[str]]:
    lead_key = app_lead.body.key if app_lead and app_lead.body else None
    partner_keys = {p.resolution.body.key for p in partners if p.resolution.body}
    return lead_key, partner_keys


def _pair_score(title_sim: float, recipient: Resolution, lead_key, partner_keys, amount_fit: float) -> float | None:
    recipient_key = recipient.body.key if recipient.body else None
    lead_fit = 1.0 if recipient_key and recipient_key == lead_key else 0.5 if recipient_key in partner_keys else 0.0
    if title_sim >= TITLE_MATCH or (title_sim >= TITLE_WEAK and lead_fit == 1.0 and amount_fit == 1.0):
        return 2 * title_sim + lead_fit + amount_fit
    return None


def _amount_fit(granted: Decimal, applied: Decimal) -> float:
    if granted > applied:
        return 0.0
    return 1.0 if applied - granted < Decimal(1000) else 0.5


def _assign(scores: list[tuple[float, int, int]]) -> dict[int, int]:
    """Greedy one-to-one assignment of entries to rows, best score first (ties by order in the text)."""
    taken_rows: set[int] = set()
    chosen: dict[int, int] = {}
    for _, entry, row in sorted(scores, key=lambda s: (-s[0], s[1], s[2])):
        if entry not in chosen and row not in taken_rows:
            chosen[entry] = row
            taken_rows.add(row)
    return chosen


def _infer_rounding(pairs: list[tuple[GrantEntry, AppendixRow]]) -> tuple[RoundingRule | None, list]:
    """The loosest candidate rule that turns every amount applied into the amount granted.

    Where no rule explains them all, the rule that explains most is returned with the grants it
    does not explain, so that the exceptions become findings instead of being hidden.
    """
    if not pairs:
        return None, []
    best: RoundingRule | None = None
    best_misfits: list[tuple[GrantEntry, AppendixRow]] | None = None
    for rule in CANDIDATE_ROUNDING_RULES:
        misfits = [(g, r) for g, r in pairs if rule.apply(r.amount) != g.amount]
        if best_misfits is None or len(misfits) <= len(best_misfits):
            best, best_misfits = rule, misfits
    return best, best_misfits or []


def _describe(res: Resolution) -> str:
    return res.body.name_fi if res.body else f"«{res.query}»"


def link(parsed: ParsedDecision, registry: Registry) -> LinkedRound:
    """Pair, resolve and check one parsed decision; names are read as bodies on the decision's date.

    An unresolved name becomes an ``unresolved_name`` finding with the resolver's candidates, never a
    guess; a name read with a correction (or of a body that no longer existed on that date) becomes a
    ``name_interpreted`` finding.
    """
    findings: list[FindingData] = []
    rows = parsed.appendix
    on = parsed.decision_date

    def resolve(name: str) -> Resolution:
        return registry.resolve(name, on=on)

    # Resolve every name in the appendix.
    leads: list[Resolution | None] = []
    members: list[tuple[LinkedMember, ...]] = []
    for row in rows:
        leads.append(resolve(row.lead) if row.lead.strip() else None)
        members.append(tuple(LinkedMember(p, resolve(p)) for p in row.partners))
        for note in row.notes:
            findings.append(
                FindingData(
                    "appendix_cell", f"Appendix 1 row {row.row}: {note}.", "info", row.row, {"appendix": row.raw}
                )
            )
        named = ([("lead", row.lead, leads[-1])] if leads[-1] else []) + [
            ("partner", m.name_as_written, m.resolution) for m in members[-1]
        ]
        for role, name, res in named:
            if res.body is None:
                findings.append(
                    FindingData(
                        "unresolved_name",
                        f"Appendix 1 row {row.row}: the {role} «{name}» is not in the registry ({res.error}); "
                        "it is kept as written.",
                        "warning",
                        row.row,
                        {"appendix": row.raw, "candidates": [c.name_fi for c in res.candidates]},
                    )
                )
            elif res.corrected:
                findings.append(
                    FindingData(
                        "name_interpreted",
                        f"Appendix 1 row {row.row}: the {role} «{name}» was read as {res.body.name_fi} ({res.note}).",
                        "info",
                        row.row,
                        {"appendix": row.raw},
                    )
                )
        keys = [m.resolution.body.key for m in members[-1] if m.resolution.body]
        duplicates = sorted({registry.by_key(k).name_fi for k in keys if keys.count(k) > 1})
        if duplicates:
            findings.append(
                FindingData(
                    "duplicate_partner",
                    f"Appendix 1 row {row.row}: {', '.join(duplicates)} is listed more than once among the partners.",
                    "info",
                    row.row,
                    {"appendix": row.raw},
                )
            )
        lead_key = leads[-1].body.key if leads[-1] and leads[-1].body else None
        # The parser already notes a lead repeated word for word; this catches other spellings of it.
        if lead_key and lead_key in keys and not any("repeated among the partners" in n for n in row.notes):
            findings.append(
                FindingData(
                    "lead_among_partners",
                    f"Appendix 1 row {row.row}: the lead {registry.by_key(lead_key).name_fi} "
                    "is also listed as a partner.",
                    "info",
                    row.row,
                    {"appendix": row.raw},
                )
            )

    # Pair grants and deferrals with appendix rows.
    grant_recipients = [resolve(g.recipient) for g in parsed.grants]
    deferred_applicants = [resolve(d.applicant) for d in parsed.deferred]
    # A recipient the body names but the registry cannot place is for a person to settle, never guessed.
    named_in_body = [(f"grant {g.number}", g.raw, r) for g, r in zip(parsed.grants, grant_recipients, strict=True)]
    named_in_body += [(f"deferred application {d.number}", d.raw, r)
                      for d, r in zip(parsed.deferred, deferred_applicants, strict=True)]
    for label, raw, res in named_in_body:
        if res.body is None:
            findings.append(
                FindingData(
                    "unresolved_name",
                    f"The body's {label} names «{res.query}», which is not in the registry ({res.error}).",
                    "warning",
                    None,
                    {"body": raw, "candidates": [c.name_fi for c in res.candidates]},
                )
            )
    row_keys = [_row_keys(leads[i], members[i]) for i in range(len(rows))]

    grant_scores = []
    for gi, grant in enumerate(parsed.grants):
        for ri, row in enumerate(rows):
            sim = title_similarity(grant.project_name, row.project)
            score = _pair_score(sim, grant_recipients[gi], *row_keys[ri], _amount_fit(grant.amount, row.amount))
            if score is not None:
                grant_scores.append((score, gi, ri))
    grant_rows = _assign(grant_scores)

    deferred_scores = []
    for di, entry in enumerate(parsed.deferred):
        for ri, row in enumerate(rows):
            if ri in grant_rows.values():
                continue
            sim = title_similarity(entry.project, row.project)
            score = _pair_score(sim, deferred_applicants[di], *row_keys[ri], 1.0)
            if score is not None:
                deferred_scores.append((score, di, ri))
    deferred_rows = _assign(deferred_scores)

    by_row: dict[int, tuple[str, int]] = {ri: (GRANTED, gi) for gi, ri in grant_rows.items()}
    by_row.update({ri: (DEFERRED, di) for di, ri in deferred_rows.items()})

    for gi, grant in enumerate(parsed.grants):
        if gi not in grant_rows:
            findings.append(
                FindingData(
                    "unmatched_grant",
                    f"Grant {grant.number} ({grant.recipient}, {grant.amount} €) matches no row of Appendix 1.",
                    "warning",
                    None,
                    {"body": grant.raw},
                )
            )
    for di, entry in enumerate(parsed.deferred):
        if di not in deferred_rows:
            findings.append(
                FindingData(
                    "unmatched_deferral",
                    f"Deferred application {entry.number} ({entry.applicant}) matches no row of Appendix 1.",
                    "warning",
                    None,
                    {"body": entry.raw},
                )
            )

    applications = []
    for ri, row in enumerate(rows):
        lead_resolution = leads[ri]
        lead = LinkedMember(row.lead, lead_resolution) if lead_resolution else None
        kind, index = by_row.get(ri, (REJECTED, -1))
        granted = parsed.grants[index] if kind == GRANTED else None
        deferred = parsed.deferred[index] if kind == DEFERRED else None
        source: GrantEntry | DeferredEntry | None = granted or deferred
        recipient: Resolution | None = None
        if granted is not None:
            recipient, label, named_as, project = (
                grant_recipients[index], f"grant {granted.number}", granted.recipient, granted.project_name
            )
        elif deferred is not None:
            recipient, label, named_as, project = (
                deferred_applicants[index], f"deferred application {deferred.number}", deferred.applicant,
                deferred.project,
            )
        if source is not None and recipient is not None:
            if lead is None and recipient.body is not None:
                lead = LinkedMember(named_as, recipient)
                findings.append(
                    FindingData(
                        "lead_missing",
                        f"Appendix 1 row {row.row} names no lead applicant; the body's {label} names "
                        f"{recipient.body.name_fi}, which is taken as the lead.",
                        "warning",
                        row.row,
                        {"body": source.raw, "appendix": row.raw},
                    )
                )
            elif lead is not None and recipient.body is not None and lead.resolution.body != recipient.body:
                findings.append(
                    FindingData(
                        "recipient_mismatch",
                        f"The body's {label} names {recipient.body.name_fi}, but Appendix 1 row {row.row} "
                        f"names {_describe(lead.resolution)} as the lead applicant of the same project.",
                        "warning",
                        row.row,
                        {"body": source.raw, "appendix": row.raw},
                    )
                )
            if not _names_same_project(project, row.project):
                findings.append(
                    FindingData(
                        "title_differs",
                        f"The body's {label} and Appendix 1 row {row.row} name the project differently.",
                        "info",
                        row.row,
                        {"body": source.raw, "appendix": row.raw},
                    )
                )
        if granted and granted.amount > row.amount:
            findings.append(
                FindingData(
                    "grant_exceeds_applied",
                    f"Grant {granted.number} is {granted.amount} €, more than the {row.amount} € applied "
                    f"in Appendix 1 row {row.row}.",
                    "warning",
                    row.row,
                    {"body": granted.raw, "appendix": row.raw},
                )
            )
        applications.append(LinkedApplication(row, lead, members[ri], kind, granted, deferred, recipient))

    rule, misfits = _infer_rounding([(a.grant, a.row) for a in applications if a.grant])
    rounding = f"to {rule.unit} € {rule.mode}" if rule else ""  # misfits are only ever counted against a rule
    for grant, row in misfits:
        findings.append(
            FindingData(
                "grant_not_by_rounding_rule",
                f"Grant {grant.number} is {grant.amount} € of the {row.amount} € applied, which the round's "
                f"rounding ({rounding}) does not explain.",
                "info",
                row.row,
                {"body": grant.raw, "appendix": row.raw},
            )
        )

    findings.extend(_check_totals(parsed))
    return LinkedRound(parsed, tuple(applications), tuple(findings), rule)


def _check_totals(parsed: ParsedDecision) -> list[FindingData]:
    found = []
    rows_sum = sum((r.amount for r in parsed.appendix), Decimal("0.00"))
    grants_sum = sum((g.amount for g in parsed.grants), Decimal("0.00"))
    if parsed.received - parsed.withdrawn != len(parsed.appendix):
        found.append(
            FindingData(
                "count_mismatch",
                f"The body says {parsed.received} applications were received and {parsed.withdrawn} withdrawn, "
                f"but Appendix 1 lists {len(parsed.appendix)}.",
                details={"body": f"received {parsed.received}, withdrawn {parsed.withdrawn}",
                         "appendix": f"{len(parsed.appendix)} rows"},
            )
        )
    if parsed.applied_total != parsed.appendix_total:
        found.append(
            FindingData(
                "applied_total_mismatch",
                f"The body states {parsed.applied_total} € applied, "
                f"the total row of Appendix 1 {parsed.appendix_total} €.",
                details={"body": str(parsed.applied_total), "appendix": str(parsed.appendix_total)},
            )
        )
    if rows_sum != parsed.appendix_total:
        found.append(
            FindingData(
                "appendix_sum_mismatch",
                f"The rows of Appendix 1 add up to {rows_sum} €, but its total row says {parsed.appendix_total} €.",
                details={"appendix": str(parsed.appendix_total), "computed": str(rows_sum)},
            )
        )
    if grants_sum != parsed.granted_total:
        found.append(
            FindingData(
                "granted_total_mismatch",
                f"The grants add up to {grants_sum} €, but the decision states a total of {parsed.granted_total} €.",
                details={"body": str(parsed.granted_total), "computed": str(grants_sum)},
            )
        )
    for label, entries in (("grants", parsed.grants), ("deferred applications", parsed.deferred)):
        numbers = [e.number for e in entries]
        if numbers != list(range(1, len(numbers) + 1)):
            found.append(
                FindingData(
                    "numbering",
                    f"The {label} are not numbered 1 to {len(numbers)} in order: {numbers}.",
                    "info",
                )
            )
    return found
