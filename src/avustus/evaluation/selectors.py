"""Read-only queries for the officials' screening, evaluation and rectification screens.

Each list is one queryset filtered and sorted in the database; a page of it costs the same number
of queries whether the round has fifty applications or five thousand.
"""

from decimal import Decimal

from django.db.models import Count, F, JSONField, OuterRef, Prefetch, Q, QuerySet, Subquery

from avustus.applications.models import Application, ConsortiumMember
from avustus.calls.models import Call
from avustus.evaluation.models import Assignment, ProposalLine, RankedLine, Ranking, RectificationRequest
from avustus.rules.evaluation import rank as rank_by_score

# Orders for keyset paging (``web.paging``): (field, descending, nullable), the last column unique in the list.
RANKING_ORDER = (("sort_score", True, False), ("arrival", False, False))

COUNTED = Q(assignments__submitted_at__isnull=False) & ~Q(
    assignments__conflict__in=[Assignment.Conflict.DECLARED, Assignment.Conflict.EMPLOYED]
)

# Keyset orders (``web.paging``): (field, descending, nullable), the last column unique; empty values sort where
# the database's index puts them.
SCREENING_SORTS = {
    "received": (("submitted_at", False, True), ("source_row", False, True), ("reference", False, False)),
    "lead": (("lead_name", False, True), ("reference", False, False)),
    "applied": (("amount_applied", True, False), ("reference", False, False)),
    "status": (("eligible", False, True), ("reference", False, False)),
}
# The stored ranking's columns, each with the arrival order breaking ties (``web.paging`` keys).
EVALUATION_SORTS = {
    "score": RANKING_ORDER,
    "spread": (("spread", True, True), ("arrival", False, False)),
    "reviews": (("reviews", False, False), ("arrival", False, False)),
    "applied": (("applied", True, False), ("arrival", False, False)),
}


def _members():
    return Prefetch("members", queryset=ConsortiumMember.objects.select_related("organisation").order_by("position"))


def _lead_name():
    lead = ConsortiumMember.objects.filter(application=OuterRef("pk"), role=ConsortiumMember.Role.LEAD)
    return Subquery(lead.values("organisation__name_fi")[:1])


def screening_list(call: Call, *, state: str = "") -> tuple[QuerySet[Application], int]:
    """Submitted and withdrawn applications with their screening state: ``todo``, ``eligible``, ``ineligible``,
    and how many there are.

    The lead's name comes with each row (``lead_name``, ``lead_written``), so a page is one query; ordered by
    the page in ``SCREENING_SORTS``. The count is taken without the rows' annotations, from the index.
    """
    lead = ConsortiumMember.objects.filter(application=OuterRef("pk"), role=ConsortiumMember.Role.LEAD)
    apps = call.applications.exclude(status=Application.Status.DRAFT)
    if state == "todo":
        apps = apps.filter(screening__isnull=True)
    elif state == "eligible":
        apps = apps.filter(screening__eligible=True)
    elif state == "ineligible":
        apps = apps.filter(screening__eligible=False)
    count = apps.count()
    return apps.annotate(eligible=F("screening__eligible"), lead_name=_lead_name(),
                         lead_written=Subquery(lead.values("name_as_written")[:1])), count


def evaluation_list(ranking: Ranking) -> QuerySet[RankedLine]:
    """Submitted applications with their reviews' mean weighted score, spread and reviewers, from the stored
    ranking (``evaluation.ranking.current`` gives it up to date); ordered by the page in ``EVALUATION_SORTS``.

    Conflicted scores don't count.
    """
    return (RankedLine.objects.filter(ranking=ranking, application__status=Application.Status.SUBMITTED)
            .select_related("application").annotate(applied=F("application__amount_applied")))


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


def ranked_lines(ranking: Ranking) -> QuerySet[RankedLine]:
    """The round's stored ranking, its applications joined: ordered by the page that reads it (``RANKING_ORDER``)."""
    line = ProposalLine.objects.filter(proposal__call_id=ranking.call_id, application=OuterRef("application"))
    return RankedLine.objects.filter(ranking=ranking).select_related("application").annotate(
        line_pk=Subquery(line.values("pk")[:1]),
        line_reason=Subquery(line.values("override_reason")[:1]),
        line_conditions=Subquery(line.values("special_conditions")[:1], output_field=JSONField()),
    )


def ranked_page(ranking: Ranking, rows: list[RankedLine]) -> list[RankedLine]:
    """A page of ranked lines with their rank (equal scores share one) and the line set by hand, if any.

    One query whatever the page: the rank of its first scored row is one plus the number of rows
    scored higher, and each following row's rank follows from the page itself.
    """
    scored = [row for row in rows if row.score is not None]
    higher = same = 0
    if scored:
        first = scored[0].score
        # Only the rows at or above the first score: a range of the ranking's index, read without its table.
        figures = RankedLine.objects.filter(ranking=ranking, sort_score__gte=first).aggregate(
            higher=Count("pk", filter=Q(sort_score__gt=first)), same=Count("pk", filter=Q(sort_score=first)))
        higher, same = figures["higher"], figures["same"]
    below_first = 0  # rows of this page already passed, scored below the first one
    previous: tuple[Decimal | None, int | None] = (None, None)
    for row in rows:
        # The line set by hand, read with the row (``ranked_lines``): what the page shows of it.
        row.line = ProposalLine(pk=row.line_pk, override_reason=row.line_reason,  # type: ignore[attr-defined]
                                special_conditions=row.line_conditions) if row.line_pk else None  # type: ignore[attr-defined]
        if row.score is None:
            row.rank = None  # type: ignore[attr-defined]
            continue
        if row.score == scored[0].score:
            rank = higher + 1
        elif row.score == previous[0] and previous[1] is not None:
            rank = previous[1]
        else:  # everyone above it scored higher: those before the page, and those on it
            rank = higher + same + below_first + 1
        if row.score != scored[0].score:
            below_first += 1
        row.rank = rank  # type: ignore[attr-defined]
        previous = (row.score, rank)
    return rows


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
