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

Sealing, the sequencer (docs/performance.md): an entry is *sealed* when it is given its place in the chain
(``position``), linked to the entry before it and hashed. On SQLite ``record`` seals inline under the head's
lock, as it always did. On PostgreSQL ``record`` writes the entry unsealed (one INSERT, no lock), and the
sequencer (``seal``) seals committed entries in short transactions of its own: after each audited commit,
every second in ``avustus worker``, and before anything reads the chain (``verify``, backups). The chain's
order is the order of sealing, which is the order of committing rather than of the ids.
"""

import hashlib
import json
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import TypedDict

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from avustus.actors import is_system
from avustus.audit.models import AuditEntry, AuditHead
from avustus.prepared import PreparedInsert

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


def seals_inline(connection=None) -> bool:
    """Whether ``record`` seals each entry itself, under the head's lock, or leaves it to the sequencer.

    ``AVUSTUS_AUDIT_SEAL_INLINE`` (True or False) decides; by default inline everywhere but on PostgreSQL.
    SQLite lets one writer at a time anyway, so holding the head there costs nothing and every entry is
    sealed when its transaction commits. On PostgreSQL writers commit in parallel: holding the head from
    ``record`` to the commit would make every audited transaction queue behind the one before it.
    """
    inline = getattr(settings, "AVUSTUS_AUDIT_SEAL_INLINE", None)
    if inline is not None:
        return bool(inline)
    return (connection or transaction.get_connection()).vendor != "postgresql"


# Every audited request writes one (the deadline burst's three each): compiled once (avustus.prepared).
_INSERT_ENTRY = PreparedInsert(AuditEntry)


def record(action: str, target, *, actor, data: dict | None = None, application=None) -> AuditEntry:
    """Append one entry for ``action`` on ``target`` (a model instance) by ``actor`` (a user or ``SYSTEM``).

    ``application`` names the application the entry concerns when ``target`` does not lead to it by
    itself (for example a call-level action taken for one application); by default it is found from
    the target. Must run inside the caller's transaction, with which the entry commits or rolls back.

    Inline sealing (SQLite, ``seals_inline``): the entry is chained here, under the head's lock, which
    concurrent appends queue on. Otherwise the entry is written unsealed (one INSERT, no lock: its
    ``position``, ``prev_hash`` and ``hash`` empty) and sealed by ``seal_pending`` once the transaction has
    committed; the returned entry's chain fields are then empty (``refresh_from_db`` after the commit to read
    them). Nothing in the services reads them.
    """
    _check_actor(actor)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("audit entries are written inside the transaction of the change they record")
    reference = application.reference if application is not None else application_reference_of(target)
    # Round-trip through JSON so that what is hashed is exactly what the database will give back.
    data = json.loads(json.dumps(data or {}, default=str, ensure_ascii=False))
    label, kind = _actor_label(actor), _actor_kind(actor)
    entry = AuditEntry(
        at=timezone.now(),
        actor=None if is_system(actor) else actor,
        actor_label=label,
        actor_kind=kind,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        application_reference=reference,
        data=data,
    )
    if not seals_inline(connection):
        _INSERT_ENTRY.insert(entry)
        _seal_after_commit(connection)
        return entry
    head = _head(wait=True)
    assert head is not None  # noqa: S101 -- waiting for the lock always gets the head
    _link(entry, head)
    _INSERT_ENTRY.insert(entry)
    head.save(update_fields=["last_hash", "count"])
    return entry


# Sealing ------------------------------------------------------------------------------------------------

SEAL_BATCH = 500  # entries sealed per transaction: the head is held for one read and two writes of this many
SEAL_INTERVAL = 0.25  # seconds between one process's seals after a commit (``_seal_now``)
SEAL_ROUNDS = 5  # rounds one committing writer seals at most before leaving the rest to the next one


def _link(entry: AuditEntry, head: AuditHead) -> None:
    """Give ``entry`` the next place in the chain after ``head``, linked and hashed; move the head onto it."""
    entry.position = head.count + 1
    entry.prev_hash = head.last_hash
    entry.hash = _digest(head.last_hash, entry.at.isoformat(), entry.actor_label, entry.action, entry.target_type,
                         entry.target_id, entry.data, entry.application_reference, entry.actor_kind,
                         entry.actor_id)
    head.last_hash, head.count = entry.hash, entry.position


def _head(*, wait: bool) -> AuditHead | None:
    """The head, locked to the end of the transaction; None if another transaction holds it and not ``wait``."""
    locked = AuditHead.objects.select_for_update(skip_locked=not wait).filter(pk=1)
    head = locked.first()
    if head is None:
        if not wait and AuditHead.objects.filter(pk=1).exists():
            return None  # another sequencer is sealing
        AuditHead.objects.get_or_create(pk=1, defaults={"last_hash": GENESIS})
        head = locked.first()
    return head


def seal(*, batch: int = SEAL_BATCH) -> int | None:
    """Seal up to ``batch`` unsealed entries into the chain, in id order, in one short transaction.

    Returns how many were sealed, or None without waiting when another transaction holds the head (on
    PostgreSQL, ``FOR UPDATE SKIP LOCKED``): that sequencer looks again once it has committed, see
    ``seal_pending``. Only committed entries are seen (and, inside a transaction, its own): an entry whose
    transaction commits later is sealed later, after entries with higher ids, at a higher position.
    """
    with transaction.atomic():
        head = _head(wait=False)
        if head is None:
            return None
        entries = list(AuditEntry.objects.filter(position__isnull=True).order_by("id")[:batch])
        if not entries:
            return 0
        for entry in entries:
            _link(entry, head)
        # One parametrised UPDATE run for every entry, not ``bulk_update``: its CASE WHEN for each entry and
        # field cost Django's compiler 0.6 ms an entry (17 ms of processor time to seal 22 entries, 3 ms so;
        # docs/performance.md), in the processes that serve a burst's requests.
        with transaction.get_connection().cursor() as cursor:
            cursor.executemany(
                f"UPDATE {AuditEntry._meta.db_table} SET position = %s, prev_hash = %s, hash = %s "  # noqa: S608
                "WHERE id = %s", [(e.position, e.prev_hash, e.hash, e.pk) for e in entries])
        head.save(update_fields=["last_hash", "count"])
    return len(entries)


def unsealed() -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(position__isnull=True)


def seal_pending(*, rounds: int | None = SEAL_ROUNDS, known_pending: bool = False) -> int:
    """Seal what is unsealed, round after round, until nothing is left or another sequencer holds the head.

    Why looking again after each round leaves nothing behind: a writer that commits while this sequencer
    holds the head finds the head taken and leaves its entry; this sequencer's next round, after its commit,
    sees that entry (committed before it). ``rounds`` bounds the work one request does in a long burst; the
    next writer's commit, the worker (every second) and every reader of the chain seal what remains.
    """
    sealed, done = 0, 0
    while rounds is None or done < rounds:
        done += 1
        if not known_pending and not unsealed().exists():
            break
        known_pending = False
        count = seal()
        if count is None:  # the holder of the head looks again after its own commit
            break
        sealed += count
        if rounds is None and count < SEAL_BATCH:  # the backlog is drained; what commits from now on is new
            break
    return sealed


# When this process last sealed after a commit (``time.monotonic``). In a burst every request commits an entry;
# sealing after each would cost each request a transaction of its own (about seven statements), more than the
# head's lock it replaces. One seal a process per ``AVUSTUS_AUDIT_SEAL_INTERVAL`` seconds seals a burst in
# batches; what the last commits leave is sealed by the next writer, the worker's round (every second) or the
# next reader of the chain (``verify``, backups). Shared by the process's threads: a race only seals twice.
_last_after_commit_seal = [float("-inf")]


def _seal_now() -> None:
    interval = float(getattr(settings, "AVUSTUS_AUDIT_SEAL_INTERVAL", SEAL_INTERVAL))
    now = time.monotonic()
    if now - _last_after_commit_seal[0] < interval:
        return
    _last_after_commit_seal[0] = now
    seal_pending(known_pending=True)


def _seal_after_commit(connection) -> None:
    """Seal once the writer's transaction has committed; once per transaction however many entries it wrote."""
    if any(callback is _seal_now for _sids, callback, _robust in connection.run_on_commit):
        return
    # Robust: the change and its entry are committed whatever happens here; an entry left unsealed is sealed
    # by the next writer, the worker or the next reader, and ``verify`` reports it if none comes.
    transaction.on_commit(_seal_now, robust=True)


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
UNSEALED = "unsealed"
UNSEALED_LIMIT = timedelta(seconds=60)


@dataclass(frozen=True)
class Problem:
    kind: str  # one of the constants above
    message: str
    entry_id: int | None = None  # the entry named; None for the end of the log
    position: int | None = None  # its place in the log counting from 1, as verified; None if it has none

    def line(self) -> str:
        if self.entry_id is None:
            where = f"end of the log (after #{self.position})"
        elif self.position is None:
            where = f"entry {self.entry_id} (unsealed)"
        else:
            where = f"entry {self.entry_id} (#{self.position})"
        return f"{where}: {self.kind}: {self.message}"


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int  # sealed entries walked
    problems: list[Problem] = field(default_factory=list)
    unsealed: int = 0  # entries not sealed yet when verified (those too old are among the problems)

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
        return {"ok": self.ok, "entries": self.entries, "unsealed": self.unsealed,
                "problems": [asdict(p) for p in self.problems]}


_FIELDS = ("position", "id", "at", "actor_label", "action", "target_type", "target_id", "data", "prev_hash", "hash",
           "application_reference", "actor_kind", "actor_id")


def _chunks(chunk_size: int, after_position: int = 0) -> Iterator[list[tuple]]:
    """The sealed log in chain order, ``chunk_size`` rows per query (keyset pagination on the position)."""
    while True:
        rows = list(AuditEntry.objects.filter(position__gt=after_position).order_by("position")
                    .values_list(*_FIELDS)[:chunk_size])
        if not rows:
            return
        yield rows
        after_position = rows[-1][0]
        if len(rows) < chunk_size:
            return


class _WalkState(TypedDict):
    """Where ``verify``'s walk of the log got to, carried from one walk to the next."""

    last_hash: str
    before_last_hash: str | None
    last_id: int
    last_position: int  # the stored position of the last entry walked: where the next walk starts
    position: int  # how many entries were walked


def verify(chunk_size: int = CHUNK, *, seal_first: bool = True,
           unsealed_limit: timedelta | None = UNSEALED_LIMIT) -> Verification:
    """Walk the sealed log in order, a chunk at a time, and report every entry whose hash or link does not hold.

    Memory stays bounded by the chunk size whatever the length of the log: one query per chunk, then the
    head, and a few more only to describe a broken end. The first problem is the first entry that was
    changed, removed or inserted; later ones follow (at most ``MAX_PROBLEMS``).

    ``seal_first``: seal what is unsealed before walking (a backup's copy is checked as it is, unsealed).
    Entries still unsealed that were written more than ``unsealed_limit`` ago are reported too: until sealed
    only the triggers protect them, and none should wait that long unless the sequencer stopped.
    """
    if seal_first:
        seal_pending(rounds=None)
    problems: list[Problem] = []
    state: _WalkState = {
        "last_hash": GENESIS,  # the stored hash of the previous entry: what this one must link to
        "before_last_hash": None,  # the stored hash of the entry before the previous one
        "last_id": 0,
        "last_position": 0,
        "position": 0,
    }

    def problem(kind, message, entry_id, at_position):
        if len(problems) < MAX_PROBLEMS:
            problems.append(Problem(kind, message, entry_id, at_position))

    def walk(after_position: int) -> None:
        last_hash, before_last_hash = state["last_hash"], state["before_last_hash"]
        last_id, position, last_position = state["last_id"], state["position"], state["last_position"]
        for rows in _chunks(chunk_size, after_position):
            for (stored_position, id_, at, label, action, ttype, tid, data, prev_hash, stored, reference, kind,
                 actor_id) in rows:
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
                last_position = stored_position
        state.update({"last_hash": last_hash, "before_last_hash": before_last_hash, "last_id": last_id,
                      "last_position": last_position, "position": position})

    def read_head():
        return AuditHead.objects.filter(pk=1).values_list("last_hash", "count").first()

    walk(0)
    head = read_head()
    # Entries sealed by the sequencer while we walked put the head ahead of what we saw: read those too.
    while head is not None and head[1] > state["position"]:
        seen = state["position"]
        walk(state["last_position"])
        if state["position"] == seen:
            break
        head = read_head()
    _check_end(head, state["last_hash"], state["last_id"], state["position"], problems)
    waiting = _check_unsealed(unsealed_limit, problems)
    return Verification(not problems, state["position"], problems[:MAX_PROBLEMS], waiting)


def _check_unsealed(limit: timedelta | None, problems: list[Problem]) -> int:
    """Report the unsealed entries that bear chain fields (set behind the sequencer's back), and those
    written more than ``limit`` ago; return how many entries are unsealed."""
    waiting = unsealed().count()
    if not waiting:
        return 0
    room = MAX_PROBLEMS - len(problems)
    for id_ in unsealed().filter(Q(hash__isnull=False) | Q(prev_hash__isnull=False)).order_by("id").values_list(
            "id", flat=True)[:max(room, 0)]:
        problems.append(Problem(ALTERED, "has a hash or a link but no place in the chain: set behind the "
                                "sequencer's back", id_, None))
    if limit is not None:
        cutoff = timezone.now() - limit
        old = unsealed().filter(at__lt=cutoff)
        room = MAX_PROBLEMS - len(problems)
        if room > 0:
            total = old.count()
            for id_, at in old.order_by("id").values_list("id", "at")[:room]:
                problems.append(Problem(UNSEALED, f"not sealed: written at {at.isoformat()}, more than "
                                        f"{int(limit.total_seconds())} s ago, and protected only by the "
                                        f"database's triggers until sealed ({total} such entries): "
                                        "is the sequencer (the worker) running?", id_, None))
    return waiting


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
    at_head = AuditEntry.objects.filter(hash=head_hash, position__isnull=False).values_list(
        "id", "position").first()
    if at_head is not None:
        after = AuditEntry.objects.filter(position__gt=at_head[1])
        first = after.order_by("position").values_list("id", flat=True).first()
        behind = after.count()
        problems.append(Problem(APPENDED, f"added after the newest entry the head knows (entry {at_head[0]}) "
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
