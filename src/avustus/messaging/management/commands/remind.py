"""``avustus remind``: queue the reminders that are due (idempotent: run it hourly from cron or a timer)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from avustus.messaging.reminders import remind
from avustus.ops.commands import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_lazy("Queue reminders of approaching deadlines and overdue matters, each once.")

    def handle(self, *args, **options):
        count = remind()
        self.stdout.write(_("%(count)s reminders queued.") % {"count": count})
