"""Keeping ``PublishedGrant`` what the signed decisions say: rewritten whole when a decision has been signed since.

The signed decisions are counted and their newest id taken (one query on a small table); when that differs from
what the table was written from, the first reader rewrites it under the state row's lock, which costs about what
one search did before the table existed, once per signing. Decisions are signed a few times a year, imported
rounds are signed decisions too, and signed outcomes never change, so nothing else can make the table stale.
Whether the call is a draft and whether the application is a draft are asked when reading, not stored.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Exists, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce

from avustus.applications.models import Application, ConsortiumMember
from avustus.decisions.models import Decision, Outcome
from avustus.decisions.selectors import newest_outcomes
from avustus.opendata.models import PublishedGrant, PublishedState

BATCH = 2000


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
    """Rewrite the table if a decision was signed since it was written (one query when nothing was).

    Returns a stamp of what the table holds, which changes whenever it is rewritten: a key for caching what is
    worked out from it (``selectors.cached``)."""
    row = _signed()
    if row["stored"] != fingerprint(row):
        return refresh()
    return f"{row['stored']}@{row['written']}"


def _decided() -> list[Any]:
    """Every application decided in a signed decision, with its newest signed outcome (the slow way, once)."""
    newest = newest_outcomes()
    return list(
        Application.objects.exclude(status=Application.Status.DRAFT).filter(Exists(Outcome.objects.filter(application=OuterRef("pk"),
                                                                 decision__status=Decision.Status.SIGNED)))
        .order_by("-call_id", "id")
        .annotate(
            outcome_kind=Subquery(newest.values("kind")[:1]),
            granted=Subquery(newest.values("amount_granted")[:1]),
            decided_on=Subquery(newest.values("decision__decided_on")[:1]),
            outcome_number=Subquery(newest.values("number")[:1]),
            group_id=Subquery(newest.values("group_id")[:1]),
            group_code=Subquery(newest.values("group__code")[:1]),
            recipient_id=Subquery(newest.values("recipient_id")[:1]),
        )
        .values("id", "call_id", "call__programme_id", "amount_applied", "outcome_kind", "granted", "decided_on",
                "outcome_number", "group_id", "group_code", "recipient_id"))


def _bodies(ids: set[int]) -> dict[int, int]:
    """Distinct bodies of each consortium, as ``selectors.bodies`` counts them (a body listed twice counts once)."""
    seen: dict[int, set] = {}
    for app, org, name in ConsortiumMember.objects.order_by().values_list("application_id", "organisation_id",
                                                                            "name_as_written").iterator(BATCH):
        if app in ids:
            seen.setdefault(app, set()).add(("org", org) if org else ("name", name))
    return {app: len(found) for app, found in seen.items()}


def refresh() -> str:
    with transaction.atomic():
        state, _created = PublishedState.objects.select_for_update().get_or_create(pk=1)
        current = fingerprint()
        if state.fingerprint == current:  # another reader rewrote it while this one waited for the lock
            return f"{state.fingerprint}@{state.refreshed_at}"
        rows = _decided()
        bodies = _bodies({r["id"] for r in rows})
        PublishedGrant.objects.all().delete()
        PublishedGrant.objects.bulk_create((_grant(position, row, bodies.get(row["id"], 1))
                                            for position, row in enumerate(rows, start=1)), batch_size=BATCH)
        state.fingerprint = current
        state.save()
        if connection.vendor == "postgresql":  # the planner's statistics of a table just rewritten whole
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {PublishedGrant._meta.db_table}")
    return f"{state.fingerprint}@{state.refreshed_at}"


def _grant(position: int, row: Any, bodies: int) -> PublishedGrant:
    granted = row["granted"] if row["outcome_kind"] == Outcome.Kind.GRANTED else None
    decided_on: date | None = row["decided_on"]
    share = (granted / max(bodies, 1)).quantize(Decimal("0.01"), rounding="ROUND_DOWN") if granted else None
    return PublishedGrant(
        application_id=row["id"], call_id=row["call_id"], programme_id=row["call__programme_id"], position=position,
        outcome_kind=row["outcome_kind"], amount_applied=row["amount_applied"], amount_granted=row["granted"],
        decided_on=decided_on, year=decided_on.year if decided_on else None, outcome_number=row["outcome_number"],
        group_id=row["group_id"], group_code=row["group_code"] or "", recipient_id=row["recipient_id"],
        bodies=bodies, share=share)
