"""``avustus tasks [--status S] [--task NAME] [--json]``, ``avustus tasks retry``, ``avustus tasks stalled``: the
background tasks, and the exports whose worker stopped (``opendata.background``)."""

import json

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from avustus.actors import SYSTEM
from avustus.errors import Conflict
from avustus.messaging import queue
from avustus.opendata import background
from avustus.ops.commands import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_lazy("List the background tasks (documents of signed decisions, messages, exports) with their "
                        "attempts and last error; make the failed ones due again and start stalled exports again; "
                        "list the stalled exports.")

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", choices=["list", "retry", "stalled"], default="list",
                            help=gettext_lazy("list the tasks (default); retry the failed ones and start stalled "
                                              "exports again; list stalled exports"))
        parser.add_argument("--status", choices=queue.STATUSES, help=gettext_lazy("only tasks in this state"))
        parser.add_argument("--task", help=gettext_lazy("only tasks whose name ends so, e.g. store_documents"))
        parser.add_argument("--json", action="store_true", dest="as_json", help=gettext_lazy("print JSON"))

    def handle(self, *args, action: str, status: str | None, task: str | None, as_json: bool, **options):
        if action == "retry":
            count = queue.retry()
            self.stdout.write(_("%(count)s tasks are due again; the worker runs them.") % {"count": count})
            self._restart_stalled()
            return
        if action == "stalled":
            self._stalled(as_json)
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

    def _stalled(self, as_json: bool) -> None:
        """The exports that stopped moving (``ExportJob.stalled_minutes``), as their status pages say."""
        now = timezone.now()
        rows = [{"export": job.pk, "call": job.call.slug, "format": job.format, "lang": job.lang,
                 "status": job.status, "rows_done": job.rows_done, "rows_total": job.rows_total,
                 "stalled_minutes": job.stalled_minutes(now), "requested_by": job.requested_by.get_username()}
                for job in background.stalled_exports(now)]
        if as_json:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            self.stdout.write(_("export %(export)s  %(status)s  %(call)s %(format)s/%(lang)s  %(rows_done)s rows, "
                                "still for %(stalled_minutes)s min, started by %(requested_by)s") % row)
        if not rows:
            self.stdout.write(_("No export has stalled."))

    def _restart_stalled(self) -> None:
        """``retry`` is the operator's "the cause is fixed": a stalled export is started again too, as its page
        would (the old job abandoned and kept, a new one queued, audited as the system's)."""
        for job in background.stalled_exports():
            try:
                new = background.restart_export(SYSTEM, job.pk, confirmed=True)
            except Conflict:  # it moved again meanwhile: its worker was only slow
                continue
            self.stdout.write(_("Export %(old)s had stalled: started again as export %(new)s.")
                              % {"old": job.pk, "new": new.pk})
