"""The stored files of attachments in a backup: copied out, checked, and put back.

Attachment files are written once under a random name before their row is committed and never
changed afterwards (a removal is a mark on the row), so the files that the rows of a database
snapshot refer to can be copied after the snapshot was taken: each is already there and still the
same. Every copy is hashed and must have its row's SHA-256.

On restore, a file system storage gets a new folder beside its own, filled and checked, which then
takes the old one's place (the old one is kept aside, never deleted); any other storage (an object
store) gets the missing files written under their names, and one already there must have the
recorded hash. Nothing in the storage changes before the database has verified in a scratch copy.
"""

import hashlib
import os
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage
from django.utils import timezone

from avustus.ops.engines import AttachmentRow
from avustus.ops.manifest import FILES_DIR, BackupError, StoredFile, safe_relative, sha256_of

CHUNK = 1 << 20


def _copy_hashing(src, dst) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    for chunk in iter(lambda: src.read(CHUNK), b""):
        digest.update(chunk)
        dst.write(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _hash_stream(src) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    for chunk in iter(lambda: src.read(CHUNK), b""):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _unique(rows: list[AttachmentRow]) -> dict[str, AttachmentRow]:
    return {row.storage_name: row for row in rows}


# --- Backup --------------------------------------------------------------------------------------------

def copy_out(storage, rows: list[AttachmentRow], backup_dir: Path) -> list[StoredFile]:
    """Copy every file the rows refer to into ``backup_dir/files``; refuse if any is missing or altered.

    A backup whose files do not match their rows could not be restored, so none is written.
    """
    entries, problems = [], []
    for name, row in sorted(_unique(rows).items()):
        target = backup_dir / FILES_DIR / safe_relative(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with storage.open(name, "rb") as src, open(target, "wb") as dst:
                digest, size = _copy_hashing(src, dst)
                dst.flush()
                os.fsync(dst.fileno())
        except FileNotFoundError:
            problems.append(f"{name} is missing from the file storage")
            continue
        if digest != row.sha256 or size != row.size:
            problems.append(f"{name} in the file storage differs from its attachment's SHA-256")
            continue
        entries.append(StoredFile(path=name, sha256=digest, size=size))
    if problems:
        raise BackupError("The attachments' stored files are not whole, so no backup was written: "
                          + "; ".join(problems))
    return entries


# --- Checks before a restore ---------------------------------------------------------------------------

def check_backup_files(backup_dir: Path, entries: list[StoredFile]) -> None:
    """Raise BackupError unless every file the manifest lists is in the backup with its recorded hash."""
    problems = []
    for entry in entries:
        path = backup_dir / FILES_DIR / safe_relative(entry.path)
        if not path.is_file():
            problems.append(f"{entry.path} is missing")
        elif path.stat().st_size != entry.size or sha256_of(path) != entry.sha256:
            problems.append(f"{entry.path} differs from the SHA-256 its manifest recorded")
    if problems:
        raise BackupError(f"{backup_dir} is damaged: " + "; ".join(problems) + ".")


def compare_rows(rows: list[AttachmentRow], entries: list[StoredFile]) -> list[str]:
    """Problems between a restored database's attachment rows and the files a backup holds."""
    held = {entry.path: entry for entry in entries}
    problems = []
    for name, row in sorted(_unique(rows).items()):
        entry = held.pop(name, None)
        if entry is None:
            problems.append(f"attachment file {name} is not in the backup")
        elif entry.sha256 != row.sha256 or entry.size != row.size:
            problems.append(f"attachment file {name} does not have its row's SHA-256")
    problems += [f"file {name} in the backup belongs to no attachment" for name in sorted(held)]
    return problems


def check_stored(storage, rows: list[AttachmentRow]) -> list[str]:
    """Problems between attachment rows and the files in the storage now in use."""
    problems = []
    for name, row in sorted(_unique(rows).items()):
        try:
            with storage.open(name, "rb") as f:
                digest, size = _hash_stream(f)
        except FileNotFoundError:
            problems.append(f"attachment file {name} is missing from the file storage")
            continue
        if digest != row.sha256 or size != row.size:
            problems.append(f"attachment file {name} in the file storage does not have its row's SHA-256")
    return problems


# --- Putting files back ---------------------------------------------------------------------------------

@dataclass
class StagedFolder:
    """The backup's files in a new folder beside a file system storage's own, ready to take its place."""

    location: Path
    staged: Path
    previous: Path | None = None

    def commit(self) -> Path | None:
        """Put the new folder in the old one's place; the old one, if it held anything, is kept aside."""
        if self.location.exists():
            if any(self.location.iterdir()):
                stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
                self.previous = self.location.with_name(f"{self.location.name}.before-restore-{stamp}-"
                                                        f"{secrets.token_hex(2)}")
                os.rename(self.location, self.previous)
            else:
                self.location.rmdir()
        try:
            os.rename(self.staged, self.location)
        except OSError:
            if self.previous is not None:
                os.rename(self.previous, self.location)
            raise
        return self.previous

    def discard(self) -> None:
        shutil.rmtree(self.staged, ignore_errors=True)

    def revert(self) -> None:
        """After ``commit``: the old folder back in its place (the database could not be replaced)."""
        os.rename(self.location, self.staged)
        if self.previous is not None:
            os.rename(self.previous, self.location)
        else:
            self.location.mkdir(exist_ok=True)
        self.discard()


@dataclass
class StagedObjects:
    """The backup's files written into another kind of storage under their own names."""

    storage: Storage
    written: list[str] = field(default_factory=list)

    def commit(self) -> None:
        return None

    def revert(self) -> None:
        self.discard()

    def discard(self) -> None:
        # Only what this restore wrote: the names are random and were absent before.
        for name in self.written:
            try:
                self.storage.delete(name)
            except Exception:  # noqa: BLE001, S110 - a file left over must not hide why the restore failed
                pass


def stage(storage, backup_dir: Path, entries: list[StoredFile]) -> StagedFolder | StagedObjects:
    """Prepare the backup's files in the storage without changing what the current database uses."""
    if isinstance(storage, FileSystemStorage):
        return _stage_folder(Path(storage.location), backup_dir, entries)
    return _stage_objects(storage, backup_dir, entries)


def _stage_folder(location: Path, backup_dir: Path, entries: list[StoredFile]) -> StagedFolder:
    location.parent.mkdir(parents=True, exist_ok=True)
    staged = StagedFolder(location, location.with_name(f"{location.name}.restoring-{secrets.token_hex(4)}"))
    staged.staged.mkdir()
    try:
        for entry in entries:
            target = staged.staged / safe_relative(entry.path)
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(backup_dir / FILES_DIR / safe_relative(entry.path), "rb") as src, open(target, "wb") as dst:
                digest, _size = _copy_hashing(src, dst)
                dst.flush()
                os.fsync(dst.fileno())
            if digest != entry.sha256:
                raise BackupError(f"{entry.path} changed in the backup while it was being restored.")
    except BaseException:
        staged.discard()
        raise
    return staged


def _stage_objects(storage, backup_dir: Path, entries: list[StoredFile]) -> StagedObjects:
    staged = StagedObjects(storage)
    # First a pass that only reads: a name taken by other bytes is refused before anything is written.
    absent = []
    for entry in entries:
        if not storage.exists(entry.path):
            absent.append(entry)
            continue
        with storage.open(entry.path, "rb") as f:
            if _hash_stream(f)[0] != entry.sha256:
                raise BackupError(f"{entry.path} is already in the file storage with other contents; "
                                  "nothing was restored.")
    try:
        for entry in absent:
            with open(backup_dir / FILES_DIR / safe_relative(entry.path), "rb") as src:
                if _hash_stream(src)[0] != entry.sha256:
                    raise BackupError(f"{entry.path} changed in the backup while it was being restored.")
                src.seek(0)
                saved = storage.save(entry.path, File(src, name=entry.path))
            staged.written.append(saved)
            if saved != entry.path:
                raise BackupError(f"the file storage stored {entry.path} as {saved}; nothing was restored.")
    except BaseException:
        staged.discard()
        raise
    return staged
