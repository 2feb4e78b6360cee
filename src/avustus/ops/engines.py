"""The two database engines a backup knows, behind one interface.

``SqliteEngine`` copies with SQLite's online backup API (consistent while the app keeps writing in
WAL mode); ``PostgresEngine`` runs ``pg_dump`` in custom format inside one exported snapshot. Each
reads, from the very snapshot it dumps, the row counts, the audit head and the attachment rows, so
that the manifest describes the dump exactly. Each can restore a dump into a scratch database (and
point Django's connection at it while the caller checks it) and replace the live database with it.
"""

import os
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.db.models import Field
from django.db.models.options import Options

from avustus.applications.models import Attachment
from avustus.audit.models import AuditEntry, AuditHead
from avustus.ops.manifest import BackupError

MIGRATIONS_TABLE = "django_migrations"
REQUIRED_TABLES = (MIGRATIONS_TABLE, AuditEntry._meta.db_table, AuditHead._meta.db_table)


@dataclass(frozen=True)
class AttachmentRow:
    storage_name: str
    sha256: str
    size: int


@dataclass
class Snapshot:
    """What the dump holds, read in the same snapshot as the dump itself."""

    tables: dict[str, int]
    audit_head: str | None
    attachments: list[AttachmentRow]


class Engine(Protocol):
    vendor: str
    dump_name: str  # the dump's file name inside a backup directory

    def dump(self, target: Path, tables: list[str]) -> Snapshot:
        """Write the live database to ``target`` and say what that copy holds."""

    def check_dump(self, path: Path) -> None:
        """Raise BackupError unless ``path`` is a readable dump of an Avustus database."""

    def scratch(self, path: Path):
        """A context manager: the dump restored into a scratch database that Django's connection uses
        meanwhile; the scratch database is gone afterwards and the live one untouched."""

    def replace(self, path: Path) -> None:
        """Replace the live database with the dump, all of it or nothing."""


def engine_for(connection) -> Engine:
    if connection.vendor == "sqlite":
        return SqliteEngine(connection)
    if connection.vendor == "postgresql":
        return PostgresEngine(connection)
    raise BackupError(f"backups of a {connection.vendor} database are not supported")


def table_names(connection) -> list[str]:
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
    names = set(connection.introspection.django_table_names(only_existing=True, include_views=False))
    return sorted(names | ({MIGRATIONS_TABLE} & existing))


def _column(meta: "Options[Any]", name: str) -> str:
    """The database column of a model's concrete field (what raw SQL must name)."""
    field = meta.get_field(name)
    if not isinstance(field, Field) or field.column is None:
        raise TypeError(f"{meta.label}.{name} is not a concrete field")
    return field.column


def _read_snapshot(cursor, tables: list[str], quote: Callable[[str], str]) -> Snapshot:
    """Row counts, the audit head and the attachment rows as the cursor's transaction (or file) sees them."""
    # Raw SQL to read what the cursor's own snapshot holds; every name is a table or column from the
    # schema (Django's own metadata or introspection), quoted by the engine: no user input reaches it.
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608
        counts[table] = cursor.fetchone()[0]
    head = quote(AuditHead._meta.db_table)
    cursor.execute(f"SELECT {quote('last_hash')} FROM {head} WHERE {quote('id')} = 1")  # noqa: S608
    row = cursor.fetchone()
    attachments = []
    meta = Attachment._meta
    if meta.db_table in counts:
        columns = ", ".join(quote(_column(meta, name)) for name in ("storage_name", "sha256", "size"))
        cursor.execute(f"SELECT {columns} FROM {quote(meta.db_table)} ORDER BY {quote('id')}")  # noqa: S608
        attachments = [AttachmentRow(*r) for r in cursor.fetchall()]
    return Snapshot(tables=counts, audit_head=row[0] if row else None, attachments=attachments)


@contextmanager
def database_named(connection, name: str) -> Iterator[None]:
    """Point ``connection`` at another database (a file, or a database of the same server) for the duration."""
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


# --- SQLite ----------------------------------------------------------------------------------------------

def _quote_sqlite(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _open_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)


def copy_sqlite(src: sqlite3.Connection, target: Path, tables: list[str]) -> Snapshot:
    """Copy ``src`` into a new file at ``target`` and read what the copy holds."""
    dst = sqlite3.connect(target)
    try:
        # One step (pages=-1) under one read transaction: the copy is the database at one instant.
        src.backup(dst)
        # A single self-contained file, not one that expects a -wal beside it.
        dst.execute("PRAGMA journal_mode=DELETE")
        snapshot = _read_snapshot(dst.cursor(), tables, _quote_sqlite)
    finally:
        dst.close()
    with open(target, "rb+") as f:
        os.fsync(f.fileno())
    return snapshot


class SqliteEngine:
    vendor = "sqlite"
    dump_name = "database.sqlite3"

    def __init__(self, connection):
        self.connection = connection

    def dump(self, target: Path, tables: list[str]) -> Snapshot:
        self.connection.ensure_connection()
        return copy_sqlite(self.connection.connection, target, tables)

    def check_dump(self, path: Path) -> None:
        try:
            db = _open_read_only(path)
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

    @contextmanager
    def scratch(self, path: Path) -> Iterator[None]:
        with tempfile.TemporaryDirectory(prefix="avustus-verify-") as scratch_dir:
            scratch = Path(scratch_dir) / "scratch.sqlite3"
            scratch_connection = sqlite3.connect(scratch)
            try:
                self._restore_into(path, scratch_connection)
            finally:
                scratch_connection.close()
            with database_named(self.connection, str(scratch)):
                yield

    def replace(self, path: Path) -> None:
        self.connection.ensure_connection()
        self._restore_into(path, self.connection.connection)

    @staticmethod
    def _restore_into(path: Path, dst: sqlite3.Connection) -> None:
        src = _open_read_only(path)
        try:
            # The backup API writes the destination in one transaction: all of the backup or nothing.
            src.backup(dst)
        finally:
            src.close()


# --- PostgreSQL: connection settings from Django's DATABASES, never through a shell ----------------------

def _run(command: list[str], env: dict) -> subprocess.CompletedProcess:
    tool = command[0]
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} is not installed; PostgreSQL's client tools are needed for its backups.")
    # An argument list (no shell) naming PostgreSQL's own tools, with settings from DATABASES.
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{tool} failed: {result.stderr.strip() or result.stdout.strip()}")
    return result


class PostgresEngine:
    vendor = "postgresql"
    dump_name = "database.pgdump"

    def __init__(self, connection):
        self.connection = connection
        self.settings = connection.settings_dict

    def _args(self, dbname: str | None = None) -> tuple[list[str], dict]:
        args = ["--dbname", dbname or self.settings["NAME"]]
        for key, option in (("HOST", "--host"), ("PORT", "--port"), ("USER", "--username")):
            if self.settings.get(key):
                args += [option, str(self.settings[key])]
        env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
        if self.settings.get("PASSWORD"):
            env["PGPASSWORD"] = str(self.settings["PASSWORD"])
        return args, env

    def _connect(self, dbname: str | None = None):
        import psycopg

        params: dict[str, Any] = {"dbname": dbname or self.settings["NAME"], "autocommit": True}
        for key, param in (("HOST", "host"), ("PORT", "port"), ("USER", "user"), ("PASSWORD", "password")):
            if self.settings.get(key):
                params[param] = self.settings[key]
        try:
            return psycopg.connect(**params)
        except psycopg.Error as exc:
            raise BackupError(f"Cannot connect to PostgreSQL database {params['dbname']}: {exc}") from exc

    def dump(self, target: Path, tables: list[str]) -> Snapshot:
        from psycopg import sql

        with self._connect() as control:
            # pg_dump reads the very snapshot the facts were read in, so the manifest describes the dump.
            control.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            exported = control.execute("SELECT pg_export_snapshot()").fetchone()[0]
            snapshot = _read_snapshot(control.cursor(), tables, lambda name: sql.Identifier(name).as_string(control))
            args, env = self._args()
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={exported}",
                  f"--file={target}", *args], env)
            control.execute("ROLLBACK")
        return snapshot

    def check_dump(self, path: Path) -> None:
        _args, env = self._args()
        try:
            listing = _run(["pg_restore", "--list", str(path)], env).stdout
        except BackupError as exc:
            raise BackupError(f"{path} is not a readable pg_dump archive ({exc}).") from exc
        missing = [t for t in REQUIRED_TABLES if f"TABLE DATA public {t} " not in listing]
        if missing:
            raise BackupError(f"{path} is not an Avustus database: it has no {', '.join(missing)}.")

    def _restore(self, path: Path, dbname: str | None = None) -> None:
        args, env = self._args(dbname)
        # One transaction: should any statement fail, the database stays as it was.
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
              "--exit-on-error", *args, str(path)], env)

    @contextmanager
    def scratch(self, path: Path) -> Iterator[None]:
        import psycopg

        name = f"{self.settings['NAME']}_verify_{secrets.token_hex(4)}"[:63]
        with self._connect("postgres") as admin:
            try:
                admin.execute(f'CREATE DATABASE "{name}"')
            except psycopg.Error as exc:
                raise BackupError(f"Cannot create a scratch database to check the backup in ({exc}); "
                                  "the database user needs CREATEDB.") from exc
        try:
            self._restore(path, name)
            with database_named(self.connection, name):
                yield
        finally:
            with self._connect("postgres") as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def replace(self, path: Path) -> None:
        # Restored in place, in one transaction, and only after the same archive verified in a scratch
        # database. Renaming the scratch database over this one would need every other connection to
        # this one ended first (a running server's included); pg_restore --single-transaction gives the
        # same all-or-nothing without that.
        self.connection.close()
        self._restore(path)
