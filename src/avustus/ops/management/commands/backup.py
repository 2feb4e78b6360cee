"""``avustus backup PATH [--verify]``: the database and the attachments' files, with a manifest, in a new directory."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from avustus.ops.backup import BackupError, backup, verify_backup


class Command(BaseCommand):
    help = ("Back the database (SQLite online backup or pg_dump) and every attachment's stored file up into the "
            "new directory PATH, with PATH/manifest.json.")

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--verify", action="store_true",
                            help="then restore it into a scratch database and check the audit chain, the row "
                                 "counts and every attachment's file")

    def handle(self, *args, path: str, verify: bool, **options):
        try:
            manifest = backup(Path(path))
            self.stdout.write(f"Backup {path} ({manifest.engine}, {sum(manifest.tables.values())} rows in "
                              f"{len(manifest.tables)} tables, {len(manifest.files)} stored files)")
            if verify:
                check = verify_backup(Path(path))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if verify:
            if not check.ok:
                raise CommandError(f"The backup does not verify: {check.describe()}")
            self.stdout.write(f"Verified: {check.describe()}")
