"""What a backup says it holds (``manifest.json``), and what a restored database was found to hold.

The manifest is written last, once the database dump and every stored file are in the backup
directory, and lists: the engine, the dump's file name and SHA-256, the row count of every table and
the audit log's head as the dump's own snapshot saw them, and each stored file's path (its storage
name) with its size and SHA-256.
"""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath

FORMAT = "avustus-backup/2"
MANIFEST_NAME = "manifest.json"
FILES_DIR = "files"


class BackupError(Exception):
    """A backup or restore refused or failed, with a message meant for the operator."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def safe_relative(name: str) -> PurePosixPath:
    """A storage name as a relative path that stays inside the folder it is joined to.

    Names come from the manifest or from a restored database, both of which whoever holds the backup
    can write: an absolute path or a ``..`` would put a file anywhere on the server.
    """
    path = PurePosixPath(name)
    if (not name or "\\" in name or "\x00" in name or path.is_absolute()
            or any(part in {"", ".", ".."} for part in path.parts) or str(path) != name):
        raise BackupError(f"{name!r} is not a storage name a backup can hold.")
    return path


@dataclass(frozen=True)
class StoredFile:
    path: str  # the attachment's storage name, and its place under files/ in the backup
    sha256: str
    size: int


@dataclass
class Manifest:
    engine: str
    created_at: str
    avustus_version: str
    database: str  # the dump's file name inside the backup directory
    database_sha256: str
    tables: dict[str, int]
    audit_head: str | None
    files: list[StoredFile]
    format: str = FORMAT

    def write(self, directory: Path) -> Path:
        path = Path(directory) / MANIFEST_NAME
        data = asdict(self)
        path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return path

    @classmethod
    def read(cls, directory: Path) -> "Manifest":
        path = Path(directory) / MANIFEST_NAME
        if not path.is_file():
            raise BackupError(f"{path} is missing: without its manifest a backup cannot be checked.")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise ValueError(f"format {data.get('format') if isinstance(data, dict) else None!r}")
            values = {name: data[name] for name in cls.__dataclass_fields__}
            values["files"] = [StoredFile(path=str(f["path"]), sha256=str(f["sha256"]), size=int(f["size"]))
                               for f in data["files"]]
            if not isinstance(values["tables"], dict):
                raise ValueError("tables is not a mapping")
            if Path(values["database"]).name != values["database"]:
                raise ValueError(f"database {values['database']!r} is not a file name")
            return cls(**values)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BackupError(f"{path} is not an Avustus backup manifest ({exc}).") from exc


@dataclass
class Check:
    """What a database (and its stored files) was found to hold, compared with a backup's manifest."""

    audit_ok: bool
    audit_entries: int
    audit_problem: str | None = None
    count_mismatches: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    head_matches: bool = True
    files_checked: int = 0
    file_problems: list[str] = field(default_factory=list)
    # Where the files that were in place before a restore were kept (a folder), if anything was there.
    previous_files: Path | None = None
    # Whether the data in use was replaced: false for a check, and for a restore refused by its trial.
    replaced: bool = False

    @property
    def ok(self) -> bool:
        return self.audit_ok and not self.count_mismatches and self.head_matches and not self.file_problems

    def describe(self) -> str:
        if self.ok:
            return (f"audit chain whole ({self.audit_entries} entries); every table's row count as recorded; "
                    f"{self.files_checked} stored files, each with its attachment's SHA-256")
        problems = []
        if not self.audit_ok:
            problems.append(f"audit chain broken: {self.audit_problem}")
        if not self.head_matches:
            problems.append("the audit log's head is not the one recorded")
        problems += [f"{table}: {found} rows, {expected} recorded"
                     for table, (expected, found) in sorted(self.count_mismatches.items())]
        problems += self.file_problems
        return "; ".join(problems)
