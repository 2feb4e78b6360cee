"""``avustus render-letter REFERENCE [--lang fi|sv] --format html|pdf|txt -o FILE``
``[--sent-on DATE --by letter|electronic]``."""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from avustus.applications.models import Application
from avustus.decisions.documents.render import render_letter
from avustus.rules.deadlines import Delivery


class Command(BaseCommand):
    help = "Render the letter to an application's lead applicant, with the decision attached."

    def add_arguments(self, parser):
        parser.add_argument("reference", metavar="REFERENCE", help="the application's tracking number")
        parser.add_argument("--lang", choices=["fi", "sv"], help="default: the lead applicant's language")
        parser.add_argument("--format", choices=["html", "pdf", "txt"], default="html", dest="fmt")
        parser.add_argument("--sent-on", metavar="YYYY-MM-DD", help="when the letter is sent, for the deadline")
        parser.add_argument("--by", choices=[d.value for d in Delivery], help="how it is sent")
        parser.add_argument("-o", "--output", required=True)

    def handle(self, *args, reference, lang, fmt, sent_on, by, output, **options):
        application = Application.objects.filter(reference=reference).first()
        if application is None:
            raise CommandError(_("no application %(reference)r") % {"reference": reference})
        if (sent_on is None) != (by is None):
            raise CommandError(_("give --sent-on and --by together, or neither"))
        try:
            sent = date.fromisoformat(sent_on) if sent_on else None
        except ValueError as exc:
            raise CommandError(_("--sent-on must be a date as YYYY-MM-DD, not %(value)r") % {"value": sent_on}) from exc
        try:
            data = render_letter(application, lang=lang, fmt=fmt, sent_on=sent, by=by)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        Path(output).write_bytes(data)
        self.stderr.write(f"wrote {output} ({len(data)} bytes)")
