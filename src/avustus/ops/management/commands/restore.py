"""``avustus restore PATH [--force|--check]``: put a backup back once it has proved whole in a scratch database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from avustus.ops.backup import BackupError, restore, verify_backup


class Command(BaseCommand):
    help = ("Restore the database and the attachments' files from a backup made by `avustus backup`. The backup "
            "is first restored into a scratch database and checked there (audit chain, row counts, every "
            "attachment's SHA-256); if anything fails, the data in use is left as it was.")

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--force", action="store_true", help="replace a database that holds data")
        group.add_argument("--check", action="store_true",
                           help="only check the backup, in a scratch database; leave this database alone")
        parser.add_argument("path")

    def handle(self, *args, path: str, force: bool, check: bool, **options):
        try:
            result = verify_backup(Path(path)) if check else restore(Path(path), force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not result.ok:
            if result.replaced:
                raise CommandError(f"The restored data does not verify: {result.describe()}")
            if check:
                raise CommandError(f"The backup does not verify: {result.describe()}")
            raise CommandError(f"The backup does not verify, so nothing was restored: {result.describe()}")
        self.stdout.write(f"{'Checked' if check else 'Restored'} {path}: {result.describe()}")
        if result.previous_files:
            self.stdout.write(f"The files that were in use are kept in {result.previous_files}.")
