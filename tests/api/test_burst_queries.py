"""The deadline burst's three requests (create, fill, submit) through the API with a bearer token, as
``benchmarks/deadline_burst.py`` sends them: how many SQL statements each costs may not grow again
(docs/performance.md), and what they answer and store is still whole."""

import json
import uuid

import pytest
from django.test import Client

from avustus.actors import SYSTEM

pytestmark = pytest.mark.django_db

BASE = "/api/v1"
# Measured on SQLite and PostgreSQL with the savepoints of the test's own transaction counted (they stand in
# for BEGIN and COMMIT): 75 statements for the three before the burst's work (issue 15), 50 after, 48 once
# the receipt was queued without a savepoint of its own (session 22). On
# PostgreSQL the audit entry is written unsealed (one INSERT instead of locking the head, inserting and moving
# the head: two fewer in each request's transaction) and sealed after the commit in a transaction of its own,
# counted apart (SEAL): it holds the head for those statements only, and one sealing serves every writer
# that committed meanwhile. Fill 18 -> 14 (16 -> 12 on PostgreSQL) in session 23: one UPDATE both locks the
# draft opened at the version sent and saves it (no SELECT ... FOR UPDATE), and the partners and budget lines
# are written only where they differ from the rows read when it was opened (a first fill inserts, nothing to
# read or delete).
# Session 23 too: a submission writes the draft it checked with one conditional UPDATE
# (still a draft at the version read) instead of reading the row locked first (submit 16 -> 15, 14 -> 13).
COUNTS = {"sqlite": (14, 14, 15), "postgresql": (12, 12, 13)}
SEAL = 7  # the head locked and read, the entries read, updated, the head moved, a look for more; savepoints


def counts():
    from django.db import connection

    return COUNTS[connection.vendor]


@pytest.fixture
def counted(django_assert_num_queries, django_assert_max_num_queries, django_capture_on_commit_callbacks):
    """Run a request in exactly ``count`` statements (at most, given ``most``), then its after-commit sealing
    within SEAL."""
    from contextlib import contextmanager

    from avustus.audit import chain

    @contextmanager
    def within(count, seal_limit=SEAL, *, most=False):
        from django.db import connection

        # Earlier requests (the fixture's) committed in the life this test stands for: their sealing ran then.
        connection.run_on_commit[:] = [e for e in connection.run_on_commit if e[1] is not chain._seal_now]
        start = len(connection.run_on_commit)
        with django_capture_on_commit_callbacks() as callbacks:
            with (django_assert_max_num_queries if most else django_assert_num_queries)(count):
                yield
        # The request's transaction is over: what it left to run on commit runs now, not again at the end.
        del connection.run_on_commit[start:]
        seals = [c for c in callbacks if c is chain._seal_now]
        assert len(seals) == (0 if chain.seals_inline() else 1)
        with django_assert_max_num_queries(seal_limit):
            for seal in seals:
                seal()
        assert not chain.unsealed().exists()

    return within


@pytest.fixture
def bearer(open_call, applicant_of):
    from avustus.accounts.tokens import create_token

    user = applicant_of("109")
    user.email = "hakija@hameenlinna.example"  # an address, so that the submission queues its receipt
    user.save(update_fields=["email"])
    _token, value = create_token(user, actor=SYSTEM)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {value}")
    # The token's first use of the day is logged once; a burst's requests are not the first.
    assert client.get(f"{BASE}/applications/none").status_code == 404
    return client


def _create(client):
    return client.post(f"{BASE}/applications", json.dumps({"call": "kuntadigi-2026", "lead": "109", "title": "Hanke"}),
                       content_type="application/json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)


def _fill(client, reference, version):
    body = {"version": version, "plan": {"objectives": "Asiointi sujuvaksi."}, "partners": ["853"],
            "budget": [{"category": "staff", "amount_vat_free": "100000.00", "vat": "0.00"}],
            "amount_applied": "85000.00"}
    return client.patch(f"{BASE}/applications/{reference}", json.dumps(body), content_type="application/json")


def test_create_fill_and_submit_stay_within_their_statements(bearer, counted):
    from avustus.applications.models import Application
    from avustus.audit.models import AuditEntry
    from avustus.messaging.models import OutboundMessage

    create, fill, submit = counts()
    with counted(1000, 1000, most=True):  # the first sealing ever makes the head too
        assert _create(bearer).status_code == 201  # the first request of a process reads the call's parts
    with counted(create):
        created = _create(bearer)
    assert created.status_code == 201, created.content
    draft = created.json()
    assert [(m["key"], m["role"]) for m in draft["members"]] == [("109", "lead")] and draft["budget"] == []
    reference = draft["reference"]

    with counted(fill):
        filled = _fill(bearer, reference, draft["version"])
    assert filled.status_code == 200, filled.content
    saved = filled.json()
    assert [(m["key"], m["role"]) for m in saved["members"]] == [("109", "lead"), ("853", "partner")]
    assert saved["budget"] == [{"category": "staff", "amount_vat_free": "100000.00", "vat": "0.00",
                                "description": ""}]

    with counted(submit):
        submitted = bearer.post(f"{BASE}/applications/{reference}/submit", HTTP_IDEMPOTENCY_KEY="k1")
    assert submitted.status_code == 200, submitted.content
    answer = submitted.json()
    assert answer["status"] == "submitted" and [m["key"] for m in answer["members"]] == ["109", "853"]
    assert answer["budget"][0]["amount_vat_free"] == "100000.00"
    stored = Application.objects.get(reference=reference)
    assert stored.status == "submitted" and stored.members.count() == 2 and stored.budget_lines.count() == 1
    assert [e.action for e in AuditEntry.objects.filter(application_reference=reference)] == [
        "application.created", "application.saved", "application.submitted"]
    assert OutboundMessage.objects.filter(application=stored, event="application_submitted",
                                          to="hakija@hameenlinna.example").count() == 1
