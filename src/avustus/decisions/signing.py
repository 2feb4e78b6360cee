"""Signing a decision: its data frozen in a snapshot, every document rendered once, the whole on the audit chain.

Rendering (Typst for the PDFs) takes seconds, so it happens before the short transaction that signs,
never under a lock: the transaction locks the decision, checks that its data is still what was
rendered, stores the documents and appends to the audit chain. If the data changed meanwhile, the
rendered documents are discarded and the signature is refused.
"""

import hashlib
import json

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from avustus import events
from avustus.accounts.permissions import check_not_presenter
from avustus.actors import user_of
from avustus.audit.chain import record
from avustus.decisions.models import Decision, DecisionDocument, DecisionLocked
from avustus.errors import Conflict

# Formats whose bytes depend on nothing but the decision's content; the JSON document carries the
# decision's id too, and is cheap, so it is rendered inside the signing transaction from the final snapshot.
_CHEAP = {"json"}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_snapshot(snapshot: dict) -> bytes:
    return json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _without_id(snapshot: dict) -> dict:
    return {**snapshot, "decision": {**snapshot["decision"], "id": None}}


def render_documents(snapshot: dict) -> dict[tuple[str, str], bytes]:
    """Every document of a decision, rendered from its snapshot; called outside any transaction."""
    from avustus.decisions.documents.render import FORMATS, LANGUAGES, render_snapshot

    return {(lang, fmt): render_snapshot(snapshot, lang, fmt)
            for lang in LANGUAGES for fmt in FORMATS if fmt not in _CHEAP}


def seal(decision: Decision, rendered_from: dict, documents: dict[tuple[str, str], bytes], *, actor) -> Decision:
    """Inside the caller's transaction, with ``decision`` locked: store the documents and sign.

    ``documents`` were rendered from ``rendered_from``; if the decision's data now differs (apart from
    its id, which only the JSON document carries), they are discarded and the signature refused.
    """
    from avustus.decisions.documents.render import FORMATS, LANGUAGES, render_snapshot
    from avustus.decisions.documents.snapshot import decision_snapshot

    snapshot = decision_snapshot(decision)
    if _without_id(snapshot) != _without_id(rendered_from):
        raise Conflict(_("The decision changed while its documents were being made. Read it again before signing."))
    hashes = {}
    for lang in LANGUAGES:
        for fmt in FORMATS:
            content = documents[(lang, fmt)] if fmt not in _CHEAP else render_snapshot(snapshot, lang, fmt)
            DecisionDocument.objects.create(decision=decision, lang=lang, format=fmt, content=content,
                                            sha256=_sha256(content))
            hashes[f"{lang}.{fmt}"] = _sha256(content)
    decision.snapshot = snapshot
    decision.snapshot_sha256 = _sha256(canonical_snapshot(snapshot))
    decision.status = Decision.Status.SIGNED
    decision.signed_at = timezone.now()
    if decision.decision_maker_id is None:
        decision.decision_maker = user_of(actor)
    decision.save(update_fields=["snapshot", "snapshot_sha256", "status", "signed_at", "decision_maker"])
    record("decision.signed", decision, actor=actor,
           data={"snapshot_sha256": decision.snapshot_sha256, "documents": hashes})
    events.decision_signed.send(Decision, decision=decision, actor=actor)
    events.decision_documents_ready.send(Decision, decision=decision, actor=actor)
    return decision


def _refuse_unsignable(decision: Decision, actor) -> None:
    if decision.status == Decision.Status.SIGNED:
        raise DecisionLocked(f"decision {decision.pk} is already signed")
    check_not_presenter(actor, decision.presenting_official_id,
                        _("the presenting official cannot sign the decision they presented"))
    if not decision.outcomes.exists():
        raise ValueError("a decision without outcomes cannot be signed")


def sign_decision(decision: Decision, *, actor) -> Decision:
    """Sign a draft decision: freeze its data, render every document once, and record it.

    From then on the decision, its outcomes and its documents cannot change; a correction is a new
    decision that names this one (``decisions.amending``). The documents are rendered first, with no
    lock held; the signature itself is one short transaction.
    """
    from avustus.accounts.tokens import require_in_person
    from avustus.decisions.documents.snapshot import decision_snapshot

    require_in_person(actor)  # a person signs, never a script with their API token
    draft = Decision.objects.select_related("call").get(pk=decision.pk)
    _refuse_unsignable(draft, actor)
    snapshot = decision_snapshot(draft)
    documents = render_documents(snapshot)
    with transaction.atomic():
        current = Decision.objects.select_for_update().select_related("call").get(pk=decision.pk)
        _refuse_unsignable(current, actor)
        return seal(current, snapshot, documents, actor=actor)


def verify_signed_decision(decision: Decision) -> list[str]:
    """What no longer matches a signed decision's hashes: its snapshot or any stored document. Empty if whole."""
    problems = []
    if _sha256(canonical_snapshot(decision.snapshot)) != decision.snapshot_sha256:
        problems.append("the data snapshot differs from the one signed")
    for document in decision.documents.all():
        if _sha256(bytes(document.content)) != document.sha256:
            problems.append(f"document {document.lang}.{document.format} differs from the one signed")
    return problems
