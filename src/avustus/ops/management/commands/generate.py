"""``avustus generate --applications N --seed S``: a national round of made-up applications, for benchmarks."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from avustus.ops.generate import generate


class Command(BaseCommand):
    help = ("Write a made-up national round of N applications (every municipality, consortia, budgets, screenings, "
            "scored reviews), an earlier decided round and two other programmes' rounds, the same for the same "
            "seed. For benchmarks and demonstrations, never a production database: generated history is not "
            "audited.")

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, required=True, help="applications in the round")
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same data")
        parser.add_argument("--history", type=int, default=None,
                            help="applications in each other round (default a tenth of --applications)")

    def handle(self, *args, applications: int, seed: int, history: int | None, **options):
        if applications < 1 or (history is not None and history < 1):
            raise CommandError(_("Give a positive number of applications."))
        started = time.perf_counter()
        generated = generate(applications=applications, seed=seed, history=history)
        self.stdout.write(_("Generated %(n)s applications in %(calls)s rounds in %(s).1f s; the round under "
                            "evaluation is %(slug)s, its official %(official)s.")
                          % {"n": generated.applications, "calls": len(generated.calls),
                             "s": time.perf_counter() - started, "slug": generated.round.slug,
                             "official": generated.users["official"].get_username()})
