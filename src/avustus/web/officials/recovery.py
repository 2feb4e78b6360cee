"""Officials' steps of a recovery: start the case (with its hearing request), prepare the decision naming the
preview's hash, sign it as the second official (or send it back with reasons), record returns, propose a waiver
(section 26) and confirm or decline it as the second person (``settlement.waivers``). Thin: each view reads the
form, calls one service of ``settlement.recovery`` or ``settlement.waivers`` and sends the official back to the
case's page.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from avustus.accounts import permissions
from avustus.errors import Conflict
from avustus.payments.services import paid_total
from avustus.projects.services import project_for
from avustus.rules.recovery import GROUNDS
from avustus.settlement import recovery as service
from avustus.settlement import waivers
from avustus.web.feedback import (
    confirm,
    error_summary,
    errors_of,
    form_number,
    parse_date,
    parse_dates,
    refusals_flashed,
)
from avustus.web.recovery import recovery_of

FIELDS = ("ground", "amount", "reasons", "known_on", "deadline")


def _official_recovery(request, reference: str, pk: int):
    """The case, if the user sees the project and is one of the programme's officials (else 404 or 403) before
    any form is looked at: a recipient's post is refused as such, not as a missing tick."""
    recovery = recovery_of(request, reference, pk)
    permissions.check_manages_projects(request.user, recovery.project.call.programme,
                                       _("Only the programme's officials handle recoveries."), project=recovery.project)
    return recovery


@login_required
def start_recovery(request, reference: str):
    """The form that opens a recovery case and sends the hearing request to the lead."""
    project = project_for(request.user, reference)
    permissions.check_manages_projects(request.user, project.call.programme,
                                       _("Only the programme's officials handle recoveries."), project=project)
    values = {name: request.POST.get(name, "") for name in FIELDS}
    summary, errors = [], {}
    if request.method == "POST":
        section, _sep, subsection = (form_number(part) for part in values["ground"].partition(":"))
        dates, unread = parse_dates(request.POST, "known_on", "deadline")
        try:
            # The case is opened and the hearing request sent for good: the box ticked, refused with the rest of the
            # form's problems, so that one correction is enough.
            known = {**service.start_errors(
                project, section=section, subsection=subsection, amount=values["amount"],
                reasons=values["reasons"], known_on=dates.get("known_on"), deadline=dates.get("deadline")),
                **unread}
            confirm(request, known)
            if known:
                raise ValidationError(known)
            recovery = service.start_recovery(
                project, actor=request.user, section=section, subsection=subsection, amount=values["amount"],
                reasons=values["reasons"], known_on=dates["known_on"], deadline=dates["deadline"],
                version=request.POST.get("version", ""))
        except Conflict as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            errors = errors_of(exc)
            summary = error_summary(errors, {
                "ground": ("ground", _("Ground")), "amount": ("amount", _("Amount to recover")),
                "reasons": ("reasons", _("Reasons")), "known_on": ("known_on", _("Ground known on")),
                "deadline": ("deadline", _("Response due by")), "confirm": ("confirm", _("Confirmation"))})
        else:
            messages.success(request, _("The recovery case was started and the hearing request sent to the lead."))
            return redirect("project-recovery", reference, recovery.pk)
    grounds = [(f"{s}:{m}", f"{s} § {m}") for s, subsections in GROUNDS.items() for m in subsections]
    return render(request, "web/projects/recovery_start.html", {
        "project": project, "values": values, "grounds": grounds, "error_summary": summary, "errors": errors,
        "manages": True,
        "today": timezone.localdate(), "paid": paid_total(project),
        # A refused post keeps the version it was read at: after a double click the browser shows the second
        # post's answer, and a fresh version there would let one more press open a second case.
        "version": request.POST.get("version", "") if request.method == "POST" else service.cases_version(project),
    }, status=422 if summary else 200)


def _case_step(read_case):
    """A step posted from the case's page: the case read by ``read_case`` before any form is looked at, the
    step's refusal flashed, and the user sent back to the case's page whatever the outcome. The step's last
    line is its success message (``refusals_flashed``)."""

    def decorate(step):
        @login_required
        @require_POST
        @wraps(step)
        def view(request, reference: str, pk: int):
            recovery = read_case(request, reference, pk)
            with refusals_flashed(request):
                step(request, recovery)
            return redirect("project-recovery", reference, pk)

        return view

    return decorate


@_case_step(_official_recovery)
def prepare_recovery(request, recovery) -> None:
    service.prepare_recovery(recovery, actor=request.user, version=request.POST.get("version", ""),
                             due_on=parse_date(request.POST.get("due_on", ""), "due_on"))
    messages.success(request, _("The decision was prepared; another official signs it."))


@_case_step(recovery_of)
def sign_recovery(request, recovery) -> None:
    # Refused before the tick is looked at, by the service's own check (a recipient's post, or the preparer's):
    # a NotAllowed is the 403 page, not a refusal to flash.
    permissions.check_signs_recovery(request.user, recovery.project.call.programme, recovery.prepared_by_id,
                                     _(service.SIGNED_BY_ANOTHER), project=recovery.project)
    confirm(request)
    service.sign_recovery(recovery, actor=request.user, version=request.POST.get("version", ""))
    messages.success(request, _("The recovery decision was signed and sent to the lead."))


@_case_step(recovery_of)
def withdraw_recovery(request, recovery) -> None:
    """The signer (or the preparer) sends the prepared decision back with reasons, to be prepared again."""
    # Who may is the service's first question (``permissions.check_withdraws_recovery_decision``).
    service.withdraw_recovery_decision(recovery, actor=request.user, version=request.POST.get("version", ""),
                                       reasons=request.POST.get("reasons", ""))
    messages.success(request, _("The decision was sent back; it can be prepared again."))


@_case_step(_official_recovery)
def recovery_return(request, recovery) -> None:
    confirm(request)  # a return and its interest stay recorded, as the settlement's do
    service.record_recovery_return(recovery, actor=request.user, amount=request.POST.get("amount", ""),
                                   returned_on=parse_date(request.POST.get("returned_on", ""), "returned_on"),
                                   version=request.POST.get("version", ""))
    messages.success(request, _("The return was recorded with its interest."))


@_case_step(_official_recovery)
def waive_recovery(request, recovery) -> None:
    # Only a proposal: it changes nothing until a second person confirms it, and it may be declined. The
    # confirmation is the step that cannot be undone, and it asks for the tick.
    service.waive_recovery(recovery, actor=request.user, principal=request.POST.get("principal", "") or "0",
                           interest=request.POST.get("interest") == "yes", reasons=request.POST.get("reasons", ""),
                           version=request.POST.get("version", ""))
    messages.success(request, _("The waiver was proposed; it takes effect when a second person confirms it."))


def _proposer(recovery):
    pending = service.proposed_waiver(recovery)
    return pending.proposed_by_id if pending else None


@_case_step(recovery_of)
def confirm_waiver(request, recovery) -> None:
    # Refused before the tick is looked at, by the service's own rule (a recipient's post, or the proposer's): a
    # NotAllowed is the 403 page, not a refusal to flash. The service asks again under the case's lock.
    permissions.check_confirms_waiver(request.user, recovery.project.call.programme, _proposer(recovery),
                                      _(waivers.CONFIRMED_BY_ANOTHER), project=recovery.project)
    confirm(request)
    waivers.confirm_waiver(recovery, actor=request.user, version=request.POST.get("version", ""))
    messages.success(request, _("The waiver was confirmed and the lead was told."))


@_case_step(recovery_of)
def decline_waiver(request, recovery) -> None:
    """The second person declines the proposed waiver with reasons, or its proposer withdraws it."""
    permissions.check_declines_waiver(request.user, recovery.project.call.programme, _proposer(recovery),
                                      _(waivers.DECLINED_BY), project=recovery.project)
    waivers.decline_waiver(recovery, actor=request.user, version=request.POST.get("version", ""),
                           reasons=request.POST.get("reasons", ""))
    messages.success(request, _("The waiver was declined; nothing due changed."))
