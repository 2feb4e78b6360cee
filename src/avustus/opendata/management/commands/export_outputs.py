"""``avustus export-outputs -o FILE``: the public reuse catalogue (checked outputs of funded projects) as JSON."""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from avustus.opendata.outputs import as_json, public_outputs, rows


class Command(BaseCommand):
    help = "Write the reuse catalogue (the checked outputs of funded projects, their licences flagged) as JSON."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="the file to write ('-' for standard output)")

    def handle(self, *args, output: str, **options):
        found = rows(public_outputs())
        content = as_json(found)
        if output == "-":
            self.stdout.write(content.decode("utf-8"))
            return
        Path(output).write_bytes(content)
        self.stderr.write(_("%(count)s outputs written to %(file)s.") % {"count": len(found), "file": output})
