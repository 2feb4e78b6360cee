"""Read-only queries behind the open-data pages and exports: every published grant, filtered and paged.

Published: a submitted application of a published call that a signed decision has decided (granted,
deferred, rejected or withdrawn in the decision). Its current outcome is the newest signed one, as on the
round's own pages (``decisions.selectors``). Each function runs a fixed number of queries whatever the number
of rows: the page's rows with their annotations, the consortia prefetched once, and fixed look-ups.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum

from avustus.applications.models import Application, ConsortiumMember
from avustus.calls.models import Call, Programme
from avustus.decisions.models import Decision, Outcome
from avustus.decisions.selectors import newest_outcomes
from avustus.registry.models import Organisation

if TYPE_CHECKING:  # django-stubs-ext is a development dependency, needed only by the type checker
    from django_stubs_ext import WithAnnotations

ZERO = Decimal("0.00")
PAGE_SIZE = 50


class Published(TypedDict):
    """What ``published_applications`` adds to each application."""

    outcome_kind: str
    amount_granted: Decimal | None
    decided_on: date | None
    outcome_number: int | None
    group_code: str | None
    group_name_fi: str | None
    group_name_sv: str | None
    group_name_en: str | None
    recipient_key: str | None
    lead_region: str | None


def published_applications() -> "QuerySet[WithAnnotations[Application, Published]]":
    """Every published application, annotated with its current outcome and the lead's region; consortia prefetched."""
    newest = newest_outcomes()
    lead = ConsortiumMember.objects.filter(application=OuterRef("pk"), role=ConsortiumMember.Role.LEAD)
    return (
        Application.objects.exclude(status=Application.Status.DRAFT)
        .exclude(call__status=Call.Status.DRAFT)
        .annotate(
            outcome_kind=Subquery(newest.values("kind")[:1]),
            amount_granted=Subquery(newest.values("amount_granted")[:1]),
            decided_on=Subquery(newest.values("decision__decided_on")[:1]),
            outcome_number=Subquery(newest.values("number")[:1]),
            group_code=Subquery(newest.values("group__code")[:1]),
            group_name_fi=Subquery(newest.values("group__name_fi")[:1]),
            group_name_sv=Subquery(newest.values("group__name_sv")[:1]),
            group_name_en=Subquery(newest.values("group__name_en")[:1]),
            recipient_key=Subquery(newest.values("recipient__key")[:1]),
            lead_region=Subquery(lead.values("organisation__region_code")[:1]),
        )
        # Decided in a signed decision: the same as "has a current outcome", asked without sorting the outcomes.
        .filter(Exists(Outcome.objects.filter(application=OuterRef("pk"), decision__status=Decision.Status.SIGNED)))
        .select_related("call__programme")
        .prefetch_related(
            Prefetch("members", queryset=ConsortiumMember.objects.select_related("organisation").order_by("position"))
        )
    )


@dataclass(frozen=True)
class GrantSearch:
    """What a search of published grants asks for; empty fields do not filter."""

    programme: str = ""
    call: str = ""
    year: int | None = None
    group: str = ""
    outcome: str = ""
    organisation: str = ""  # a registry key: the body led or joined the application
    region: str = ""  # a region (maakunta) code: a body of the consortium belongs to it
    min_amount: Decimal | None = None  # granted, in euros
    max_amount: Decimal | None = None

    def apply(self, found: Any) -> Any:
        if self.programme:
            found = found.filter(call__programme__slug=self.programme)
        if self.call:
            found = found.filter(call__slug=self.call)
        if self.year:
            found = found.filter(decided_on__gte=date(self.year, 1, 1), decided_on__lte=date(self.year, 12, 31))
        if self.group:
            found = found.filter(group_code=self.group)
        if self.outcome:
            found = found.filter(outcome_kind=self.outcome)
        # Membership as "id IN (the body's applications)": the database starts from the member index instead of
        # computing every published application's outcome first.
        if self.organisation:
            found = found.filter(pk__in=ConsortiumMember.objects.filter(
                organisation__key=self.organisation).values("application_id"))
        if self.region:
            found = found.filter(pk__in=ConsortiumMember.objects.filter(
                organisation__region_code=self.region).values("application_id"))
        if self.min_amount is not None:
            found = found.filter(amount_granted__gte=self.min_amount)
        if self.max_amount is not None:
            found = found.filter(amount_granted__lte=self.max_amount)
        return found

    def awarded(self) -> Any:
        """The awarded grants among what the search finds, which is what the exports publish (a search for
        rejected applications has none)."""
        return self.apply(published_applications()).filter(outcome_kind=Outcome.Kind.GRANTED)


# Newest round first, then the round's own order; application ids break ties and make the key unique.
ORDER = ("-call_id", "id")


def parse_cursor(text: str) -> tuple[int, int] | None:
    """``"<call id>.<application id>"`` of the last row shown, or None for the first page (and for nonsense)."""
    parts = (text or "").split(".")
    if len(parts) != 2 or not all(p.isdigit() and len(p) <= 12 for p in parts):
        return None
    return int(parts[0]), int(parts[1])


@dataclass
class Page:
    rows: list[Application]
    next_cursor: str | None
    first: bool


def keyset_page(found: Any, cursor: tuple[int, int] | None, size: int = PAGE_SIZE) -> Page:
    """One page after ``cursor`` in ``ORDER``: a seek on an index, not an OFFSET that reads every row before it."""
    if cursor is not None:
        call_id, app_id = cursor
        found = found.filter(Q(call_id__lt=call_id) | Q(call_id=call_id, id__gt=app_id))
    # The page's ids first, without the outcome columns (a database would otherwise work them out for every row it
    # sorts), then those rows with their columns and consortia: one query more, whatever the number of rows.
    ids = list(found.order_by(*ORDER).values_list("pk", flat=True)[: size + 1])
    more = len(ids) > size
    ids = ids[:size]
    by_id = {a.pk: a for a in found.filter(pk__in=ids)}
    rows = [by_id[pk] for pk in ids]
    last = rows[-1] if rows else None
    return Page(rows, f"{last.call_id}.{last.pk}" if more and last else None, cursor is None)


@dataclass(frozen=True)
class Totals:
    applications: int
    applied: Decimal
    granted: Decimal
    granted_count: int


def totals(found: Any) -> Totals:
    """Counts and sums of a search, in one query."""
    from django.db.models import Count

    row = found.order_by().aggregate(
        applications=Count("id"), applied=Sum("amount_applied"), granted=Sum("amount_granted"),
        granted_count=Count("id", filter=Q(outcome_kind=Outcome.Kind.GRANTED)),
    )
    return Totals(row["applications"] or 0, row["applied"] or ZERO, row["granted"] or ZERO, row["granted_count"] or 0)


def bodies(application: Application) -> list[ConsortiumMember]:
    """The consortium's bodies once each (a lead also listed as a partner counts once), lead first."""
    seen, found = set(), []
    for member in sorted(application.members.all(), key=lambda m: (m.role != ConsortiumMember.Role.LEAD, m.position)):
        key = ("org", member.organisation_id) if member.organisation_id else ("name", member.name_as_written)
        if key not in seen:
            seen.add(key)
            found.append(member)
    return found


def share(application: Any) -> Decimal | None:
    """A body's share of the grant if it were split equally among the consortium's bodies, to the cent (floor).

    The decision grants the whole sum to the lead and does not split it; the equal split is an estimate
    the pages label as such.
    """
    if application.amount_granted is None:
        return None
    n = len(bodies(application)) or 1
    return (application.amount_granted / n).quantize(Decimal("0.01"), rounding="ROUND_DOWN")


@dataclass
class OrganisationRow:
    application: Application
    role: str  # lead or partner
    share: Decimal | None


@dataclass
class OrganisationRecord:
    organisation: Organisation
    rows: list[OrganisationRow] = field(default_factory=list)
    led: int = 0
    joined: int = 0
    granted_led: Decimal = ZERO
    granted_joined: Decimal = ZERO
    share_total: Decimal = ZERO


def organisation_record(organisation: Organisation) -> OrganisationRecord:
    """Every published application the body led or joined across rounds, with its role and equal share."""
    found = published_applications().filter(pk__in=ConsortiumMember.objects.filter(
        organisation=organisation).values("application_id")).order_by("-call__closes_at", "call_id",
                                                                           "source_row", "id")
    record = OrganisationRecord(organisation)
    for app in found:
        mine = [m for m in app.members.all() if m.organisation_id == organisation.pk]
        role = (ConsortiumMember.Role.LEAD if any(m.role == ConsortiumMember.Role.LEAD for m in mine)
                else ConsortiumMember.Role.PARTNER)
        part = share(app) if app.outcome_kind == Outcome.Kind.GRANTED else None
        record.rows.append(OrganisationRow(app, role, part))
        granted = (app.amount_granted or ZERO) if app.outcome_kind == Outcome.Kind.GRANTED else ZERO
        if role == ConsortiumMember.Role.LEAD:
            record.led += 1
            record.granted_led += granted
        else:
            record.joined += 1
            record.granted_joined += granted
        record.share_total += part or ZERO
    return record


@dataclass(frozen=True)
class RoundFigures:
    call: Call
    applications: int
    applied: Decimal
    granted_count: int
    granted: Decimal


def programme_rounds(programme: Programme) -> list[RoundFigures]:
    """The programme's published rounds, oldest first, each with its counts and sums (two queries)."""
    calls = list(programme.calls.exclude(status=Call.Status.DRAFT).order_by("closes_at", "id"))
    rows = list(published_applications().filter(call__programme=programme).order_by()
                .values("call_id", "amount_applied", "outcome_kind", "amount_granted"))
    figures = []
    for call in calls:
        mine = [r for r in rows if r["call_id"] == call.pk]
        granted = [r for r in mine if r["outcome_kind"] == Outcome.Kind.GRANTED]
        figures.append(RoundFigures(call, len(mine), sum((r["amount_applied"] for r in mine), ZERO), len(granted),
                                    sum((r["amount_granted"] or ZERO for r in granted), ZERO)))
    return figures


def public_programmes() -> QuerySet[Programme]:
    return Programme.objects.filter(calls__in=Call.objects.exclude(status=Call.Status.DRAFT)).distinct()


def regions() -> list[tuple[str, str, str]]:
    """The regions (code, Finnish name, Swedish name) of the registry's municipalities, by code."""
    return list(Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY).exclude(region_code="")
                .values_list("region_code", "region_name_fi", "region_name_sv").distinct().order_by("region_code"))
