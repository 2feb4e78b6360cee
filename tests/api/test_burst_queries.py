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
# the receipt was queued without a savepoint of its own (session 22).
CREATE, FILL, SUBMIT = 14, 18, 16


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


def test_create_fill_and_submit_stay_within_their_statements(bearer, django_assert_max_num_queries):
    from avustus.applications.models import Application
    from avustus.audit.models import AuditEntry
    from avustus.messaging.models import OutboundMessage

    assert _create(bearer).status_code == 201  # the first request of a process reads the call's parts
    with django_assert_max_num_queries(CREATE):
        created = _create(bearer)
    assert created.status_code == 201, created.content
    draft = created.json()
    assert [(m["key"], m["role"]) for m in draft["members"]] == [("109", "lead")] and draft["budget"] == []
    reference = draft["reference"]

    with django_assert_max_num_queries(FILL):
        filled = _fill(bearer, reference, draft["version"])
    assert filled.status_code == 200, filled.content
    saved = filled.json()
    assert [(m["key"], m["role"]) for m in saved["members"]] == [("109", "lead"), ("853", "partner")]
    assert saved["budget"] == [{"category": "staff", "amount_vat_free": "100000.00", "vat": "0.00",
                                "description": ""}]

    with django_assert_max_num_queries(SUBMIT):
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
