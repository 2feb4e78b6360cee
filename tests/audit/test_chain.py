"""The hash chain: recording, and ``avustus audit verify`` naming what was altered, removed or inserted."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from avustus.actors import SYSTEM
from avustus.audit.chain import _digest, record, seal_pending, verify
from avustus.audit.models import AuditEntry, AuditHead
from tests.audit.conftest import run_audit, sql, verify_json

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def user():
    return get_user_model().objects.create(username="virkailija")


@pytest.fixture
def entries(user):
    with transaction.atomic():
        for i in range(6):
            record("test.changed", user, actor=user, data={"i": i, "name": "Hämeenlinna"})
    seal_pending()  # on PostgreSQL the test's transaction never commits: seal as the commit would have
    return list(AuditEntry.objects.order_by("position"))


def forge(after: AuditEntry, *, entry_id: int | None = None, valid_hash: bool = True) -> int:
    """Insert an entry that links to ``after`` in the place after it, with a hash computed the way the
    sequencer does (the algorithm is public, so a forger can); returns its id."""
    at = after.at
    data = {"i": 99}
    digest = _digest(after.hash, at.isoformat(), "mallory", "test.changed", "auth.user", "1", data)
    columns = ("at, actor_label, action, target_type, target_id, application_reference, data, position, prev_hash, "
               "hash")
    values = [at, "mallory", "test.changed", "auth.user", "1", "", json.dumps(data), after.position + 1, after.hash,
              digest if valid_hash else "f" * 64]
    if entry_id is not None:
        columns, values = "id, " + columns, [entry_id, *values]
    placeholders = ", ".join(["%s"] * len(values))
    # The column names are the fixed ones above and every value is a bound parameter: nothing comes from input.
    sql(f"INSERT INTO audit_auditentry ({columns}) VALUES ({placeholders})", values)  # noqa: S608
    return entry_id or AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()


def test_untouched_chain_verifies(entries):
    result = verify()
    assert result.ok and result.entries == 6 and result.problems == []
    status, out, err = run_audit("verify")
    assert status == 0 and out.strip() == "The audit log is whole: entries verified 6." and err == ""
    assert verify_json() == (0, {"ok": True, "entries": 6, "unsealed": 0, "problems": []})


def test_an_empty_log_verifies():
    assert verify().ok and verify().entries == 0


@pytest.mark.django_db(transaction=True)
def test_record_refuses_to_write_outside_a_transaction():
    user = get_user_model().objects.create(username="x")
    with pytest.raises(RuntimeError):
        record("test.changed", user, actor=SYSTEM)
    assert AuditEntry.objects.count() == 0


def test_entries_are_chained_and_counted_in_the_head(entries):
    assert entries[0].prev_hash == "0" * 64
    # Consecutive pairs: the shifted side is one shorter, and the truncation is what pairs them.
    assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:], strict=False))
    head = AuditHead.objects.get()
    assert (head.last_hash, head.count) == (entries[-1].hash, 6)


def test_altered_entry_is_named(entries, unguarded):
    sql("UPDATE audit_auditentry SET data = %s WHERE id = %s", ['{"i": 99}', entries[2].id])
    status, out, err = run_audit("verify")
    assert status == 1
    assert out.splitlines() == [f"entry {entries[2].id} (#3): altered: changed after it was written: "
                                "its content does not match its hash"]
    assert f"broken at entry {entries[2].id}" in err
    status, report = verify_json()
    assert status == 1 and report["ok"] is False
    assert [(p["kind"], p["entry_id"], p["position"]) for p in report["problems"]] == [("altered", entries[2].id, 3)]


def test_altered_entry_with_its_hash_recomputed_breaks_the_next_link(entries, unguarded):
    """A forger who rewrites an entry and its hash cannot rewrite the next entry's link without rewriting
    every entry after it, and the head."""
    e = entries[2]
    data = {"i": 99}
    digest = _digest(e.prev_hash, e.at.isoformat(), e.actor_label, e.action, e.target_type, e.target_id, data,
                     e.application_reference, e.actor_kind, e.actor_id)
    sql("UPDATE audit_auditentry SET data = %s, hash = %s WHERE id = %s", [json.dumps(data), digest, e.id])
    result = verify()
    assert not result.ok
    assert (result.first.kind, result.first.entry_id) == ("removed", entries[3].id)
    assert f"entry {e.id}" in result.first.message


def test_deleted_entry_is_named_by_its_successor(entries, unguarded):
    sql("DELETE FROM audit_auditentry WHERE id = %s", [entries[1].id])
    status, out, _err = run_audit("verify")
    assert status == 1
    first = out.splitlines()[0]
    assert first.startswith(f"entry {entries[2].id} (#2): removed: does not link to the entry before it "
                            f"(entry {entries[0].id})")
    status, report = verify_json()
    assert report["problems"][0]["kind"] == "removed" and report["problems"][0]["entry_id"] == entries[2].id


def test_deleted_last_entry_is_noticed(entries, unguarded):
    sql("DELETE FROM audit_auditentry WHERE id = %s", [entries[-1].id])
    status, out, _err = run_audit("verify")
    assert status == 1
    assert out.splitlines() == [out.splitlines()[0]] and out.startswith("end of the log (after #5): truncated:")
    result = verify()
    assert result.first.kind == "truncated" and result.first.entry_id is None


def make_room_after(entries, index: int) -> None:
    """Renumber the entries after ``entries[index]`` one place (and their ids) on, as an attacker would."""
    for e in reversed(entries[index + 1:]):
        sql("UPDATE audit_auditentry SET id = %s, position = %s WHERE id = %s", [e.id + 1000, e.position + 1, e.id])


def test_forged_entry_inserted_in_the_middle_is_named(entries, unguarded):
    # Make room after the second entry, as an attacker renumbering rows would, then slip a forgery in.
    gap_at = entries[1].id + 1
    make_room_after(entries, 1)
    forged = forge(entries[1], entry_id=gap_at)
    status, out, err = run_audit("verify")
    assert status == 1
    assert out.splitlines()[0].startswith(f"entry {forged} (#3): inserted: the entry after it ({entries[2].id + 1000})")
    assert f"broken at entry {forged}" in err
    status, report = verify_json()
    assert report["problems"][0] == {
        "kind": "inserted", "entry_id": forged, "position": 3,
        "message": f"the entry after it ({entries[2].id + 1000}) links past it to the entry before it",
    }


def test_forged_entry_with_a_bad_hash_inserted_in_the_middle_is_named_once(entries, unguarded):
    make_room_after(entries, 1)
    forged = forge(entries[1], entry_id=entries[1].id + 1, valid_hash=False)
    result = verify()
    assert [(p.kind, p.entry_id) for p in result.problems][:1] == [("inserted", forged)]
    assert sum(p.entry_id == forged for p in result.problems) == 1


def test_forged_entry_appended_without_moving_the_head_is_named(entries, unguarded):
    forged = forge(entries[-1])
    status, out, _err = run_audit("verify")
    assert status == 1
    assert out.splitlines() == [
        f"entry {forged} (#7): appended: added after the newest entry the head knows (entry {entries[-1].id}) "
        "without going through the log: 1 such entries"
    ]


def test_a_forgery_linked_to_an_old_entry_at_the_end_is_named(entries, unguarded):
    forged = forge(entries[-1], valid_hash=False)
    sql("UPDATE audit_auditentry SET prev_hash = %s WHERE id = %s", [entries[1].hash, forged])
    result = verify()
    assert not result.ok and result.first.entry_id == forged


def test_verification_streams_in_chunks_with_one_query_each(user):
    with transaction.atomic():
        for i in range(25):
            record("test.changed", user, actor=user, data={"i": i})
    seal_pending()
    with CaptureQueriesContext(connection) as queries:
        result = verify(chunk_size=10)
    assert result.ok and result.entries == 25
    # A look for entries to seal first, three chunks of at most 10 rows (one query each), the head, and a count
    # of the entries still unsealed.
    selects = [q["sql"] for q in queries.captured_queries if "LIMIT 10" in q["sql"]]
    assert len(selects) == 3 and all("audit_auditentry" in s for s in selects)
    assert len(queries.captured_queries) == 1 + 3 + 1 + 1


def test_verification_of_a_log_with_a_broken_end_needs_only_a_few_more_queries(user, unguarded):
    with transaction.atomic():
        for i in range(25):
            record("test.changed", user, actor=user, data={"i": i})
    seal_pending()
    sql("DELETE FROM audit_auditentry WHERE id = (SELECT MAX(id) FROM audit_auditentry)")
    with CaptureQueriesContext(connection) as queries:
        result = verify(chunk_size=10)
    # The same as above, and an empty look for entries sealed meanwhile and one hash lookup.
    assert not result.ok and len(queries.captured_queries) == 1 + 3 + 1 + 1 + 1 + 1


def test_entries_about_an_application_carry_its_reference(round_2020):
    from avustus.applications.models import Application, ConsortiumMember

    application = Application.objects.filter(call=round_2020).order_by("source_row").first()
    member = ConsortiumMember.objects.filter(application=application).first()
    with transaction.atomic():
        on_app = record("test.app", application, actor=SYSTEM)
        on_member = record("test.member", member, actor=SYSTEM)
        on_call = record("test.call", round_2020, actor=SYSTEM)
        explicit = record("test.call_for_app", round_2020, actor=SYSTEM, application=application)
    assert [e.application_reference for e in (on_app, on_member, on_call, explicit)] == [
        application.reference, application.reference, "", application.reference,
    ]
    assert verify().ok


def test_the_application_reference_is_covered_by_the_hash(round_2020, unguarded):
    from avustus.applications.models import Application

    application = Application.objects.filter(call=round_2020).first()
    with transaction.atomic():
        entry = record("test.app", application, actor=SYSTEM)
    seal_pending()
    # Moving an entry out of an application's history is tampering like any other.
    sql("UPDATE audit_auditentry SET application_reference = %s WHERE id = %s", ["", entry.id])
    result = verify()
    assert (result.first.kind, result.first.entry_id) == ("altered", entry.id)


# --- Who acted: the system or a user, never told by a name (#10) ------------------------------------


def test_a_user_named_system_is_recorded_and_shown_as_a_user(django_user_model):
    impostor = django_user_model.objects.create(username="system")
    with transaction.atomic():
        by_user = record("test.changed", impostor, actor=impostor)
        by_system = record("test.changed", impostor, actor=SYSTEM)
    assert (by_user.actor_kind, by_user.actor_id, by_user.is_system) == ("user", impostor.pk, False)
    assert (by_system.actor_kind, by_system.actor_id, by_system.is_system) == ("system", None, True)
    assert by_user.actor_label == by_system.actor_label == "system"  # the same name, told apart by the kind
    assert str(by_user) != str(by_system)
    assert verify().ok


def test_the_kind_and_the_user_of_an_entry_are_in_its_hash(entries, unguarded, django_user_model):
    other = django_user_model.objects.create(username="toinen")
    sql("UPDATE audit_auditentry SET actor_kind = 'system', actor_id = NULL WHERE id = %s", [entries[1].id])
    sql("UPDATE audit_auditentry SET actor_id = %s WHERE id = %s", [other.pk, entries[3].id])
    result = verify()
    assert [(p.kind, p.entry_id) for p in result.problems] == [("altered", entries[1].id), ("altered", entries[3].id)]


def test_entries_written_before_the_kind_still_verify_and_read_by_their_user(user, unguarded):
    """The log of an existing installation: entries hashed without kind and user, then new ones after them."""
    prev = "0" * 64
    at = timezone.now()
    for position, (label, actor_id) in enumerate((("system", None), ("virkailija", user.pk), ("system", user.pk)), 1):
        digest = _digest(prev, at.isoformat(), label, "test.old", "auth.user", str(user.pk), {})
        # The place in the chain is what migration audit 0005 gave the entries written before it.
        sql("INSERT INTO audit_auditentry (at, actor_id, actor_label, action, target_type, target_id, "
            "application_reference, data, position, prev_hash, hash) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [at, actor_id, label, "test.old", "auth.user", str(user.pk), "", "{}", position, prev, digest])
        prev = digest
    AuditHead.objects.create(pk=1, last_hash=prev, count=3)
    with transaction.atomic():
        record("test.new", user, actor=SYSTEM)
        record("test.new", user, actor=user)
    result = verify()
    assert result.ok and result.entries == 5, result.problems
    old = list(AuditEntry.objects.filter(action="test.old").order_by("id"))
    assert [e.actor_kind for e in old] == ["", "", ""]
    # Before the kind was kept, the system was the entry with no user; a user called "system" stays a user.
    assert [e.is_system for e in old] == [True, False, False]
    assert [e.is_system for e in AuditEntry.objects.filter(action="test.new").order_by("id")] == [True, False]


@pytest.mark.django_db
def test_nobody_is_not_an_actor(round_2020):
    """Commands and jobs pass SYSTEM; None is a forgotten actor, refused before anything is written."""
    count = AuditEntry.objects.count()
    with transaction.atomic(), pytest.raises(TypeError):
        record("test.nobody", round_2020, actor=None)
    with transaction.atomic():
        entry = record("test.system", round_2020, actor=SYSTEM)
    assert (entry.actor_id, entry.actor_label, entry.actor_kind) == (None, "system", AuditEntry.ActorKind.SYSTEM)
    assert AuditEntry.objects.count() == count + 1
