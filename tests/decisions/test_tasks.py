"""The task that makes a signed decision's documents, run by the real worker: once, retried when it fails,
and visible to operators (``avustus tasks``) meanwhile."""

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from avustus.decisions import signing
from avustus.decisions.amending import start_amending_decision
from avustus.decisions.models import Decision, DecisionDocument, Outcome

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def signed(round_2020):
    minister = get_user_model().objects.create(username="paattaja")
    original = Decision.objects.get(call=round_2020)
    draft = start_amending_decision(original, actor=minister, decided_on=datetime.date(2020, 6, 10))
    deferred = Outcome.objects.get(decision=original, kind="deferred", number=5)
    Outcome.objects.create(decision=draft, application=deferred.application, kind="granted",
                           amount_granted=Decimal("106200.00"), number=1, recipient=deferred.recipient)
    return signing.sign_decision(draft, actor=minister)


def tasks(*args) -> list[dict]:
    out = StringIO()
    call_command("tasks", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_the_worker_stores_the_documents_once(signed):
    assert signing.documents_pending(signed)
    [queued] = tasks("--task", "store_documents")
    assert (queued["status"], queued["attempts"], queued["args"]) == ("READY", 0, [signed.pk, signed.snapshot_sha256])

    call_command("worker", until_idle=True)
    call_command("worker", until_idle=True)

    assert DecisionDocument.objects.filter(decision=signed).count() == 8
    assert not signing.documents_pending(signed)
    assert [(t["status"], t["attempts"]) for t in tasks("--task", "store_documents")] == [("SUCCESSFUL", 1)]
    assert signing.verify_signed_decision(Decision.objects.get(pk=signed.pk)) == []


def test_a_failed_render_is_retried_by_the_policy_and_shown_to_operators(signed, monkeypatch):
    def broken(snapshot):
        raise RuntimeError("Typst is missing a font")

    monkeypatch.setattr(signing, "render_documents", broken)
    call_command("worker", until_idle=True)  # fails once; the back-off puts it a minute on, not run again now

    [task] = tasks("--status", "READY", "--task", "store_documents")
    assert task["attempts"] == 1 and "Typst is missing a font" in task["last_error"]
    assert task["run_after"] is not None
    out = StringIO()
    call_command("tasks", stdout=out)
    assert "store_documents" in out.getvalue() and "Typst is missing a font" in out.getvalue()
    assert signing.documents_pending(signed) and not DecisionDocument.objects.exists()

    monkeypatch.undo()  # the operator fixed the cause
    call_command("tasks", "retry", stdout=StringIO())
    call_command("worker", until_idle=True)
    assert DecisionDocument.objects.filter(decision=signed).count() == 8
    assert [(t["status"], t["attempts"]) for t in tasks("--task", "store_documents")] == [("SUCCESSFUL", 2)]
