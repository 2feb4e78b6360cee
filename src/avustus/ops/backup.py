"""Backups of the database and their restoration, each checked against a manifest written beside it.

A backup is one file: a copy of the SQLite database made with SQLite's online backup API (consistent
while the app keeps writing in WAL mode), or a ``pg_dump`` archive in custom format taken in one
exported snapshot. Beside it, ``<file>.manifest.json`` records what that same snapshot held: the row
count of every table, the audit log's head hash, when it was made, by which Avustus, and the file's own
SHA-256.

A restore first refuses anything it cannot trust (no manifest, a file whose hash differs, a backup of the
other database engine, a file that is not an Avustus database) without touching the database; refuses
to overwrite a database that holds data unless forced; then restores in one step and checks that the
audit chain verifies and every table has the count the manifest recorded.
"""

import hashlib
import importlib.metadata
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import connections
from django.utils import timezone

from avustus.applications.models import Application
from avustus.audit import chain
from avustus.audit.models import AuditEntry, AuditHead
from avustus.calls.models import Call

FORMAT = "avustus-backup/1"
MANIFEST_SUFFIX = ".manifest.json"
MIGRATIONS_TABLE = "django_migrations"


class BackupError(Exception):
    """A backup or restore refused or failed, with a message meant for the operator."""


@dataclass
class Manifest:
    engine: str
    created_at: str
    avustus_version: str
    sha256: str
    tables: dict[str, int]
    audit_head: str | None
    format: str = FORMAT

    def write(self, backup_path: Path) -> Path:
        path = manifest_path(backup_path)
        path.write_text(json.dumps(asdict(self), indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return path

    @classmethod
    def read(cls, backup_path: Path) -> "Manifest":
        path = manifest_path(backup_path)
        if not path.exists():
            raise BackupError(f"{path} is missing: without its manifest a backup cannot be checked.")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise ValueError(f"format {data.get('format')!r}")
            return cls(**{name: data[name] for name in cls.__dataclass_fields__})
        except (ValueError, KeyError, TypeError) as exc:
            raise BackupError(f"{path} is not an Avustus backup manifest ({exc}).") from exc


@dataclass
class Check:
    """What a restored database was found to hold, compared with its manifest."""

    audit_ok: bool
    audit_entries: int
    audit_problem: str | None = None
    count_mismatches: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    head_matches: bool = True

    @property
    def ok(self) -> bool:
        return self.audit_ok and not self.count_mismatches and self.head_matches

    def describe(self) -> str:
        if self.ok:
            return f"audit chain whole ({self.audit_entries} entries); every table's row count as recorded"
        problems = []
        if not self.audit_ok:
            problems.append(f"audit chain broken: {self.audit_problem}")
        if not self.head_matches:
            problems.append("the audit log's head is not the one recorded")
        problems += [f"{table}: {found} rows, {expected} recorded"
                     for table, (expected, found) in sorted(self.count_mismatches.items())]
        return "; ".join(problems)


def manifest_path(backup_path: Path) -> Path:
    backup_path = Path(backup_path)
    return backup_path.with_name(backup_path.name + MANIFEST_SUFFIX)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _engine(connection) -> str:
    if connection.vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"backups of a {connection.vendor} database are not supported")
    return connection.vendor


def _table_names(connection) -> list[str]:
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
    names = set(connection.introspection.django_table_names(only_existing=True, include_views=False))
    return sorted(names | ({MIGRATIONS_TABLE} & existing))


def _snapshot_facts(cursor, tables: list[str], quote) -> tuple[dict[str, int], str | None]:
    """Row counts and the audit head as the cursor's transaction (or file) sees them."""
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = cursor.fetchone()[0]
    head_table = AuditHead._meta.db_table
    cursor.execute(f"SELECT {quote('last_hash')} FROM {quote(head_table)} WHERE {quote('id')} = 1")
    row = cursor.fetchone()
    return counts, (row[0] if row else None)


def _quote_sqlite(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --- PostgreSQL connection settings, from Django's DATABASES and never through a shell ------------------

def _pg_args(settings_dict: dict, dbname: str | None = None) -> tuple[list[str], dict]:
    args = ["--dbname", dbname or settings_dict["NAME"]]
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def _pg_connect(settings_dict: dict, dbname: str | None = None):
    import psycopg

    params = {"dbname": dbname or settings_dict["NAME"], "autocommit": True}
    for key, param in (("HOST", "host"), ("PORT", "port"), ("USER", "user"), ("PASSWORD", "password")):
        if settings_dict.get(key):
            params[param] = settings_dict[key]
    try:
        return psycopg.connect(**params)
    except psycopg.Error as exc:
        raise BackupError(f"Cannot connect to PostgreSQL database {params['dbname']}: {exc}") from exc


def _run(command: list[str], env: dict) -> subprocess.CompletedProcess:
    tool = command[0]
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} is not installed; PostgreSQL's client tools are needed for its backups.")
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{tool} failed: {result.stderr.strip() or result.stdout.strip()}")
    return result


# --- Backup ----------------------------------------------------------------------------------------------

def backup(path: Path, *, using: str = "default") -> Manifest:
    """Write a backup of the database to ``path`` and its manifest beside it."""
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} exists already; choose a new name so that no backup is overwritten.")
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = connections[using]
    engine = _engine(connection)
    tables = _table_names(connection)
    partial = path.with_name(path.name + ".partial")
    try:
        if engine == "sqlite":
            connection.ensure_connection()
            counts, head = _backup_sqlite(connection.connection, partial, tables)
        else:
            counts, head = _backup_postgresql(connection.settings_dict, partial, tables)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    manifest = Manifest(
        engine=engine,
        created_at=timezone.now().isoformat(),
        avustus_version=importlib.metadata.version("avustus"),
        sha256=_sha256(path),
        tables=counts,
        audit_head=head,
    )
    manifest.write(path)
    return manifest


def _backup_sqlite(src: sqlite3.Connection, target: Path, tables: list[str]) -> tuple[dict[str, int], str | None]:
    dst = sqlite3.connect(target)
    try:
        # One step (pages=-1) under one read transaction: the copy is the database at one instant.
        src.backup(dst)
        # A single self-contained file, not one that expects a -wal beside it.
        dst.execute("PRAGMA journal_mode=DELETE")
        counts, head = _snapshot_facts(dst.cursor(), tables, _quote_sqlite)
    finally:
        dst.close()
    with open(target, "rb+") as f:
        os.fsync(f.fileno())
    return counts, head


def _backup_postgresql(settings_dict: dict, target: Path, tables: list[str]) -> tuple[dict[str, int], str | None]:
    from psycopg import sql

    def quote(name: str) -> str:
        return sql.Identifier(name).as_string(control)

    with _pg_connect(settings_dict) as control:
        # pg_dump reads the very snapshot the counts were taken in, so the manifest describes the file.
        control.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = control.execute("SELECT pg_export_snapshot()").fetchone()[0]
        counts, head = _snapshot_facts(control.cursor(), tables, quote)
        args, env = _pg_args(settings_dict)
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
              f"--file={target}", *args], env)
        control.execute("ROLLBACK")
    return counts, head


# --- Checks before a restore -----------------------------------------------------------------------------

REQUIRED_TABLES = (MIGRATIONS_TABLE, AuditEntry._meta.db_table, AuditHead._meta.db_table)


def check_file(path: Path, *, using: str = "default") -> Manifest:
    """The backup's manifest, once the file is known to be intact, Avustus's, and for this engine."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    manifest = Manifest.read(path)
    if _sha256(path) != manifest.sha256:
        raise BackupError(f"{path} is damaged: its SHA-256 differs from the one its manifest recorded.")
    engine = _engine(connections[using])
    if manifest.engine != engine:
        raise BackupError(f"{path} is a backup of a {manifest.engine} database; this installation uses {engine}.")
    missing = [t for t in REQUIRED_TABLES if t not in manifest.tables]
    if missing:
        raise BackupError(f"{path} is not an Avustus database: it has no {', '.join(missing)}.")
    if engine == "sqlite":
        _check_sqlite_file(path)
    else:
        _check_pg_archive(path, connections[using].settings_dict)
    return manifest


def _check_sqlite_file(path: Path) -> None:
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{path} is damaged: SQLite's integrity check fails.")
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a readable SQLite database ({exc}).") from exc
    missing = [t for t in REQUIRED_TABLES if t not in tables]
    if missing:
        raise BackupError(f"{path} is not an Avustus database: it has no {', '.join(missing)}.")


def _check_pg_archive(path: Path, settings_dict: dict) -> None:
    _args, env = _pg_args(settings_dict)
    try:
        listing = _run(["pg_restore", "--list", str(path)], env).stdout
    except BackupError as exc:
        raise BackupError(f"{path} is not a readable pg_dump archive ({exc}).") from exc
    missing = [t for t in REQUIRED_TABLES if f"TABLE DATA public {t} " not in listing]
    if missing:
        raise BackupError(f"{path} is not an Avustus database: it has no {', '.join(missing)}.")


def has_data(*, using: str = "default") -> bool:
    """Whether the database holds anything a restore would destroy: any user, call, application or audit entry."""
    connection = connections[using]
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
    return any(
        model._meta.db_table in existing and model.objects.using(using).exists()
        for model in (get_user_model(), Call, Application, AuditEntry)
    )


# --- Restore and verification ----------------------------------------------------------------------------

def restore(path: Path, *, force: bool = False, using: str = "default") -> Check:
    """Replace the database with the backup at ``path``, then check it against the manifest.

    Raises BackupError, with the database untouched, for a file it cannot trust or a database holding
    data without ``force``. The returned check says whether the restored database verifies.
    """
    path = Path(path)
    manifest = check_file(path, using=using)
    if not force and has_data(using=using):
        raise BackupError("The database holds data; restoring would replace it. Use --force to do so anyway.")
    connection = connections[using]
    if manifest.engine == "sqlite":
        connection.ensure_connection()
        _restore_sqlite(path, connection.connection)
    else:
        connection.close()
        _restore_postgresql(path, connection.settings_dict)
    return verify_database(manifest, using=using)


def _restore_sqlite(path: Path, dst: sqlite3.Connection) -> None:
    src = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        # The backup API writes the destination in one transaction: all of the backup or nothing.
        src.backup(dst)
    finally:
        src.close()


def _restore_postgresql(path: Path, settings_dict: dict, dbname: str | None = None) -> None:
    args, env = _pg_args(settings_dict, dbname)
    # One transaction: should any statement fail, the database stays as it was.
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
          "--exit-on-error", *args, str(path)], env)


def verify_database(manifest: Manifest, *, using: str = "default") -> Check:
    """Compare the database now behind ``using`` with a manifest: audit chain, head and row counts."""
    if using != "default":
        raise BackupError("the audit chain is verified on the default database only")
    connection = connections[using]
    tables = sorted(manifest.tables)
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        found_counts = {}
        for table in tables:
            if table in existing:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
                found_counts[table] = cursor.fetchone()[0]
            else:
                found_counts[table] = None
    mismatches = {t: (manifest.tables[t], found_counts[t]) for t in tables if found_counts[t] != manifest.tables[t]}
    head = AuditHead.objects.using(using).filter(pk=1).values_list("last_hash", flat=True).first()
    verification = chain.verify()
    return Check(audit_ok=verification.ok, audit_entries=verification.entries, audit_problem=verification.problem,
                 count_mismatches=mismatches, head_matches=head == manifest.audit_head)


@contextmanager
def _database_named(connection, name: str):
    """Point ``connection`` at another database of the same server for the duration."""
    saved_name, saved_connection = connection.settings_dict["NAME"], connection.connection
    # Set aside, not closed: an in-memory SQLite database (the tests') lives only while it is open.
    connection.connection = None
    connection.settings_dict["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = saved_name
        connection.connection = saved_connection


def verify_backup(path: Path) -> Check:
    """Restore the backup into a scratch database beside the real one and check it there.

    The installation's own database is not touched; the scratch database is removed afterwards.
    """
    path = Path(path)
    manifest = check_file(path)
    connection = connections["default"]
    if manifest.engine == "sqlite":
        with tempfile.TemporaryDirectory(prefix="avustus-verify-") as scratch_dir:
            scratch = Path(scratch_dir) / "scratch.sqlite3"
            with sqlite3.connect(scratch) as scratch_connection:
                _restore_sqlite(path, scratch_connection)
            scratch_connection.close()
            with _database_named(connection, str(scratch)):
                return verify_database(manifest)
    settings_dict = connection.settings_dict
    scratch = f"{settings_dict['NAME']}_verify_{secrets.token_hex(4)}"[:63]
    import psycopg

    with _pg_connect(settings_dict, "postgres") as admin:
        try:
            admin.execute(f'CREATE DATABASE "{scratch}"')
        except psycopg.Error as exc:
            raise BackupError(f"Cannot create a scratch database to check the backup in ({exc}); "
                              "the database user needs CREATEDB.") from exc
    try:
        _restore_postgresql(path, settings_dict, scratch)
        with _database_named(connection, scratch):
            return verify_database(manifest)
    finally:
        with _pg_connect(settings_dict, "postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
