"""``avustus backup`` and ``avustus restore`` on the database the suite runs on (SQLite or PostgreSQL).

Restores replace the test database itself, so these tests run outside a test transaction.
"""

import json
import sqlite3

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection

from avustus.audit.chain import verify
from avustus.audit.models import AuditEntry, AuditHead
from avustus.ops import backup as ops

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def loaded(round_2020):
    return round_2020


def rewrite_manifest(path, **changes):
    manifest = ops.manifest_path(path)
    data = json.loads(manifest.read_text())
    data.update(changes)
    manifest.write_text(json.dumps(data))


def test_manifest_records_what_the_backup_holds(loaded, tmp_path):
    path = tmp_path / "avustus.backup"
    manifest = ops.backup(path)
    written = json.loads(ops.manifest_path(path).read_text())
    assert written["engine"] == connection.vendor and written["avustus_version"] and written["created_at"]
    assert written["tables"]["applications_application"] == 51
    assert written["tables"]["audit_auditentry"] == AuditEntry.objects.count() > 0
    assert written["audit_head"] == AuditHead.objects.get(pk=1).last_hash == manifest.audit_head
    with pytest.raises(ops.BackupError, match="exists already"):
        ops.backup(path)


def test_restore_brings_back_exactly_the_backup(loaded, tmp_path):
    path = tmp_path / "avustus.backup"
    ops.backup(path)
    get_user_model().objects.create(username="tehty-varmuuskopion-jalkeen")
    with pytest.raises(ops.BackupError, match="holds data"):
        ops.restore(path)
    assert get_user_model().objects.filter(username="tehty-varmuuskopion-jalkeen").exists()

    check = ops.restore(path, force=True)
    assert check.ok, check.describe()
    assert not get_user_model().objects.filter(username="tehty-varmuuskopion-jalkeen").exists()
    assert verify().ok


def test_commands_back_up_verify_and_restore(loaded, tmp_path, capsys):
    path = tmp_path / "avustus.backup"
    name, users = connection.settings_dict["NAME"], get_user_model().objects.count()
    call_command("backup", str(path), "--verify")
    out = capsys.readouterr().out
    assert "Verified: audit chain whole" in out
    # The scratch database came and went; the installation's own is still the one in use.
    assert connection.settings_dict["NAME"] == name and get_user_model().objects.count() == users
    call_command("restore", str(path), "--check")
    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(path))
    call_command("restore", str(path), "--force")
    assert "Restored" in capsys.readouterr().out


def test_a_backup_whose_audit_chain_was_altered_does_not_verify(loaded, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("altering a row inside the backup is done on the SQLite file")
    path = tmp_path / "avustus.backup"
    ops.backup(path)
    # Someone with the file edits it (the live database's triggers do not travel with intent).
    db = sqlite3.connect(path)
    for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        db.execute(f'DROP TRIGGER "{name}"')
    db.execute("UPDATE audit_auditentry SET actor_label = 'joku muu' WHERE id = (SELECT MIN(id) FROM audit_auditentry)")
    db.commit()
    db.close()
    rewrite_manifest(path, sha256=ops._sha256(path))
    check = ops.verify_backup(path)
    assert not check.ok and not check.audit_ok and "changed" in check.describe()
    with pytest.raises(CommandError, match="does not verify"):
        call_command("restore", str(path), "--force")


def test_a_backup_whose_audit_head_differs_from_its_manifest_does_not_verify(loaded, tmp_path):
    path = tmp_path / "avustus.backup"
    ops.backup(path)
    rewrite_manifest(path, audit_head="0" * 64)
    check = ops.verify_backup(path)
    assert check.audit_ok and not check.head_matches and not check.ok
    with pytest.raises(CommandError, match="head"):
        call_command("restore", str(path), "--check")


def test_counts_that_differ_from_the_manifest_are_named(loaded, tmp_path):
    path = tmp_path / "avustus.backup"
    manifest = ops.backup(path)
    rewrite_manifest(path, tables={**manifest.tables, "applications_application": 50})
    check = ops.verify_backup(path)
    assert not check.ok and check.count_mismatches == {"applications_application": (50, 51)}
    assert "applications_application: 51 rows, 50 recorded" in check.describe()


def test_damaged_foreign_or_unaccompanied_files_are_refused_and_nothing_changes(loaded, tmp_path):
    path = tmp_path / "avustus.backup"
    manifest = ops.backup(path)
    users_before = get_user_model().objects.count()
    entries_before = AuditEntry.objects.count()

    damaged = tmp_path / "damaged.backup"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    ops.manifest_path(damaged).write_text(ops.manifest_path(path).read_text())
    with pytest.raises(ops.BackupError, match="damaged"):
        ops.restore(damaged, force=True)

    # A file that is not an Avustus backup at all, even with a manifest that matches its bytes.
    foreign = tmp_path / "foreign.backup"
    foreign.write_bytes(b"PGDMP not really" if connection.vendor == "postgresql" else b"SQLite format 3\0junk")
    ops.manifest_path(foreign).write_text(ops.manifest_path(path).read_text())
    rewrite_manifest(foreign, sha256=ops._sha256(foreign))
    with pytest.raises(ops.BackupError, match="not a readable"):
        ops.restore(foreign, force=True)

    lonely = tmp_path / "lonely.backup"
    lonely.write_bytes(path.read_bytes())
    with pytest.raises(ops.BackupError, match="manifest"):
        ops.restore(lonely, force=True)

    other_engine = {"sqlite": "postgresql", "postgresql": "sqlite"}[manifest.engine]
    rewrite_manifest(path, engine=other_engine)
    with pytest.raises(ops.BackupError, match=f"backup of a {other_engine} database"):
        ops.restore(path, force=True)

    assert get_user_model().objects.count() == users_before and AuditEntry.objects.count() == entries_before
    assert verify().ok


def test_a_database_of_another_application_is_refused(loaded, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("a foreign SQLite file; PostgreSQL's foreign archive is covered above")
    foreign = tmp_path / "other-app.sqlite3"
    db = sqlite3.connect(foreign)
    db.execute("CREATE TABLE django_migrations (id INTEGER PRIMARY KEY)")
    db.commit()
    db.close()
    path = tmp_path / "avustus.backup"
    ops.backup(path)
    ops.manifest_path(foreign).write_text(ops.manifest_path(path).read_text())
    rewrite_manifest(foreign, sha256=ops._sha256(foreign))
    with pytest.raises(ops.BackupError, match="not an Avustus database"):
        ops.restore(foreign, force=True)


def test_sqlite_backup_is_consistent_while_another_connection_writes(loaded, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's online backup; PostgreSQL's dump reads one exported snapshot")
    # A database in a file in WAL mode, as installations run it (the suite's own is in memory).
    live = tmp_path / "live.sqlite3"
    ops.backup(live)
    reader, writer = sqlite3.connect(live), sqlite3.connect(live, timeout=20)
    reader.execute("PRAGMA journal_mode=WAL")
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM applications_consortiummember")
    tables = sorted(json.loads(ops.manifest_path(live).read_text())["tables"])
    try:
        counts, _head = ops._backup_sqlite(reader, tmp_path / "during-write.sqlite3", tables)
    finally:
        writer.rollback()
        writer.close()
        reader.close()
    # The uncommitted delete is not in the copy.
    assert counts["applications_consortiummember"] > 0
