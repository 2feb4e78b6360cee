"""The audit sequencer: entries written unsealed, sealed in order after their commit, and what the triggers and
``verify`` make of entries on either side of the seal.

Most tests make ``record`` leave sealing to the sequencer (``AVUSTUS_AUDIT_SEAL_INLINE = False``, PostgreSQL's
default) so that they run on SQLite too; the ones about concurrent transactions run on PostgreSQL only.
"""

import datetime
import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, OperationalError, connection, connections, transaction
from django.utils import timezone

from avustus.audit import chain, triggers
from avustus.audit.chain import GENESIS, _digest, record, seal, seal_pending, seals_inline, verify
from avustus.audit.models import AuditEntry, AuditHead
from tests.audit.conftest import run_audit, sql

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def deferred(settings):
    settings.AVUSTUS_AUDIT_SEAL_INLINE = False


@pytest.fixture
def user():
    return get_user_model().objects.create(username="virkailija")


def write(user, count: int, action: str = "test.changed") -> list[AuditEntry]:
    with transaction.atomic():
        return [record(action, user, actor=user, data={"i": i}) for i in range(count)]


def chain_order() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(position__isnull=False).order_by("position"))


def test_sealing_is_by_engine_unless_set(settings):
    settings.AVUSTUS_AUDIT_SEAL_INLINE = None
    assert seals_inline() is (connection.vendor != "postgresql")
    settings.AVUSTUS_AUDIT_SEAL_INLINE = False
    assert seals_inline() is False


def test_record_writes_unsealed_and_the_sequencer_seals_in_id_order(deferred, user):
    written = write(user, 3)
    assert [(e.position, e.prev_hash, e.hash) for e in AuditEntry.objects.order_by("id")] == [(None, None, None)] * 3
    assert seal() == 3
    sealed = chain_order()
    assert [e.id for e in sealed] == [e.id for e in written] and [e.position for e in sealed] == [1, 2, 3]
    # Linked and hashed as the chain always was: the first to the genesis, each to the one before.
    assert [e.prev_hash for e in sealed] == [GENESIS, sealed[0].hash, sealed[1].hash]
    for e in sealed:
        assert e.hash == _digest(e.prev_hash, e.at.isoformat(), e.actor_label, e.action, e.target_type, e.target_id,
                                 e.data, e.application_reference, e.actor_kind, e.actor_id)
    head = AuditHead.objects.get()
    assert (head.last_hash, head.count) == (sealed[-1].hash, 3)
    assert seal() == 0  # nothing left
    more = write(user, 2)
    assert seal_pending() == 2
    assert [e.id for e in chain_order()] == [e.id for e in written + more]
    result = verify()
    assert result.ok and result.entries == 5 and result.unsealed == 0


def test_sealing_follows_inline_entries_and_the_head(user, settings):
    settings.AVUSTUS_AUDIT_SEAL_INLINE = True
    first = write(user, 2)
    assert [e.position for e in first] == [1, 2] and first[1].prev_hash == first[0].hash
    settings.AVUSTUS_AUDIT_SEAL_INLINE = False
    later = write(user, 1)[0]
    seal_pending()
    later.refresh_from_db()
    assert (later.position, later.prev_hash) == (3, first[1].hash)
    assert verify().ok


@pytest.mark.django_db(transaction=True)
def test_a_process_seals_after_a_commit_at_most_once_an_interval(deferred, user, settings, monkeypatch):
    # A burst's commits are sealed in batches: the commit within the interval leaves its entry to the next seal.
    settings.AVUSTUS_AUDIT_SEAL_INTERVAL = 60
    clock = [1000.0]
    monkeypatch.setattr(chain.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(chain, "_last_after_commit_seal", [float("-inf")])
    with transaction.atomic():
        record("test.changed", user, actor=user)
    with transaction.atomic():
        record("test.changed", user, actor=user)
    assert [e.position for e in AuditEntry.objects.order_by("id")] == [1, None]
    clock[0] += 61  # the interval has passed: the next commit seals its own entry and the one left behind
    with transaction.atomic():
        record("test.changed", user, actor=user)
    assert [e.position for e in AuditEntry.objects.order_by("id")] == [1, 2, 3]
    assert verify().ok


@pytest.mark.django_db(transaction=True)
def test_an_entry_is_sealed_once_its_transaction_commits(deferred, user):
    with transaction.atomic():
        entries = [record("test.changed", user, actor=user) for _ in range(2)]
        assert len([c for _s, c, _r in connection.run_on_commit if c is chain._seal_now]) == 1  # once, not twice
    assert [e.position for e in AuditEntry.objects.order_by("id")] == [1, 2]
    assert AuditHead.objects.get().count == 2
    with transaction.atomic():
        record("test.changed", user, actor=user)
        transaction.set_rollback(True)
    assert AuditEntry.objects.count() == 2 and entries[0].pk is not None  # rolled back with its change
    assert verify().ok


def test_a_lower_id_sealed_after_a_higher_one_verifies(deferred, user):
    """What happens when the transaction that wrote the lower id commits later: it is sealed later."""
    low, high = write(user, 2)
    # The sequencer saw only ``high`` committed: seal it alone, as it would.
    with transaction.atomic():
        head = AuditHead.objects.get_or_create(pk=1, defaults={"last_hash": GENESIS})[0]
        entry = AuditEntry.objects.get(pk=high.pk)
        chain._link(entry, head)
        AuditEntry.objects.bulk_update([entry], ["position", "prev_hash", "hash"])
        head.save()
    assert seal() == 1
    assert [e.id for e in chain_order()] == [high.id, low.id]
    result = verify()
    assert result.ok and result.entries == 2, result.problems


# --- The triggers: exactly the sealing update ---------------------------------------------------------


def refused(statement: str, params=()) -> bool:
    try:
        with transaction.atomic():
            sql(statement, params)
    except IntegrityError as exc:
        assert "append-only" in str(exc)
        return True
    return False


def test_the_triggers_let_through_sealing_and_nothing_else(deferred, user):
    entry = write(user, 1)[0]
    digest = "a" * 64
    # Unsealed: its content is fixed, as is a sealed entry's, and it cannot be deleted.
    assert refused("UPDATE audit_auditentry SET actor_label = 'mallory' WHERE id = %s", [entry.id])
    assert refused("UPDATE audit_auditentry SET data = %s WHERE id = %s", ['{"i": 9}', entry.id])
    assert refused("DELETE FROM audit_auditentry WHERE id = %s", [entry.id])
    # Sealing with a change of content, or half a seal, is refused.
    assert refused("UPDATE audit_auditentry SET position = 1, prev_hash = %s, hash = %s, action = 'x' WHERE id = %s",
                   [GENESIS, digest, entry.id])
    assert refused("UPDATE audit_auditentry SET hash = %s WHERE id = %s", [digest, entry.id])
    assert refused("UPDATE audit_auditentry SET position = 1, hash = %s WHERE id = %s", [digest, entry.id])
    # The sequencer's update goes through; then the entry is sealed for good.
    assert seal() == 1
    entry.refresh_from_db()
    assert refused("UPDATE audit_auditentry SET position = 2, prev_hash = %s, hash = %s WHERE id = %s",
                   [GENESIS, digest, entry.id])
    assert refused("UPDATE audit_auditentry SET position = NULL, prev_hash = NULL, hash = NULL WHERE id = %s",
                   [entry.id])
    assert refused("UPDATE audit_auditentry SET actor_label = 'mallory' WHERE id = %s", [entry.id])
    assert verify().ok


def test_the_sqlite_trigger_names_every_content_column():
    """The SQLite trigger lists the columns sealing must leave alone: a new column must be added to it."""
    columns = {f.column for f in AuditEntry._meta.concrete_fields}
    assert set(triggers.AUDIT_CONTENT_COLUMNS) == columns - set(triggers.CHAIN_COLUMNS)


# --- verify: unsealed entries --------------------------------------------------------------------------


def test_an_entry_left_unsealed_too_long_is_reported(deferred, user, monkeypatch):
    sealed = write(user, 1)[0]
    seal_pending()
    # Written two minutes ago, and the sequencer not running since (another holds the head, or none runs).
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() - datetime.timedelta(minutes=2))
    old = write(user, 1)[0]
    monkeypatch.setattr(timezone, "now", real_now)
    young = write(user, 1)[0]
    monkeypatch.setattr(chain, "seal", lambda **kwargs: None)
    result = verify()
    assert not result.ok and result.entries == 1 and result.unsealed == 2
    assert [(p.kind, p.entry_id, p.position) for p in result.problems] == [("unsealed", old.id, None)]
    status, out, err = run_audit("verify")
    assert status == 1 and f"broken at entry {old.id}" in err
    assert out.splitlines()[0].startswith(f"entry {old.id} (unsealed): unsealed: not sealed: written at ")
    assert young.id not in {p.entry_id for p in result.problems}
    # Once the sequencer runs again, both join the chain and the log is whole.
    monkeypatch.undo()
    result = verify()
    assert result.ok and result.entries == 3 and result.unsealed == 0
    assert [e.id for e in chain_order()] == [sealed.id, old.id, young.id]


def test_young_unsealed_entries_are_counted_not_reported(deferred, user):
    write(user, 2)
    result = verify(seal_first=False)
    assert result.ok and result.entries == 0 and result.unsealed == 2
    status, out, _err = run_audit("verify")
    assert status == 0 and out.strip() == "The audit log is whole: entries verified 2."


def test_a_seal_forged_behind_the_sequencer_is_caught(deferred, user, unguarded):
    """Tampering with an unsealed entry: sealing it by hand (a bad hash, or the head not moved) is caught."""
    first, second = write(user, 2)
    seal_pending()
    third = write(user, 1)[0]
    sql("UPDATE audit_auditentry SET position = 3, prev_hash = %s, hash = %s WHERE id = %s",
        [AuditEntry.objects.get(pk=second.pk).hash, "f" * 64, third.id])
    result = verify()
    assert [(p.kind, p.entry_id) for p in result.problems][:1] == [("altered", third.id)]


def test_a_hash_without_a_place_in_the_chain_is_caught(deferred, user, unguarded):
    entry = write(user, 1)[0]
    sql("UPDATE audit_auditentry SET hash = %s WHERE id = %s", ["e" * 64, entry.id])
    result = verify(seal_first=False)
    assert [(p.kind, p.entry_id, p.position) for p in result.problems] == [("altered", entry.id, None)]


def test_a_sealed_entry_altered_is_caught(deferred, user, unguarded):
    entries = write(user, 3)
    seal_pending()
    sql("UPDATE audit_auditentry SET data = %s WHERE id = %s", ['{"i": 7}', entries[1].id])
    result = verify()
    assert [(p.kind, p.entry_id, p.position) for p in result.problems] == [("altered", entries[1].id, 2)]


# --- Concurrent writers (PostgreSQL) -------------------------------------------------------------------


def _other_connection(target, started: threading.Event, release: threading.Event, result: dict):
    """Run ``target`` in a transaction of a connection of its own; hold it open until ``release``."""

    def run():
        try:
            with transaction.atomic():
                result["value"] = target()
                started.set()
                release.wait(30)
        except Exception as exc:  # shown by the assertions
            result["error"] = repr(exc)
            started.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
class TestConcurrentWriters:
    @pytest.fixture(autouse=True)
    def _postgresql_only(self):
        if connection.vendor != "postgresql":
            pytest.skip("row locks are PostgreSQL's; SQLite runs one writer at a time")
        # Fail rather than hang if the head were waited on (the thing these tests show does not happen).
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '5s'")
        yield
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")

    def test_a_writer_does_not_wait_for_another_open_audited_transaction(self, user):
        started, release, result = threading.Event(), threading.Event(), {}
        thread = _other_connection(lambda: record("test.first", user, actor=user).pk, started, release, result)
        started.wait(30)
        try:
            with transaction.atomic():
                second = record("test.second", user, actor=user)
            # Committed while the first is open; sealed by its own commit.
            second.refresh_from_db()
            assert second.position == 1
        finally:
            release.set()
            thread.join(30)
        assert "error" not in result, result
        first = AuditEntry.objects.get(pk=result["value"])
        assert first.id < second.id and first.position == 2  # the lower id committed later, sealed after
        assert [e.action for e in chain_order()] == ["test.second", "test.first"]
        assert verify().ok and AuditHead.objects.get().count == 2

    def test_a_writer_does_not_wait_for_a_sealing_sequencer(self, user):
        AuditHead.objects.create(pk=1, last_hash=GENESIS)  # as after the first entry ever

        def hold_the_head():
            return AuditHead.objects.select_for_update().get(pk=1).pk

        started, release, result = threading.Event(), threading.Event(), {}
        thread = _other_connection(hold_the_head, started, release, result)
        started.wait(30)
        try:
            with transaction.atomic():
                entry = record("test.changed", user, actor=user)
            entry.refresh_from_db()
            assert entry.position is None  # left to the sequencer holding the head
            assert seal() is None
        finally:
            release.set()
            thread.join(30)
        assert "error" not in result, result
        assert seal_pending() == 1
        entry.refresh_from_db()
        assert entry.position == 1 and verify().ok

    def test_many_writers_at_once_give_one_whole_chain(self, user):
        errors, barrier = [], threading.Barrier(6)

        def writer(n):
            try:
                barrier.wait(30)
                for i in range(5):
                    with transaction.atomic():
                        record("test.burst", user, actor=user, data={"writer": n, "i": i})
            except (OperationalError, IntegrityError) as exc:
                errors.append(repr(exc))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert errors == []
        result = verify()
        assert result.ok and result.entries == 30 and result.unsealed == 0
        assert sorted(e.position for e in AuditEntry.objects.all()) == list(range(1, 31))


@pytest.mark.django_db(transaction=True)  # the worker closes its connections between rounds
def test_the_worker_seals_what_commits_left(deferred, user, monkeypatch):
    from avustus.messaging import worker

    monkeypatch.setattr(chain, "_seal_now", lambda: None)  # as when each commit found another sequencer sealing
    entries = write(user, 2)
    assert chain.unsealed().count() == 2
    worker.make(until_idle=True, remind=False).run()
    assert [e.id for e in chain_order()] == [e.id for e in entries] and not chain.unsealed().exists()
