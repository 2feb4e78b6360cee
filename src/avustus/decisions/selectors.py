"""Read-only queries over a round's decisions: current outcomes, summaries and the round as JSON data.

An application's current outcome is the one in the newest decision that concerns it, so a later
decision on a deferred application, or an amending decision, supersedes the collective one.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from avustus.applications.models import Application, ConsortiumMember
from avustus.calls.models import Call, GrantGroup
from avustus.decisions.models import Decision, Finding, Outcome

if TYPE_CHECKING:  # django-stubs-ext is a development dependency, needed only by the type checker
    from django_stubs_ext import WithAnnotations

ZERO = Decimal("0.00")


class CurrentOutcome(TypedDict):
    """What ``with_current_outcome`` adds to each application: None where no signed decision concerns it."""

    outcome_kind: str | None
    amount_granted: Decimal | None


class OutcomeAndLead(CurrentOutcome):
    """What ``applications_with_outcomes`` adds to each application."""

    group_id: int | None
    outcome_number: int | None
    lead_name: str | None
    lead_written: str | None


def _newest_outcomes():
    # Only signed decisions count: a prepared one is not yet anyone's outcome. Undated ones sort as oldest
    # on both databases (PostgreSQL would otherwise put them first).
    return Outcome.objects.filter(application=OuterRef("pk"), decision__status=Decision.Status.SIGNED).order_by(
        F("decision__decided_on").desc(nulls_last=True), "-decision_id")


def applications_with_outcomes(call: Call) -> "QuerySet[WithAnnotations[Application, OutcomeAndLead]]":
    """The call's applications annotated with their current outcome, group and lead, members prefetched.

    Filtering and sorting on the annotations happen in the database, and the query count does not
    grow with the number of applications.
    """
    newest = _newest_outcomes()
    lead = ConsortiumMember.objects.filter(application=OuterRef("pk"), role=ConsortiumMember.Role.LEAD)
    return (
        call.applications.annotate(
            outcome_kind=Subquery(newest.values("kind")[:1]),
            amount_granted=Subquery(newest.values("amount_granted")[:1]),
            group_id=Subquery(newest.values("group_id")[:1]),
            outcome_number=Subquery(newest.values("number")[:1]),
            lead_name=Subquery(lead.values("organisation__name_fi")[:1]),
            lead_written=Subquery(lead.values("name_as_written")[:1]),
        )
        .prefetch_related(
            Prefetch("members", queryset=ConsortiumMember.objects.select_related("organisation").order_by("position"))
        )
    )


def with_current_outcome(
    applications: QuerySet[Application],
) -> "QuerySet[WithAnnotations[Application, CurrentOutcome]]":
    """The applications annotated with their current outcome (``outcome_kind``, ``amount_granted``), if any."""
    newest = _newest_outcomes()
    return applications.annotate(outcome_kind=Subquery(newest.values("kind")[:1]),
                                 amount_granted=Subquery(newest.values("amount_granted")[:1]))


def current_outcome(application: Application) -> Outcome | None:
    return (
        application.outcomes.filter(decision__status=Decision.Status.SIGNED)
        .select_related("decision", "group", "recipient")
        .order_by(F("decision__decided_on").desc(nulls_last=True), "-decision_id")
        .first()
    )


@dataclass(frozen=True)
class GroupTotal:
    group: GrantGroup | None  # None: grants without a group heading (a grant made later, on rectification)
    count: int
    granted: Decimal


@dataclass(frozen=True)
class RoundSummary:
    call: Call
    decision: Decision | None
    applications: int
    applied: Decimal
    granted: Decimal
    granted_count: int
    groups: list[GroupTotal]
    deferred: int
    rejected: int
    withdrawn_in_list: int
    findings: int

    @property
    def received(self) -> int | None:
        return self.decision.stated_received if self.decision else None

    @property
    def withdrawn(self) -> int | None:
        return self.decision.stated_withdrawn if self.decision else None


def collective_decision(call: Call) -> Decision | None:
    return call.decisions.filter(kind=Decision.Kind.COLLECTIVE, amends__isnull=True).order_by("decided_on").first()


def round_summary(call: Call) -> RoundSummary:
    """The round's figures, every one summed in Python from one list of rows (each application's current outcome).

    Totals and the rows they sum therefore cannot disagree: a grant made later (on a rectification request,
    with no group heading) is in a row of its own and in the total, not in one and missing from the other.
    Drafts are their applicants' business and count nowhere.
    """
    rows = list(
        applications_with_outcomes(call).exclude(status=Application.Status.DRAFT).order_by()
        .values("amount_applied", "outcome_kind", "amount_granted", "group_id")
    )
    granted_rows = [r for r in rows if r["outcome_kind"] == Outcome.Kind.GRANTED]
    def total(group, mine) -> GroupTotal:
        return GroupTotal(group, len(mine), sum((r["amount_granted"] or ZERO for r in mine), ZERO))

    known = list(call.groups.all())
    groups = [total(g, [r for r in granted_rows if r["group_id"] == g.id]) for g in known]
    without = [r for r in granted_rows if r["group_id"] not in {g.id for g in known}]
    if without:
        groups.append(total(None, without))

    def count(kind: str) -> int:
        return sum(1 for r in rows if r["outcome_kind"] == kind)

    return RoundSummary(
        call=call,
        decision=collective_decision(call),
        applications=len(rows),
        applied=sum((r["amount_applied"] for r in rows), ZERO),
        granted=sum((g.granted for g in groups), ZERO),
        granted_count=sum(g.count for g in groups),
        groups=groups,
        deferred=count(Outcome.Kind.DEFERRED),
        rejected=count(Outcome.Kind.REJECTED),
        withdrawn_in_list=count(Outcome.Kind.WITHDRAWN),
        findings=call.findings.count(),
    )


def _member_json(member: ConsortiumMember) -> dict:
    org = member.organisation
    return {
        "name": member.name_as_written,
        "kind": org.kind if org else None,
        "code": org.code if org else None,
        "resolved_name": org.name_fi if org else None,
    }


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def round_report(call: Call) -> dict:
    """The round as the ``import-decision --json`` document: round facts, applications, totals, findings."""
    summary = round_summary(call)
    decision = summary.decision
    groups = {g.id: g for g in call.groups.all()}
    applications = []
    for app in applications_with_outcomes(call).order_by("source_row", "reference"):
        lead = app.lead
        applications.append(
            {
                "reference": app.reference,
                "row": app.source_row,
                "lead": _member_json(lead) if lead else None,
                "partners": [_member_json(p) for p in app.partners],
                "title": app.title,
                "applied": _money(app.amount_applied),
                "outcome": app.outcome_kind,
                "granted": _money(app.amount_granted),
                "group": groups[app.group_id].name_fi if app.group_id else None,
            }
        )
    findings = [
        {
            "kind": f.kind,
            "severity": f.severity,
            "message": f.message,
            "application": f.application.reference if f.application else None,
            **f.details,
        }
        for f in call.findings.select_related("application").order_by("id")
    ]
    return {
        "round": {
            "id": call.slug,
            "title": call.title_fi,
            "decision_date": decision.decided_on.isoformat() if decision and decision.decided_on else None,
            "deadline": timezone.localdate(call.closes_at).isoformat() if call.closes_at else None,  # the Finnish day
            "received": summary.received,
            "withdrawn": summary.withdrawn,
            "applications": summary.applications,
            "granted": summary.granted_count,
            "deferred": summary.deferred,
            "rejected": summary.rejected,
            "groups": [
                {"heading": g.group.name_fi if g.group else None, "grants": g.count, "granted": _money(g.granted)}
                for g in summary.groups
            ],
            "appropriation": _money(call.appropriation),
            "budget_item": call.budget_item or None,
            "aid_rate": str(call.aid_rate),
            "rounding": {"unit": _money(call.rounding_unit), "mode": call.rounding_mode},
            "implementation_end": call.implementation_end.isoformat() if call.implementation_end else None,
            "decision_maker": decision.decision_maker_name if decision else None,
            "presenting_official": decision.presenting_official_name if decision else None,
        },
        "applications": applications,
        "totals": {"applied": _money(summary.applied), "granted": _money(summary.granted)},
        "stated_totals": {
            "applied": _money(decision.stated_applied_total) if decision else None,
            "granted": _money(decision.stated_granted_total) if decision else None,
        },
        "findings": findings,
    }


def findings_for(application: Application) -> QuerySet[Finding]:
    return application.findings.order_by("id")


def applications_of_organisation(org) -> QuerySet[Application]:
    """Every application an organisation leads or joins, across calls, with the role it has."""
    return (
        Application.objects.filter(members__organisation=org)
        .annotate(
            leads=Count("members", filter=Q(members__organisation=org, members__role=ConsortiumMember.Role.LEAD)),
            outcome_kind=Subquery(_newest_outcomes().values("kind")[:1]),
            amount_granted=Subquery(_newest_outcomes().values("amount_granted")[:1]),
        )
        .select_related("call")
        .distinct()
        .order_by("-call__closes_at", "source_row")
    )


def newest_outcomes():
    """Outcomes of signed decisions on ``OuterRef("pk")`` (an application), newest first: its current one first."""
    return _newest_outcomes()
