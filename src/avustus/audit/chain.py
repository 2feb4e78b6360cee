"""Appending to the audit log and verifying its hash chain.

Services call ``record`` inside their own transaction, so the audit entry commits or rolls back
together with the change it describes. Reads of data that is not public are logged too (Act on
Information Management in Public Administration 906/2019, section 17: the log says who used and
disclosed what): an application's by ``applications.reads.record_read``, which asks ``accounts`` whether
the reader reads in an official capacity; lists and decisions' documents by the functions here.

The log sits below every stage: it knows model instances only by their labels ("applications.application")
and imports no stage, so that every stage can write to it.

Each entry's hash covers the hash of the entry before it, so ``verify`` can name the first entry that
was changed, removed or inserted behind the services' back. ``AuditHead`` holds the newest hash and the
number of entries, which is how entries removed from (or slipped onto) the end are noticed.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import TypedDict

from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from avustus.actors import is_system
from avustus.audit.models import AuditEntry, AuditHead

GENESIS = "0" * 64
SYSTEM_LABEL = "system"
APPLICATION = "applications.application"
CHUNK = 2000
MAX_PROBLEMS = 1000
READ = "application.read"
LIST_READ = "list.read"
DOCUMENT_READ = "decision.read"


def _digest(prev_hash: str, at: str, actor_label: str, action: str, target_type: str, target_id: str, data,
            application_reference: str = "", actor_kind: str = "", actor_id: int | None = None) -> str:
    fields = [prev_hash, at, actor_label, action, target_type, target_id, data]
    # Entries written before the reference, or the actor's kind and id, existed hash without them, so the
    # chain they form still holds. Entries with a kind always hash the reference too (empty or not), so
    # no two shapes of entry can give the same list.
    if actor_kind:
        fields += [application_reference, actor_kind, actor_id]
    elif application_reference:
        fields.append(application_reference)
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def _check_actor(actor) -> None:
    if actor is None:
        raise TypeError("an actor is required: pass the user, or SYSTEM (avustus.actors) for commands and jobs")


def _actor_label(actor) -> str:
    return SYSTEM_LABEL if is_system(actor) else actor.get_username()


def _actor_kind(actor) -> str:
    # The kind, not the label, says whether the system acted: anyone may be called "system".
    return AuditEntry.ActorKind.SYSTEM if is_system(actor) else AuditEntry.ActorKind.USER


def application_reference_of(target) -> str:
    """The reference of the application ``target`` is, or belongs to (through an ``application`` key)."""
    if target._meta.label_lower == APPLICATION:
        return target.reference
    try:
        field_ = target._meta.get_field("application")
    except FieldDoesNotExist:  # the target concerns no one application
        return ""
    related = getattr(field_, "related_model", None)
    if related is None or related._meta.label_lower != APPLICATION:
        return ""
    application = getattr(target, "application", None)
    return application.reference if application is not None else ""


def record(action: str, target, *, actor, data: dict | None = None, application=None) -> AuditEntry:
    """Append one entry for ``action`` on ``target`` (a model instance) by ``actor`` (a user or ``SYSTEM``).

    ``application`` names the application the entry concerns when ``target`` does not lead to it by
    itself (for example a call-level action taken for one application); by default it is found from
    the target. Must run inside the caller's transaction; the head row lock makes concurrent appends queue.
    """
    _check_actor(actor)
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit entries are written inside the transaction of the change they record")
    reference = application.reference if application is not None else application_reference_of(target)
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_hash": GENESIS})
    # Round-trip through JSON so that what is hashed is exactly what the database will give back.
    data = json.loads(json.dumps(data or {}, default=str, ensure_ascii=False))
    at = timezone.now()
    label, kind = _actor_label(actor), _actor_kind(actor)
    actor_id = None if is_system(actor) else actor.pk
    target_type = target._meta.label_lower
    target_id = str(target.pk)
    digest = _digest(head.last_hash, at.isoformat(), label, action, target_type, target_id, data, reference,
                     kind, actor_id)
    entry = AuditEntry.objects.create(
        at=at,
        actor=None if is_system(actor) else actor,
        actor_label=label,
        actor_kind=kind,
        action=action,
        target_type=target_type,
        target_id=target_id,
        application_reference=reference,
        data=data,
        prev_hash=head.last_hash,
        hash=digest,
    )
    head.last_hash = digest
    head.count += 1
    head.save(update_fields=["last_hash", "count"])
    return entry


def record_list_read(user, target, what: str, applications, *, data: dict | None = None) -> AuditEntry | None:
    """Log that ``user`` read a list of non-public data about many applications (officials' screens).

    ``target`` is the call (or the decision) the list belongs to; ``applications`` the applications shown,
    whose references the entry keeps, so that each one's ``history`` finds the read. Every reader of such a
    list reads in an official capacity (the screens are the programme's officials' only), so every read is
    logged. Opens its own transaction (nested in the caller's, if any).
    """
    if user is None or not user.is_authenticated:
        return None
    shown = [a.reference if hasattr(a, "reference") else str(a) for a in applications]
    with transaction.atomic():
        return record(LIST_READ, target, actor=user, data={"what": what, "applications": shown, **(data or {})})


def record_document_read(user, decision, what: str, *, data: dict | None = None) -> AuditEntry | None:
    """Log that ``user`` read or downloaded a decision that is not public (not signed): a draft or its document."""
    if user is None or not user.is_authenticated or decision.status == decision.Status.SIGNED:
        return None
    with transaction.atomic():
        return record(DOCUMENT_READ, decision, actor=user, data={"what": what, **(data or {})})


# Verification ------------------------------------------------------------------------------------------

ALTERED = "altered"
REMOVED = "removed"
INSERTED = "inserted"
APPENDED = "appended"
TRUNCATED = "truncated"
HEAD = "head"


@dataclass(frozen=True)
class Problem:
    kind: str  # one of the constants above
    message: str
    entry_id: int | None = None  # the entry named; None for the end of the log
    position: int | None = None  # its place in the log counting from 1, as verified

    def line(self) -> str:
        where = (f"entry {self.entry_id} (#{self.position})" if self.entry_id is not None
                 else f"end of the log (after #{self.position})")
        return f"{where}: {self.kind}: {self.message}"


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    problems: list[Problem] = field(default_factory=list)

    @property
    def first(self) -> Problem | None:
        return self.problems[0] if self.problems else None

    @property
    def problem(self) -> str | None:
        return self.first.message if self.first else None

    @property
    def entry_id(self) -> int | None:
        return self.first.entry_id if self.first else None

    def as_dict(self) -> dict:
        return {"ok": self.ok, "entries": self.entries, "problems": [asdict(p) for p in self.problems]}


_FIELDS = ("id", "at", "actor_label", "action", "target_type", "target_id", "data", "prev_hash", "hash",
           "application_reference", "actor_kind", "actor_id")


def _chunks(chunk_size: int, after_id: int = 0) -> Iterator[list[tuple]]:
    """The log in id order, ``chunk_size`` rows per query (keyset pagination: one query per chunk)."""
    while True:
        rows = list(AuditEntry.objects.filter(id__gt=after_id).order_by("id").values_list(*_FIELDS)[:chunk_size])
        if not rows:
            return
        yield rows
        after_id = rows[-1][0]
        if len(rows) < chunk_size:
            return


class _WalkState(TypedDict):
    """Where ``verify``'s walk of the log got to, carried from one walk to the next."""

    last_hash: str
    before_last_hash: str | None
    last_id: int
    position: int


def verify(chunk_size: int = CHUNK) -> Verification:
    """Walk the log in order, a chunk at a time, and report every entry whose hash or link does not hold.

    Memory stays bounded by the chunk size whatever the length of the log: one query per chunk, then the
    head, and a few more only to describe a broken end. The first problem is the first entry that was
    changed, removed or inserted; later ones follow (at most ``MAX_PROBLEMS``).
    """
    problems: list[Problem] = []
    state: _WalkState = {
        "last_hash": GENESIS,  # the stored hash of the previous entry: what this one must link to
        "before_last_hash": None,  # the stored hash of the entry before the previous one
        "last_id": 0,
        "position": 0,
    }

    def problem(kind, message, entry_id, at_position):
        if len(problems) < MAX_PROBLEMS:
            problems.append(Problem(kind, message, entry_id, at_position))

    def walk(after_id: int) -> None:
        last_hash, before_last_hash = state["last_hash"], state["before_last_hash"]
        last_id, position = state["last_id"], state["position"]
        for rows in _chunks(chunk_size, after_id):
            for id_, at, label, action, ttype, tid, data, prev_hash, stored, reference, kind, actor_id in rows:
                position += 1
                if prev_hash != last_hash:
                    if before_last_hash is not None and prev_hash == before_last_hash:
                        # This entry links to the one two back: the previous one was slipped in between.
                        problems[:] = [p for p in problems if p.entry_id != last_id]
                        problem(INSERTED, f"the entry after it ({id_}) links past it to the entry before it",
                                last_id, position - 1)
                    else:
                        problem(REMOVED, "does not link to the entry before it"
                                + (f" (entry {last_id})" if last_id else "")
                                + ": an entry between them was removed, or that entry was rewritten", id_, position)
                if stored != _digest(prev_hash, at.isoformat(), label, action, ttype, tid, data, reference, kind,
                                     actor_id):
                    problem(ALTERED, "changed after it was written: its content does not match its hash", id_,
                            position)
                before_last_hash, last_hash, last_id = last_hash, stored, id_
        state.update({"last_hash": last_hash, "before_last_hash": before_last_hash, "last_id": last_id,
                      "position": position})

    def read_head():
        return AuditHead.objects.filter(pk=1).values_list("last_hash", "count").first()

    walk(0)
    head = read_head()
    # Entries appended by services while we walked put the head ahead of what we saw: read those too.
    while head is not None and head[1] > state["position"]:
        seen = state["position"]
        walk(state["last_id"])
        if state["position"] == seen:
            break
        head = read_head()
    _check_end(head, state["last_hash"], state["last_id"], state["position"], problems)
    return Verification(not problems, state["position"], problems[:MAX_PROBLEMS])


def _check_end(head, last_hash: str, last_id: int, position: int, problems: list[Problem]) -> None:
    """Compare the end of the log with the head."""
    if head is None:
        if position:
            problems.append(Problem(HEAD, "the log has entries but no head row: the head was removed", None,
                                    position))
        return
    head_hash, head_count = head
    if head_hash == last_hash:
        if head_count != position and not problems:
            problems.append(Problem(HEAD, f"the head counts {head_count} entries but the log has {position}",
                                    None, position))
        return
    # The head's newest entry is somewhere before the end: what follows it was slipped in without it.
    at_head = AuditEntry.objects.filter(hash=head_hash).values_list("id", flat=True).first()
    if at_head is not None:
        first = AuditEntry.objects.filter(id__gt=at_head).order_by("id").values_list("id", flat=True).first()
        behind = AuditEntry.objects.filter(id__gt=at_head).count()
        problems.append(Problem(APPENDED, f"added after the newest entry the head knows (entry {at_head}) "
                                f"without going through the log: {behind} such entries", first,
                                position - behind + 1))
        return
    problems.append(Problem(TRUNCATED, f"the head expects {head_count} entries ending with hash "
                            f"{head_hash[:12]}…, the log has {position} ending at entry {last_id or '-'}: "
                            "entries were removed from the end", None, position))


def entries_about(reference: str, calls, decisions) -> QuerySet[AuditEntry]:
    """The entries about one application, newest first (a queryset: page it in the database).

    Besides the entries recorded against the application itself: those about its call's proposal
    (presented, returned, approved: target the call, action ``proposal.*``), about the decisions that
    have an outcome for it (made, signed, prepared, read: target the decision), and the reads of lists
    that showed it (``record_list_read``). ``calls`` and ``decisions`` are subqueries of the ids, as text,
    of its call and of those decisions: the stages that own them build them (``applications.reads.history``),
    and the history stays one query however it is paged.
    """
    about = (
        Q(application_reference=reference)
        | Q(target_type="calls.call", target_id__in=calls, action__startswith="proposal.")
        | Q(target_type="decisions.decision", target_id__in=decisions)
        # The references a list showed are kept as a JSON list; a quoted reference matches one item exactly.
        | Q(action=LIST_READ, target_type="calls.call", target_id__in=calls,
            data__applications__icontains=json.dumps(reference))
    )
    return AuditEntry.objects.filter(about).order_by("-id")
