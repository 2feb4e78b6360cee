"""Keeping ``PublishedGrant`` what the signed decisions say: rewritten where a decision has been signed since.

The signed decisions are counted and their newest id taken (one query on a small table); when that differs from
what the table was written from, the rewrite replaces the rows of the applications that the newly signed
decisions decide (an application's current outcome is the newest signed one, so only theirs can change), under
the state row's lock. A signing queues the rewrite as a task (``receivers``, ``tasks.refresh_published``); a
reader that finds the table stale rewrites it itself only when that is quick (at most ``INLINE_OUTCOMES``
outcomes to write, or a table never written) and otherwise reads it as it is, behind by the task's delay, rather
than wait seconds for a big round. Decisions are signed a few times a year, imported rounds are signed decisions
too, and signed outcomes never change, so nothing else can make the table stale. Whether the call is a draft is
asked when reading, not stored.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Max, Subquery
from django.db.models.functions import Coalesce

from avustus.applications.models import Application, ConsortiumMember
from avustus.decisions.models import Decision, Outcome
from avustus.opendata.models import PublishedGrant, PublishedState

BATCH = 2000
# A reader rewrites a stale table itself up to this many outcomes to write (some 0.6 s); beyond, the task does.
INLINE_OUTCOMES = 1000


def position(call_id: int, application_id: int) -> int:
    """The lists' order as one number: newest round (highest id) first, then the round's applications by id."""
    return ((1 << 31) - call_id) * (1 << 32) + application_id


def _signed() -> dict:
    """The signed decisions' count and newest id, and the fingerprint the table was written from, in one query."""
    state = PublishedState.objects.filter(pk=1)
    return Decision.objects.filter(status=Decision.Status.SIGNED).aggregate(
        n=Count("id"), newest=Coalesce(Max("id"), 0), stored=Max(Subquery(state.values("fingerprint")[:1])),
        written=Max(Subquery(state.values("refreshed_at")[:1])))


def fingerprint(row: dict | None = None) -> str:
    row = _signed() if row is None else row
    return f"{row['n']}:{row['newest']}"


def ensure_fresh() -> str:
    """Rewrite what a decision signed since changed (one query when nothing was).

    Returns a stamp of what the table holds, which changes whenever it is rewritten: a key for caching what is
    worked out from it (``selectors.cached``)."""
    row = _signed()
    if row["stored"] != fingerprint(row) and (row["stored"] is None or _to_write() <= INLINE_OUTCOMES):
        return refresh()
    return f"{row['stored']}@{row['written']}"


def _to_write() -> int:
    """The outcomes of the signed decisions the table was not written from (what a rewrite would read)."""
    written = PublishedState.objects.filter(pk=1).values_list("decisions", flat=True).first() or []
    return Outcome.objects.filter(decision__status=Decision.Status.SIGNED).exclude(decision_id__in=written).count()


def _newest(applications) -> dict[int, Any]:
    """Each application's current outcome: its newest signed one, as ``decisions.selectors`` orders them."""
    found: dict[int, Any] = {}
    outcomes = (Outcome.objects.filter(application__in=applications, decision__status=Decision.Status.SIGNED)
                .order_by("application_id", F("decision__decided_on").desc(nulls_last=True), "-decision_id")
                .values("application_id", "kind", "amount_granted", "decision__decided_on", "number", "group_id",
                        "group__code", "recipient_id"))
    for outcome in outcomes.iterator(BATCH):
        found.setdefault(outcome["application_id"], outcome)
    return found


def _bodies(applications) -> dict[int, int]:
    """Distinct bodies of each consortium, as ``selectors.bodies`` counts them (a body listed twice counts once)."""
    seen: dict[int, set] = {}
    members = ConsortiumMember.objects.filter(application__in=applications).order_by()
    for app, org, name in members.values_list("application_id", "organisation_id", "name_as_written").iterator(BATCH):
        seen.setdefault(app, set()).add(("org", org) if org else ("name", name))
    return {app: len(found) for app, found in seen.items()}


def refresh() -> str:
    with transaction.atomic():
        state = PublishedState.objects.select_for_update(skip_locked=True).filter(pk=1).first()
        if state is None:
            as_was = PublishedState.objects.filter(pk=1).values("fingerprint", "refreshed_at").first()
            if as_was is not None:
                # Another reader is rewriting it (seconds, when a big round was signed): this one reads the table as
                # it was rather than wait. (PostgreSQL; SQLite writes one at a time anyway.)
                return f"{as_was['fingerprint']}@{as_was['refreshed_at']}"
            state, _created = PublishedState.objects.select_for_update().get_or_create(pk=1)
        current = fingerprint()
        if state.fingerprint == current:  # another reader rewrote it while this one waited for the lock
            return f"{state.fingerprint}@{state.refreshed_at}"
        signed = set(Decision.objects.filter(status=Decision.Status.SIGNED).values_list("id", flat=True))
        written = set(state.decisions)
        if written <= signed:
            affected = Outcome.objects.filter(decision_id__in=signed - written).values("application_id")
            PublishedGrant.objects.filter(application__in=affected).delete()
        else:  # a decision it was written from is no longer signed (not a step the code takes): all again
            affected = Outcome.objects.filter(decision_id__in=signed).values("application_id")
            PublishedGrant.objects.all().delete()
        applications = Application.objects.filter(pk__in=affected).exclude(status=Application.Status.DRAFT)
        newest = _newest(applications.values("pk"))
        bodies = _bodies(applications.values("pk"))
        rows = applications.order_by().values("id", "call_id", "call__programme_id", "amount_applied")
        PublishedGrant.objects.bulk_create((_grant(row, newest[row["id"]], bodies.get(row["id"], 1))
                                            for row in rows.iterator(BATCH) if row["id"] in newest),
                                           batch_size=BATCH)
        state.fingerprint, state.decisions = current, sorted(signed)
        state.save()
        if connection.vendor == "postgresql":  # the planner's statistics of a table just rewritten
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {PublishedGrant._meta.db_table}")
    return f"{state.fingerprint}@{state.refreshed_at}"


def _grant(row: Any, outcome: Any, bodies: int) -> PublishedGrant:
    granted = outcome["amount_granted"] if outcome["kind"] == Outcome.Kind.GRANTED else None
    decided_on: date | None = outcome["decision__decided_on"]
    share = (granted / max(bodies, 1)).quantize(Decimal("0.01"), rounding="ROUND_DOWN") if granted else None
    return PublishedGrant(
        application_id=row["id"], call_id=row["call_id"], programme_id=row["call__programme_id"],
        position=position(row["call_id"], row["id"]), outcome_kind=outcome["kind"],
        amount_applied=row["amount_applied"], amount_granted=outcome["amount_granted"], decided_on=decided_on,
        year=decided_on.year if decided_on else None, outcome_number=outcome["number"], group_id=outcome["group_id"],
        group_code=outcome["group__code"] or "", recipient_id=outcome["recipient_id"], bodies=bodies, share=share)


