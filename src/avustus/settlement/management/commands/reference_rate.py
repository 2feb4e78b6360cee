"""``avustus reference-rate``: the Interest Act's half-yearly reference rates used for interest on returns.

``avustus reference-rate list [--json]`` shows the table; ``avustus reference-rate add --half-year 2026-07-01
--rate 2.00`` adds a half-year the Bank of Finland has published (recorded in the audit log, by the system).
A half-year already in the table is refused: a published rate does not change.
"""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from avustus.actors import SYSTEM
from avustus.errors import Conflict, Invalid
from avustus.rules.interest import half_year_label
from avustus.settlement.rates import add_reference_rate, reference_rates

EXIT_BAD_INPUT = 2


class Command(BaseCommand):
    help = "List the half-yearly reference rates, or add one the Bank of Finland has published."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        added = actions.add_parser("add", help="add a published half-year's reference rate")
        added.add_argument("--half-year", required=True, metavar="YYYY-MM-DD",
                           help="the half-year's first day, 1 January or 1 July")
        added.add_argument("--rate", required=True, help="the reference rate in percent, such as 2.00")
        listed = actions.add_parser("list", help="the table")
        listed.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, action: str, **options):
        if action == "add":
            return self._add(options["half_year"], options["rate"])
        rows = [{"half_year": half_year_label(r.half_year_start), "from": r.half_year_start.isoformat(),
                 "rate": str(r.rate)} for r in reference_rates()]
        if options["json"]:
            self.stdout.write(json.dumps(rows, indent=2))
            return
        for row in rows:
            self.stdout.write(f"{row['half_year']}  {row['from']}  {row['rate']:>6}")

    def _add(self, half_year: str, rate: str):
        try:
            start = date.fromisoformat(half_year.strip())
        except ValueError:
            raise CommandError(_("--half-year must be a date as YYYY-MM-DD, not %(value)r.") % {"value": half_year},
                               returncode=EXIT_BAD_INPUT) from None
        try:
            row = add_reference_rate(start, rate, actor=SYSTEM)
        except (Invalid, Conflict) as error:
            messages = error.messages if isinstance(error, Invalid) else [str(error)]
            raise CommandError(" ".join(messages), returncode=EXIT_BAD_INPUT) from error
        self.stdout.write(_("Added the reference rate for %(half_year)s: %(rate)s %%.")
                          % {"half_year": half_year_label(row.half_year_start), "rate": row.rate})
