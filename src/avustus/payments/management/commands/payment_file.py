"""``avustus payment-file --date D -o FILE``: the day's approved payments for the State's accounting.

``--receivables`` gives the amounts to return of the settlements approved that day instead; ``--again ID``
writes a file produced earlier, as it was. A payment (or receivable) is listed in one file only: a second
run for the same day writes nothing and says so. Fields: docs/payment-file.md.
"""

from datetime import date

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from avustus.actors import SYSTEM
from avustus.errors import Invalid, NotFound
from avustus.ops.commands import TranslatedCommand
from avustus.payments.payment_file import produce_payment_file, reprint
from avustus.settlement.receivables import produce_receivables_file


class Command(TranslatedCommand):
    help = gettext_lazy("Write the approved payments (or receivables) of a day as the accounting's CSV file.")

    def add_arguments(self, parser):
        parser.add_argument("--date", metavar="YYYY-MM-DD", help=gettext_lazy("the day the payments were approved"))
        parser.add_argument("-o", "--output", required=True, help=gettext_lazy("the file to write"))
        parser.add_argument("--receivables", action="store_true", help=gettext_lazy("the amounts to return instead"))
        parser.add_argument("--again", type=int, metavar="FILE_ID",
                            help=gettext_lazy("write a file produced earlier again"))

    def handle(self, *args, **options):
        if options["again"] is not None:
            try:
                made = reprint(options["again"], actor=SYSTEM)
            except NotFound as exc:
                raise CommandError(str(exc)) from exc
        else:
            if not options["date"]:
                raise CommandError(_("Give the day: --date YYYY-MM-DD."))
            try:
                day = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(_("Give the day as YYYY-MM-DD.")) from exc
            produce = produce_receivables_file if options["receivables"] else produce_payment_file
            try:
                produced = produce(day, actor=SYSTEM)
            except Invalid as exc:  # a day in the future, or outside the service's years
                raise CommandError(" ".join(exc.messages)) from exc
            if produced is None:
                self.stdout.write(_("Nothing to list: no approved payments of that day that are not in a file "
                                    "already."))
                return
            made = produced
        with open(options["output"], "w", encoding="utf-8", newline="") as out:
            out.write(made.content)
        self.stdout.write(_("Wrote file %(id)s (%(kind)s, %(day)s) to %(path)s.")
                          % {"id": made.pk, "kind": made.kind, "day": made.day.isoformat(), "path": options["output"]})
