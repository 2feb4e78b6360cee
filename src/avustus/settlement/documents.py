"""An approved settlement's documents: rendered from its stored snapshot by a task, stored once, hashed, fetched.

The approval (``services.approve_settlement``) fixes what the document says besides the figures
(``document_data``) and enqueues ``tasks.store_settlement_documents`` in its transaction, as a signed decision
enqueues its documents (``decisions.signing``). The task checks the snapshot against the hash the approver
named, renders fi and sv, HTML and PDF (``document.render_settlement``) with no transaction open, and stores them
once under the settlement's row lock, recording their hashes on the audit chain. Never recomputed: the figures
are the snapshot's.
"""

import hashlib
import json

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from avustus.accounts import permissions
from avustus.actors import SYSTEM, display_name
from avustus.audit.chain import record
from avustus.errors import NotFound
from avustus.projects.models import FundedProject
from avustus.registry.languages import document_language
from avustus.settlement.document import FORMATS, LANGUAGES, render_settlement
from avustus.settlement.models import Settlement, SettlementDocument


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def snapshot_sha256(snapshot: dict) -> str:
    """A snapshot's hash, as the stage stores it: a settlement's (``Settlement.sha256``), a recovery decision's
    (``Recovery.sha256``) and the versions its steps name."""
    return _sha256(json.dumps(snapshot, sort_keys=True, ensure_ascii=False).encode())


def document_data(settlement: Settlement, approver) -> dict:
    """What the document says besides the figures, fixed when ``approver`` approves ``settlement``."""
    project = settlement.project
    application = project.application
    lead = application.members.filter(role="lead").select_related("organisation").first()
    organisation = lead.organisation if lead else None
    texts = project.call.texts or {}
    return {
        "title": application.title, "decided_on": project.decided_on.isoformat(),
        "recipient": {"fi": organisation.name("fi") if organisation else "",
                      "sv": organisation.name("sv") if organisation else ""},
        "language": document_language(organisation=organisation),
        "issuer": texts.get("issuer") or {}, "rectification": texts.get("rectification") or {},
        "approved_on": timezone.localdate().isoformat(), "approved_by": display_name(approver),
        "prepared_by": display_name(settlement.prepared_by),
    }


def languages_of(settlement: Settlement) -> tuple[str, str]:
    """The document's languages, the recipient's first (as a screen offers them), then the other."""
    first = (settlement.document_data or {}).get("language") or "fi"
    return (first, "sv" if first == "fi" else "fi")


def store_settlement_documents(settlement_id: int, sha256: str) -> str:
    """The task's work: render the approved settlement's documents from its snapshot and store them once."""
    settlement = Settlement.objects.get(pk=settlement_id)
    if settlement.status != Settlement.Status.APPROVED or settlement.sha256 != sha256 or not settlement.document_data:
        raise ValueError(f"settlement {settlement_id} is not approved with snapshot {sha256}")
    if snapshot_sha256(settlement.snapshot) != sha256:
        raise ValueError(f"the snapshot of settlement {settlement_id} differs from the one approved")
    if settlement.documents.exists():
        return "stored before"
    rendered = {(lang, fmt): render_settlement(settlement.snapshot, sha256, settlement.document_data, lang, fmt)
                for lang in LANGUAGES for fmt in FORMATS}  # a PDF takes a second; no transaction open
    with transaction.atomic():
        locked = Settlement.objects.select_for_update().get(pk=settlement_id)
        if locked.documents.exists():
            return "stored before"
        SettlementDocument.objects.bulk_create(
            SettlementDocument(settlement=locked, lang=lang, format=fmt, content=content, sha256=_sha256(content))
            for (lang, fmt), content in rendered.items())
        record("settlement.documents_stored", locked, actor=SYSTEM,
               data={"sha256": sha256, "documents": {f"{lang}.{fmt}": _sha256(content)
                                                     for (lang, fmt), content in sorted(rendered.items())}})
    return "stored"


def settlement_document(reference: str, lang: str, fmt: str, *, actor) -> SettlementDocument | None:
    """A project's settlement document for the lead's people and the officials; None while the task has not run.

    NotFound for a project, settlement or form that is not there (or that the actor may not know of).
    """
    project = FundedProject.objects.select_related("call__programme").filter(reference=reference).first()
    if project is None:
        raise NotFound()
    permissions.check_reads_settlement(actor, project, _("The settlement is the lead's and the officials' to read."))
    settlement = Settlement.objects.filter(project=project, status=Settlement.Status.APPROVED).first()
    if settlement is None or lang not in LANGUAGES or fmt not in FORMATS:
        raise NotFound(_("The grant has not been settled yet."))
    stored = settlement.documents.filter(lang=lang, format=fmt).first()
    if stored is not None:
        with transaction.atomic():
            record("settlement.document_read", settlement, actor=actor, application=project.application,
                   data={"project": project.reference, "lang": lang, "format": fmt})
    return stored


def verify_settlement_documents(settlement: Settlement) -> list[str]:
    """What no longer matches an approved settlement's hashes (its snapshot, each stored document, and the hashes
    the audit log recorded when they were stored). Empty when whole; pending documents are no problem."""
    from avustus.audit.models import AuditEntry

    problems = []
    if snapshot_sha256(settlement.snapshot) != settlement.sha256:
        problems.append("snapshot")
    entries = AuditEntry.objects.filter(target_type="settlement.settlement", target_id=str(settlement.pk))
    approved = entries.filter(action="settlement.approved").order_by("pk").first()
    if approved is not None and approved.data.get("document") != settlement.document_data:
        problems.append("document_data")
    entry = entries.filter(action="settlement.documents_stored").order_by("pk").first()
    logged = entry.data["documents"] if entry else {}
    stored = {f"{d.lang}.{d.format}": d for d in settlement.documents.all()}
    for key in sorted(set(logged) | set(stored)):
        document = stored.get(key)
        if (document is None or _sha256(bytes(document.content)) != document.sha256
                or logged.get(key) != document.sha256):
            problems.append(key)
    return problems
