"""``avustus worker [--until-idle]``: run background tasks (sending the outbox among them)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from avustus.messaging import worker
from avustus.ops.commands import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_lazy("Run background tasks: send queued messages and retry failed ones by the back-off.")

    def add_arguments(self, parser):
        parser.add_argument("--until-idle", action="store_true", help=gettext_lazy(
            "Run the tasks that are due now, then exit (without waiting for back-off)."))
        parser.add_argument("--no-remind", action="store_true", help=gettext_lazy(
            "Do not queue reminders (otherwise the worker does, at start and every hour)."))
        parser.add_argument("--interval", type=float, default=1.0,
                            help=gettext_lazy("Seconds to wait between looks at an empty queue."))

    def handle(self, *args, until_idle: bool, interval: float, no_remind: bool = False, **options):
        if interval < 0:
            from django.core.management.base import CommandError
            raise CommandError(_("The interval cannot be negative."))
        worker.run(until_idle=until_idle, interval=interval, remind=not no_remind)
