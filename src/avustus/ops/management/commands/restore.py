"""``avustus restore PATH [--force|--check]``: put a backup back once it has proved whole in a scratch database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

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
                raise CommandError(_("The restored data does not verify: %(why)s") % {"why": result.describe()})
            if check:
                raise CommandError(_("The backup does not verify: %(why)s") % {"why": result.describe()})
            raise CommandError(_("The backup does not verify, so nothing was restored: %(why)s")
                           % {"why": result.describe()})
        done = _("Checked %(path)s: %(what)s") if check else _("Restored %(path)s: %(what)s")
        self.stdout.write(done % {"path": path, "what": result.describe()})
        if result.previous_files:
            self.stdout.write(_("The files that were in use are kept in %(path)s.") % {"path": result.previous_files})
