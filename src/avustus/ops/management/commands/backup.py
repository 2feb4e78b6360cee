"""``avustus backup PATH [--verify]``: the database and the attachments' files, with a manifest, in a new directory."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

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
            self.stdout.write(_("Backup %(path)s (%(engine)s): rows %(rows)s in tables %(tables)s, stored files "
                                "%(files)s.") % {"path": path, "engine": manifest.engine,
                                                  "rows": sum(manifest.tables.values()),
                                                  "tables": len(manifest.tables), "files": len(manifest.files)})
            if verify:
                check = verify_backup(Path(path))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if verify:
            if not check.ok:
                raise CommandError(_("The backup does not verify: %(why)s") % {"why": check.describe()})
            self.stdout.write(_("Verified: %(what)s") % {"what": check.describe()})
