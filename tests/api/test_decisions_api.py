"""The API says whether a signed decision's documents exist yet: pending from the signature until the task
has stored them, then each with its hash."""

import json

import pytest
from django.test import Client

from avustus.decisions import approval
from avustus.decisions.models import Decision
from tests.conftest import run_document_tasks
from tests.evaluation.conftest import evaluated, person, present, seen, small_round, staff  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def _get(pk: int) -> tuple[int, dict]:
    response = Client().get(f"/api/v1/decisions/{pk}")  # signed decisions are public
    return response.status_code, json.loads(response.content)


def test_a_signed_decision_is_pending_until_its_documents_are_stored(evaluated, staff):
    call, _apps = evaluated
    present(call, staff["official"])
    decision = approval.approve(call, actor=staff["decider"], version=seen(call))

    status, body = _get(decision.pk)
    assert status == 200
    assert (body["status"], body["documents_status"], body["documents"]) == ("signed", "pending", [])
    assert body["snapshot_sha256"] == decision.snapshot_sha256

    run_document_tasks()
    status, body = _get(decision.pk)
    assert body["documents_status"] == "stored" and len(body["documents"]) == 8
    pdf = next(d for d in body["documents"] if (d["lang"], d["format"]) == ("sv", "pdf"))
    assert pdf["sha256"] == decision.documents.get(lang="sv", format="pdf").sha256
    assert Client().get(pdf["url"]).status_code == 200


def test_a_round_signed_outside_avustus_has_its_documents_rendered_and_a_draft_is_not_public(round_2020):
    from django.contrib.auth import get_user_model

    from avustus.decisions.amending import start_amending_decision

    imported = Decision.objects.get(call=round_2020)
    status, body = _get(imported.pk)
    assert (status, body["documents_status"], body["snapshot_sha256"]) == (200, "rendered", None)
    assert {d["sha256"] for d in body["documents"]} == {None} and len(body["documents"]) == 8
    draft = start_amending_decision(imported, actor=get_user_model().objects.create(username="x"))
    status, body = _get(draft.pk)
    assert status == 404 and body["errors"]
    assert _get(10**9)[0] == 404
