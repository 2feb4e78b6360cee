"""``avustus serve [--host H] [--port N] [--workers N] [--threads N]``: the production server (granian)."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from avustus.ops.commands import TranslatedCommand
from avustus.ops.server import default_workers, exec_server, granian_argv


class Command(TranslatedCommand):
    help = gettext_lazy("Serve the application and its static files with granian: several processes, graceful "
                        "shutdown on SIGTERM, /healthz and /livez for the load balancer.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1",
                            help=gettext_lazy("address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)"))
        parser.add_argument("--port", type=int, default=8000, help=gettext_lazy("port to listen on (default 8000)"))
        parser.add_argument("--workers", type=int, default=default_workers(),
                            help=gettext_lazy("processes (default: the number of CPU cores, at least 2)"))
        parser.add_argument("--threads", type=int, default=4,
                            help=gettext_lazy("threads a process, each with its own database connection (default 4)"))
        parser.add_argument("--access-log", action="store_true", help=gettext_lazy("log every request"))

    def handle(self, *args, host: str, port: int, workers: int, threads: int, access_log: bool, **options):
        if not 0 < port < 65536:
            raise CommandError(_("The port must be between 1 and 65535."))
        if workers < 1 or threads < 1:
            raise CommandError(_("There must be at least one worker and one thread."))
        self.stdout.write(_("Avustus at http://%(host)s:%(port)s/ (%(workers)s processes, %(threads)s threads each); "
                            "stop with Ctrl+C or SIGTERM.") % {"host": host, "port": port, "workers": workers,
                                                               "threads": threads})
        exec_server(granian_argv(host=host, port=port, workers=workers, threads=threads, access_log=access_log))
