"""Use cases of the decision stage. For now: importing a collective decision taken outside Avustus.

An import stores the whole round in one transaction (call, applications with their consortia, the
decision, every outcome and every finding) together with its audit entry, or nothing at all.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from avustus.accounts.models import Role
from avustus.accounts.permissions import has_programme_role
from avustus.applications.models import Application, ConsortiumMember
from avustus.audit.chain import record
from avustus.audit.triggers import replace_permit
from avustus.calls.models import Call, CostCategory, Criterion, Exclusion, GrantGroup, Programme
from avustus.calls.texts import default_rules, default_texts, group_text
from avustus.decisions.importing.linking import LinkedMember, LinkedRound, link
from avustus.decisions.importing.parser import parse_decision_bytes
from avustus.decisions.importing.result import ParsedDecision
from avustus.decisions.importing.serialise import parsed_to_dict
from avustus.decisions.models import Decision, DecisionDocument, DecisionLocked, Finding, Notification, Outcome
from avustus.registry.resolver import load_registry
from avustus.registry.services import sync_registry
from avustus.rules.deadlines import Delivery, rectification_deadline

HELSINKI = ZoneInfo("Europe/Helsinki")

# The programme whose collective decisions this importer reads. Facts from Government Decree
# 893/2019 and the State budget (item 28.90.32).
PROGRAMME = {
    "slug": "kuntadigi",
    "name_fi": "Kuntien digitalisaation kannustinjärjestelmä",
    "name_sv": "Incitamentsystemet för kommunernas digitalisering",
    "name_en": "Municipal digitalisation incentive scheme",
    "legal_basis": "Valtionavustuslaki (688/2001); valtioneuvoston asetus kuntien digitalisaation "
    "kannustinjärjestelmästä (893/2019)",
    "budget_item": "28.90.32",
}
APPLICANT_KINDS = ["municipality", "joint_authority"]


class RoundConflict(Exception):
    """The round was already imported from a different text; replacing it must be asked for."""


@dataclass(frozen=True)
class ImportResult:
    call: Call
    decision: Decision
    changed: bool


def round_id(parsed: ParsedDecision) -> str:
    """The round's stable identifier: the programme and the date of its collective decision."""
    return f"{PROGRAMME['slug']}-{parsed.decision_date.isoformat()}"


def content_hash(parsed: ParsedDecision) -> str:
    """A hash of what the decision says, so the same decision imported twice is recognised as such."""
    canonical = json.dumps(parsed_to_dict(parsed), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def import_decision(data: bytes, *, actor, source_name: str, replace: bool = False) -> ImportResult:
    """Parse a decision text (bytes as read from a file) and store its round."""
    return import_parsed(parse_decision_bytes(data), actor=actor, source_name=source_name, replace=replace)


def import_parsed(parsed: ParsedDecision, *, actor, source_name: str, replace: bool = False) -> ImportResult:
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
            if call_has_decisions_signed_here(existing.call):
                raise RoundConflict(
                    f"Round {slug} has decisions signed in Avustus; an import cannot replace them."
                )
            if not replace:
                raise RoundConflict(
                    f"Round {slug} was already imported from a different text ({existing.source_name}); "
                    "import with --replace to replace it."
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
    return ImportResult(decision.call, decision, changed=True)


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


def _store(linked: LinkedRound, *, slug: str, digest: str, source_name: str) -> Decision:
    parsed = linked.parsed
    orgs = sync_registry()
    programme, _created = Programme.objects.update_or_create(slug=PROGRAMME["slug"], defaults=PROGRAMME)
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
            "aid_rate": parsed.aid_rate if parsed.aid_rate is not None else Decimal("0.85"),
            "min_municipalities": 2,
            "lead_kinds": APPLICANT_KINDS,
            "partner_kinds": APPLICANT_KINDS,
            "implementation_end": parsed.implementation_end,
            "final_report_due": parsed.implementation_end,
            "reporting_interval_months": parsed.reporting_interval_months,
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
        other_heading, other_condition = group_text(texts, code, other) if known_heading == section.heading else ("", "")
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
                recipient_as_written=(a.grant.recipient if a.grant else a.deferred.applicant) if entry else "",
                project_as_written=(a.grant.project if a.grant else a.deferred.project) if entry else "",
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
    return decision


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sign_decision(decision: Decision, *, actor) -> Decision:
    """Sign a draft decision: freeze its data, render every document once, and record it.

    From then on the decision, its outcomes and its documents cannot change; a correction is a new
    decision that names this one (``start_amending_decision``).
    """
    from avustus.accounts.tokens import require_in_person
    from avustus.decisions.documents.render import FORMATS, LANGUAGES, render_snapshot
    from avustus.decisions.documents.snapshot import decision_snapshot

    require_in_person(actor)  # a person signs, never a script with their API token
    with transaction.atomic():
        decision = Decision.objects.select_for_update().select_related("call").get(pk=decision.pk)
        if decision.status == Decision.Status.SIGNED:
            raise DecisionLocked(f"decision {decision.pk} is already signed")
        if decision.presenting_official_id is not None and actor is not None and decision.presenting_official_id == actor.pk:
            raise PermissionDenied(_("the presenting official cannot sign the decision they presented"))
        if not decision.outcomes.exists():
            raise ValueError("a decision without outcomes cannot be signed")
        snapshot = decision_snapshot(decision)
        canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
        documents = {}
        for lang in LANGUAGES:
            for fmt in FORMATS:
                content = render_snapshot(snapshot, lang, fmt)
                DecisionDocument.objects.create(
                    decision=decision, lang=lang, format=fmt, content=content, sha256=_sha256(content)
                )
                documents[f"{lang}.{fmt}"] = _sha256(content)
        decision.snapshot = snapshot
        decision.snapshot_sha256 = _sha256(canonical)
        decision.status = Decision.Status.SIGNED
        decision.signed_at = timezone.now()
        if decision.decision_maker_id is None and actor is not None:
            decision.decision_maker = actor
        decision.save(update_fields=["snapshot", "snapshot_sha256", "status", "signed_at", "decision_maker"])
        record("decision.signed", decision, actor=actor,
               data={"snapshot_sha256": decision.snapshot_sha256, "documents": documents})
    return decision


def start_amending_decision(original: Decision, *, actor, decided_on=None) -> Decision:
    """A new draft decision that amends a signed one: the only way to change what was decided."""
    with transaction.atomic():
        original = Decision.objects.select_for_update().get(pk=original.pk)
        if original.status != Decision.Status.SIGNED:
            raise ValueError("only a signed decision is amended; a draft is simply edited")
        draft = Decision.objects.create(
            call=original.call,
            kind=Decision.Kind.AMENDING,
            amends=original,
            decided_on=decided_on,
            decision_maker_name=original.decision_maker_name,
            decision_maker_title=original.decision_maker_title,
            presenting_official_name=original.presenting_official_name,
            presenting_official_title=original.presenting_official_title,
        )
        record("decision.amendment_started", draft, actor=actor, data={"amends": original.pk})
    return draft


def verify_signed_decision(decision: Decision) -> list[str]:
    """What no longer matches a signed decision's hashes: its snapshot or any stored document. Empty if whole."""
    problems = []
    canonical = json.dumps(decision.snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    if _sha256(canonical) != decision.snapshot_sha256:
        problems.append("the data snapshot differs from the one signed")
    for document in decision.documents.all():
        if _sha256(bytes(document.content)) != document.sha256:
            problems.append(f"document {document.lang}.{document.format} differs from the one signed")
    return problems


def record_notification(decision: Decision, application, *, channel: str, sent_on, actor):
    """Record that a recipient was sent the decision; the deemed receipt and deadline follow Finnish law.

    Recording the same sending twice gives the one already recorded.
    """
    if actor is not None and not has_programme_role(actor, decision.call.programme, (Role.OFFICIAL, Role.ADMINISTRATOR)):
        raise PermissionDenied(_("only the programme's officials record notifications"))
    if channel not in {d.value for d in Delivery}:
        raise ValidationError({"channel": [_("Choose how the decision was sent: by letter or electronically.")]})
    if decision.status != Decision.Status.SIGNED:
        raise ValidationError({"__all__": [_("Only a signed decision can be notified.")]})
    if decision.decided_on and sent_on < decision.decided_on:
        raise ValidationError({"sent_on": [_("A decision cannot be sent before it was made; check the date.")]})
    if not decision.outcomes.filter(application=application).exists():
        raise ValidationError({"application": [_("The decision does not concern this application.")]})
    received_on, deadline = rectification_deadline(sent_on, channel)
    with transaction.atomic():
        notification, created = Notification.objects.get_or_create(
            decision=decision, application=application, channel=channel, sent_on=sent_on,
            defaults={"received_on": received_on, "rectification_deadline": deadline, "recorded_by": actor},
        )
        if created:
            record("decision.notified", notification, actor=actor,
                   data={"application": application.reference, "channel": channel, "sent_on": sent_on.isoformat(),
                         "received_on": received_on.isoformat(), "deadline": deadline.isoformat()})
    return notification
