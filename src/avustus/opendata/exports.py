"""Exports of awarded grants, of a round or of any search: 360Giving JSON, CSV and XLSX.

The command (``avustus export``) and the download links call the same function, and a 360Giving file is
validated against the schema before it is handed out: a file that does not validate is never published.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from avustus.calls.models import Call
from avustus.errors import Invalid, NotFound
from avustus.opendata import giving360, tabular, validation
from avustus.opendata.selectors import GrantSearch

FORMATS = {
    "360giving": ("json", "application/json"),
    "csv": ("csv", "text/csv; charset=utf-8"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


@dataclass(frozen=True)
class Export:
    filename: str
    content_type: str
    content: bytes
    grants: int


def public_call(slug: str) -> Call:
    call = Call.objects.exclude(status=Call.Status.DRAFT).filter(slug=slug).first()
    if call is None:
        raise NotFound(_("No published round has the identifier %(slug)s.") % {"slug": slug})
    return call


def awarded(search: GrantSearch) -> list:
    return list(search.awarded().order_by("call__closes_at", "call_id", "outcome_number", "source_row", "id"))


def export(search: GrantSearch, fmt: str, *, name: str, title: str, lang: str, issued: date | None = None,
           progress: Callable[[int, int], None] | None = None) -> Export:
    """The awarded grants the search finds, in ``fmt``; ``name`` is the file's stem and the package's identifier.

    ``progress(done, total)``, if given, is told how many of the grants are written (``background``)."""
    check_format(fmt)
    applications = awarded(search)
    if not applications:
        raise Invalid(_("There are no awarded grants to export."))
    issued = issued or timezone.localdate()
    total = len(applications)
    data = giving360.package(applications, title=title, identifier=name, issued=issued, lang=lang,
                             site_url=settings.AVUSTUS_SITE_URL,
                             progress=None if progress is None else lambda done: progress(done, total))
    suffix, content_type = FORMATS[fmt]
    if fmt == "360giving":
        wrong = validation.problems(data)
        if wrong:  # a programming error, not the user's: the data in the database cannot make the schema fail
            raise ValueError("the 360Giving package does not validate: " + "; ".join(wrong[:5]))
        content = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    else:
        table = tabular.rows(data["grants"], [a.reference for a in applications])
        content = tabular.to_csv(table) if fmt == "csv" else tabular.to_xlsx(table, sheet_title=_("Grants"))
    return Export(f"{name}.{suffix}", content_type, content, len(applications))


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise Invalid(_("Unknown format %(format)s: choose 360giving, csv or xlsx.") % {"format": fmt})


def round_export(slug: str, fmt: str, *, lang: str, issued: date | None = None,
                 progress: Callable[[int, int], None] | None = None) -> Export:
    call = public_call(slug)
    return export(GrantSearch(call=call.slug), fmt, name=f"{call.slug}-grants", lang=lang, issued=issued,
                  title=_("Grants awarded: %(round)s") % {"round": call.title(lang)}, progress=progress)
