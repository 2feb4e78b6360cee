"""``avustus tasks [--status S] [--task NAME] [--json]``, ``avustus tasks retry``: the background tasks."""

import json

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from avustus.messaging import queue


class Command(BaseCommand):
    @property  # read when argparse is built, in the language then active (argparse refuses lazy strings)
    def help(self) -> str:  # type: ignore[override]
        return _("List the background tasks (documents of signed decisions, messages) with their attempts and last "
                 "error; make the failed ones due again.")

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", choices=["list", "retry"], default="list")
        parser.add_argument("--status", choices=queue.STATUSES)
        parser.add_argument("--task", help=_("only tasks whose name ends so, e.g. store_documents"))
        parser.add_argument("--json", action="store_true", dest="as_json")

    def handle(self, *args, action: str, status: str | None, task: str | None, as_json: bool, **options):
        if action == "retry":
            count = queue.retry()
            self.stdout.write(_("%(count)s tasks are due again; the worker runs them.") % {"count": count})
            return
        rows = queue.listing(status, task=task)
        if as_json:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            name = row["task"].rsplit(".", 1)[-1]
            shown = ",".join(str(a) for a in row["args"])[:40]
            self.stdout.write(f"{row['id'][:8]}  {row['status']:<10} {row['attempts']:>2}  {name}({shown})"
                              + (f"  {row['last_error']}" if row["last_error"] else ""))
