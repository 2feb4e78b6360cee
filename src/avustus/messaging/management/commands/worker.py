"""``avustus worker [--until-idle]``: run background tasks (sending the outbox among them)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy as _

from avustus.messaging import worker


class Command(BaseCommand):
    # Lazy, so the help is in the language active when argparse prints it; the stubs allow only str.
    help = "Run background tasks: send queued messages and retry failed ones by the back-off."

    def add_arguments(self, parser):
        parser.add_argument("--until-idle", action="store_true",
                            help="Run the tasks that are due now, then exit (without waiting for back-off).")
        parser.add_argument("--no-remind", action="store_true",
                            help="Do not queue reminders (otherwise the worker does, at start and every hour).")
        parser.add_argument("--interval", type=float, default=1.0,
                            help="Seconds to wait between looks at an empty queue.")

    def handle(self, *args, until_idle: bool, interval: float, no_remind: bool = False, **options):
        if interval < 0:
            from django.core.management.base import CommandError
            raise CommandError(_("The interval cannot be negative."))
        worker.run(until_idle=until_idle, interval=interval, remind=not no_remind)
