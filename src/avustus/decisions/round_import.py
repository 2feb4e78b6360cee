"""Importing a collective decision taken outside Avustus: the whole round stored as the decision states it.

An import stores the whole round in one transaction (call, applications with their consortia, the
decision, every outcome and every finding) together with its audit entry, or nothing at all. The
programme it belongs to, and what that programme's calls require, are data
(``decisions/data/programme-kuntadigi.json``), not code.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.translation import gettext as _

from avustus import events
from avustus.applications.models import Application, ConsortiumMember
from avustus.audit.chain import record
from avustus.audit.triggers import replace_permit
from avustus.calls.models import Call, CostCategory, Criterion, Exclusion, GrantGroup, Programme
from avustus.calls.texts import default_rules, default_texts, group_text
from avustus.decisions.importing.linking import LinkedMember, LinkedRound, link
from avustus.decisions.importing.parser import parse_source
from avustus.decisions.importing.result import ParsedDecision
from avustus.decisions.importing.serialise import parsed_figures, parsed_to_dict
from avustus.decisions.importing.sources import decision_source
from avustus.decisions.models import Decision, DecisionTranslation, Finding, Outcome
from avustus.errors import Conflict
from avustus.evaluation.ranking import mark_stale
from avustus.registry.resolver import load_registry
from avustus.registry.services import sync_registry

HELSINKI = ZoneInfo("Europe/Helsinki")
PROGRAMME_FILE = Path(__file__).resolve().parent / "data" / "programme-kuntadigi.json"


@cache
def programme_facts() -> dict:
    """The programme whose collective decisions this importer reads, and its calls' requirements."""
    return json.loads(PROGRAMME_FILE.read_text(encoding="utf-8"))


class RoundConflict(Conflict):
    """The round was already imported from a different text; replacing it must be asked for.

    The same decision in the other language (the same figures, see ``figures_hash``) is no conflict:
    it is stored as the decision's translation.
    """


@dataclass(frozen=True)
class ImportResult:
    call: Call
    decision: Decision
    changed: bool
    translation: str = ""  # the language stored as the decision's translation, if it was one


def round_id(parsed: ParsedDecision) -> str:
    """The round's stable identifier: the programme and the date of its collective decision."""
    return f"{programme_facts()['programme']['slug']}-{parsed.decision_date.isoformat()}"


def content_hash(parsed: ParsedDecision) -> str:
    """A hash of what the decision says, so the same decision imported twice is recognised as such."""
    canonical = json.dumps(parsed_to_dict(parsed), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def figures_hash(parsed: ParsedDecision) -> str:
    """A hash of the decision's figures alone: the same for its Finnish and its Swedish version."""
    canonical = json.dumps(parsed_figures(parsed), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def import_decision(data: bytes, *, actor, source_name: str, replace: bool = False) -> ImportResult:
    """Parse a decision file (a PDF, the text pdftotext made of one, or text) and store its round."""
    source = decision_source(data)
    return import_parsed(parse_source(source), actor=actor, source_name=source_name, replace=replace,
                         text=source.text)


def import_parsed(
    parsed: ParsedDecision, *, actor, source_name: str, replace: bool = False, text: str = ""
) -> ImportResult:
    digest = content_hash(parsed)
    slug = round_id(parsed)
    linked = link(parsed, load_registry())
    with transaction.atomic():
        existing = (
            Decision.objects.select_for_update()
            .select_related("call")
            .filter(call__slug=slug, kind=Decision.Kind.COLLECTIVE, amends__isnull=True)
            .first()
        )
        if existing is not None:
            if existing.source_sha256 == digest:
                return ImportResult(existing.call, existing, changed=False)
            if (not replace and parsed.language != existing.source_language and existing.figures_sha256
                    and existing.figures_sha256 == figures_hash(parsed)):
                # The same decision as published in the other language: kept as its translation
                # (unless the round is to be replaced by it, as --replace asks).
                changed = _store_translation(existing, parsed, digest=digest, source_name=source_name, text=text,
                                             actor=actor)
                return ImportResult(existing.call, existing, changed=changed, translation=parsed.language)
            if call_has_decisions_signed_here(existing.call):
                raise RoundConflict(
                    _("Round %(slug)s has decisions signed in Avustus; an import cannot replace them.") % {"slug": slug}
                )
            if not replace:
                raise RoundConflict(
                    _("Round %(slug)s was already imported from a different text (%(source)s); "
                      "import with --replace to replace it.") % {"slug": slug, "source": existing.source_name}
                )
            _clear_round(existing.call)
        decision = _store(linked, slug=slug, digest=digest, source_name=source_name)
        record(
            "decision.imported" if existing is None else "decision.reimported",
            decision,
            actor=actor,
            data={
                "round": slug,
                "source": source_name,
                "sha256": digest,
                "applications": len(linked.applications),
                "findings": len(linked.findings),
            },
        )
        events.decision_signed.send(Decision, decision=decision, actor=actor)
    return ImportResult(decision.call, decision, changed=True)


def _store_translation(
    decision: Decision, parsed: ParsedDecision, *, digest: str, source_name: str, text: str, actor
) -> bool:
    """Store ``parsed`` as ``decision`` in another language; False when it is stored already."""
    lang = parsed.language
    current = decision.translations.filter(language=lang).first()
    if current is not None and current.source_sha256 == digest:
        return False
    # Group names and conditions in this language: the groups are the call's, not the signed decision's.
    for position, section in enumerate(parsed.groups, start=1):
        GrantGroup.objects.filter(call=decision.call, code=f"group-{position}").update(
            **{f"name_{lang}": section.heading, f"condition_{lang}": section.condition}
        )
    DecisionTranslation.objects.update_or_create(
        decision=decision,
        language=lang,
        defaults={
            "source_name": source_name,
            "source_sha256": digest,
            "text": text,
            "special_conditions": {str(g.number): list(g.conditions) for g in parsed.grants if g.conditions},
        },
    )
    record(
        "decision.translation_imported",
        decision,
        actor=actor,
        data={"round": decision.call.slug, "language": lang, "source": source_name, "sha256": digest,
              "replaced": current is not None},
    )
    return True


def call_has_decisions_signed_here(call: Call) -> bool:
    return call.decisions.exclude(snapshot_sha256="").exists()


def _clear_round(call: Call) -> None:
    # The database refuses deleting signed decisions (audit.triggers); these were imported, signed outside
    # Avustus, and replacing them with a corrected import is the documented exception.
    with replace_permit(call.pk):
        call.decisions.all().delete()
        call.applications.all().delete()
    call.groups.all().delete()
    call.cost_categories.all().delete()


def _usable_until(facts: dict, slug: str) -> date | None:
    """The round's appropriation's last day of use, from the programme's facts (the budget states it, not the
    decision); None when not recorded."""
    day = facts.get("rounds", {}).get(slug, {}).get("appropriation_usable_until")
    return date.fromisoformat(day) if day else None


def _store(linked: LinkedRound, *, slug: str, digest: str, source_name: str) -> Decision:
    parsed = linked.parsed
    orgs = sync_registry()
    facts = programme_facts()
    programme, _created = Programme.objects.update_or_create(slug=facts["programme"]["slug"],
                                                             defaults=facts["programme"])
    requires = facts["call"]
    closes_at = (
        datetime.combine(parsed.deadline, time(23, 59, 59), tzinfo=HELSINKI) if parsed.deadline else None
    )
    deadline_text = f"{parsed.deadline.day}.{parsed.deadline.month}.{parsed.deadline.year}" if parsed.deadline else ""
    rule = linked.rounding_rule
    call, _created = Call.objects.update_or_create(
        slug=slug,
        defaults={
            "programme": programme,
            "title_fi": f"{programme.name_fi}: haku {deadline_text}".strip(),
            "title_sv": f"{programme.name_sv}: ansökan {deadline_text}".strip(),
            "title_en": f"{programme.name_en}: call closing {deadline_text}".strip(),
            "status": Call.Status.DECIDED,
            "appropriation": parsed.appropriation,
            "budget_item": parsed.budget_item or "",
            "closes_at": closes_at,
            # What the decision states wins; else what the programme's calls require.
            "aid_rate": parsed.aid_rate if parsed.aid_rate is not None else Decimal(requires["aid_rate"]),
            "min_municipalities": requires["min_municipalities"],
            # "Paid as a rule in three instalments": the programme's practice, not stated per round.
            "instalments": requires.get("instalments", 3),
            "lead_kinds": list(requires["lead_kinds"]),
            "partner_kinds": list(requires["partner_kinds"]),
            "implementation_end": parsed.implementation_end,
            "final_report_due": parsed.implementation_end,
            "reporting_interval_months": parsed.reporting_interval_months,
            "appropriation_usable_until": _usable_until(facts, slug),
            "rounding_unit": rule.unit if rule else Decimal("0.01"),
            "rounding_mode": rule.mode if rule else "down",
        },
    )
    texts = call.texts or default_texts(programme.slug)
    if not call.texts and texts:
        call.texts = texts
        call.save(update_fields=["texts"])
    groups = {}
    lang, other = (parsed.language, "fi" if parsed.language == "sv" else "sv")
    for position, section in enumerate(parsed.groups, start=1):
        code = f"group-{position}"
        # The other language's heading and condition come from the programme's texts when this
        # language's heading agrees with them; a Finnish field is never left empty.
        known_heading, _condition = group_text(texts, code, lang)
        other_heading, other_condition = (
            group_text(texts, code, other) if known_heading == section.heading else ("", "")
        )
        values = {f"name_{lang}": section.heading, f"condition_{lang}": section.condition,
                  f"name_{other}": other_heading, f"condition_{other}": other_condition}
        values["name_fi"] = values["name_fi"] or section.heading
        groups[section.heading] = GrantGroup.objects.create(call=call, code=code, position=position, **values)
    rules = default_rules(programme.slug)
    names_sv = rules.get("cost_categories_sv", [])
    if len(names_sv) != len(parsed.cost_categories):
        names_sv = [""] * len(parsed.cost_categories)  # the defaults describe another list; no guessing
    CostCategory.objects.bulk_create(
        CostCategory(call=call, code=f"cost-{i}", position=i, name_fi=name, name_sv=names_sv[i - 1])
        for i, name in enumerate(parsed.cost_categories, start=1)
    )
    if not call.exclusions.exists():
        Exclusion.objects.bulk_create(
            Exclusion(call=call, code=e["code"], position=i, name_fi=e["name"]["fi"], name_sv=e["name"]["sv"],
                      name_en=e["name"]["en"], keywords_fi=e["keywords_fi"], keywords_sv=e["keywords_sv"])
            for i, e in enumerate(rules.get("exclusions", []), start=1)
        )
    if not call.criteria.exists():
        Criterion.objects.bulk_create(
            Criterion(call=call, code=c["code"], position=i, name_fi=c["name"]["fi"], name_sv=c["name"]["sv"],
                      name_en=c["name"]["en"], weight=Decimal(c["weight"]), scale_max=c["scale_max"])
            for i, c in enumerate(rules.get("criteria", []), start=1)
        )
    if not call.plan_fields and rules.get("plan_fields"):
        call.plan_fields = rules["plan_fields"]
        call.save(update_fields=["plan_fields"])
    signatories = list(parsed.signatories) + [None, None]
    decision = Decision.objects.create(
        call=call,
        kind=Decision.Kind.COLLECTIVE,
        # Imported decisions were signed outside Avustus; they are on the record as they are.
        status=Decision.Status.SIGNED,
        decided_on=parsed.decision_date,
        decision_maker_name=signatories[0].name if signatories[0] else "",
        decision_maker_title=signatories[0].title if signatories[0] else "",
        presenting_official_name=signatories[1].name if signatories[1] else "",
        presenting_official_title=signatories[1].title if signatories[1] else "",
        stated_received=parsed.received,
        stated_withdrawn=parsed.withdrawn,
        stated_applied_total=parsed.applied_total,
        stated_granted_total=parsed.granted_total,
        source_name=source_name,
        source_sha256=digest,
        source_language=parsed.language,
        figures_sha256=figures_hash(parsed),
    )

    def org_of(member: LinkedMember | None):
        body = member.resolution.body if member else None
        return orgs[body.key] if body else None

    applications = Application.objects.bulk_create(
        Application(
            call=call,
            reference=f"{slug}-{a.row.row:03d}",
            title=a.row.project,
            status=Application.Status.SUBMITTED,
            amount_applied=a.row.amount,
            source_row=a.row.row,
        )
        for a in linked.applications
    )
    by_row = {app.source_row: app for app in applications}
    members, outcomes = [], []
    for a, app in zip(linked.applications, applications, strict=True):
        position = 0
        if a.lead is not None:
            members.append(
                ConsortiumMember(
                    application=app, organisation=org_of(a.lead), name_as_written=a.lead.name_as_written,
                    role=ConsortiumMember.Role.LEAD, position=position,
                )
            )
        for position, partner in enumerate(a.partners, start=1):
            members.append(
                ConsortiumMember(
                    application=app, organisation=org_of(partner), name_as_written=partner.name_as_written,
                    role=ConsortiumMember.Role.PARTNER, position=position,
                )
            )
        entry = a.grant or a.deferred
        outcomes.append(
            Outcome(
                decision=decision,
                application=app,
                kind=a.outcome,
                amount_granted=a.grant.amount if a.grant else None,
                group=groups.get(a.grant.group_heading) if a.grant else None,
                number=entry.number if entry else None,
                special_conditions=list(a.grant.conditions) if a.grant else [],
                # A Swedish decision's conditions are Swedish: kept as such, so that they stay Swedish when rendered.
                special_conditions_sv=list(a.grant.conditions) if a.grant and parsed.language == "sv" else [],
                recipient=orgs[a.recipient.body.key] if a.recipient and a.recipient.body else None,
                recipient_as_written=a.grant.recipient if a.grant else (a.deferred.applicant if a.deferred else ""),
                project_as_written=a.grant.project if a.grant else (a.deferred.project if a.deferred else ""),
            )
        )
    ConsortiumMember.objects.bulk_create(members)
    Outcome.objects.bulk_create(outcomes)
    Finding.objects.bulk_create(
        Finding(
            call=call,
            decision=decision,
            application=by_row.get(f.row) if f.row else None,
            kind=f.kind,
            severity=f.severity,
            message=f.message,
            details=f.details,
        )
        for f in linked.findings
    )
    mark_stale(call)  # written in bulk, which sends no signal: a stored ranking of the round is computed again
    return decision

