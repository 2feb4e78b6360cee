"""``avustus outbox [--status S] [--json]``, ``avustus outbox retry``, ``avustus outbox resend ID``."""

import json

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from avustus.errors import DomainError
from avustus.messaging import outbox
from avustus.messaging.models import OutboundMessage
from avustus.ops.commands import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_lazy("List the outgoing messages; retry the failed ones; resend one that is uncertain.")

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", choices=["list", "retry", "resend"], default="list")
        parser.add_argument("id", nargs="?", type=int)
        parser.add_argument("--status", choices=OutboundMessage.Status.values)
        parser.add_argument("--json", action="store_true", dest="as_json")

    def handle(self, *args, action: str, id: int | None, status: str | None, as_json: bool, **options):
        if action == "retry":
            count = outbox.retry_failed()
            self.stdout.write(_("%(count)s failed messages are due again.") % {"count": count})
            return
        if action == "resend":
            if id is None:
                raise CommandError(_("Name the message to resend: avustus outbox resend ID"))
            try:
                message = outbox.resend(id)
            except DomainError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(_("Message %(id)s to %(to)s is queued to be sent again.")
                              % {"id": message.pk, "to": message.to})
            return
        rows = outbox.listing(status)
        if as_json:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            self.stdout.write(f"{row['id']:>6}  {row['status']:<9} {row['attempts']:>2}  {row['event']:<24} "
                              f"{row['to']:<32} {row['subject']}")

