"""``avustus audit``: prove the audit log whole (``verify``) or show an application's history (``history``).

``avustus audit verify`` prints one line per problem, the first bad entry first, and exits non-zero if
there is any; ``--json`` prints the same as one JSON object. ``avustus audit history REFERENCE`` lists the
entries about one application, newest first.
"""

import json

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from avustus.applications.reads import history
from avustus.audit.chain import verify
from avustus.audit.models import AuditEntry
from avustus.ops.commands import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_lazy("Check the audit log's hash chain, or list the entries about one application.")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        check = actions.add_parser("verify",
                                   help=gettext_lazy("check the hash chain; exit 1 naming the first bad entry"))
        check.add_argument("--json", action="store_true", help=gettext_lazy("print the report as JSON"))
        check.add_argument("--chunk-size", type=int, default=2000, help=gettext_lazy("entries read per query"))
        shown = actions.add_parser("history", help=gettext_lazy("the entries about one application, newest first"))
        shown.add_argument("reference", help=gettext_lazy("the application's tracking number"))
        shown.add_argument("--json", action="store_true", help=gettext_lazy("print the entries as JSON"))

    def handle(self, *args, action: str, **options):
        if action == "verify":
            return self._verify(as_json=options["json"], chunk_size=max(1, options["chunk_size"]))
        return self._history(options["reference"], as_json=options["json"])

    def _verify(self, *, as_json: bool, chunk_size: int):
        result = verify(chunk_size=chunk_size)
        if as_json:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        else:
            for problem in result.problems:
                self.stdout.write(problem.line())
        if not result.ok:
            where = (_("entry %(id)s") % {"id": result.entry_id} if result.entry_id is not None
                     else _("the end of the log"))
            raise CommandError(_("The audit log is broken at %(where)s: problems found %(problems)s, entries read "
                                 "%(entries)s.") % {"where": where, "problems": len(result.problems),
                                                     "entries": result.entries})
        if not as_json:
            self.stdout.write(_("The audit log is whole: entries verified %(entries)s.") % {"entries": result.entries})

    def _history(self, reference: str, *, as_json: bool):
        # Streams: the history of a much-handled application can be long.
        entries = history(reference).values_list(
            "id", "at", "actor_label", "action", "target_type", "target_id", "data", "actor_kind", "actor_id"
        ).iterator(chunk_size=500)
        if as_json:
            self.stdout.write("[")
        count = 0
        for id_, at, who, action, ttype, tid, data, kind, actor_id in entries:
            # The kind, not the name, says whether the system acted (older entries: no user means the system).
            system = AuditEntry.system_acted(kind, actor_id)
            if as_json:
                item = {"id": id_, "at": at.isoformat(), "who": who, "actor": {
                            "kind": "system" if system else "user", "id": None if system else actor_id},
                        "action": action, "target": f"{ttype}:{tid}", "data": data}
                self.stdout.write(("  " if count == 0 else ", ") + json.dumps(item, ensure_ascii=False))
            else:
                # "(system)" can be no one's username: Django's usernames hold no parentheses.
                label = "(system)" if system else who
                self.stdout.write(f"{at:%Y-%m-%d %H:%M:%S} {label} {action} {ttype}:{tid} "
                                  f"{json.dumps(data, ensure_ascii=False, sort_keys=True)}")
            count += 1
        if as_json:
            self.stdout.write("]")
        elif count == 0:
            raise CommandError(_("No audit entries about %(reference)s.") % {"reference": reference})
