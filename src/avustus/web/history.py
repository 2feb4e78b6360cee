"""An application's history from the audit log: who did or read what, and when, for officials and auditors.

Only the programme's officials, decision-makers, auditors and administrators see it, and only once the
application is submitted; anyone else, applicants included, gets the same 404 as for an application
that does not exist. Browsing the history
is itself a read of non-public data, and is logged like one.
"""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import pgettext

from avustus.applications.reads import read_history
from avustus.messaging.selectors import messages_about
from avustus.web.feedback import form_number
from avustus.web.labels import ACTIONS, CHECK_LABELS, FIELDS, FLAG_LABELS, READS, VALUES, message_rows

PAGE_SIZE = 25


CODED = {"outcome", "conflict", "resolution", "channel", "before", "after"}


def _label(key: str, parent: str | None) -> str:
    if parent == "checks":
        return str(CHECK_LABELS.get(key) or key.replace("_", " "))
    return str(FIELDS.get(key) or key.replace("_", " "))  # str: the label in the language of this request


def _scalar(value, key: str | None) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return pgettext("audit history", "yes") if value else pgettext("audit history", "no")
    if isinstance(value, str) and key in CODED and value in VALUES:
        return str(VALUES[value])
    if isinstance(value, str) and key == "what" and value in READS:
        return str(READS[value])
    if isinstance(value, str) and key == "flags":
        return str(FLAG_LABELS.get(value, value.replace("_", " ")))
    return str(value)


def _fields(data, parent: str | None = None) -> list[dict]:
    """An entry's data as labelled fields: {"label", "value"} or {"label", "fields"} for nested data."""
    if isinstance(data, dict):
        items = list(data.items())
    elif isinstance(data, list | tuple):
        items = [(str(i), v) for i, v in enumerate(data, start=1)]
    else:
        return [{"label": "", "value": _scalar(data, parent)}]
    rows = []
    for key, value in items:
        if isinstance(data, dict):
            label = _label(key, parent)
        else:
            label = f"{_label(parent, None) if parent else ''} {key}".strip()
        if isinstance(value, dict) and value:
            rows.append({"label": label, "fields": _fields(value, key)})
        elif isinstance(value, list | tuple) and value and all(not isinstance(v, dict | list | tuple) for v in value):
            rows.append({"label": label, "value": ", ".join(_scalar(v, key) for v in value)})
        elif isinstance(value, list | tuple) and value:
            rows.append({"label": label, "fields": _fields(value, key)})
        else:
            rows.append({"label": label, "value": _scalar(value if value != [] and value != {} else None, key)})
    return rows


def _side(data: dict, side: str) -> list[dict] | None:
    if side not in data:
        return None
    value = data[side]
    if isinstance(value, list | tuple) and all(not isinstance(v, dict | list | tuple) for v in value):
        # An outcome and its amount: "granted, 120000.00".
        return [{"label": "", "value": ", ".join(_scalar(v, side) for v in value) if value else "–"}]
    if isinstance(value, dict | list | tuple) and value:
        return _fields(value, side)
    return [{"label": "", "value": _scalar(value, side)}]


def _row(entry) -> dict:
    data = entry.data if isinstance(entry.data, dict) else {"data": entry.data}
    return {
        "entry": entry,
        "action": ACTIONS.get(entry.action, entry.action.replace(".", ": ").replace("_", " ")),
        "before": _side(data, "before"),
        "after": _side(data, "after"),
        "details": _fields({k: v for k, v in data.items() if k not in ("before", "after")}),
    }


def application_history(request, reference: str):
    application, entries, read = read_history(request.user, reference)  # logs the read
    # Pages stay put while the history grows (each page view itself adds an entry): the pages of one
    # browsing show the entries up to the newest one when it began.
    upto = request.GET.get("upto", "")
    newest = form_number(upto)
    if newest is not None:
        entries = entries.filter(id__lte=newest)
    else:
        upto = str(read.id) if read is not None else ""
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/history.html", {
        "application": application, "page": page, "rows": [_row(e) for e in page], "upto": upto,
        "message_rows": message_rows(messages_about(application)),
    })
