"""``avustus export ROUND --format 360giving|csv|xlsx -o FILE``: a round's awarded grants as open data."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from avustus.errors import DomainError
from avustus.opendata.exports import FORMATS, round_export


class Command(BaseCommand):
    help = ("Write the awarded grants of the published round ROUND to FILE: a 360Giving data package validated "
            "against the schema, CSV or XLSX.")

    def add_arguments(self, parser):
        parser.add_argument("round", help="the round's identifier, as in its address (kuntadigi-2020-02-26)")
        parser.add_argument("--format", dest="fmt", choices=sorted(FORMATS), default="360giving")
        parser.add_argument("-o", "--output", required=True, help="the file to write ('-' for standard output)")

    def handle(self, *args, round: str, fmt: str, output: str, **options):  # noqa: A002 - the argument's name
        lang = (get_language() or "en")[:2]
        try:
            exported = round_export(round, fmt, lang=lang if lang in {"fi", "sv", "en"} else "en")
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        if output == "-":
            self.stdout.write(exported.content.decode("utf-8") if fmt != "xlsx" else
                              _("XLSX is binary: give a file with -o."), ending="")
            return
        Path(output).write_bytes(exported.content)
        self.stderr.write(_("%(count)s grants written to %(file)s.") % {"count": exported.grants, "file": output})
