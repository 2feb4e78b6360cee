"""``avustus import-decision PATH``: store a collective decision text and report what disagrees in it."""

import json
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from avustus.actors import SYSTEM
from avustus.decisions.importing.pdf import PdfError
from avustus.decisions.importing.result import DecisionFormatError
from avustus.decisions.round_import import RoundConflict, import_decision
from avustus.decisions.selectors import round_report
from avustus.ops.commands import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_lazy("Import a collective decision (the body and Appendix 1) as a round, with findings.")

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            help=gettext_lazy("the decision: a PDF, the text pdftotext (-layout) made of one, or a UTF-8 text file"),
        )
        parser.add_argument("--json", action="store_true", help=gettext_lazy("print the stored round as JSON"))
        parser.add_argument("--replace", action="store_true",
                            help=gettext_lazy("replace a round imported from another text"))

    def handle(self, *args, path, json: bool, replace: bool, **options):
        source = Path(path)
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise CommandError(_("cannot read %(path)s: %(error)s") % {"path": source, "error": exc.strerror}) from exc
        try:
            result = import_decision(data, actor=SYSTEM, source_name=source.name, replace=replace)
        except PdfError as exc:
            raise CommandError(_pdf_error(source, exc)) from exc
        except DecisionFormatError as exc:
            raise CommandError(_("%(path)s is not a collective decision that can be imported: %(error)s")
                               % {"path": source, "error": exc}) from exc
        except RoundConflict as exc:
            raise CommandError(str(exc)) from exc
        report = round_report(result.call)
        if json:
            self.stdout.write(_dumps(report))
            return
        r = report["round"]
        if result.translation:
            language = _("Swedish") if result.translation == "sv" else _("Finnish")
            self.stdout.write(
                (_("Stored as the %(language)s version of round %(round)s (the same figures as the decision "
                   "imported from %(source)s).") if result.changed else
                 _("Already imported as the %(language)s version of round %(round)s, nothing changed."))
                % {"language": language, "round": r["id"], "source": result.decision.source_name}
            )
            return
        self.stdout.write(
            f"{'Imported' if result.changed else 'Already imported, nothing changed:'} round {r['id']} "
            f"decided {r['decision_date']}: {r['applications']} applications, {r['granted']} granted "
            f"({report['totals']['granted']} €), {r['deferred']} deferred, {r['rejected']} rejected; "
            f"{len(report['findings'])} findings."
        )
        for finding in report["findings"]:
            self.stdout.write(f"- [{finding['severity']}] {finding['message']}")


def _pdf_error(source: Path, exc: PdfError) -> str:
    """Why a PDF cannot be read, in the user's language, with what to do about it."""
    if exc.reason == "password":
        return _("%(path)s is an encrypted PDF that needs a password to open. Import a copy saved without "
                 "the password. Nothing was imported.") % {"path": source}
    if exc.reason == "no_text":
        return _("%(path)s has no text, only images (a scanned PDF). Run text recognition (OCR) on it, or "
                 "import the decision's text. Nothing was imported.") % {"path": source}
    return _("%(path)s is a damaged PDF and cannot be read (%(error)s). Download or save it again. "
             "Nothing was imported.") % {"path": source, "error": exc.detail or exc.message}


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
