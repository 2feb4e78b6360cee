"""``avustus demo``: a working Avustus on this machine with the 2020 round loaded, in one command."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from avustus.accounts.services import ensure_demo_users
from avustus.decisions.bundled import bundled_decision
from avustus.decisions.services import import_parsed


class Command(BaseCommand):
    help = "Set up the database, load the 2020 round and demo users, and serve the web app."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="set everything up, then stop")

    def handle(self, *args, port: int, no_serve: bool, **options):
        call_command("migrate", interactive=False, verbosity=0)
        result = import_parsed(bundled_decision(), actor=None, source_name="bundled 2020 round")
        logins = ensure_demo_users(result.call.programme)
        url = f"http://127.0.0.1:{port}/"
        self.stdout.write(
            f"Round {result.call.slug} {'loaded' if result.changed else 'already loaded'}: "
            f"{result.call.applications.count()} applications."
        )
        self.stdout.write(f"\nAvustus: {url}\n\nDemo logins (username / password):")
        for login in logins:
            self.stdout.write(f"  {login.username:<12} {login.password:<18} {login.description}")
        self.stdout.write("")
        if not no_serve:
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
