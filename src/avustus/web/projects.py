"""Screens of a funded project for its recipients: "my projects", a project's page, the lead's interim report,
bank account and payment application. Thin: each view reads the form, calls one service and renders.

The officials' steps on the same project (review, confirm, accept, approve, record) are in
``web/officials/projects.py``; the project's page shows their forms to officials.
"""

import secrets
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from avustus.accounts import permissions
from avustus.api.attachments import download_response
from avustus.decisions.documents.render import CONTENT_TYPES
from avustus.errors import Conflict
from avustus.payments import selectors as payment_selectors
from avustus.payments import services as payments
from avustus.payments.models import BankAccount, PaymentApplication
from avustus.projects.models import FundedProject, ScheduleEntry
from avustus.projects.services import project_for
from avustus.reports import attachments as report_attachments
from avustus.reports import services as reports
from avustus.reports.models import FinalReport, InterimReport
from avustus.settlement import documents as settlement_documents
from avustus.web.feedback import (
    beside_fields,
    confirm,
    error_summary,
    errors_of,
    flash,
    parse_dates,
    refusals_flashed,
)


@login_required
def my_projects(request):
    """The projects whose lead or partner the user acts for."""
    return render(request, "web/projects/mine.html", {"rows": payment_selectors.my_projects(request.user)})


def _schedule(project: FundedProject, today: date) -> list[dict]:
    """Each report due with its report (if filed: an interim report, or the project's final report), whether it is
    overdue (the final report too, ``reports.entry_overdue``), and whether an interim report not filed is no
    longer due (``reports.interim_reporting_over``)."""
    filed = {r.schedule_entry_id: r for r in project.reports.all()}
    final = FinalReport.objects.filter(project=project).first()
    over = reports.interim_reporting_over(project)
    rows = []
    for entry in project.schedule.order_by("due_on", "kind", "number"):
        interim = entry.kind == ScheduleEntry.Kind.INTERIM
        report = filed.get(entry.pk) if interim else final
        rows.append({"entry": entry, "report": report,
                     "overdue": reports.entry_overdue(project, entry, report is not None, today, interim_over=over),
                     "not_due": report is None and interim and over})
    return rows


def _project_context(request, project: FundedProject) -> dict:
    """What the project's page shows; officials also get each accepted payment's version to approve."""
    from avustus.web.officials.projects import official_context

    today = timezone.localdate()
    lead = permissions.is_recipient_lead(request.user, project)
    budget = list(project.budget.select_related("category", "member__organisation"))
    context = {
        "project": project, "members": list(project.application.members.select_related("organisation__successor")),
        "budget": budget, "budget_vat_free": sum(b.amount_vat_free for b in budget),
        "budget_vat": sum(b.vat for b in budget),
        "schedule": _schedule(project, today),
        "payment_applications": list(project.payment_applications.order_by("number", "pk")),
        "accounts": list(project.bank_accounts.order_by("registered_at", "pk")),
        "paid": payments.paid_total(project), "payable": payments.payable(project),
        "payment_stopped": payments.payment_stopped(project),  # no amount payable nor an application offered
        "accepted_costs": reports.accepted_costs_to_date(project),
        "is_lead": lead, "in_progress": project.state == FundedProject.State.IN_PROGRESS,
    }
    context.update(official_context(request, project, context["payment_applications"], context["accounts"]))
    return context


@login_required
def project_detail(request, reference: str):
    project = project_for(request.user, reference)
    return render(request, "web/projects/project.html", _project_context(request, project))


def _report_of(project: FundedProject, number: int) -> tuple[ScheduleEntry, InterimReport | None]:
    entry = project.schedule.filter(kind=ScheduleEntry.Kind.INTERIM, number=number).first()
    if entry is None:
        raise Http404
    return entry, InterimReport.objects.filter(schedule_entry=entry).prefetch_related(
        "costs__category", "costs__member__organisation", "attachments").first()


def cost_grid(project: FundedProject) -> tuple[list, list]:
    """The cost grid's rows and columns: the call's cost categories and the project's members, in order."""
    categories = list(project.call.cost_categories.order_by("position"))
    members = list(project.application.members.select_related("organisation").order_by("position"))
    return categories, members


def grid_rows(categories, members, values: dict, errors: dict[str, str] | None = None) -> list[dict]:
    """The grid as the template ``_cost_grid.html`` shows it: a row per category, a cell per member, each cell
    with its field names, the values entered or stored (``values`` as ``cost_values`` or the form give them) and
    the messages beside its two inputs (``errors`` by input id, ``feedback.beside_fields``)."""
    errors = errors or {}
    return [{"category": c, "cells": [{"member": m, "id": f"cost-{c.code}-{m.position}",
                                        "name": f"cost.{c.code}.{m.position}",
                                        "vat_free": values.get(f"cost.{c.code}.{m.position}.vat_free", ""),
                                        "vat": values.get(f"cost.{c.code}.{m.position}.vat", ""),
                                        "vat_free_error": errors.get(f"cost-{c.code}-{m.position}", ""),
                                        "vat_error": errors.get(f"cost-{c.code}-{m.position}-vat", "")}
                                       for m in members]} for c in categories]


def cost_values(costs) -> dict[str, str]:
    """A filed report's costs (interim or final) as the grid's field values, to show them again in its form."""
    values = {}
    for cost in costs:
        prefix = f"cost.{cost.category.code}.{cost.member.position}"
        values[f"{prefix}.vat_free"], values[f"{prefix}.vat"] = str(cost.amount_vat_free), str(cost.vat)
    return values


def form_costs(request, categories, members) -> list[reports.CostInput]:
    """The grid's filled cells; an empty cell is no cost."""
    costs = []
    for category in categories:
        for member in members:
            prefix = f"cost.{category.code}.{member.position}"
            vat_free = request.POST.get(f"{prefix}.vat_free", "").strip()
            vat = request.POST.get(f"{prefix}.vat", "").strip()
            if vat_free or vat:
                costs.append(reports.CostInput(category.code, member.position, vat_free or "0", vat or "0"))
    return costs


# A cell's two amounts: the form's name and input id's ending, and the ``CostInput``'s field.
COST_PARTS = (("vat_free", "", "amount_vat_free"), ("vat", "-vat", "vat"))


def cost_fields(errors: dict[str, list[str]], costs: list[reports.CostInput], categories,
                members) -> tuple[dict[str, list[str]], dict[str, tuple[str | None, str]]]:
    """A refusal's costs put on the inputs they are on: each amount the service refuses
    (``reports.cost_part_problem``) with its own message, a cell refused as a whole (the same cell twice) on its
    VAT-free amount; and for each, the input the error summary links to and its label, which names the cost
    category and the member in the page's language. The other fields' errors are as they were."""
    lang = translation.get_language() or "fi"
    category_names = {c.code: c.text(lang) for c in categories}
    member_names = {m.position: m.organisation.name(lang) if m.organisation else m.name_as_written for m in members}
    labels = {"vat_free": _("%(category)s, %(member)s, without VAT"), "vat": _("%(category)s, %(member)s, VAT")}
    shown: dict[str, list[str]] = {}
    fields: dict[str, tuple[str | None, str]] = {}
    for path, problems in errors.items():
        head, _dot, index = path.partition(".")
        cost = costs[int(index)] if head == "costs" and index.isdigit() and int(index) < len(costs) else None
        if cost is None:
            shown[path] = problems
            continue
        parts = {part: (ending, reports.cost_part_problem(getattr(cost, attribute)))
                 for part, ending, attribute in COST_PARTS}
        refused = {part: found for part, found in parts.items() if found[1]} or {"vat_free": ("", None)}
        names = {"category": category_names.get(cost.category, cost.category),
                 "member": member_names.get(cost.member, str(cost.member))}
        for part, (ending, problem) in refused.items():
            shown[f"{path}.{part}"] = [problem] if problem else problems
            fields[f"{path}.{part}"] = (f"cost-{cost.category}-{cost.member}{ending}", labels[part] % names)
    return shown, fields


@login_required
def project_report(request, reference: str, number: int):
    """An interim report: the lead's form while it is due or returned, else the report as filed."""
    project = project_for(request.user, reference)
    entry, report = _report_of(project, number)
    categories, members = cost_grid(project)
    values: dict[str, str] = {}
    summary = []
    beside: dict[str, str] = {}
    if request.method == "POST":
        # A partner's post is the 403 page, not a refusal for a missing tick.
        reports.check_files_report(request.user, project)
        values = {k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "confirm")}
        costs = form_costs(request, categories, members)
        typed = {"progress": request.POST.get("progress", ""),
                 "objectives_stage": request.POST.get("objectives_stage", ""), "costs": costs}
        days, unread = parse_dates(request.POST, "period_start", "period_end")
        try:
            refusal = reports.report_refusal(project, report, number)  # as the service says it, not a missing tick
            if refusal is not None:
                raise Conflict(refusal)
            # Filed, the report is the lead's word until an official returns it: the box ticked, with the rest.
            known = {**reports.report_errors(project, number, period_start=days.get("period_start"),
                                             period_end=days.get("period_end"), **typed), **unread}
            confirm(request, known)
            if known:
                raise ValidationError(known)
            reports.submit_report(project, number, actor=request.user, period_start=days["period_start"],
                                  period_end=days["period_end"], **typed)
        except Conflict as exc:
            messages.error(request, str(exc))
            return redirect("project-report", reference, number)
        except ValidationError as exc:
            errors, fields = cost_fields(errors_of(exc), costs, categories, members)
            fields.update({
                "period_start": ("period_start", _("Period from")), "period_end": ("period_end", _("Period to")),
                "progress": ("progress", _("Progress of the project")),
                "objectives_stage": ("objectives_stage", _("Stage of the intended effects")),
                "confirm": ("confirm", _("Confirmation"))})
            summary = error_summary(errors, fields)
            beside = beside_fields(summary)
        else:
            messages.success(request, _("The interim report was filed."))
            return redirect("project-report", reference, number)
    # Who may, and what the report's state allows, as the services refuse them (``reports.services``).
    editable = reports.can_edit_report(request.user, project, report, number)
    if report is not None and not values:
        values = {"period_start": report.period_start.isoformat(), "period_end": report.period_end.isoformat(),
                  "progress": report.progress, "objectives_stage": report.objectives_stage,
                  **cost_values(report.costs.all())}
    elif not values:
        period = reports.suggested_period(project, number, timezone.localdate())
        values = {"period_start": period[0].isoformat(), "period_end": period[1].isoformat()} if period else {}
    from avustus.web.officials.projects import review_context

    context = {
        "project": project, "entry": entry, "report": report, "editable": editable, "values": values,
        "grid": grid_rows(categories, members, values, beside), "members": members, "error_summary": summary,
        "errors": beside,
        "can_attach": report_attachments.can_attach(request.user, report),
        # Filed again after a return: the reasons on it are the return's, not a review of what is filed now.
        "filed_again": report is not None and report.status == InterimReport.Status.SUBMITTED,
    }
    context.update(review_context(request, project, report))
    return render(request, "web/projects/report.html", context, status=422 if summary else 200)


def _filed_report(request, reference: str, number: int) -> InterimReport:
    """Interim report ``number`` of a project the user sees, once filed (else 404)."""
    _entry, report = _report_of(project_for(request.user, reference), number)
    if report is None:
        raise Http404
    return report


@login_required
@require_POST
def add_report_attachment(request, reference: str, number: int):
    report = _filed_report(request, reference, number)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ValidationError({"file": [_("Choose a file to attach.")]})
        report_attachments.add_report_attachment(report, upload, actor=request.user)
    except ValidationError as exc:
        flash(request, exc)
    else:
        messages.success(request, _("The document was attached."))
    return redirect("project-report", reference, number)


@login_required
@require_POST
def remove_report_attachment(request, reference: str, number: int, attachment_id: int):
    """The lead takes a document off an interim report not yet accepted."""
    report = _filed_report(request, reference, number)
    with refusals_flashed(request):
        removed = report_attachments.remove_report_attachment(report, attachment_id, actor=request.user)
        messages.success(request, _("The document %(name)s was removed from the report.") % {
            "name": removed.original_name})
    return redirect("project-report", reference, number)


@login_required
def report_attachment(request, reference: str, number: int, attachment_id: int):
    """Always a download, never shown inline from this origin."""
    report = _filed_report(request, reference, number)
    return download_response(report_attachments.open_report_attachment(request.user, report, attachment_id))


@login_required
def project_account(request, reference: str):
    """The lead registers the account the grant is paid to; it is used once officials confirm it."""
    project = project_for(request.user, reference)
    values = {"iban": "", "holder": ""}
    summary = []
    beside: dict[str, str] = {}
    if request.method == "POST":
        values = {"iban": request.POST.get("iban", ""), "holder": request.POST.get("holder", "")}
        try:
            payments.register_account(project, values["iban"], values["holder"], actor=request.user)
        except Conflict as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            summary = error_summary(errors_of(exc), {"iban": ("iban", _("IBAN")),
                                                     "holder": ("holder", _("Account holder"))})
            beside = beside_fields(summary)
        else:
            messages.success(request, _("The account was registered; it is used once an official confirms it."))
            return redirect("project", reference)
    else:
        permissions.check_registers_account(request.user, project,
                                            _("Only the lead or the programme's officials register the project's "
                                              "account."))
    accounts = list(project.bank_accounts.order_by("registered_at", "pk"))
    return render(request, "web/projects/account.html", {
        "project": project, "values": values, "error_summary": summary, "errors": beside, "accounts": accounts,
        "pending": any(a.status == BankAccount.Status.PENDING for a in accounts),
        "in_progress": project.state == FundedProject.State.IN_PROGRESS,
    }, status=422 if summary else 200)


@login_required
def apply_payment(request, reference: str):
    """The lead applies for the next instalment: the page shows what is payable now, or that the payments were
    stopped by a recovery decision (``payments.payment_stopped``), when it offers no application."""
    project = project_for(request.user, reference)
    if not permissions.is_recipient_lead(request.user, project):
        raise PermissionDenied(_("Only the lead applies for payment."))
    if request.method == "POST":
        try:
            application = payments.apply_for_payment(project, actor=request.user,
                                                     idempotency_key=request.POST.get("key", "")[:100])
        except (Conflict, ValidationError) as exc:
            flash(request, exc)
            return redirect("apply-payment", reference)
        messages.success(request, _("Instalment %(n)s was applied for.") % {"n": application.number})
        return redirect("project", reference)
    live = project.payment_applications.exclude(status=PaymentApplication.Status.REJECTED)
    return render(request, "web/projects/apply_payment.html", {
        "project": project, "payable": payments.payable(project), "paid": payments.paid_total(project),
        "payment_stopped": payments.payment_stopped(project),
        "refusal": payments.payment_application_refusal(project),  # said instead of a button that would fail
        "accepted_costs": reports.accepted_costs_to_date(project), "next_number": live.count() + 1,
        "account": payments.active_account(project), "key": secrets.token_urlsafe(16),
    })


@login_required
def settlement_document(request, reference: str, lang: str, format: str):  # noqa: A002 (the route's name for it)
    """An approved settlement's stored document (``settlement.documents``), for the lead's people and the officials."""
    stored = settlement_documents.settlement_document(reference, lang, format, actor=request.user)
    if stored is None:
        response = render(request, "web/settlement_pending.html", {"reference": reference}, status=503)
        response["Retry-After"] = "30"
        return response
    response = HttpResponse(bytes(stored.content), content_type=CONTENT_TYPES[format])
    response["Content-Disposition"] = f'inline; filename="{reference}-settlement-{lang}.{format}"'
    return response
