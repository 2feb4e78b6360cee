"""``avustus import-decision PATH``: store a collective decision text and report what disagrees in it."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from avustus.actors import SYSTEM
from avustus.decisions.importing.result import DecisionFormatError
from avustus.decisions.round_import import RoundConflict, import_decision
from avustus.decisions.selectors import round_report


class Command(BaseCommand):
    help = "Import a collective decision (the body and Appendix 1) as a round, with findings."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the decision as a UTF-8 text file")
        parser.add_argument("--json", action="store_true", help="print the stored round as JSON")
        parser.add_argument("--replace", action="store_true", help="replace a round imported from another text")

    def handle(self, *args, path, json: bool, replace: bool, **options):
        source = Path(path)
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise CommandError(_("cannot read %(path)s: %(error)s") % {"path": source, "error": exc.strerror}) from exc
        try:
            result = import_decision(data, actor=SYSTEM, source_name=source.name, replace=replace)
        except DecisionFormatError as exc:
            raise CommandError(_("%(path)s is not a collective decision that can be imported: %(error)s")
                               % {"path": source, "error": exc}) from exc
        except RoundConflict as exc:
            raise CommandError(str(exc)) from exc
        report = round_report(result.call)
        if json:
            self.stdout.write(_dumps(report))
            return
        r = report["round"]
        self.stdout.write(
            f"{'Imported' if result.changed else 'Already imported, nothing changed:'} round {r['id']} "
            f"decided {r['decision_date']}: {r['applications']} applications, {r['granted']} granted "
            f"({report['totals']['granted']} €), {r['deferred']} deferred, {r['rejected']} rejected; "
            f"{len(report['findings'])} findings."
        )
        for finding in report["findings"]:
            self.stdout.write(f"- [{finding['severity']}] {finding['message']}")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
