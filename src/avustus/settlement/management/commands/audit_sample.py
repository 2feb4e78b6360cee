"""``avustus audit-sample CALL --size N [--seed S] [--json]``: draw a random sample of a call's funded projects.

    avustus audit-sample kuntadigi-2020-02-26 --size 5 --seed 20211130 --json
    avustus audit-sample kuntadigi-2020-02-26 --percent 10

Each run is a new draw, recorded with its seed (a new one when none is given) and the population it was drawn
from; the same seed and population always give the same projects. ``--json`` prints ``{"call", "number",
"seed", "size", "percent", "population", "population_sha256", "drawn_at", "projects": [references in the order
drawn]}``. Bad input exits with code 2 and says why in the user's language.
"""

import json

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from avustus.actors import SYSTEM
from avustus.calls.models import Call
from avustus.errors import Invalid
from avustus.ops.commands import TranslatedCommand
from avustus.settlement.sampling import draw_audit_sample, parse_sample_request, sample_as_dict

EXIT_BAD_INPUT = 2


class Command(TranslatedCommand):
    help = gettext_lazy("Draw a random, reproducible sample of a call's funded projects for a closer audit (recorded).")

    def add_arguments(self, parser):
        parser.add_argument("call", help=gettext_lazy("the call's slug"))
        parser.add_argument("--size", help=gettext_lazy("how many projects to draw"))
        parser.add_argument("--percent", help=gettext_lazy("or what percentage of the funded projects (rounded up)"))
        parser.add_argument("--seed",
                            help=gettext_lazy("the seed (a whole number); a new one is drawn and printed if not given"))
        parser.add_argument("--json", action="store_true", help=gettext_lazy("print the draw as JSON"))

    def handle(self, *args, **options):
        call = Call.objects.filter(slug=options["call"]).first()
        if call is None:
            raise CommandError(_("No call %(slug)r.") % {"slug": options["call"]}, returncode=EXIT_BAD_INPUT)
        try:
            size, percent, seed = parse_sample_request(options["size"], options["percent"], options["seed"])
            sample = draw_audit_sample(call, actor=SYSTEM, size=size, percent=percent, seed=seed)
        except Invalid as exc:
            raise CommandError(" ".join(m for messages in exc.message_dict.values() for m in messages),
                               returncode=EXIT_BAD_INPUT) from None
        drawn = sample_as_dict(sample)
        if options["json"]:
            self.stdout.write(json.dumps(drawn, ensure_ascii=False, indent=2))
            return
        self.stdout.write(_("Draw %(number)s of %(call)s: %(size)s of %(population)s projects, seed %(seed)s.")
                          % {"number": drawn["number"], "call": call.slug, "size": drawn["size"],
                             "population": drawn["population"], "seed": drawn["seed"]})
        for reference in drawn["projects"]:
            self.stdout.write(f"  {reference}")
