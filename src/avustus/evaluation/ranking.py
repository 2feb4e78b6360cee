"""The round's stored ranking: the proposal and the reviews' figures, kept in rows instead of recomputed per view.

``refresh`` runs ``proposals.compute_proposal`` (the very allocation that ``present`` checks and stores) and
writes one ``RankedLine`` per application, only the rows that changed, with the totals on the round's
``Ranking`` row. Every service that changes what the ranking rests on (screening, assignments, scores,
lines, the pass mark) marks it stale inside its own transaction, under the proposal's lock (``mark_stale``);
so does every save of those rows and of a submitted application (``connect``: withdrawals, and rows written
outside the services one by one), every submission (``events.application_submitted``: ``applications.submit``
writes the row with one UPDATE, not its save), and the call's appropriation and rounding are compared
on its own row. Rows written in bulk (``bulk_create``, ``update``) send no signal: whoever writes them
calls ``mark_stale`` (the generator and the importer do), and ``present`` marks the ranking stale when the
version the official read no longer matches, so that reading again shows what is presented.
The next reader of a stale ranking refreshes it once, however many changes came in meanwhile; every
other view reads a page of rows through an index.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from avustus.applications.models import Application
from avustus.calls.models import Call
from avustus.evaluation.models import Assignment, RankedLine, Ranking
from avustus.prepared import PreparedUpdate
from avustus.rules import allocation
from avustus.rules.evaluation import summarise

UNSCORED = Decimal("-1.00")
COUNTED = Q(submitted_at__isnull=False) & ~Q(conflict__in=[Assignment.Conflict.DECLARED,
                                                           Assignment.Conflict.EMPLOYED])


@dataclass(frozen=True)
class Totals:
    """The stored proposal's totals, shaped as ``rules.allocation.Proposal`` is for the page's template."""

    budget: Decimal
    granted_total: Decimal
    counts: dict
    undecided: int
    cut: str | None
    cut_rank: int | None
    over_budget: bool
    present_version: str
    seeded_on: date | None  # an imported round's recorded decision, standing in for overrides
    ranking_id: int

    @property
    def lines(self) -> tuple[allocation.Line, ...]:
        """Every stored line in ranking order (one query; the pages read theirs through ``selectors.ranked_lines``)."""
        rows = RankedLine.objects.filter(ranking_id=self.ranking_id).order_by("-sort_score", "arrival").values_list(
            "application__reference", "outcome", "amount", "basis")
        return tuple(allocation.Line(key, outcome or None, amount, basis) for key, outcome, amount, basis in rows)

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.granted_total

    @property
    def seeded_from(self):  # what the template asks, as of a computed proposal
        return self if self.seeded_on else None

    @property
    def decided_on(self) -> date | None:
        return self.seeded_on


def totals(ranking: Ranking) -> Totals:
    data = ranking.totals
    return Totals(Decimal(data["budget"]), Decimal(data["granted_total"]), data["counts"], data["undecided"],
                  data["cut"], data["cut_rank"], data["over_budget"], data["present_version"],
                  date.fromisoformat(data["seeded_on"]) if data["seeded_on"] else None, ranking.pk)


def with_fingerprint(calls):
    """Calls read with their stored ranking (``select_related``), so that ``current`` asks nothing more."""
    return calls.select_related("ranking")


def _fingerprint_of(call: Call) -> dict:
    # What the allocation reads from the call's own row: a change made there is seen without a query.
    return {"appropriation": str(call.appropriation), "unit": str(call.rounding_unit), "mode": call.rounding_mode}


def mark_stale(call: Call) -> None:
    """Inside a change's transaction: the round's ranking is recomputed by its next reader."""
    mark_stale_id(call.pk)


def current(call: Call) -> Ranking:
    """The round's ranking, up to date: no query of its own when the round was read by ``with_fingerprint``
    with its ranking (``select_related("ranking")``) and nothing changed since it was computed."""
    if "ranking" not in call._state.fields_cache:
        call = with_fingerprint(Call.objects.filter(pk=call.pk)).get()
    try:
        stored = call.ranking
    except Ranking.DoesNotExist:
        return refresh(call)
    if not stored.stale and stored.totals.get("fingerprint") == _fingerprint_of(call):
        return stored
    return refresh(call)


def refresh(call: Call) -> Ranking:
    """Recompute the round's ranking from the allocation and store what changed, under the ranking's row lock.

    A change committed meanwhile marks the row stale after this commits (its update waits for the lock), so
    the next reader computes again; readers meanwhile wait for this one and read its result.
    """
    from avustus.evaluation.proposals import compute_proposal, eligibility, presentable_version
    from avustus.evaluation.selectors import proposal_ranks

    with transaction.atomic():
        Ranking.objects.get_or_create(call=call)
        stored = Ranking.objects.select_for_update().get(call=call)
        # Read under the lock: what the ranking is computed from is what its fingerprint says.
        fresh = Call.objects.get(pk=call.pk)
        fingerprint = _fingerprint_of(fresh)
        computed = compute_proposal(fresh)
        result = computed.result
        figures = _review_figures(fresh)
        named = _reviewers(fresh)
        arrival = {ref: position for position, ref in enumerate(computed.applications)}
        wanted = {}
        for line in result.lines:
            app = computed.applications[line.key]
            score = computed.scores.get(line.key)
            spread, reviews = figures.get(app.pk, (None, 0))
            wanted[app.pk] = {
                "arrival": arrival[line.key], "sort_score": UNSCORED if score is None else score, "score": score,
                "spread": spread, "reviews": reviews, "outcome": line.outcome or "",
                "eligible": eligibility(app), "reviewers": named.get(app.pk, []),
                "amount": line.amount, "basis": line.basis,
            }
        _store_lines(stored, wanted)
        ranks = proposal_ranks(computed)
        stored.totals = {
            "budget": str(result.budget), "granted_total": str(result.granted_total), "counts": result.counts,
            "undecided": result.undecided, "cut": result.cut, "over_budget": result.over_budget,
            "cut_rank": ranks.get(result.cut) if result.cut else None,
            "present_version": presentable_version(computed),
            "seeded_on": seeded.isoformat() if (seeded := getattr(computed.seeded_from, "decided_on", None)) else None,
            "fingerprint": fingerprint,
        }
        stored.stale = False
        stored.save(update_fields=["totals", "stale"])
    return stored


def _review_figures(call: Call) -> dict[int, tuple[Decimal | None, int]]:
    """Each application's spread between counted reviewers and their number, in one query."""
    scores: dict[int, list[Decimal]] = {}
    for app_id, score in Assignment.objects.filter(COUNTED, application__call=call).values_list(
            "application_id", "weighted_score"):
        if score is not None:
            scores.setdefault(app_id, []).append(score)
    figures = {}
    for app_id, values in scores.items():
        summary = summarise(values)
        figures[app_id] = (summary.spread, summary.count)
    return figures


FIELDS = ("arrival", "sort_score", "score", "spread", "reviews", "eligible", "reviewers", "outcome", "amount",
          "basis")


def _reviewers(call: Call) -> dict[int, list]:
    named: dict[int, list] = {}
    conflicts = (Assignment.Conflict.DECLARED, Assignment.Conflict.EMPLOYED)
    for app_id, username, conflict, submitted in Assignment.objects.filter(application__call=call).order_by(
            "pk").values_list("application_id", "reviewer__username", "conflict", "submitted_at"):
        named.setdefault(app_id, []).append([username, conflict in conflicts, submitted is not None])
    return named


def _store_lines(ranking: Ranking, wanted: dict[int, dict]) -> None:
    """Write only the rows that differ from what is stored: a new score moves a few outcomes, not the round."""
    stored = {row.application_id: row for row in RankedLine.objects.filter(ranking=ranking)}
    RankedLine.objects.filter(ranking=ranking).exclude(application_id__in=list(wanted)).delete()
    created, changed = [], []
    for app_id, values in wanted.items():
        row = stored.get(app_id)
        if row is None:
            created.append(RankedLine(ranking=ranking, application_id=app_id, **values))
            continue
        if any(getattr(row, name) != values[name] for name in FIELDS):
            for name in FIELDS:
                setattr(row, name, values[name])
            changed.append(row)
    # Another round's line of the same application cannot exist: an application belongs to one call.
    RankedLine.objects.bulk_create(created, batch_size=500)
    RankedLine.objects.bulk_update(changed, FIELDS, batch_size=500)


def _changed(sender, instance, update_fields=None, **kwargs) -> None:
    from avustus.evaluation.models import Proposal, ProposalLine, Screening

    if isinstance(instance, Application):
        if instance.status != Application.Status.DRAFT:  # drafts are in no ranking
            mark_stale_id(instance.call_id)
    elif isinstance(instance, (Assignment, Screening, ProposalLine)):
        mark_stale_id(Application.objects.filter(pk=instance.application_id).values("call_id")[:1])
    elif isinstance(instance, Proposal) and (update_fields is None or "pass_mark" in update_fields):
        mark_stale_id(instance.call_id)  # of the proposal only its pass mark counts


# Every submission asks (the deadline burst's too): compiled once (avustus.prepared).
_MARK_STALE = PreparedUpdate(lambda call: Ranking.objects.filter(call_id=call, stale=False), {"stale": True},
                             call=int)


def _submitted(sender, *, application, **kwargs) -> None:
    _MARK_STALE.run(call=application.call_id)


def mark_stale_id(call_id) -> None:
    Ranking.objects.filter(call_id=call_id, stale=False).update(stale=True)


def connect() -> None:
    """Mark the round's ranking stale whenever a row it rests on is saved or deleted (called by the app's ready)."""
    from django.db.models.signals import post_delete, post_save

    from avustus import events
    from avustus.evaluation.models import Proposal, ProposalLine, Screening

    events.application_submitted.connect(_submitted, dispatch_uid="evaluation.ranking.submitted")

    for model in (Application, Assignment, Screening, ProposalLine, Proposal):
        uid = f"evaluation.ranking.{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(_changed, sender=model, dispatch_uid=uid + ".delete")
