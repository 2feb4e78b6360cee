"""Signing a decision: its data frozen in a snapshot, on the audit chain; its documents made afterwards.

The decision-maker reads a preview rendered from the snapshot (HTML, cheap) and signs that snapshot,
naming its hash (``shown_sha256``). Signing is one short transaction: it locks the decision, checks that
the snapshot is still the one shown, freezes it, marks the decision signed, appends to the audit chain and
enqueues the task that makes the documents (``decisions.tasks.store_documents``), all committed together.
Nothing is rendered on the request path.

The task renders every document (Typst PDFs take seconds for a large round) from the signed snapshot,
with no transaction open, checks the snapshot against its hash, and stores the documents once in one
short transaction: insert only (the database refuses any change to a stored document), nothing stored if
they are there already, so a task run twice stores them once. Then, in that transaction, it records their
hashes on the audit chain and sends ``events.decision_documents_ready``. Until then the decision is
"signed, documents pending" (``documents_pending``).
"""

import hashlib
import json

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from avustus import events
from avustus.accounts.permissions import check_not_presenter
from avustus.actors import SYSTEM, user_of
from avustus.audit.chain import record
from avustus.decisions.models import Decision, DecisionDocument, DecisionLocked
from avustus.errors import Conflict


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_snapshot(snapshot: dict) -> bytes:
    return json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _without_id(snapshot: dict) -> dict:
    return {**snapshot, "decision": {**snapshot["decision"], "id": None}}


def shown_sha256(snapshot: dict) -> str:
    """The hash of a snapshot as a preview shows it: its decision's id aside, which a decision being
    approved does not have yet (it is made in the signing transaction), and which no preview prints."""
    return _sha256(canonical_snapshot(_without_id(snapshot)))


def refuse_unlike_shown(snapshot: dict, shown: str | None) -> None:
    """Conflict if the snapshot is not the one the signer was shown; ``None``: no preview was shown (a command)."""
    if shown == "":
        raise Conflict(_("Read the decision's preview before signing it."))
    if shown is not None and shown != shown_sha256(snapshot):
        raise Conflict(_("The decision has changed since its preview was made. Read it again before signing."))


def render_documents(snapshot: dict) -> dict[tuple[str, str], bytes]:
    """Every document of a decision, rendered from its snapshot; called outside any transaction."""
    from avustus.decisions.documents.render import FORMATS, LANGUAGES, render_snapshot

    return {(lang, fmt): render_snapshot(snapshot, lang, fmt) for lang in LANGUAGES for fmt in FORMATS}


def preview_html(snapshot: dict, lang: str) -> str:
    """The body of the decision's HTML document, for the page on which it is signed."""
    from avustus.decisions.documents.build import build_document
    from avustus.decisions.documents.html import render_body

    return render_body(build_document(snapshot, lang), embedded=True)


def seal(decision: Decision, *, actor, shown: str | None = None) -> Decision:
    """Inside the caller's transaction, with ``decision`` locked: freeze its snapshot, sign, enqueue the documents.

    ``shown`` is the hash of the preview the signer read (``shown_sha256``); a snapshot that differs is refused.
    """
    from avustus.decisions.documents.snapshot import decision_snapshot
    from avustus.decisions.tasks import store_documents

    snapshot = decision_snapshot(decision)
    refuse_unlike_shown(snapshot, shown)
    decision.snapshot = snapshot
    decision.snapshot_sha256 = _sha256(canonical_snapshot(snapshot))
    decision.status = Decision.Status.SIGNED
    decision.signed_at = timezone.now()
    if decision.decision_maker_id is None:
        decision.decision_maker = user_of(actor)
    decision.save(update_fields=["snapshot", "snapshot_sha256", "status", "signed_at", "decision_maker"])
    record("decision.signed", decision, actor=actor,
           data={"snapshot_sha256": decision.snapshot_sha256, "documents": "pending"})
    events.decision_signed.send(Decision, decision=decision, actor=actor)
    # In this transaction: a signature that rolls back leaves no task, and a committed one always has its task.
    store_documents.enqueue(decision.pk, decision.snapshot_sha256)
    return decision


def _refuse_unsignable(decision: Decision, actor) -> None:
    if decision.status == Decision.Status.SIGNED:
        raise DecisionLocked(f"decision {decision.pk} is already signed")
    check_not_presenter(actor, decision.presenting_official_id,
                        _("the presenting official cannot sign the decision they presented"))
    if not decision.outcomes.exists():
        raise ValueError("a decision without outcomes cannot be signed")


def sign_decision(decision: Decision, *, actor, shown: str | None = None) -> Decision:
    """Sign a draft decision as shown (``shown``: ``shown_sha256`` of its preview): freeze its data and record it.

    From then on the decision, its outcomes and its documents cannot change; a correction is a new
    decision that names this one (``decisions.amending``). The documents follow from a task.
    """
    from avustus.accounts.tokens import require_in_person

    require_in_person(actor)  # a person signs, never a script with their API token
    with transaction.atomic():
        current = Decision.objects.select_for_update().select_related("call").get(pk=decision.pk)
        _refuse_unsignable(current, actor)
        return seal(current, actor=actor, shown=shown)


def documents_pending(decision: Decision) -> bool:
    """Signed in Avustus and its documents not stored yet (the task has not run, or failed and will retry)."""
    if not decision.signed_in_avustus:
        return False
    annotated = getattr(decision, "n_documents", None)
    if annotated is not None:
        return annotated == 0
    return not decision.documents.exists()


class SnapshotChanged(Exception):
    """A signed snapshot no longer matches its hash: its documents are not made from it."""


def store_documents(decision_id: int, snapshot_sha256: str) -> str:
    """The task's work: render a signed decision's documents from its snapshot and store them once."""
    decision = Decision.objects.select_related("call").get(pk=decision_id)
    if decision.status != Decision.Status.SIGNED or decision.snapshot_sha256 != snapshot_sha256:
        raise SnapshotChanged(f"decision {decision_id} is not signed with snapshot {snapshot_sha256}")
    if _sha256(canonical_snapshot(decision.snapshot)) != snapshot_sha256:
        raise SnapshotChanged(f"the snapshot of decision {decision_id} differs from the one signed")
    if decision.documents.exists():
        return "stored before"
    documents = render_documents(decision.snapshot)  # seconds for a large round; no transaction open
    with transaction.atomic():
        # The lock makes a second run of the task wait, then find the documents and store nothing.
        locked = Decision.objects.select_for_update().get(pk=decision_id)
        if locked.documents.exists():
            return "stored before"
        DecisionDocument.objects.bulk_create([
            DecisionDocument(decision=locked, lang=lang, format=fmt, content=content, sha256=_sha256(content))
            for (lang, fmt), content in documents.items()])
        hashes = {f"{lang}.{fmt}": _sha256(content) for (lang, fmt), content in sorted(documents.items())}
        record("decision.documents_stored", locked, actor=SYSTEM,
               data={"snapshot_sha256": snapshot_sha256, "documents": hashes})
        events.decision_documents_ready.send(Decision, decision=locked, actor=SYSTEM)
    return "stored"


def verify_signed_decision(decision: Decision) -> list[str]:
    """What no longer matches a signed decision's hashes: its snapshot or any stored document. Empty if whole.

    Each hash is checked against the one its audit entry recorded too (``decision.signed``,
    ``decision.documents_stored``), so that a row rewritten with a matching hash is caught as well. Documents
    still pending are no problem; documents stored without their entry, or missing after it, are.
    """
    from avustus.audit.models import AuditEntry

    problems = []
    if _sha256(canonical_snapshot(decision.snapshot)) != decision.snapshot_sha256:
        problems.append("the data snapshot differs from the one signed")
    entries = {action: data for action, data in AuditEntry.objects.filter(
        target_type=Decision._meta.label_lower, target_id=str(decision.pk),
        action__in=("decision.signed", "decision.documents_stored")).values_list("action", "data")}
    signed = entries.get("decision.signed")
    if signed is not None and signed.get("snapshot_sha256") != decision.snapshot_sha256:
        problems.append("the snapshot's hash differs from the one recorded when it was signed")
    stored = {f"{d.lang}.{d.format}": d for d in decision.documents.all()}
    for key, document in sorted(stored.items()):
        if _sha256(bytes(document.content)) != document.sha256:
            problems.append(f"document {key} differs from the one signed")
    recorded = entries.get("decision.documents_stored")
    if recorded is None:
        # Signed before documents were made by a task, the hashes were recorded with the signature.
        recorded = signed if signed is not None and isinstance(signed.get("documents"), dict) else None
    if recorded is not None:
        for key, sha in sorted(recorded["documents"].items()):
            if key not in stored:
                problems.append(f"document {key} is missing")
            elif stored[key].sha256 != sha:
                problems.append(f"document {key} differs from the hash recorded in the audit log")
    elif stored:
        problems.append("documents are stored that the audit log does not record")
    return problems
