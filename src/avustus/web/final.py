"""The final report's page: the lead files it (and files it again after a return) with the project's total costs
and attaches the auditor's statement and other documents; everyone who sees the project reads it with the
reviews' outcome and reasons. The officials' forms on it (the two reviews, the mark for a closer audit) post to
``web/officials/closing.py``. Thin: each view reads the form, calls one service and renders.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from avustus.api.attachments import download_response
from avustus.errors import Conflict
from avustus.projects.models import FundedProject, ScheduleEntry
from avustus.projects.services import project_for
from avustus.reports import attachments as report_attachments
from avustus.reports import final
from avustus.reports.models import FinalReport, FinalReportAttachment
from avustus.web.feedback import beside_fields, confirm, error_summary, errors_of, flash, refusals_flashed
from avustus.web.projects import cost_fields, cost_grid, cost_values, form_costs, grid_rows

TEXTS = ("effects", "ways_of_working", "work_and_results", "reuse")


def _labels() -> dict[str, str]:
    return {"effects": _("Effects of the project"), "ways_of_working": _("Changed ways of working"),
            "work_and_results": _("The work done and its results"),
            "reuse": _("How other municipalities can use the results")}


def final_report_of(project: FundedProject) -> FinalReport | None:
    return (FinalReport.objects.filter(project=project)
            .select_related("content_reviewed_by", "finance_reviewed_by", "closer_audit_by")
            .prefetch_related("costs__category", "costs__member__organisation", "attachments").first())


@login_required
def final_report(request, reference: str):
    """The final report: the lead's form while it is due or returned, else the report as filed, with its reviews."""
    from avustus.web.officials.closing import final_review_context

    project = project_for(request.user, reference)
    entry = project.schedule.filter(kind=ScheduleEntry.Kind.FINAL).first()
    if entry is None:
        raise Http404
    report = final_report_of(project)
    categories, members = cost_grid(project)
    values: dict[str, str] = {}
    summary = []
    beside: dict[str, str] = {}
    if request.method == "POST":
        # A partner's post is the 403 page, not a refusal for a missing tick.
        final.check_files_report(request.user, project)
        values = {k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "confirm")}
        costs = form_costs(request, categories, members)
        typed = {**{name: request.POST.get(name, "") for name in TEXTS}, "costs": costs}
        try:
            refusal = final.final_report_refusal(project, report)  # as the service says it, not a missing tick
            if refusal is not None:
                raise Conflict(refusal)
            # Filed, it ends the project's reporting and is the lead's word until an official returns it: the box
            # ticked, refused with the rest.
            confirm(request, final.final_report_errors(project, **typed))
            final.submit_final_report(project, actor=request.user, **typed)  # outputs: the project's outputs page
        except Conflict as exc:
            messages.error(request, str(exc))
            return redirect("project-final-report", reference)
        except ValidationError as exc:
            errors, fields = cost_fields(errors_of(exc), costs, categories, members)
            fields.update({name: (name, label) for name, label in _labels().items()})
            first = f"cost-{categories[0].code}-{members[0].position}" if categories and members else None
            fields["costs"] = (first, _("Costs"))
            fields["confirm"] = ("confirm", _("Confirmation"))
            summary = error_summary(errors, fields)
            beside = beside_fields(summary)
        else:
            messages.success(request, _("The final report was filed. Attach the auditor's statement on the use of "
                                        "the grant, if you have not yet."))
            return redirect("project-final-report", reference)
    # Who may, and what the report's state allows, as the services refuse them (``reports.final``).
    editable = final.can_edit_final_report(request.user, project, report)
    if report is not None and not values:
        values = {**{name: getattr(report, name) for name in TEXTS}, **cost_values(report.costs.all())}
    attachments = list(report.attachments.all()) if report is not None else []
    context = {
        "project": project, "entry": entry, "report": report, "editable": editable, "values": values,
        "grid": grid_rows(categories, members, values, beside), "members": members, "error_summary": summary,
        "errors": beside,
        "texts": [{"name": name, "label": label, "value": values.get(name, ""), "error": beside.get(name, "")}
                  for name, label in _labels().items()],
        "attachments": attachments,
        "has_statement": any(a.kind == FinalReportAttachment.Kind.AUDITOR_STATEMENT for a in attachments),
        "kinds": FinalReportAttachment.Kind.choices,
        "can_attach": final.can_attach_to_final_report(request.user, report),
        "can_remove": final.can_remove_final_attachments(request.user, report),
        "outputs": list(project.outputs.order_by("kind", "title", "pk")),
        "ends_on": final.filed_early_until(project, report, timezone.localdate()) if editable else None,
    }
    context.update(final_review_context(request, project, report))
    return render(request, "web/projects/final_report.html", context, status=422 if summary else 200)


def filed_final_report(request, reference: str) -> FinalReport:
    """The final report of a project the user sees (404 when there is none yet); the lead's and officials' steps."""
    report = FinalReport.objects.filter(project=project_for(request.user, reference)).first()
    if report is None:
        raise Http404
    return report


@login_required
@require_POST
def add_final_attachment(request, reference: str):
    """The lead attaches the auditor's statement or another document to the final report until it is accepted."""
    report = filed_final_report(request, reference)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ValidationError({"file": [_("Choose a file to attach.")]})
        final.add_final_attachment(report, upload, actor=request.user,
                                   kind=request.POST.get("kind", FinalReportAttachment.Kind.OTHER))
    except ValidationError as exc:
        flash(request, exc)
    else:
        messages.success(request, _("The document was attached."))
    return redirect("project-final-report", reference)


@login_required
@require_POST
def remove_final_attachment(request, reference: str, attachment_id: int):
    """The lead takes a document off the final report until its finances are accepted."""
    report = filed_final_report(request, reference)
    with refusals_flashed(request):
        removed = final.remove_final_attachment(report, attachment_id, actor=request.user)
        messages.success(request, _("The document %(name)s was removed from the report.") % {
            "name": removed.original_name})
    return redirect("project-final-report", reference)


@login_required
def final_attachment(request, reference: str, attachment_id: int):
    """Always a download, never shown inline from this origin."""
    report = filed_final_report(request, reference)
    return download_response(report_attachments.open_report_attachment(request.user, report, attachment_id))
