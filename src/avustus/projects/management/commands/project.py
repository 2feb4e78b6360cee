"""``avustus project REFERENCE [--json]``: a funded project's grant, what was paid and its reports due."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from avustus.actors import SYSTEM
from avustus.errors import NotFound
from avustus.projects.selectors import project_report
from avustus.projects.services import project_for


class Command(BaseCommand):
    help = "Print a funded project's grant, what has been paid and the reports due."

    def add_arguments(self, parser):
        parser.add_argument("reference", help="the application's tracking number, for example kuntadigi-2020-02-26-001")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, **options):
        try:
            project = project_for(SYSTEM, options["reference"])
        except NotFound as exc:
            raise CommandError(_("No funded project %(reference)s.") % {"reference": options["reference"]}) from exc
        report = project_report(project)
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        self.stdout.write(_("%(reference)s: grant %(grant)s, paid %(paid)s") % report)
        for entry in report["schedule"]:
            kind = _("interim report") if entry["kind"] == "interim" else _("final report")
            self.stdout.write(f"  {entry['due_on']}  {kind}")
