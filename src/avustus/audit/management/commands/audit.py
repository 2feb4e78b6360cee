"""``avustus audit verify``: prove the audit log's hash chain whole, or name the first broken entry."""

from django.core.management.base import BaseCommand, CommandError

from avustus.audit.chain import verify


class Command(BaseCommand):
    help = "Check the audit log."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, action: str, **options):
        result = verify()
        if not result.ok:
            where = f"entry {result.entry_id}" if result.entry_id is not None else "the end of the log"
            raise CommandError(f"audit log broken at {where}: {result.problem} ({result.entries} entries verified before it)")
        self.stdout.write(f"audit log whole: {result.entries} entries verified")
