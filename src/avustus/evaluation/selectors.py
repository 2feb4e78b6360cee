"""Read-only queries for the officials' screening, evaluation and rectification screens.

Each list is one queryset filtered and sorted in the database; a page of it costs the same number
of queries whether the round has fifty applications or five thousand.
"""

from decimal import Decimal

from django.db.models import Avg, Count, F, Max, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.expressions import Combinable

from avustus.applications.models import Application, ConsortiumMember
from avustus.calls.models import Call
from avustus.evaluation.models import Assignment, RectificationRequest
from avustus.rules.evaluation import rank as rank_by_score

COUNTED = Q(assignments__submitted_at__isnull=False) & ~Q(
    assignments__conflict__in=[Assignment.Conflict.DECLARED, Assignment.Conflict.EMPLOYED]
)

SCREENING_SORTS = {
    "received": ("submitted_at", "source_row", "reference"),
    "lead": ("lead_name", "reference"),
    "applied": ("-amount_applied", "reference"),
    "status": ("eligible", "reference"),
}
EVALUATION_SORTS: dict[str, tuple[str | Combinable, ...]] = {
    "score": (F("mean_score").desc(nulls_last=True), "reference"),
    "spread": (F("spread").desc(nulls_last=True), "reference"),
    "reviews": ("reviews", "reference"),
    "applied": ("-amount_applied", "reference"),
}


def _members():
    return Prefetch("members", queryset=ConsortiumMember.objects.select_related("organisation").order_by("position"))


def _lead_name():
    lead = ConsortiumMember.objects.filter(application=OuterRef("pk"), role=ConsortiumMember.Role.LEAD)
    return Subquery(lead.values("organisation__name_fi")[:1])


def screening_list(call: Call, *, state: str = "", sort: str = "received") -> QuerySet[Application]:
    """Submitted and withdrawn applications with their screening state: ``todo``, ``eligible``, ``ineligible``."""
    apps = (
        call.applications.exclude(status=Application.Status.DRAFT)
        .annotate(eligible=F("screening__eligible"), lead_name=_lead_name())
        .prefetch_related(_members())
    )
    if state == "todo":
        apps = apps.filter(screening__isnull=True)
    elif state == "eligible":
        apps = apps.filter(screening__eligible=True)
    elif state == "ineligible":
        apps = apps.filter(screening__eligible=False)
    return apps.order_by(*SCREENING_SORTS.get(sort, SCREENING_SORTS["received"]))


def evaluation_list(call: Call, *, sort: str = "score") -> QuerySet[Application]:
    """Submitted applications with their reviews' mean weighted score, spread and counts.

    Conflicted scores don't count.
    """
    apps = (
        call.applications.filter(status=Application.Status.SUBMITTED)
        .annotate(
            mean_score=Avg("assignments__weighted_score", filter=COUNTED),
            spread=(Max("assignments__weighted_score", filter=COUNTED)
                    - Min("assignments__weighted_score", filter=COUNTED)),
            reviews=Count("assignments", filter=COUNTED),
            assigned=Count("assignments"),
            conflicted_reviews=Count("assignments", filter=Q(assignments__conflict__in=[
                Assignment.Conflict.DECLARED, Assignment.Conflict.EMPLOYED])),
            eligible=F("screening__eligible"),
            lead_name=_lead_name(),
        )
        .prefetch_related(_members(), Prefetch("assignments", queryset=Assignment.objects.select_related("reviewer")))
    )
    return apps.order_by(*EVALUATION_SORTS.get(sort, EVALUATION_SORTS["score"]))


def assignments_of(user) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(reviewer=user)
        .select_related("application__call")
        .order_by("submitted_at", "application__reference")
    )


def rectification_requests(call: Call) -> QuerySet[RectificationRequest]:
    return (
        RectificationRequest.objects.filter(decision__call=call)
        .select_related("application", "decision", "new_decision")
        .order_by("-received_on", "-pk")
    )


def proposal_report(computed) -> dict:
    """A computed proposal as JSON-ready data: what ``avustus proposal --json`` prints."""
    result = computed.result
    rule = computed.call.rounding_rule

    def money(value):
        return str(value) if value is not None else None

    return {
        "round": computed.call.slug,
        "rounding": {"unit": str(rule.unit), "mode": rule.mode},
        "seeded_from_decision": computed.seeded_from.decided_on.isoformat() if computed.seeded_from else None,
        "applications": [
            {
                "rank": rank,
                "reference": line.key,
                "title": computed.applications[line.key].title,
                "amount_applied": money(computed.applications[line.key].amount_applied),
                "score": money(computed.scores.get(line.key)),
                "proposed_outcome": line.outcome,
                "proposed_amount": money(line.amount),
                "basis": line.basis,
            }
            for rank, line in enumerate(result.lines, start=1)
        ],
        "totals": {
            "applications": len(result.lines),
            "applied": money(sum((a.amount_applied for a in computed.applications.values()), Decimal("0.00"))),
            "granted": money(result.granted_total),
            "budget": money(result.budget),
            "remaining": money(result.remaining),
            "counts": result.counts,
            "undecided": result.undecided,
        },
    }


# --- entry ---


def proposal_ranks(computed) -> dict[str, int | None]:
    """The rank of each line of a computed proposal by its score, by application key (None if unscored).

    Equal scores share a rank; the order of the lines stays the allocation's (ties in arrival order).
    """
    return rank_by_score(computed.scores, [line.key for line in computed.result.lines])
