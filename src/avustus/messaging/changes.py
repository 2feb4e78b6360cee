"""Change requests in messages: a request filed, to the programme's officials; a rejection with its reasons, to the
lead; an amending decision, to the lead with copies to the partners' addresses, with its rectification
instructions (the call's own words in Finnish and Swedish) and the link to the signed document.

Listeners to ``events.change_request_submitted`` and ``events.change_request_decided`` (``changes.services``).
"""

from django.urls import reverse

from avustus import events
from avustus.messaging.followup import lead_of, officials_link, officials_of, partner_copies, project_context
from avustus.messaging.receivers import _date, _send_each, site_url
from avustus.registry.languages import document_language


def _context(request, language: str) -> dict:
    project = request.project
    texts = (project.call.texts or {}).get("rectification") or {}
    context = {**project_context(project, language), "kind": request.get_kind_display(), "reasons": request.reasons,
               "decision_reasons": request.decision_reasons, "new_end": _date(request.new_end, language),
               "rectification": texts.get(language, "") if language in ("fi", "sv") else ""}
    decision = getattr(request, "decision", None) if request.status == request.Status.DECIDED else None
    if decision is not None:
        lang = document_language(language)
        context.update(decided_on=_date(decision.decided_on, language), document=site_url(
            reverse("project-change-decision", args=[project.reference, decision.pk, lang])))
    return context


def on_change_request_submitted(sender, *, request, actor, **kwargs) -> None:
    project = request.project
    _send_each("change_request_submitted", officials_of(project), project.application,
               lambda r: {**_context(request, r.language), "link": officials_link(project)})


def on_change_request_decided(sender, *, request, actor, **kwargs) -> None:
    project = request.project
    lead = lead_of(project)
    if request.status == request.Status.REJECTED:
        _send_each("change_request_rejected", lead, project.application, lambda r: _context(request, r.language))
        return
    # A partner the decision removes is a party to it (Administrative Procedure Act, section 54): its copy goes
    # to that partner too, though the partner no longer hears of the project after it.
    removed = list(project.application.members.select_related("organisation").filter(pk__in=request.remove_partners))
    _send_each("change_decision", lead + partner_copies(project, lead, also=removed), project.application,
               lambda r: {**_context(request, r.language), "copy": r.copy})


def connect() -> None:
    events.change_request_submitted.connect(on_change_request_submitted, dispatch_uid="messaging.change_submitted")
    events.change_request_decided.connect(on_change_request_decided, dispatch_uid="messaging.change_decided")
