"""``avustus resolve NAME...``: which public body a name as written in a document means."""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from avustus.registry.resolver import resolve


class Command(BaseCommand):
    help = "Resolve names of Finnish public bodies (Finnish or Swedish, inflected or misspelt) to the registry."

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="+", metavar="NAME")
        parser.add_argument("--json", action="store_true", help="print a JSON array, one object per name")
        parser.add_argument("--on", metavar="DATE", help="the document's date (YYYY-MM-DD): prefer the bodies "
                            "that existed then; without it, former municipalities resolve as they were")

    def handle(self, *args, names: list[str], json: bool, on: str | None = None, **options):
        try:
            day = date.fromisoformat(on) if on else None
        except ValueError:
            raise CommandError(
                _("%(option)s must be a date as YYYY-MM-DD, not %(value)r.") % {"option": "--on", "value": on}
            ) from None
        results = [resolve(name, on=day) for name in names]
        if json:
            self.stdout.write(_dumps([r.to_json() for r in results]))
            return
        for r in results:
            if r.body is not None:
                code = f" ({r.body.code})" if r.body.code else ""
                note = f" [{r.note}]" if r.note else ""
                self.stdout.write(f"{r.query}: {r.body.name_fi}{code}, {r.body.kind}{note}")
            else:
                candidates = ", ".join(c.name_fi for c in r.candidates) or "none"
                self.stdout.write(f"{r.query}: not resolved ({r.error}); closest: {candidates}")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
