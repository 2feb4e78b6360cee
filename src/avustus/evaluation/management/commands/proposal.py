"""``avustus proposal ROUND [--json]``: the decision proposal of a round as the allocation rules give it."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from avustus.calls.models import Call
from avustus.evaluation.proposals import compute_proposal
from avustus.evaluation.selectors import proposal_report


class Command(BaseCommand):
    help = "Print a round's decision proposal: each application's proposed outcome and amount, and the totals."

    def add_arguments(self, parser):
        parser.add_argument("round", help="the round's identifier, for example kuntadigi-2020-02-26")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, **options):
        call = Call.objects.filter(slug=options["round"]).first()
        if call is None:
            known = ", ".join(Call.objects.order_by("slug").values_list("slug", flat=True)) or "none"
            raise CommandError(
                _("no round %(round)r; the rounds are: %(known)s") % {"round": options["round"], "known": known})
        report = proposal_report(compute_proposal(call))
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        for line in report["applications"]:
            self.stdout.write(
                f"{line['rank']:>4} {line['reference']:<28} {line['amount_applied']:>14} "
                f"{line['proposed_outcome'] or 'undecided':<10} {line['proposed_amount'] or '':>14}  "
                f"{line['title'][:60]}"
            )
        totals = report["totals"]
        self.stdout.write(f"applied {totals['applied']}  granted {totals['granted']}  "
                          f"budget {totals['budget']}  left {totals['remaining']}")
