"""Backups of the database and of the attachments' stored files, and their restoration.

A backup is a directory::

    PATH/database.sqlite3 or PATH/database.pgdump   the database (see ``engines``)
    PATH/files/<storage name>                        every file an attachment row refers to
    PATH/manifest.json                               what the two hold (see ``manifest``)

It is written under a temporary name and renamed into place once whole, so a backup that exists is
complete.

A restore first refuses anything it cannot trust without touching anything: no manifest, a dump or a
file whose hash differs from the manifest's, a backup of the other engine, something that is not an
Avustus database, a database holding data (unless forced). It then restores the dump into a scratch
database and checks it there: the audit chain, its head and every table's row count against the
manifest, and every attachment row against the file the backup holds for it (SHA-256 and size). Only
if all of that holds are the files put in place and the live database replaced; the result is then
checked again, files read back from the storage.
"""

import importlib.metadata
import os
import secrets
import shutil
import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.storage import storages
from django.db import connections
from django.utils import timezone

from avustus.applications.models import Application, Attachment
from avustus.audit import chain
from avustus.audit.models import AuditEntry, AuditHead
from avustus.calls.models import Call
from avustus.ops import files
from avustus.ops.engines import REQUIRED_TABLES, AttachmentRow, engine_for, table_names
from avustus.ops.manifest import MANIFEST_NAME, BackupError, Check, Manifest, sha256_of

__all__ = ["BackupError", "Check", "Manifest", "backup", "check_backup", "has_data", "restore", "verify_backup"]


def _storage():
    return storages["default"]


def _fsync(path: Path) -> None:
    """On disk before the next step: a backup that exists after a crash is whole."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- Backup ----------------------------------------------------------------------------------------------

def backup(path: Path, *, using: str = "default") -> Manifest:
    """Write a backup of the database and of the attachments' files to the new directory ``path``."""
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} exists already; choose a new name so that no backup is overwritten.")
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = connections[using]
    engine = engine_for(connection)
    partial = path.with_name(f"{path.name}.partial-{secrets.token_hex(4)}")
    partial.mkdir()
    # The head the manifest records covers every entry committed by now; entries committed while the dump
    # runs may still be in it unsealed, fixed there by the dump's SHA-256 and sealed after a restore.
    chain.seal_pending(rounds=None)
    try:
        snapshot = engine.dump(partial / engine.dump_name, table_names(connection))
        stored = files.copy_out(_storage(), snapshot.attachments, partial)
        manifest = Manifest(
            engine=engine.vendor,
            created_at=timezone.now().isoformat(),
            avustus_version=importlib.metadata.version("avustus"),
            database=engine.dump_name,
            database_sha256=sha256_of(partial / engine.dump_name),
            tables=snapshot.tables,
            audit_head=snapshot.audit_head,
            files=stored,
        )
        _fsync(manifest.write(partial))
        _fsync(partial)
        os.rename(partial, path)
        _fsync(path.parent)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return manifest


# --- Checks before a restore -----------------------------------------------------------------------------

def check_backup(path: Path, *, using: str = "default") -> Manifest:
    """The backup's manifest, once the dump and every file are known intact, Avustus's and for this engine."""
    path = Path(path)
    if not path.exists():
        raise BackupError(f"{path} does not exist.")
    if not path.is_dir():
        raise BackupError(f"{path} is not a backup directory (one with {MANIFEST_NAME}, the database and "
                          "the files), as `avustus backup` writes them.")
    manifest = Manifest.read(path)
    engine = engine_for(connections[using])
    if manifest.engine != engine.vendor:
        raise BackupError(f"{path} is a backup of a {manifest.engine} database; "
                          f"this installation uses {engine.vendor}.")
    dump = path / manifest.database
    if not dump.is_file():
        raise BackupError(f"{path} is damaged: its database {manifest.database} is missing.")
    if sha256_of(dump) != manifest.database_sha256:
        raise BackupError(f"{dump} is damaged: its SHA-256 differs from the one its manifest recorded.")
    missing = [t for t in REQUIRED_TABLES if t not in manifest.tables]
    if missing:
        raise BackupError(f"{path} is not an Avustus database: it has no {', '.join(missing)}.")
    engine.check_dump(dump)
    files.check_backup_files(path, manifest.files)
    return manifest


def has_data(*, using: str = "default") -> bool:
    """Whether the database holds anything a restore would destroy: any user, call, application or audit entry."""
    connection = connections[using]
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
    return any(
        model._meta.db_table in existing and model.objects.using(using).exists()
        for model in (get_user_model(), Call, Application, AuditEntry)
    )


# --- Verification ----------------------------------------------------------------------------------------

def _attachment_rows() -> list[AttachmentRow]:
    return [AttachmentRow(*row) for row in Attachment.objects.order_by("id").values_list("storage_name", "sha256",
                                                                                         "size")]


def verify_database(manifest: Manifest, *, stored_in=None) -> Check:
    """Compare the default database with a manifest: audit chain, head, row counts and attachment files.

    The files are those the manifest lists (checked against the backup before), or, with ``stored_in``,
    those the storage now holds, read and hashed.
    """
    connection = connections["default"]
    tables = sorted(manifest.tables)
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        found_counts = {}
        for table in tables:
            if table in existing:
                # The names are the manifest's tables found in the schema, quoted by the engine.
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
                found_counts[table] = cursor.fetchone()[0]
            else:
                found_counts[table] = None
    mismatches = {t: (manifest.tables[t], found_counts[t]) for t in tables if found_counts[t] != manifest.tables[t]}
    head = AuditHead.objects.filter(pk=1).values_list("last_hash", flat=True).first()
    rows = _attachment_rows() if Attachment._meta.db_table in existing else []
    if stored_in is None:
        file_problems = files.compare_rows(rows, manifest.files)
    else:
        file_problems = files.check_stored(stored_in, rows)
    # As it is: sealing here would move the head away from the manifest's. Entries the backup holds unsealed
    # are fixed by the dump's SHA-256; ``restore`` seals them once the restored database is checked.
    verification = chain.verify(seal_first=False, unsealed_limit=None)
    return Check(audit_ok=verification.ok, audit_entries=verification.entries, audit_problem=verification.problem,
                 count_mismatches=mismatches, head_matches=head == manifest.audit_head,
                 files_checked=len({row.storage_name for row in rows}), file_problems=file_problems)


def verify_backup(path: Path) -> Check:
    """Restore the backup into a scratch database and check it there; nothing in use is touched."""
    path = Path(path)
    manifest = check_backup(path)
    with engine_for(connections["default"]).scratch(path / manifest.database):
        return verify_database(manifest)


# --- Restore ---------------------------------------------------------------------------------------------

def restore(path: Path, *, force: bool = False) -> Check:
    """Replace the database and the attachments' files with the backup at ``path``, if it verifies.

    Raises BackupError, with everything untouched, for a backup it cannot trust or a database holding data
    without ``force``. A backup that does not verify in a scratch database is returned as a failed check,
    again with everything untouched. Otherwise the returned check is that of the restored data.
    """
    path = Path(path)
    manifest = check_backup(path)
    if not force and has_data():
        raise BackupError("The database holds data; restoring would replace it. Use --force to do so anyway.")
    engine = engine_for(connections["default"])
    with tempfile.TemporaryDirectory(prefix="avustus-restore-") as private:
        # The very bytes that verify are the ones restored: a private copy, not the backup's file, which
        # could change between the check and the restore.
        dump = Path(private) / manifest.database
        shutil.copyfile(path / manifest.database, dump)
        if sha256_of(dump) != manifest.database_sha256:
            raise BackupError(f"{path / manifest.database} changed while it was being restored.")
        return _restore_verified(engine, manifest, path, dump)


def _restore_verified(engine, manifest: Manifest, path: Path, dump: Path) -> Check:
    with engine.scratch(dump):
        trial = verify_database(manifest)
    if not trial.ok:
        return trial
    storage = _storage()
    staged = files.stage(storage, path, manifest.files)
    # Files first: putting a folder back is a rename, while a database that failed to restore is already
    # back as it was (one transaction); so a failure at either step leaves the data as it was.
    try:
        previous = staged.commit()
    except BaseException:
        staged.discard()
        raise
    try:
        engine.replace(dump)
    except BaseException:
        staged.revert()
        raise
    check = verify_database(manifest, stored_in=storage)
    check.previous_files, check.replaced = previous, True
    chain.seal_pending(rounds=None)  # what the backup held unsealed joins the chain, after the head was checked
    return check
