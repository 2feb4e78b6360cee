"""An application's history from the audit log: who did or read what, and when, for officials and auditors.

Only the programme's officials, decision-makers, auditors and administrators see it, and only once the
application is submitted; anyone else, applicants included, gets the same 404 as for an application
that does not exist. Browsing the history
is itself a read of non-public data, and is logged like one.
"""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from avustus.applications.reads import read_history
from avustus.web.templatetags.avustus import FLAG_LABELS

PAGE_SIZE = 25


def C(message: str):  # noqa: N802
    """Words of this page, in their own context so that the same English word elsewhere may translate otherwise."""
    return pgettext_lazy("audit history", message)


# What users read for each action code; an action not listed here shows its code.
ACTIONS = {
    "application.created": _("application started"),
    "application.saved": _("draft saved"),
    "application.save_conflict": _("save refused: the draft had changed meanwhile"),
    "application.submitted": _("application submitted"),
    "application.withdrawn": _("application withdrawn"),
    "application.partner_editing": _("partner's editing right changed"),
    "application.attachment_added": _("attachment added"),
    "application.attachment_removed": _("attachment removed"),
    "application.attachment_read": _("attachment downloaded"),
    "application.read": _("read"),
    "application.screened": _("screened"),
    "review.assigned": _("reviewer assigned"),
    "review.interests_declared": _("reviewer's interests declared"),
    "review.scored": _("scores given"),
    "proposal.line_set": _("proposal changed"),
    "proposal.returned": _("proposal returned to preparation"),
    "decision.notified": _("decision notified"),
    "rectification.registered": _("rectification request registered"),
    "rectification.prepared": _("rectification request prepared"),
    "rectification.decided": _("rectification request decided"),
    "review.conflict_found": C("conflict of interest found"),
    "list.read": _("read in a list"),
    "decision.read": _("unsigned decision read"),
    "proposal.pass_mark_set": _("pass mark set"),
    "proposal.presented": _("decision proposal presented"),
    "proposal.approved": _("decision proposal approved"),
    "decision.signed": _("decision signed"),
    "decision.prepared": _("decision prepared"),
    "decision.imported": _("decision imported"),
    "decision.reimported": _("decision imported again"),
    "decision.amendment_started": _("amending decision started"),
}


# What users read for each key of an entry's data. A key not listed here is shown in words ("based on"),
# never as a code with underscores, and nothing is shown as JSON.
FIELDS = {
    "what": C("what was read"),
    "lead": _("lead applicant"),
    "version": _("version"),
    "changes": C("changes"),
    "based_on": C("edited version"),
    "current": C("version stored meanwhile"),
    "title": C("title"),
    "plan": _("project plan"),
    "partners": C("partners"),
    "budget": C("budget"),
    "category": _("cost category"),
    "amount_vat_free": _("amount without VAT"),
    "vat": _("VAT"),
    "description": _("description"),
    "amount_applied": _("amount applied"),
    "flags": _("screening flags"),
    "idempotency_key": C("submission key"),
    "organisation": C("body"),
    "allowed": _("may edit"),
    "attachment": C("attachment number"),
    "attachments": _("attachments"),
    "name": _("file name"),
    "content_type": _("file type"),
    "size": C("size in bytes"),
    "sha256": C("SHA-256 checksum"),
    "checks": _("checklist"),
    "passed": C("passed"),
    "eligible": _("eligible"),
    "reviewer": _("reviewer"),
    "conflict": _("conflict of interest"),
    "reason": _("reason"),
    "scores": _("scores"),
    "weighted_score": _("weighted score"),
    "outcome": _("outcome"),
    "amount": C("amount"),
    "group": C("group"),
    "conditions": _("special conditions"),
    "combinable_with": _("may be combined with"),
    "request": C("request number"),
    "decision": C("decision number"),
    "received_on": C("received on"),
    "deadline": _("deadline"),
    "late": _("late"),
    "resolution": _("resolution"),
    "application": _("application"),
    "channel": C("channel"),
    "sent_on": C("sent on"),
}
# Coded values shown in words: outcomes, conflicts of interest, resolutions, channels.
VALUES = {
    "granted": _("granted"),
    "deferred": _("deferred for further investigation"),
    "rejected": C("not granted"),
    "withdrawn": _("withdrawn"),
    "undeclared": _("not yet declared"),
    "none": _("no conflict of interest"),
    "declared": _("conflict of interest declared"),
    "employed": _("employed by a member of the consortium"),
    "upheld": _("original decision upheld"),
    "amended": _("decision amended"),
    "letter": _("by letter"),
    "electronic": _("electronically"),
}
# What was read ("what" of an application.read entry).
READS = {
    "history": C("history"),
    "application": C("application"),
    "screening": C("screening"),
    "plan": C("project plan"),
    "attachments": C("attachments"),
}
CODED = {"outcome", "conflict", "resolution", "channel", "before", "after"}


def _label(key: str, parent: str | None) -> str:
    if parent == "checks":
        from avustus.web.officials import CHECK_LABELS

        return str(CHECK_LABELS.get(key) or key.replace("_", " "))
    return str(FIELDS.get(key) or key.replace("_", " "))  # str: the label in the language of this request


def _scalar(value, key: str | None) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return str(C("yes") if value else C("no"))
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
        label = _label(key, parent) if isinstance(data, dict) else f"{_label(parent, None) if parent else ''} {key}".strip()
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
    if upto.isdigit() and len(upto) < 19:
        entries = entries.filter(id__lte=int(upto))
    else:
        upto = str(read.id) if read is not None else ""
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/history.html", {
        "application": application, "page": page, "rows": [_row(e) for e in page], "upto": upto,
    })
