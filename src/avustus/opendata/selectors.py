"""Read-only queries behind the open-data pages and exports: every published grant, filtered and paged.

Published: a submitted application of a published call that a signed decision has decided (granted,
deferred, rejected or withdrawn in the decision). Its current outcome is the newest signed one, as on the
round's own pages (``decisions.selectors``). Each function runs a fixed number of queries whatever the number
of rows: the page's rows with their annotations, the consortia prefetched once, and fixed look-ups.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum

from avustus.applications.models import Application, ConsortiumMember
from avustus.calls.models import Call, GrantGroup, Programme
from avustus.decisions.models import Outcome
from avustus.opendata.models import PublishedGrant
from avustus.opendata.published import ensure_fresh
from avustus.registry.models import Organisation

if TYPE_CHECKING:  # django-stubs-ext is a development dependency, needed only by the type checker
    from django_stubs_ext import WithAnnotations

ZERO = Decimal("0.00")


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


def published_applications(*, checked: bool = False) -> "QuerySet[WithAnnotations[Application, Published]]":
    """Every published application, annotated with its current outcome (from ``PublishedGrant``, rewritten when a
    decision is signed) and the lead's region; consortia prefetched. ``position`` is the lists' order.
    ``checked``: the caller has had the table brought up to date in this request (saves a query)."""
    if not checked:
        ensure_fresh()
    # Unordered: the members' default order would join and sort the application and its call for each row.
    lead = ConsortiumMember.objects.filter(application=OuterRef("pk"), role=ConsortiumMember.Role.LEAD).order_by()
    return (
        Application.objects.filter(published__isnull=False)
        .exclude(status=Application.Status.DRAFT)
        .exclude(call__status=Call.Status.DRAFT)
        .annotate(
            position=F("published__position"),
            outcome_kind=F("published__outcome_kind"),
            amount_granted=F("published__amount_granted"),
            decided_on=F("published__decided_on"),
            outcome_number=F("published__outcome_number"),
            group_code=F("published__group_code"),
            group_name_fi=F("published__group__name_fi"),
            group_name_sv=F("published__group__name_sv"),
            group_name_en=F("published__group__name_en"),
            recipient_key=F("published__recipient__key"),
            equal_share=F("published__share"),
            # Only the page's rows ask for it (an aggregate leaves an annotation it does not use out).
            lead_region=Subquery(lead.values("organisation__region_code")[:1]),
        )
        .select_related("call__programme")
        .prefetch_related(
            Prefetch("members", queryset=ConsortiumMember.objects.select_related("organisation").order_by("position"))
        )
    )


def listed(found: Any) -> Any:
    """``found`` (from ``published_applications``) as a list's rows: the lead's key and names as columns of the
    row (through the index of the one lead an application has) instead of every member prefetched."""
    # Unordered: the members' default order would join and sort the application and its call for each row.
    lead = ConsortiumMember.objects.filter(application=OuterRef("pk"), role=ConsortiumMember.Role.LEAD).order_by()
    return found.prefetch_related(None).annotate(
        lead_key=Subquery(lead.values("organisation__key")[:1]),
        lead_name_fi=Subquery(lead.values("organisation__name_fi")[:1]),
        lead_name_sv=Subquery(lead.values("organisation__name_sv")[:1]),
        lead_as_written=Subquery(lead.values("name_as_written")[:1]))


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

    def condition(self, *, on_grants: bool = False) -> Q:
        """The search as a condition on ``published_applications`` or, ``on_grants``, on ``PublishedGrant``
        itself (what the totals add up without reading the applications)."""
        p, pk = ("", "application_id") if on_grants else ("published__", "pk")
        found = Q()
        if self.programme:
            found &= Q(**{f"{p}programme__slug": self.programme})
        if self.call:
            found &= Q(**{f"{p}call__slug": self.call})
        if self.year:
            found &= Q(**{f"{p}year": self.year})
        if self.group:
            found &= Q(**{f"{p}group_code": self.group})
        if self.outcome:
            found &= Q(**{f"{p}outcome_kind": self.outcome})
        # Membership as "id IN (the body's applications)": the database starts from the member index.
        if self.organisation:
            found &= Q(**{f"{pk}__in": ConsortiumMember.objects.filter(
                organisation__key=self.organisation).values("application_id")})
        if self.region:
            found &= Q(**{f"{pk}__in": ConsortiumMember.objects.filter(
                organisation__region_code=self.region).values("application_id")})
        if self.min_amount is not None:
            found &= Q(**{f"{p}amount_granted__gte": self.min_amount})
        if self.max_amount is not None:
            found &= Q(**{f"{p}amount_granted__lte": self.max_amount})
        return found

    def apply(self, found: Any) -> Any:
        return found.filter(self.condition())

    def awarded(self) -> Any:
        """The awarded grants among what the search finds, which is what the exports publish (a search for
        rejected applications has none)."""
        return self.apply(published_applications()).filter(outcome_kind=Outcome.Kind.GRANTED)


# The lists' order: newest round first, then the round's own order, one unique stored column (web.paging's key).
ORDER = (("position", False, False),)


@dataclass(frozen=True)
class Totals:
    applications: int
    applied: Decimal
    granted: Decimal
    granted_count: int


def search_grants(search: GrantSearch) -> QuerySet[PublishedGrant]:
    """What a search finds as published grants alone: what its totals add up and its pages are found in
    (``web.paging``'s ``keys_from``: the same rows, ``position`` the order, the application's id the key)."""
    # The draft calls as "NOT IN (a few ids)" rather than a join on the calls: a join let SQLite start from the
    # calls and sort every grant of the others; this way an unfiltered page is read down the position index.
    drafts = Call.objects.filter(status=Call.Status.DRAFT).values("pk")
    return PublishedGrant.objects.exclude(call__in=drafts).filter(search.condition(on_grants=True))


def search_totals(search: GrantSearch) -> Totals:
    """Counts and sums of a search, in one query on the published grants alone (the search's own page count)."""
    return totals(search_grants(search))


def totals(found: Any) -> Totals:
    """Counts and sums of a search, in one query (also the count its pages are numbered by)."""
    row = found.order_by().aggregate(
        applications=Count("pk"), applied=Sum("amount_applied"), granted=Sum("amount_granted"),
        granted_count=Count("pk", filter=Q(outcome_kind=Outcome.Kind.GRANTED)),
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
    the pages label as such. Stored with the published grant (``published._grant``), counted as ``bodies`` does.
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

    @property
    def applications(self) -> int:
        return self.led + self.joined


def organisation_applications(organisation: Organisation) -> Any:
    """Every published application the body led or joined across rounds, ``led`` saying which."""
    mine = ConsortiumMember.objects.filter(organisation=organisation)
    return published_applications().filter(pk__in=mine.values("application_id")).annotate(
        led=Exists(mine.filter(application=OuterRef("pk"), role=ConsortiumMember.Role.LEAD)))


def organisation_record(organisation: Organisation, found: Any = None) -> OrganisationRecord:
    """The body's counts and sums across rounds in one query; its rows are the caller's page (``add_rows``)."""
    found = organisation_applications(organisation) if found is None else found
    granted = Q(outcome_kind=Outcome.Kind.GRANTED)
    row = found.order_by().aggregate(
        n_led=Count("pk", filter=Q(led=True)), n_joined=Count("pk", filter=Q(led=False)),
        granted_led=Sum("amount_granted", filter=granted & Q(led=True)),
        granted_joined=Sum("amount_granted", filter=granted & Q(led=False)),
        share_total=Sum("equal_share", filter=granted))
    return OrganisationRecord(organisation, [], row["n_led"], row["n_joined"], row["granted_led"] or ZERO,
                              row["granted_joined"] or ZERO, row["share_total"] or ZERO)


def add_rows(record: OrganisationRecord, applications: list) -> OrganisationRecord:
    """The page's applications (from ``organisation_applications``) as the body's rows."""
    record.rows = [OrganisationRow(app, ConsortiumMember.Role.LEAD if app.led else ConsortiumMember.Role.PARTNER,
                                   app.equal_share if app.outcome_kind == Outcome.Kind.GRANTED else None)
                   for app in applications]
    return record


@dataclass(frozen=True)
class RoundFigures:
    call: Call
    applications: int
    applied: Decimal
    granted_count: int
    granted: Decimal


def programme_rounds(programme: Programme, *, checked: bool = False) -> list[RoundFigures]:
    """The programme's published rounds, oldest first, each with its counts and sums (two queries, the sums
    added up by the database per round)."""
    calls = list(programme.calls.exclude(status=Call.Status.DRAFT).order_by("closes_at", "id"))
    granted = Q(outcome_kind=Outcome.Kind.GRANTED)
    if not checked:
        ensure_fresh()
    sums = {r["call_id"]: r for r in PublishedGrant.objects.filter(programme=programme).order_by()
            .values("call_id").annotate(n=Count("pk"), applied=Sum("amount_applied"), granted_count=Count(
                "pk", filter=granted), granted=Sum("amount_granted", filter=granted))}
    empty: dict[str, Any] = {"n": 0, "applied": ZERO, "granted_count": 0, "granted": ZERO}
    return [RoundFigures(call, (r := sums.get(call.pk, empty))["n"], r["applied"] or ZERO, r["granted_count"],
                         r["granted"] or ZERO) for call in calls]


CACHE_SECONDS = 300  # the registry's names may change without a signing; five minutes is soon enough


def cached(stamp: str, what: str, compute: Callable[[], Any]) -> Any:
    """``compute()`` once per rewrite of the published table (``stamp`` from ``published.ensure_fresh``)."""
    key = "open:" + hashlib.sha256(f"{stamp}|{what}".encode()).hexdigest()
    return cache.get_or_set(key, compute, CACHE_SECONDS)


def search_choices(stamp: str, lang: str) -> dict[str, list[tuple[str, str]]]:
    """The search's choices as (value, label) in ``lang``: programmes, rounds, groups, bodies and regions, from
    three queries once per rewrite of the published table (and five minutes)."""
    def compute() -> dict[str, list[tuple[str, str]]]:
        calls = list(Call.objects.exclude(status=Call.Status.DRAFT).select_related("programme")
                     .order_by("-closes_at", "slug"))
        programmes = sorted({c.programme.pk: c.programme for c in calls}.values(), key=lambda p: p.slug)
        sv = lang == "sv"
        groups: dict[str, str] = {}
        for code, fi, name_sv in (GrantGroup.objects.exclude(call__status=Call.Status.DRAFT).order_by("code", "id")
                                  .values_list("code", "name_fi", "name_sv")):
            groups.setdefault(code, name_sv if sv and name_sv else fi)
        bodies = list(Organisation.objects.filter(kind__in=[Organisation.Kind.MUNICIPALITY,
                                                            Organisation.Kind.JOINT_AUTHORITY]).order_by("name_fi"))
        regions = sorted({(o.region_code, o.region_name_sv if sv and o.region_name_sv else o.region_name_fi)
                          for o in bodies if o.kind == Organisation.Kind.MUNICIPALITY and o.region_code})
        return {
            "programmes": [(p.slug, p.name_sv if sv and p.name_sv else p.name_fi) for p in programmes],
            "calls": [(c.slug, c.title(lang)) for c in calls],
            "groups": list(groups.items()),
            "bodies": [(o.key, o.name(lang)) for o in bodies],
            "regions": regions,
        }
    return cached(stamp, f"choices|{lang}", compute)


def public_programmes() -> QuerySet[Programme]:
    return Programme.objects.filter(calls__in=Call.objects.exclude(status=Call.Status.DRAFT)).distinct()


def regions() -> list[tuple[str, str, str]]:
    """The regions (code, Finnish name, Swedish name) of the registry's municipalities, by code."""
    return list(Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY).exclude(region_code="")
                .values_list("region_code", "region_name_fi", "region_name_sv").distinct().order_by("region_code"))
