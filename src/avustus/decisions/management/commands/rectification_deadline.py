"""``avustus rectification-deadline --sent-on DATE --by letter|electronic``: when a request is due."""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from avustus.rules.deadlines import Delivery, rectification_deadline


class Command(BaseCommand):
    help = "Print the deemed day of receipt and the last day for a rectification request, as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--sent-on", required=True, metavar="YYYY-MM-DD", help="the day the decision was sent")
        parser.add_argument("--by", required=True, choices=[d.value for d in Delivery], help="how it was sent")

    def handle(self, *args, sent_on: str, by: str, **options):
        try:
            sent = date.fromisoformat(sent_on)
        except ValueError as exc:
            raise CommandError(_("--sent-on must be a date as YYYY-MM-DD, not %(value)r") % {"value": sent_on}) from exc
        received, deadline = rectification_deadline(sent, by)
        self.stdout.write(json.dumps({"received_on": received.isoformat(), "deadline": deadline.isoformat()}))
