"""Signing freezes a decision: its data, outcomes and documents; changes come only as new decisions."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection

from avustus.audit import triggers
from avustus.audit.chain import verify
from avustus.audit.models import AuditEntry
from avustus.decisions.amending import start_amending_decision
from avustus.decisions.documents.render import render_decision
from avustus.decisions.models import Decision, DecisionDocument, DecisionLocked, Outcome
from avustus.decisions.selectors import current_outcome
from avustus.decisions.signing import sign_decision, verify_signed_decision
from tests.conftest import run_document_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def minister():
    return get_user_model().objects.create(username="paattaja")


@pytest.fixture
def amendment(round_2020, minister):
    """A later decision that grants one of the applications deferred on 26.2.2020."""
    original = Decision.objects.get(call=round_2020)
    draft = start_amending_decision(original, actor=minister, decided_on=datetime.date(2020, 6, 10))
    deferred = Outcome.objects.get(decision=original, kind="deferred", number=5)  # Paimio
    Outcome.objects.create(decision=draft, application=deferred.application, kind="granted",
                           amount_granted=Decimal("106200.00"), number=1, recipient=deferred.recipient,
                           recipient_as_written="Paimion kaupungille", group=None)
    return draft


def test_signing_stores_every_document_once_with_hashes(amendment, minister):
    signed = sign_decision(amendment, actor=minister)
    assert signed.status == "signed" and signed.snapshot_sha256 and signed.signed_at
    assert not signed.documents.exists() and verify_signed_decision(signed) == []  # pending, and whole
    assert verify().ok  # the audit chain: the signature recorded with its documents pending
    assert run_document_tasks() == 1
    assert verify().ok
    forms = {(d.lang, d.format) for d in signed.documents.all()}
    assert forms == {(lang, fmt) for lang in ("fi", "sv") for fmt in ("html", "pdf", "json", "txt")}
    assert verify_signed_decision(signed) == []
    assert AuditEntry.objects.filter(action="decision.signed", target_id=str(signed.pk)).exists()
    text = bytes(signed.documents.get(lang="fi", format="txt").content).decode()
    assert "106\u00a0200 euroa" in text and "Paimion kaupungille" in text
    assert "muutetaan ja täydennetään valtiovarainministeriön päätöstä 26.2.2020" in text
    # The newer decision now stands for that application.
    assert current_outcome(Outcome.objects.get(decision=signed).application).kind == "granted"


def test_a_signed_decision_cannot_be_changed(amendment, minister):
    signed = sign_decision(amendment, actor=minister)
    run_document_tasks()
    with pytest.raises(DecisionLocked):
        sign_decision(signed, actor=minister)
    signed.decided_on = datetime.date(2020, 7, 1)
    with pytest.raises(DecisionLocked):
        signed.save()
    outcome = signed.outcomes.get()
    outcome.amount_granted = Decimal("999999.00")
    with pytest.raises(DecisionLocked):
        outcome.save()
    with pytest.raises(DecisionLocked):
        outcome.delete()
    document = signed.documents.first()
    with pytest.raises(DecisionLocked):
        document.save()
    with pytest.raises(DecisionLocked):
        document.delete()
    with pytest.raises(DecisionLocked):
        Decision.objects.get(pk=signed.pk).delete()
    assert Decision.objects.get(pk=signed.pk).decided_on == datetime.date(2020, 6, 10)


def test_tampering_behind_the_models_back_is_detected(amendment, minister):
    signed = sign_decision(amendment, actor=minister)
    run_document_tasks()
    document = signed.documents.get(lang="fi", format="txt")
    # The database refuses this UPDATE (audit.triggers); someone with the rights to drop the trigger first
    # is who the hashes still catch. The test's rollback restores the trigger.
    triggers.drop(connection)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE decisions_decisiondocument SET content = %s WHERE id = %s", [b"forged", document.pk])
    assert verify_signed_decision(Decision.objects.get(pk=signed.pk)) == ["document fi.txt differs from the one signed"]


def test_the_presenting_official_cannot_sign(amendment, minister):
    amendment.presenting_official = minister
    amendment.save()
    with pytest.raises(PermissionDenied):
        sign_decision(amendment, actor=minister)
    assert DecisionDocument.objects.count() == 0


def test_only_signed_decisions_are_amended(amendment, minister):
    with pytest.raises(ValueError):
        start_amending_decision(amendment, actor=minister)


@pytest.mark.parametrize("fmt", ["txt", "html", "json", "pdf"])
def test_the_same_data_renders_to_the_same_bytes(round_2020, fmt):
    decision = Decision.objects.get(call=round_2020)
    for lang in ("fi", "sv"):
        assert render_decision(decision, lang, fmt) == render_decision(decision, lang, fmt)


def test_a_decision_changed_after_its_preview_is_not_signed(amendment, minister):
    """The signer names the snapshot they read (its hash); a change since then refuses the signature."""
    from avustus.decisions import signing
    from avustus.decisions.documents.snapshot import decision_snapshot
    from avustus.errors import Conflict

    shown = signing.shown_sha256(decision_snapshot(amendment))
    Outcome.objects.filter(decision=amendment).update(amount_granted=Decimal("100000.00"))  # someone else
    with pytest.raises(Conflict):
        sign_decision(amendment, actor=minister, shown=shown)
    amendment.refresh_from_db()
    assert amendment.status == "draft" and amendment.snapshot_sha256 == ""
    assert not AuditEntry.objects.filter(action="decision.signed", target_id=str(amendment.pk)).exists()
    assert run_document_tasks() == 0  # the refused signature enqueued nothing

    signed = sign_decision(amendment, actor=minister, shown=signing.shown_sha256(decision_snapshot(amendment)))
    assert signed.status == "signed" and signed.snapshot["decision"]["id"] == amendment.pk


def test_signing_renders_nothing_and_the_task_stores_the_documents_once(amendment, minister, monkeypatch):
    """The request path calls no renderer; the task renders from the signed snapshot, once, and then announces."""
    from avustus import events
    from avustus.decisions import signing
    from avustus.decisions.documents import render

    def no_rendering(*args, **kwargs):
        raise AssertionError("a document was rendered while signing")

    with monkeypatch.context() as patched:
        for module, name in ((render, "render_snapshot"), (signing, "render_documents")):
            patched.setattr(module, name, no_rendering)
        patched.setattr("avustus.decisions.documents.pdf.render_pdf", no_rendering)
        signed = sign_decision(amendment, actor=minister)
    ready = []
    events.decision_documents_ready.connect(lambda sender, decision, **kw: ready.append(
        (decision.pk, decision.documents.count())), weak=False, dispatch_uid="test.ready")
    try:
        assert ready == [] and not signed.documents.exists()
        assert run_document_tasks() == 1
        # Sent once, when the documents exist, inside the transaction that stored them.
        assert ready == [(signed.pk, 8)]
        assert signing.store_documents(signed.pk, signed.snapshot_sha256) == "stored before"
        assert ready == [(signed.pk, 8)] and DecisionDocument.objects.filter(decision=signed).count() == 8
    finally:
        events.decision_documents_ready.disconnect(dispatch_uid="test.ready")
    assert AuditEntry.objects.filter(action="decision.documents_stored", target_id=str(signed.pk)).count() == 1
    stored = Decision.objects.get(pk=signed.pk)
    json_document = bytes(stored.documents.get(lang="fi", format="json").content)
    assert b'"id": %d' % signed.pk in json_document  # rendered from the snapshot as signed, id and all
    assert verify_signed_decision(stored) == []


def test_the_task_refuses_a_snapshot_that_no_longer_matches_its_hash(amendment, minister):
    from avustus.decisions import signing

    signed = sign_decision(amendment, actor=minister)
    triggers.drop(connection)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE decisions_decision SET snapshot = %s WHERE id = %s", ['{"forged": true}', signed.pk])
    with pytest.raises(signing.SnapshotChanged):
        run_document_tasks()
    assert not DecisionDocument.objects.filter(decision=signed).exists()
    assert verify_signed_decision(Decision.objects.get(pk=signed.pk)) == [
        "the data snapshot differs from the one signed"]


def test_documents_rewritten_with_their_hashes_are_caught_by_the_audit_log(amendment, minister):
    signed = sign_decision(amendment, actor=minister)
    run_document_tasks()
    document = signed.documents.get(lang="sv", format="html")
    triggers.drop(connection)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE decisions_decisiondocument SET content = %s, sha256 = %s WHERE id = %s",
                       [b"forged", "0" * 64, document.pk])
    assert verify_signed_decision(Decision.objects.get(pk=signed.pk)) == [
        "document sv.html differs from the one signed",
        "document sv.html differs from the hash recorded in the audit log"]
