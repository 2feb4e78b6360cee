"""``avustus demo``: a working Avustus on this machine with the 2020 round loaded, in one command."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from datetime import timedelta

from django.utils import timezone

from avustus.accounts.services import ensure_demo_users
from avustus.calls.models import Call
from avustus.calls.services import copy_call, publish_call
from avustus.decisions.bundled import bundled_decision
from avustus.decisions.services import import_parsed


DEMO_CALL = "kuntadigi-demo"


class Command(BaseCommand):
    help = "Set up the database, load the 2020 round and demo users, and serve the web app."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="set everything up, then stop")

    def handle(self, *args, port: int, no_serve: bool, **options):
        call_command("migrate", interactive=False, verbosity=0)
        result = import_parsed(bundled_decision(), actor=None, source_name="bundled 2020 round")
        logins = ensure_demo_users(result.call.programme)
        open_call = self._open_call(result.call)
        url = f"http://127.0.0.1:{port}/"
        self.stdout.write(
            f"Round {result.call.slug} {'loaded' if result.changed else 'already loaded'}: "
            f"{result.call.applications.count()} applications."
        )
        self.stdout.write(f"Open call for trying the e-service: {open_call.slug}, until {timezone.localtime(open_call.closes_at):%d.%m.%Y %H:%M}.")
        self.stdout.write(f"\nAvustus: {url}\n\nDemo logins (username / password):")
        for login in logins:
            self.stdout.write(f"  {login.username:<12} {login.password:<18} {login.description}")
        self.stdout.write("")
        if not no_serve:
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)

    @staticmethod
    def _open_call(decided: Call) -> Call:
        """A call open for two months from the first demo run, with the 2020 round's rules."""
        existing = Call.objects.filter(slug=DEMO_CALL).first()
        if existing is not None:
            return existing
        closes = (timezone.localtime() + timedelta(days=60)).replace(hour=16, minute=15, second=0, microsecond=0)
        call = copy_call(decided, slug=DEMO_CALL, title_fi="Kuntien digitalisaation yhteishankkeet (kokeiluhaku)",
                         title_sv="Kommunernas gemensamma digitaliseringsprojekt (provomgång)",
                         title_en="Joint digitalisation projects of municipalities (demo call)",
                         opens_at=timezone.now(), closes_at=closes, actor=None)
        return publish_call(call, actor=None)
