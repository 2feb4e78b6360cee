"""Appending to the audit log and verifying its hash chain.

Services call ``record`` inside their own transaction, so the audit entry commits or rolls back
together with the change it describes.
"""

import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from avustus.audit.models import AuditEntry, AuditHead

GENESIS = "0" * 64
SYSTEM = "system"


def _digest(prev_hash: str, at: str, actor_label: str, action: str, target_type: str, target_id: str, data) -> str:
    payload = json.dumps(
        [prev_hash, at, actor_label, action, target_type, target_id, data],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _actor_label(actor) -> str:
    if actor is None:
        return SYSTEM
    return actor.get_username()


def record(action: str, target, *, actor, data: dict | None = None) -> AuditEntry:
    """Append one entry for ``action`` on ``target`` (a model instance) by ``actor`` (a user or None).

    Must run inside the caller's transaction; the head row lock makes concurrent appends queue.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit entries are written inside the transaction of the change they record")
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_hash": GENESIS})
    # Round-trip through JSON so that what is hashed is exactly what the database will give back.
    data = json.loads(json.dumps(data or {}, default=str, ensure_ascii=False))
    at = timezone.now()
    label = _actor_label(actor)
    target_type = target._meta.label_lower
    target_id = str(target.pk)
    digest = _digest(head.last_hash, at.isoformat(), label, action, target_type, target_id, data)
    entry = AuditEntry.objects.create(
        at=at,
        actor=actor,
        actor_label=label,
        action=action,
        target_type=target_type,
        target_id=target_id,
        data=data,
        prev_hash=head.last_hash,
        hash=digest,
    )
    head.last_hash = digest
    head.count += 1
    head.save(update_fields=["last_hash", "count"])
    return entry


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    problem: str | None = None
    entry_id: int | None = None


def verify() -> Verification:
    """Walk the log in order and report the first entry whose hash or link does not hold."""
    prev = GENESIS
    count = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        expected = _digest(
            prev, entry.at.isoformat(), entry.actor_label, entry.action, entry.target_type, entry.target_id, entry.data
        )
        if entry.prev_hash != prev:
            return Verification(False, count, "the entry before this one was removed or inserted", entry.id)
        if entry.hash != expected:
            return Verification(False, count, "this entry was changed after it was written", entry.id)
        prev = entry.hash
        count += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.last_hash != prev or head.count != count):
        return Verification(False, count, "entries were removed from the end of the log", None)
    return Verification(True, count)
