"""A recovery case's page for everyone who sees the project (officials, the lead, the partners): the case, the
hearing (the lead answers it here), the decision and what has been returned and waived. Officials' forms
on the same page post to ``web/officials/recovery.py``.
"""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from avustus.accounts import permissions
from avustus.decisions.documents.html import render_body
from avustus.errors import Conflict
from avustus.projects.services import project_for
from avustus.registry.languages import document_language
from avustus.settlement import recovery as service
from avustus.settlement import waivers
from avustus.settlement.models import Recovery, RecoveryWaiver
from avustus.settlement.recovery_document import build_recovery_document, recovery_document, render_recovery
from avustus.web.feedback import beside_fields, confirm, error_summary, errors_of, messages_of, parse_date

CONTENT_TYPES = {"html": "text/html; charset=utf-8", "txt": "text/plain; charset=utf-8", "pdf": "application/pdf"}


def recovery_of(request, reference: str, pk: int) -> Recovery:
    project = project_for(request.user, reference)
    return get_object_or_404(Recovery.objects.select_related("project__call__programme", "project__application",
                                                             "prepared_by", "signed_by"), project=project, pk=pk)



def _preview(request, recovery: Recovery) -> dict:
    """An official's preview of the decision for the due date asked (``?due_on=``), with the hash to prepare it."""
    due = request.GET.get("due_on", "")
    if not due or recovery.status != Recovery.Status.HEARING:
        return {}
    try:
        snapshot, digest = service.recovery_preview(recovery, actor=request.user,
                                                    due_on=parse_date(due, "due_on"))
    except (Conflict, ValidationError) as exc:
        return {"preview_errors": messages_of(exc), "due_on": due}  # the date typed stays in its field
    lang = document_language(request.LANGUAGE_CODE)
    return {"preview": render_body(build_recovery_document(snapshot, lang), embedded=True), "version": digest,
            "due_on": due}


def _waivers_in_hand(recovery: Recovery) -> dict:
    """For the officials: the waiver awaiting its second person, with the version its forms send, and the waivers
    declined (the recipients see only those in force)."""
    pending = service.proposed_waiver(recovery)
    return {"proposed_waiver": pending, "waiver_version": waivers.waiver_version(pending) if pending else "",
            "declined_waivers": list(recovery.waivers.filter(status=RecoveryWaiver.Status.DECLINED))}


def _limit(recovery: Recovery, today: date):
    """Section 29's last day for the page; none to show when nothing was paid (the case was written elsewhere)."""
    try:
        return service.time_limit(recovery, recovery.ground_known_on, today)
    except ValidationError:
        return None


@login_required
def recovery_page(request, reference: str, pk: int):
    """The case; the lead's response form while the hearing is open; officials' forms by the case's state."""
    recovery = recovery_of(request, reference, pk)
    project = recovery.project
    programme = project.call.programme
    manages = permissions.can_manage_projects(request.user, programme, project=project)
    signer = permissions.can_sign_recovery(request.user, programme)
    summary, beside, response = [], {}, ""
    if request.method == "POST":
        # A partner's or an official's post is the 403 page, not a refusal for a missing tick.
        service.check_answers_hearing(request.user, recovery)
        response = request.POST.get("response", "")
        try:
            # The answer is given once and the decision is made on it: the box ticked, refused with the rest.
            confirm(request, service.response_errors(response))
            service.respond_to_hearing(recovery, actor=request.user, response=response)
        except Conflict as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            summary = error_summary(errors_of(exc), {"response": ("response", _("Your response")),
                                                     "confirm": ("confirm", _("Confirmation"))})
            beside = beside_fields(summary)
        else:
            messages.success(request, _("Your response was recorded."))
            return redirect("project-recovery", reference, pk)
    today = timezone.localdate()
    lang = document_language(request.LANGUAGE_CODE)
    decided = recovery.status == Recovery.Status.DECIDED
    steps = service.recovery_steps(request.user, recovery, today)
    context = {
        "project": project, "recovery": recovery, "manages": manages, "approves": signer, "error_summary": summary,
        "errors": beside, "response": response,  # what the lead typed, kept when refused
        "steps": steps,
        "hearing_over": recovery.hearing_deadline < today,  # no response by then: "none was given", not "yet"
        # The parts and notes the page shows by the case's state (the template compares no states): the officials'
        # preparation while the hearing lasts (the form once it is finished, else when it will be), the note that
        # another official signs a decision this one may not, and the returns once decided.
        "preparing": manages and recovery.status == Recovery.Status.HEARING,
        "awaits_signature": manages and recovery.status == Recovery.Status.PREPARED and "sign" not in steps,
        "decided": decided,
        "limit": None if decided else _limit(recovery, today),
        "document": render_body(recovery_document(recovery, lang), embedded=True)
        if recovery.snapshot and (decided or manages or signer) else "",
        "returns": list(recovery.returns.all()), "waivers": list(recovery.waivers.in_force()),
        "amount_due": service.amount_due(recovery) if decided else None,
        "interest_waived": service.interest_waived(recovery),
        "case_version": service.case_version(recovery) if decided else "",
    }
    if manages or signer:
        context.update(_waivers_in_hand(recovery))
    if manages:
        context.update(_preview(request, recovery))
    return render(request, "web/projects/recovery.html", context, status=422 if summary else 200)


@login_required
def recovery_download(request, reference: str, pk: int, lang: str, fmt: str):
    """The decision as HTML, text or PDF in Finnish or Swedish: recipients once it is signed, officials from
    its preparation (a draft)."""
    recovery = recovery_of(request, reference, pk)
    officials = permissions.can_sign_recovery(request.user, recovery.project.call.programme)
    if lang not in ("fi", "sv") or fmt not in CONTENT_TYPES or not recovery.snapshot or not (
            recovery.status == Recovery.Status.DECIDED or officials):
        raise Http404
    response = HttpResponse(render_recovery(recovery, lang, fmt), content_type=CONTENT_TYPES[fmt])
    if fmt == "pdf":
        response["Content-Disposition"] = f'attachment; filename="recovery-{reference}-{pk}-{lang}.pdf"'
    return response

