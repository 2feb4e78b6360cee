"""``avustus backup PATH [--verify]``: a consistent backup of the database, with its manifest beside it."""

from django.core.management.base import BaseCommand, CommandError

from avustus.ops.backup import BackupError, backup, manifest_path, verify_backup


class Command(BaseCommand):
    help = "Back the database up to PATH (SQLite online backup or pg_dump), with PATH.manifest.json beside it."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--verify", action="store_true",
                            help="then restore it into a scratch database and check the audit chain and row counts")

    def handle(self, *args, path: str, verify: bool, **options):
        try:
            manifest = backup(path)
            self.stdout.write(f"Backup {path} ({manifest.engine}, {sum(manifest.tables.values())} rows in "
                              f"{len(manifest.tables)} tables), manifest {manifest_path(path)}")
            if verify:
                check = verify_backup(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if verify:
            if not check.ok:
                raise CommandError(f"The backup does not verify: {check.describe()}")
            self.stdout.write(f"Verified: {check.describe()}")
