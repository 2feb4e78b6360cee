"""``avustus restore PATH [--force] [--check]``: put a backup back, then prove it whole against its manifest."""

from django.core.management.base import BaseCommand, CommandError

from avustus.ops.backup import BackupError, restore, verify_backup


class Command(BaseCommand):
    help = ("Restore the database from a backup made by `avustus backup`, then verify the audit chain and "
            "the row counts recorded in its manifest.")

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--force", action="store_true", help="replace a database that holds data")
        parser.add_argument("--check", action="store_true",
                            help="only check the backup, in a scratch database; leave this database alone")

    def handle(self, *args, path: str, force: bool, check: bool, **options):
        try:
            result = verify_backup(path) if check else restore(path, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not result.ok:
            raise CommandError(f"The restored database does not verify: {result.describe()}")
        self.stdout.write(f"{'Checked' if check else 'Restored'} {path}: {result.describe()}")
