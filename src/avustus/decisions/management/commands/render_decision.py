"""``avustus render-decision ROUND --lang fi|sv --format html|pdf|json|txt -o FILE``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from avustus.calls.models import Call
from avustus.decisions.documents.render import FORMATS, LANGUAGES, render_decision
from avustus.decisions.selectors import collective_decision


class Command(BaseCommand):
    help = "Render a round's collective decision as HTML, PDF, JSON or plain text, in Finnish or Swedish."

    def add_arguments(self, parser):
        parser.add_argument("round", metavar="ROUND", help="the round's id, as import-decision prints it")
        parser.add_argument("--lang", choices=LANGUAGES, default="fi")
        parser.add_argument("--format", choices=FORMATS, default="html", dest="fmt")
        parser.add_argument("-o", "--output", required=True, help="the file to write; - for standard output")

    def handle(self, *args, round: str, lang: str, fmt: str, output: str, **options):
        call = Call.objects.filter(slug=round).first()
        if call is None:
            known = ", ".join(Call.objects.order_by("slug").values_list("slug", flat=True)) or "none"
            raise CommandError(_("no round %(round)r; the rounds are: %(known)s") % {"round": round, "known": known})
        decision = collective_decision(call)
        if decision is None:
            raise CommandError(_("round %(round)s has no decision yet") % {"round": round})
        data = render_decision(decision, lang, fmt)
        if output == "-":
            # Bytes go to the underlying binary stream when there is one (not under a test's StringIO).
            buffer = getattr(self.stdout, "buffer", None)
            if buffer is not None:
                buffer.write(data)
            else:
                self.stdout.write(data.decode())
            return
        try:
            Path(output).write_bytes(data)
        except OSError as exc:
            raise CommandError(_("cannot write %(path)s: %(error)s") % {"path": output, "error": exc.strerror}) from exc
        self.stderr.write(f"wrote {output} ({len(data)} bytes)")
