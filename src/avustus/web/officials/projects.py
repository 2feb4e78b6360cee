"""Officials' screens of funded projects: a call's projects, reviewing a report, confirming an account, and a
payment from acceptance through a second person's approval to the day it was paid.

The forms sit on the project's and the report's pages (``web/projects.py``); the views here take their posts
and send the official back there with what happened.
"""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from avustus.accounts.permissions import (
    OFFICIAL_ROLES,
    PAYMENT_APPROVERS,
    can_manage_projects,
    can_produce_payment_files,
    has_programme_role,
)
from avustus.calls.models import Call, Programme
from avustus.payments import selectors as payment_selectors
from avustus.payments import services as payments
from avustus.payments.models import BankAccount, PaymentApplication
from avustus.projects import services as project_services
from avustus.projects.models import ScheduleEntry
from avustus.projects.services import project_for
from avustus.reports import services as reports
from avustus.reports.models import InterimReport
from avustus.settlement import sampling
from avustus.settlement.models import Settlement
from avustus.texts import too_long
from avustus.web.feedback import confirm, error_summary, errors_of, form_number, parse_date, refusals_flashed
from avustus.web.officials.common import log_list, official_call, rejections_posted
from avustus.web.paging import Key, keyset_page


@login_required
def project_calls(request):
    """The decided calls of the programmes the user works on that have funded projects."""
    programmes = [p for p in Programme.objects.order_by("slug") if has_programme_role(request.user, p, OFFICIAL_ROLES)]
    if not programmes:
        raise Http404
    calls = (Call.objects.filter(programme__in=programmes, projects__isnull=False).distinct()
             .select_related("programme").order_by("-closes_at", "slug"))
    return render(request, "web/officials/project_calls.html",
                  {"calls": calls, "payment_files": can_produce_payment_files(request.user)})


@login_required
def call_projects(request, slug: str):
    """A page of the call's projects with their state, money paid, reports due and overdue, and what awaits the
    officials; the audit samples have a page of their own so that a list page stays at its few queries."""
    call = official_call(request, slug, extra={"project_count": payment_selectors.project_count()})
    # A page of 50 by tracking number (unique, indexed): the figures' subqueries run for the page's rows only.
    page = keyset_page(request, payment_selectors.call_projects_query(call, request.user), [Key("reference")],
                       count=call.project_count or 0)  # type: ignore[attr-defined]
    page.rows = payment_selectors.project_rows(page.rows)
    log_list(request, call, "funded projects", [row.project.application for row in page.rows], page=page.number)
    return render(request, "web/officials/projects.html", {"call": call, "rows": page.rows, "page": page})


@login_required
def audit_samples(request, slug: str):
    """The call's audit samples, and (a post) an official drawing a new one."""
    call = official_call(request, slug)
    values, summary = {"size": "", "percent": "", "seed": ""}, []
    if request.method == "POST":
        values = {key: request.POST.get(key, "").strip() for key in values}
        try:
            confirm(request)
            size, percent, seed = sampling.parse_sample_request(values["size"], values["percent"], values["seed"])
            sample = sampling.draw_audit_sample(call, actor=request.user, size=size, percent=percent, seed=seed)
        except ValidationError as exc:
            summary = error_summary(errors_of(exc), {
                "size": ("sample-size", _("Number of projects")), "percent": ("sample-percent", _("Or a percentage")),
                "seed": ("sample-seed", _("Seed")), "confirm": ("sample-confirm", _("Confirmation"))})
        else:
            messages.success(request, _("Draw %(number)s recorded: %(size)s projects.")
                             % {"number": sample.number, "size": sample.size})
            return redirect("officials-audit-samples", slug)
    return render(request, "web/officials/audit_samples.html", {
        "call": call, "samples": sampling.audit_samples(call, actor=request.user),
        "may_draw": can_manage_projects(request.user, call.programme,
                                        project=None),  # check_draws_audit_sample's question
        "sample_values": values, "error_summary": summary}, status=422 if summary else 200)


def official_context(request, project, applications, accounts) -> dict:
    """What an official's forms on the project's page need: the steps the user may take on each of the
    project's payment ``applications`` and ``accounts`` (the services' own answers), each payment's version to
    approve."""
    programme = project.call.programme
    manages = can_manage_projects(request.user, programme, project=project)
    approves = has_programme_role(request.user, programme, PAYMENT_APPROVERS)
    steps = payments.payment_steps(request.user, project, applications) if manages or approves else {}
    versions = {a.pk: payments.payment_version(a) for a in applications if "approve" in steps.get(a.pk, ())}
    # The settlement's figures once made (everyone who sees the project reads them), its page for officials.
    settlement = getattr(project, "settlement", None) if project.final_report_accepted_on else None
    return {"manages": manages, "approves": approves, "payment_versions": versions, "payment_steps": steps,
            "late_payments": payments.approved_after_period_of_use(project, applications) if manages else set(),
            "account_steps": payments.account_steps(request.user, project, accounts) if manages else {},
            "active_account": payments.active_account(project), "settlement": settlement,
            "settlement_signed": settlement is not None and settlement.status == Settlement.Status.APPROVED,
            "official": has_programme_role(request.user, programme, OFFICIAL_ROLES)}


def review_context(request, project, report: InterimReport | None) -> dict:
    """The review form of a filed report for the programme's officials, with the version they read."""
    if report is None or not reports.can_review_report(request.user, report):
        return {"can_review": False}
    # Accepting is offered once the service would take it (``accept_report`` refuses with the same words).
    return {"can_review": True, "report_version": reports.report_version(report),
            "acceptance_refusal": reports.acceptance_refusal(report, timezone.localdate())}


def _report(project, number: int) -> InterimReport:
    report = (InterimReport.objects.filter(project=project, schedule_entry__kind=ScheduleEntry.Kind.INTERIM,
                                          schedule_entry__number=number).first())
    if report is None:
        raise Http404
    return report


@login_required
@require_POST
def review_report(request, reference: str, number: int):
    """Accept a report (rejecting ineligible parts of its costs with reasons) or return it with reasons."""
    project = project_for(request.user, reference)
    report = _report(project, number)
    version = request.POST.get("version", "")
    action = request.POST.get("action", "")
    if action not in ("accept", "return"):
        raise Http404  # no form of the page posts another: nothing is taken for an acceptance
    # The services' own first question, asked before the tick is looked at: a recipient's post is the 403 page,
    # not a refusal for a missing tick.
    reports.check_reviews_report(request.user, project)
    with refusals_flashed(request):
        if action == "return":
            reports.return_report(report, actor=request.user, version=version,
                                  reasons=request.POST.get("reasons", ""))
            messages.success(request, _("The report was returned to the lead."))
        else:
            rejections = rejections_posted(request, report)
            # Accepted costs count towards the payments; the acceptance is not undone.
            reasons = request.POST.get("reasons", "")
            confirm(request, {**too_long(reasons=reasons), **reports.rejection_errors(report, rejections)})
            reports.accept_report(report, actor=request.user, version=version, rejections=rejections,
                                  reasons=reasons)
            messages.success(request, _("The report was accepted."))
    return redirect("project-report", reference, number)


@login_required
@require_POST
def handle_account(request, reference: str, pk: int):
    """Confirm a registered account (a change: a second official too), or reject it; any other action is no step
    (404), never a confirmation."""
    project = project_for(request.user, reference)
    account = get_object_or_404(BankAccount, project=project, pk=pk)
    action = request.POST.get("action", "")
    with refusals_flashed(request):
        if action == "reject":
            payments.reject_account(account, actor=request.user, reason=request.POST.get("note", ""))
            messages.success(request, _("The account was rejected."))
        elif action == "confirm":
            account = payments.confirm_account(account, actor=request.user, note=request.POST.get("note", ""))
            messages.success(request, _("The account is in use.") if account.status == BankAccount.Status.ACTIVE
                             else _("Your confirmation was recorded; a second official confirms the change."))
        else:
            raise Http404
    return redirect("project", reference)


@login_required
@require_POST
def handle_payment(request, reference: str, pk: int):
    """One step of a payment application: accept (perhaps less, with reasons), reject, approve, record paid."""
    project = project_for(request.user, reference)
    application = get_object_or_404(PaymentApplication, project=project, pk=pk)
    action = request.POST.get("action", "")
    with refusals_flashed(request):
        if action == "accept":
            payments.accept_payment_application(application, actor=request.user,
                                                amount=request.POST.get("amount", "").strip() or None,
                                                reasons=request.POST.get("reasons", ""))
            messages.success(request, _("The payment application was accepted; a second person approves it."))
        elif action == "reject":
            payments.reject_payment_application(application, actor=request.user,
                                                reasons=request.POST.get("reasons", ""))
            messages.success(request, _("The payment application was rejected."))
        elif action == "approve":
            confirm(request)
            payments.approve_payment(application, actor=request.user, version=request.POST.get("version", ""))
            messages.success(request, _("The payment was approved."))
        elif action == "paid":
            confirm(request)  # the payment is then paid for good: the project may close on it
            payments.record_payment(application, actor=request.user,
                                    paid_on=parse_date(request.POST.get("paid_on", ""), "paid_on"))
            messages.success(request, _("The payment date was recorded."))
        else:
            raise Http404
    return redirect("project", reference)



@login_required
@require_POST
def change_schedule(request, reference: str):
    """An official moves one report's due date, or allows one instalment more than the call's, with the reason."""
    project = project_for(request.user, reference)
    reason = request.POST.get("reason", "")
    with refusals_flashed(request):
        if request.POST.get("action") == "instalment":
            # A form without the number shown is refused as read before a change (-1 is never the number).
            shown = form_number(request.POST.get("shown", ""))
            project_services.allow_extra_instalment(project, reason=reason, actor=request.user,
                                                    shown=-1 if shown is None else shown)
            messages.success(request, _("One more instalment is allowed."))
        else:
            kind, _sep, typed = request.POST.get("entry", "").partition(":")
            number = form_number(typed)
            if kind not in ScheduleEntry.Kind.values or number is None:
                raise ValidationError({"entry": [_("Choose the report whose date changes.")]})
            due_on = parse_date(request.POST.get("due_on", ""), "due_on")
            project_services.set_due_date(project, kind, number, due_on, reason=reason, actor=request.user)
            messages.success(request, _("The report's due date was changed."))
    return redirect("project", reference)
