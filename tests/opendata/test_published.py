"""The published grants table: what the public pages read, rewritten when a decision is signed, and the pages'
queries, the same for a few rows and a page's worth and more."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from avustus.applications.models import Application, ConsortiumMember
from avustus.calls.models import Call, Programme
from avustus.decisions.models import Decision, Outcome
from avustus.opendata.models import PublishedGrant
from avustus.opendata.published import ensure_fresh
from avustus.registry.models import Organisation
from avustus.registry.services import sync_registry


def _round(n: int, *, slug: str = "bench", signed: bool = True) -> Call:
    """A round of ``n`` applications, each led by one municipality and joined by two others (the first
    municipality in all), decided in one decision: every third granted 50 000 €."""
    programme, _ = Programme.objects.get_or_create(slug=f"p-{slug}", defaults={"name_fi": f"Ohjelma {slug}"})
    municipalities = list(Organisation.objects.filter(kind="municipality", valid_to__isnull=True).order_by("code"))
    call = Call.objects.create(programme=programme, slug=slug, title_fi="Haku", status=Call.Status.DECIDED)
    apps = Application.objects.bulk_create(
        Application(call=call, reference=f"{slug}-{i:03}", title=f"Hanke {i}", status="submitted",
                    amount_applied=Decimal(100000 + i), source_row=i) for i in range(n))
    ConsortiumMember.objects.bulk_create(
        ConsortiumMember(application=a, organisation=municipalities[0 if k == 3 else 1 + (i * k) % 200],
                         name_as_written="x", role="lead" if k == 1 else "partner", position=k)
        for i, a in enumerate(apps) for k in (1, 2, 3))
    decision = Decision.objects.create(call=call, status=Decision.Status.SIGNED if signed else Decision.Status.DRAFT,
                                       decided_on=date(2026, 2, 1))
    Outcome.objects.bulk_create(
        Outcome(decision=decision, application=a, kind="granted" if i % 3 == 0 else "rejected",
                amount_granted=Decimal(50000) if i % 3 == 0 else None, number=i) for i, a in enumerate(apps))
    return call


@pytest.fixture
def registry(db):
    sync_registry()


def _queries(client, url: str, **params) -> int:
    client.get(url, params)  # the first reader after a signing rewrites the table: not what is counted
    cache.clear()  # what is cached per rewrite (the search's totals and choices) is counted too
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["search", "municipality", "programme"])
def test_a_page_runs_as_many_queries_for_five_rows_as_for_sixty(client, registry, page):
    first = Organisation.objects.filter(kind="municipality", valid_to__isnull=True).order_by("code").first()
    urls = {"search": (reverse("open-grants"), {"call": "few"}, {"call": "many"}),
            "municipality": (reverse("open-organisation", args=[first.key]), {}, {}),
            "programme": (reverse("open-programme", args=["p-few"]), {}, {})}
    url, few_params, many_params = urls[page]
    _round(5, slug="few")
    few = _queries(client, url, **few_params)
    _round(60, slug="many")
    if page == "programme":
        url = reverse("open-programme", args=["p-many"])
    many = _queries(client, url, **many_params)
    assert few == many <= 8
    rows = client.get(url, many_params).context["page"].rows
    assert len(rows) == (5 if page == "programme" and url.endswith("p-few/") else 50)


def test_the_table_follows_the_signed_decisions(client, registry):
    call = _round(6, slug="one", signed=False)
    ensure_fresh()
    assert not PublishedGrant.objects.exists()  # a draft decision publishes nothing
    decision = call.decisions.get()
    Decision.objects.filter(pk=decision.pk).update(status=Decision.Status.SIGNED)
    ensure_fresh()
    grants = {g.application.source_row: g for g in PublishedGrant.objects.select_related("application")}
    assert set(grants) == set(range(6))
    assert grants[0].outcome_kind == "granted" and grants[0].amount_granted == Decimal("50000.00")
    # Three distinct bodies share the grant equally, to the cent, rounded down; a body listed twice counts once.
    assert grants[3].bodies == 3 and grants[3].share == Decimal("16666.66")
    assert grants[0].bodies == 2 and grants[0].share == Decimal("25000.00")
    assert grants[1].outcome_kind == "rejected" and grants[1].share is None and grants[1].year == 2026
    # A later signed decision on the same application is its current outcome.
    later = Decision.objects.create(call=call, status=Decision.Status.DRAFT, decided_on=date(2026, 5, 1))
    Outcome.objects.create(decision=later, application=grants[1].application, kind="granted",
                           amount_granted=Decimal("1000.00"))
    Decision.objects.filter(pk=later.pk).update(status=Decision.Status.SIGNED)
    response = client.get(reverse("open-grants"), {"outcome": "granted", "year": "2026"})
    assert response.context["totals"].granted_count == 3
    assert response.context["totals"].granted == Decimal("101000.00")
    assert PublishedGrant.objects.get(application=grants[1].application).decided_on == date(2026, 5, 1)


def test_a_newer_round_comes_first_and_the_order_is_one_stored_key(client, registry):
    old, new = _round(3, slug="old"), _round(3, slug="new")
    rows = client.get(reverse("open-grants")).context["page"].rows
    assert [a.call_id for a in rows] == [new.pk] * 3 + [old.pk] * 3
    assert [a.source_row for a in rows] == [0, 1, 2, 0, 1, 2]
    assert [a.position for a in rows] == sorted(a.position for a in rows)


@pytest.mark.django_db(transaction=True)
def test_a_reader_reads_the_table_as_it_was_while_another_rewrites_it(registry):
    import threading

    from django.db import transaction

    from avustus.opendata.models import PublishedState

    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes one transaction at a time: there is no lock to skip")
    _round(3, slug="a")
    ensure_fresh()
    _round(2, slug="b")  # a decision signed since: the table is stale
    locked, release = threading.Event(), threading.Event()

    def rewriting():  # another reader holding the state row, as a rewrite does
        with transaction.atomic():
            PublishedState.objects.select_for_update().get(pk=1)
            locked.set()
            release.wait(30)
        connection.close()

    other = threading.Thread(target=rewriting)
    other.start()
    try:
        assert locked.wait(30)
        ensure_fresh()
        assert PublishedGrant.objects.count() == 3  # not waited for, not rewritten twice
    finally:
        release.set()
        other.join()
    ensure_fresh()
    assert PublishedGrant.objects.count() == 5
