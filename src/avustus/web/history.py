"""An application's history from the audit log: who did or read what, and when, for officials and auditors.

Only the programme's officials, decision-makers, auditors and administrators see it, and only once the
application is submitted; anyone else, applicants included, gets the same 404 as for an application
that does not exist. Browsing the history
is itself a read of non-public data, and is logged like one.
"""

import json

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from avustus.accounts.permissions import OFFICIAL_ROLES, has_programme_role
from avustus.applications.models import Application
from avustus.audit.chain import history, record_read

PAGE_SIZE = 25

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
    "decision.notified": _("decision notified"),
    "rectification.registered": _("rectification request registered"),
    "rectification.prepared": _("rectification request prepared"),
    "rectification.decided": _("rectification request decided"),
    "list.read": _("read in a list"),
    "decision.read": _("unsigned decision read"),
    "proposal.pass_mark_set": _("pass mark set"),
    "proposal.presented": _("decision proposal presented"),
    "proposal.returned": _("decision proposal returned for changes"),
    "proposal.approved": _("decision proposal approved"),
    "decision.signed": _("decision signed"),
    "decision.prepared": _("decision prepared"),
    "decision.imported": _("decision imported"),
    "decision.reimported": _("decision imported again"),
    "decision.amendment_started": _("amending decision started"),
}


def _text(value) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)


def _row(entry) -> dict:
    data = entry.data if isinstance(entry.data, dict) else {"data": entry.data}
    return {
        "entry": entry,
        "action": ACTIONS.get(entry.action, entry.action),
        "before": _text(data["before"]) if "before" in data else None,
        "after": _text(data["after"]) if "after" in data else None,
        "details": [(key, _text(value)) for key, value in sorted(data.items()) if key not in ("before", "after")],
    }


def application_history(request, reference: str):
    application = Application.objects.select_related("call__programme").filter(reference=reference).first()
    if (
        application is None
        # Drafts are their applicants' business, as on every other screen (the command line shows them).
        or application.status == Application.Status.DRAFT
        or not has_programme_role(request.user, application.call.programme, OFFICIAL_ROLES)
    ):
        raise Http404
    read = record_read(request.user, application, "history")
    entries = history(reference)
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
