"""Officials' screens at the end of a funded project: the final report's two reviews and the mark for a closer
audit (their forms sit on the final report's page, ``web/final.py``), the settlement (preview, settle, a second
official's approval, returns with their interest) and the day's payment and receivables files.

Every step here moves money or approves what was shown, so it is a screen only: the API has no route for it,
and each irreversible step needs its box ticked (``feedback.confirm``) and names the version or hash shown.
"""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from avustus.accounts import permissions
from avustus.accounts.permissions import OFFICIAL_ROLES, has_programme_role
from avustus.errors import Conflict
from avustus.payments import payment_file
from avustus.payments.models import PaymentFile
from avustus.payments.services import euro_text
from avustus.projects.services import project_for
from avustus.reports import final
from avustus.reports import services as reports
from avustus.reports.models import FinalReport
from avustus.settlement import selectors
from avustus.settlement import services as settlement_services
from avustus.settlement.models import Settlement
from avustus.settlement.receivables import produce_receivables_file
from avustus.texts import too_long
from avustus.web.feedback import confirm, error_summary, errors_of, flash, parse_date, refusals_flashed
from avustus.web.final import filed_final_report
from avustus.web.officials.common import rejections_posted


def final_review_context(request, project, report: FinalReport | None) -> dict:
    """What the officials' forms on the final report's page need: who may review which part, the version read."""
    programme = project.call.programme
    reads = has_programme_role(request.user, programme, OFFICIAL_ROLES)
    manages = permissions.can_manage_projects(request.user, programme, project=project)
    return {
        "official": reads, "manages": manages,
        "review_content": final.can_review_final_report(request.user, report, final.CONTENT),
        "review_finances": final.can_review_final_report(request.user, report, final.FINANCES),
        "report_version": final.final_report_version(report) if report is not None else "",
        "can_mark": manages and report is not None,
    }


@login_required
@require_POST
def review_final_report(request, reference: str):
    """Accept the content or the finances (rejecting ineligible costs with reasons), or return the report."""
    report = filed_final_report(request, reference)
    part, version, reasons = request.POST.get("part", ""), request.POST.get("version", ""), request.POST.get(
        "reasons", "")
    action = request.POST.get("action", "")
    if action not in ("accept", "return"):
        raise Http404  # no form of the page posts another: nothing is taken for an acceptance
    # The services' own first question, asked before the form is: a recipient's post is the 403 page, not a
    # refusal of its fields or of a missing tick.
    reports.check_reviews_report(request.user, report.project)
    with refusals_flashed(request):
        if action == "return":
            final.return_final_report(report, part, actor=request.user, version=version, reasons=reasons)
            messages.success(request, _("The final report was returned to the lead."))
        else:
            rejections = rejections_posted(request, report) if part == final.FINANCES else []
            # With both parts accepted the report is final and the grant is settled on it.
            confirm(request, {**too_long(reasons=reasons), **reports.rejection_errors(report, rejections)})
            report = final.accept_final_report(report, part, actor=request.user, version=version,
                                               rejections=rejections, reasons=reasons)
            accepted = report.status == FinalReport.Status.ACCEPTED
            messages.success(request, _("The final report was accepted.") if accepted
                             else _("Your review was recorded; the other part is still to be reviewed."))
    return redirect("project-final-report", reference)


@login_required
@require_POST
def closer_audit(request, reference: str):
    """Mark the project for a closer audit of its use of the grant, or take the mark off, with the reason."""
    report = filed_final_report(request, reference)
    action = request.POST.get("action", "")
    if action not in ("mark", "unmark"):
        raise Http404
    marked = action == "mark"
    with refusals_flashed(request):
        final.mark_for_closer_audit(report, actor=request.user, marked=marked, reason=request.POST.get("reason", ""))
        messages.success(request, _("The project is marked for a closer audit.") if marked
                         else _("The mark for a closer audit was taken off."))
    return redirect("project-final-report", reference)



def _returns(made: Settlement | None) -> list[dict]:
    if made is None:
        return []
    return [{"entry": r, "periods": r.computation.get("periods", []),
             "attribution": r.computation.get("attribution", [])} for r in made.returns.order_by("returned_on", "pk")]


def _settlement_post(request, project, made: Settlement | None) -> tuple[bool, list]:
    """One step on the settlement; (done, error summary of the return's form)."""
    action = request.POST.get("action", "")
    try:
        confirm(request)
        if action == "settle":
            settlement_services.settle(project, actor=request.user, version=request.POST.get("version", ""))
            messages.success(request, _("The grant was settled; a second official approves the settlement."))
        elif action == "approve" and made is not None:
            settlement_services.approve_settlement(made, actor=request.user, version=request.POST.get("version", ""))
            messages.success(request, _("The settlement was approved."))
        elif action == "return" and made is not None:
            returned = settlement_services.record_return(
                made, actor=request.user, returned_on=parse_date(request.POST.get("returned_on", ""), "returned_on"),
                amount=request.POST.get("amount", ""), version=request.POST.get("version", ""))
            messages.success(request, _("The return was recorded, with interest of %(interest)s.")
                             % {"interest": euro_text(returned.interest)})
        else:
            raise Http404
    except Conflict as exc:
        flash(request, exc)
    except ValidationError as exc:
        if action != "return":
            flash(request, exc)
            return True, []
        return False, error_summary(errors_of(exc), {
            "confirm": ("return-confirm", _("Confirmation")), "returned_on": ("returned-on", _("Returned on")),
            "amount": ("return-amount", _("Principal returned, without interest (euros)"))})
    return True, []


@login_required
def project_settlement(request, reference: str):
    """The settlement of a project: its figures previewed, settled, approved by a second official, and returns."""
    project = project_for(request.user, reference)
    programme = project.call.programme
    if not has_programme_role(request.user, programme, OFFICIAL_ROLES):
        raise Http404
    made = Settlement.objects.filter(project=project).select_related("prepared_by", "approved_by").first()
    summary: list = []
    values = {"returned_on": "", "amount": ""}
    if request.method == "POST":
        done, summary = _settlement_post(request, project, made)
        if done:
            return redirect("project-settlement", reference)
        values = {"returned_on": request.POST.get("returned_on", ""), "amount": request.POST.get("amount", "")}
    manages = permissions.can_manage_projects(request.user, programme, project=project)
    returned = settlement_services.returned_total(made) if made is not None else None
    left = settlement_services.left_to_return(made, returned) if made is not None else None
    steps = settlement_services.settlement_steps(request.user, project, made, left)
    preview, digest, not_yet = None, "", ""
    if "settle" in steps:
        try:
            preview, digest = settlement_services.settlement_preview(project, actor=request.user)
        except Conflict as exc:
            not_yet = str(exc)
    # For the crumbs (``_crumbs.html``: who manages or approves is led back to the officials' list), not the forms.
    approves = made is not None and permissions.can_approve_settlement(request.user, programme, made.prepared_by_id,
                                                                       project=project)
    prepared = made is not None and made.status == Settlement.Status.PREPARED
    context = {
        "project": project, "settlement": made, "preview": preview,
        "figures": made.snapshot if made is not None else preview,
        "digest": digest, "not_yet": not_yet,
        "manages": manages, "approves": approves, "steps": steps,
        # The notes the page shows by the settlement's state (the template compares no states): who prepared it
        # waits for a second official; once approved, the signed decision's documents.
        "awaits_second_official": prepared and manages and "approve" not in steps,
        "settlement_signed": made is not None and made.status == Settlement.Status.APPROVED,
        "returns": _returns(made), "returned": returned, "left": left,
        "returns_version": settlement_services.returns_version(made) if made is not None else "",
        "error_summary": summary, "values": values,
        "receivable_reference": payment_file.reference_of(payment_file.RECEIVABLE_PREFIX, made.pk) if made else "",
    }
    return render(request, "web/officials/settlement.html", context, status=422 if summary else 200)


def _check_files(request) -> None:
    if not permissions.can_produce_payment_files(request.user):
        raise Http404


@login_required
def payment_files(request):
    """The approved payments and amounts to return not yet in a file; produce the day's file; earlier files."""
    _check_files(request)
    summary: list = []
    day_value = request.POST.get("day", "") if request.method == "POST" else timezone.localdate().isoformat()
    if request.method == "POST":
        try:
            kind = request.POST.get("kind", "")
            if kind not in PaymentFile.Kind.values:  # never a file of a kind not asked for
                raise ValidationError({"kind": [_("Choose the kind of file: payments or receivables.")]})
            confirm(request)
            day = parse_date(day_value, "day")
            if kind == PaymentFile.Kind.RECEIVABLES:
                made = produce_receivables_file(day, actor=request.user)
            else:
                made = payment_file.produce_payment_file(day, actor=request.user)
        except ValidationError as exc:
            summary = error_summary(errors_of(exc), {"kind": ("file-kind", _("Kind")),
                                                     "confirm": ("file-confirm", _("Confirmation")),
                                                     "day": ("file-day", _("Day approved"))})
        else:
            if made is None:
                messages.info(request, _("Nothing approved on that day is waiting for a file."))
            else:
                messages.success(request, _("The file was produced; download it below."))
            return redirect("officials-payment-files")
    programmes = permissions.payment_file_programmes(request.user)  # another programme's rows do not exist here
    return render(request, "web/officials/payment_files.html", {
        "payments": selectors.unfiled_payments(programmes), "receivables": selectors.unfiled_receivables(programmes),
        "recoveries": selectors.unfiled_recoveries(programmes),
        "files": selectors.produced_files(programmes), "day": day_value, "error_summary": summary,
        "kinds": PaymentFile.Kind.choices,
    }, status=422 if summary else 200)


@login_required
def payment_file_download(request, pk: int):
    """A file produced earlier, byte for byte (its hash checked), as a CSV download; the read is audited."""
    _check_files(request)
    made = payment_file.reprint(pk, actor=request.user)
    response = HttpResponse(made.content.encode(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{made.kind}-{made.day.isoformat()}-{made.pk}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
