"""``avustus backup`` and ``avustus restore`` on the database the suite runs on (SQLite or PostgreSQL).

Restores replace the test database itself, so these tests run outside a test transaction. Each test
has its own file storage under ``tmp_path``.
"""

import hashlib
import json
import sqlite3

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from avustus.applications.attachments import add_attachment
from avustus.applications.models import Attachment
from avustus.applications.services import DraftChanges, create_draft, update_draft
from avustus.audit.chain import verify
from avustus.audit.models import AuditEntry, AuditHead
from avustus.ops import backup as ops
from avustus.ops import engines
from avustus.ops.manifest import MANIFEST_NAME
from avustus.registry.models import Organisation

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("storage", "english")]


@pytest.fixture
def loaded(round_2020):
    return round_2020


def pdf(text: str) -> bytes:
    return b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n"


@pytest.fixture
def two_attachments(open_call, applicant_of):
    """A draft with two attached documents: {storage name: bytes}."""
    user = applicant_of("109")
    draft = create_draft(open_call, actor=user, organisation=Organisation.objects.get(code="109"))
    draft = update_draft(draft, DraftChanges(partners=["853"]), actor=user, version=1)
    stored = {}
    for name, text in (("suunnitelma.pdf", "hankesuunnitelma"), ("budjetti.pdf", "budjetti 2026")):
        attachment = add_attachment(draft, SimpleUploadedFile(name, pdf(text)), actor=user)
        stored[attachment.storage_name] = pdf(text)
    return stored


def rewrite_manifest(path, **changes):
    manifest = path / MANIFEST_NAME
    data = json.loads(manifest.read_text())
    data.update(changes)
    manifest.write_text(json.dumps(data))


def dump_of(path):
    return path / json.loads((path / MANIFEST_NAME).read_text())["database"]


def files_in(root) -> dict:
    """Every file under ``root`` with its bytes: the state of a storage folder, to compare before and after."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()} \
        if root.exists() else {}


def database_state() -> tuple:
    return (get_user_model().objects.count(), AuditEntry.objects.count(), AuditHead.objects.get(pk=1).last_hash,
            sorted(Attachment.objects.values_list("storage_name", "sha256")))


def test_manifest_records_what_the_backup_holds(loaded, two_attachments, tmp_path):
    path = tmp_path / "avustus.backup"
    manifest = ops.backup(path)
    written = json.loads((path / MANIFEST_NAME).read_text())
    assert written["engine"] == connection.vendor and written["avustus_version"] and written["created_at"]
    assert written["tables"]["applications_application"] == 52
    assert written["tables"]["audit_auditentry"] == AuditEntry.objects.count() > 0
    assert written["audit_head"] == AuditHead.objects.get(pk=1).last_hash == manifest.audit_head
    assert written["database_sha256"] == ops.sha256_of(dump_of(path))
    assert {f["path"]: f["sha256"] for f in written["files"]} == {
        name: hashlib.sha256(data).hexdigest() for name, data in two_attachments.items()}
    for name, data in two_attachments.items():
        assert (path / "files" / name).read_bytes() == data
    with pytest.raises(ops.BackupError, match="exists already"):
        ops.backup(path)


def test_two_attachments_come_back_into_an_empty_data_dir(db, request, tmp_path, settings):
    empty = tmp_path / "empty.backup"
    ops.backup(empty)  # the database as a new installation has it
    stored = request.getfixturevalue("two_attachments")
    path = tmp_path / "avustus.backup"
    ops.backup(path)
    attachments = sorted(Attachment.objects.values_list("storage_name", "sha256"))

    # A new data directory: an empty database and an empty file storage.
    new_files = tmp_path / "new-data" / "files"
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": new_files}}}
    assert ops.restore(empty, force=True).ok
    assert not ops.has_data() and not Attachment.objects.exists() and files_in(new_files) == {}

    check = ops.restore(path)
    assert check.ok and check.files_checked == 2, check.describe()
    assert sorted(Attachment.objects.values_list("storage_name", "sha256")) == attachments
    assert files_in(new_files) == stored
    for name, sha256 in attachments:
        with storages["default"].open(name, "rb") as f:
            assert hashlib.sha256(f.read()).hexdigest() == sha256


def test_a_backup_of_a_stored_file_that_is_missing_or_altered_is_not_written(two_attachments, storage, tmp_path):
    first, second = sorted(two_attachments)
    (storage / first).unlink()
    (storage / second).write_bytes(pdf("vaihdettu"))
    with pytest.raises(ops.BackupError, match=f"{first} is missing.*{second} in the file storage differs"):
        ops.backup(tmp_path / "avustus.backup")
    assert list(tmp_path.glob("avustus.backup*")) == []


def test_restore_brings_back_exactly_the_backup(loaded, tmp_path):
    path = tmp_path / "avustus.backup"
    ops.backup(path)
    get_user_model().objects.create(username="tehty-varmuuskopion-jalkeen")
    with pytest.raises(ops.BackupError, match="holds data"):
        ops.restore(path)
    assert get_user_model().objects.filter(username="tehty-varmuuskopion-jalkeen").exists()

    check = ops.restore(path, force=True)
    assert check.ok and check.replaced, check.describe()
    assert not get_user_model().objects.filter(username="tehty-varmuuskopion-jalkeen").exists()
    assert verify().ok


def test_commands_back_up_verify_and_restore(loaded, tmp_path, capsys):
    path = tmp_path / "avustus.backup"
    name = connection.settings_dict["NAME"]
    users = get_user_model().objects.count()
    call_command("backup", str(path), "--verify")
    out = capsys.readouterr().out
    assert "Verified: audit chain whole" in out
    # The scratch database came and went; the installation's own is still the one in use.
    assert connection.settings_dict["NAME"] == name and get_user_model().objects.count() == users
    call_command("restore", str(path), "--check")
    assert f"Checked {path}: audit chain whole" in capsys.readouterr().out
    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(path))
    call_command("restore", str(path), "--force")
    assert "Restored" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("restore", str(path), "--force", "--check")


def test_a_backup_whose_audit_chain_was_altered_does_not_verify(loaded, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("altering a row inside the backup is done on the SQLite file")
    path = tmp_path / "avustus.backup"
    ops.backup(path)
    # Someone with the file edits it (the live database's triggers do not travel with intent).
    db = sqlite3.connect(dump_of(path))
    for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        db.execute(f'DROP TRIGGER "{name}"')
    db.execute("UPDATE audit_auditentry SET actor_label = 'joku muu' WHERE id = (SELECT MIN(id) FROM audit_auditentry)")
    db.commit()
    db.close()
    rewrite_manifest(path, database_sha256=ops.sha256_of(dump_of(path)))
    check = ops.verify_backup(path)
    assert not check.ok and not check.audit_ok and "changed" in check.describe()
    with pytest.raises(CommandError, match="does not verify, so nothing was restored"):
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


def test_damaged_foreign_or_unaccompanied_backups_are_refused_and_nothing_changes(loaded, tmp_path):
    path = tmp_path / "avustus.backup"
    manifest = ops.backup(path)
    before = database_state()

    def copy(name):
        target = tmp_path / name
        target.mkdir()
        (target / MANIFEST_NAME).write_text((path / MANIFEST_NAME).read_text())
        return target

    damaged = copy("damaged.backup")
    data = bytearray(dump_of(path).read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump_of(damaged).write_bytes(bytes(data))
    with pytest.raises(ops.BackupError, match="damaged"):
        ops.restore(damaged, force=True)

    # A file that is not an Avustus database at all, even with a manifest that matches its bytes.
    foreign = copy("foreign.backup")
    dump_of(foreign).write_bytes(b"PGDMP not really" if connection.vendor == "postgresql" else b"SQLite format 3\0junk")
    rewrite_manifest(foreign, database_sha256=ops.sha256_of(dump_of(foreign)))
    with pytest.raises(ops.BackupError, match="not a readable"):
        ops.restore(foreign, force=True)

    lonely = tmp_path / "lonely.backup"
    lonely.mkdir()
    dump_of(path).rename(lonely / manifest.database)
    with pytest.raises(ops.BackupError, match="manifest"):
        ops.restore(lonely, force=True)
    (lonely / manifest.database).rename(dump_of(path))

    # A backup of the earlier format: a single file.
    with pytest.raises(ops.BackupError, match="not a backup directory"):
        ops.restore(dump_of(path), force=True)

    other_engine = {"sqlite": "postgresql", "postgresql": "sqlite"}[manifest.engine]
    rewrite_manifest(path, engine=other_engine)
    with pytest.raises(ops.BackupError, match=f"backup of a {other_engine} database"):
        ops.restore(path, force=True)

    assert database_state() == before
    assert verify().ok


@pytest.mark.parametrize("alteration", ["altered", "altered-with-manifest", "removed", "removed-with-manifest"])
def test_a_backup_whose_file_was_altered_or_removed_is_refused_and_nothing_changes(two_attachments, storage,
                                                                                    tmp_path, alteration):
    path = tmp_path / "avustus.backup"
    ops.backup(path)
    get_user_model().objects.create(username="tehty-varmuuskopion-jalkeen")
    before, files_before = database_state(), files_in(storage)
    name = sorted(two_attachments)[0]
    copy = path / "files" / name
    if alteration.startswith("altered"):
        copy.write_bytes(pdf("joku muu asiakirja"))
    else:
        copy.unlink()
    if alteration.endswith("with-manifest"):
        # Whoever altered the file also wrote the manifest to match: the attachment row still tells.
        data = json.loads((path / MANIFEST_NAME).read_text())
        data["files"] = [
            {**f, "sha256": ops.sha256_of(copy), "size": copy.stat().st_size} if f["path"] == name else f
            for f in data["files"] if f["path"] != name or copy.exists()]
        (path / MANIFEST_NAME).write_text(json.dumps(data))
        problem = "not in the backup" if alteration.startswith("removed") else "does not have its row's SHA-256"
        check = ops.verify_backup(path)
        assert not check.ok and problem in check.describe()
        restored = ops.restore(path, force=True)
        assert not restored.ok and not restored.replaced and problem in restored.describe()
        with pytest.raises(CommandError, match="does not verify"):
            call_command("restore", str(path), "--check")
        with pytest.raises(CommandError, match="nothing was restored"):
            call_command("restore", str(path), "--force")
    else:
        problem = "is missing" if alteration == "removed" else "differs from the SHA-256 its manifest recorded"
        with pytest.raises(ops.BackupError, match=problem):
            ops.verify_backup(path)
        with pytest.raises(ops.BackupError, match=problem):
            ops.restore(path, force=True)
        with pytest.raises(CommandError, match=problem):
            call_command("restore", str(path), "--check")
    assert database_state() == before and files_in(storage) == files_before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["avustus.backup", "files"]


def test_a_restore_that_fails_leaves_the_database_and_the_files_in_place(two_attachments, storage, tmp_path,
                                                                        monkeypatch):
    path = tmp_path / "avustus.backup"
    ops.backup(path)
    get_user_model().objects.create(username="tehty-varmuuskopion-jalkeen")
    (storage / "attachments" / "uusi").write_bytes(b"a file of the data in use")
    before, files_before = database_state(), files_in(storage)

    # Verification in the scratch database fails: nothing in use is touched.
    rewrite_manifest(path, audit_head="0" * 64)
    check = ops.restore(path, force=True)
    assert not check.ok and not check.replaced and not check.head_matches
    assert database_state() == before and files_in(storage) == files_before
    rewrite_manifest(path, audit_head=AuditHead.objects.get(pk=1).last_hash)

    # The database cannot be replaced after the files were put in place: the files go back too.
    def refuse(self, dump):
        raise ops.BackupError("the database server went away")

    monkeypatch.setattr(engines.SqliteEngine, "replace", refuse)
    monkeypatch.setattr(engines.PostgresEngine, "replace", refuse)
    with pytest.raises(ops.BackupError, match="went away"):
        ops.restore(path, force=True)
    assert database_state() == before and files_in(storage) == files_before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["avustus.backup", "files"]

    # And when it can, the files in use before are kept aside, not deleted.
    monkeypatch.undo()
    check = ops.restore(path, force=True)
    assert check.ok and check.replaced, check.describe()
    assert files_in(storage) == two_attachments
    assert files_in(check.previous_files) == files_before


def test_with_another_kind_of_storage_the_files_are_written_back_under_their_names(db, request, tmp_path, settings):
    in_memory = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
    settings.STORAGES = {**settings.STORAGES, "default": in_memory}
    stored = request.getfixturevalue("two_attachments")
    path = tmp_path / "avustus.backup"
    ops.backup(path)
    assert {f.path for f in ops.Manifest.read(path).files} == set(stored)

    # A new, empty store: a name taken by other bytes is refused before anything is written.
    settings.STORAGES = {**settings.STORAGES, "default": {**in_memory}}
    first, second = sorted(stored)
    storages["default"].save(first, SimpleUploadedFile("x", b"other bytes"))
    with pytest.raises(ops.BackupError, match="other contents"):
        ops.restore(path, force=True)
    assert not storages["default"].exists(second)

    storages["default"].delete(first)
    check = ops.restore(path, force=True)
    assert check.ok and check.files_checked == 2, check.describe()
    for name, data in stored.items():
        with storages["default"].open(name, "rb") as f:
            assert f.read() == data


def test_a_manifest_naming_a_file_outside_the_backup_is_refused(two_attachments, tmp_path):
    path = tmp_path / "avustus.backup"
    ops.backup(path)
    data = json.loads((path / MANIFEST_NAME).read_text())
    data["files"][0]["path"] = "../../etc/passwd"
    (path / MANIFEST_NAME).write_text(json.dumps(data))
    with pytest.raises(ops.BackupError, match="not a storage name"):
        ops.restore(path, force=True)


def test_a_database_of_another_application_is_refused(loaded, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("a foreign SQLite file; PostgreSQL's foreign archive is covered above")
    path = tmp_path / "avustus.backup"
    ops.backup(path)
    dump_of(path).unlink()
    db = sqlite3.connect(dump_of(path))
    db.execute("CREATE TABLE django_migrations (id INTEGER PRIMARY KEY)")
    db.commit()
    db.close()
    rewrite_manifest(path, database_sha256=ops.sha256_of(dump_of(path)))
    with pytest.raises(ops.BackupError, match="not an Avustus database"):
        ops.restore(path, force=True)


def test_sqlite_backup_is_consistent_while_another_connection_writes(loaded, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's online backup; PostgreSQL's dump reads one exported snapshot")
    # A database in a file in WAL mode, as installations run it (the suite's own is in memory).
    path = tmp_path / "avustus.backup"
    ops.backup(path)
    live = dump_of(path)
    reader, writer = sqlite3.connect(live), sqlite3.connect(live, timeout=20)
    reader.execute("PRAGMA journal_mode=WAL")
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM applications_consortiummember")
    tables = sorted(json.loads((path / MANIFEST_NAME).read_text())["tables"])
    try:
        snapshot = engines.copy_sqlite(reader, tmp_path / "during-write.sqlite3", tables)
    finally:
        writer.rollback()
        writer.close()
        reader.close()
    # The uncommitted delete is not in the copy.
    assert snapshot.tables["applications_consortiummember"] > 0
