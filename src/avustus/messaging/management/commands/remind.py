"""``avustus remind``: queue the reminders that are due (idempotent: run it hourly from cron or a timer)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from avustus.messaging.reminders import remind


class Command(BaseCommand):
    # Lazy, so the help is in the language active when argparse prints it; the stubs allow only str.
    help = "Queue reminders of approaching deadlines and overdue matters, each once."

    def handle(self, *args, **options):
        count = remind()
        self.stdout.write(_("%(count)s reminders queued.") % {"count": count})
