"""Funded projects in the JSON API, the recipients' side: my projects, a project, its interim reports and their
documents, the bank account and payment applications.

The same services as the screens decide who may do what: the recipients (lead and partners) and the
programme's officials read; the lead reports, attaches, registers the account and applies for payment.
The officials' steps that move money (accepting, approving, recording a payment, confirming an account)
are taken in person on the screens and are not routes here.
"""

from django.utils import timezone
from ninja import File, Router, Status, UploadedFile

from avustus.api.attachments import download_response
from avustus.api.auth import AUTH
from avustus.api.project_schemas import (
    AccountIn,
    AccountOut,
    PaymentOut,
    ProjectOut,
    ProjectSummaryOut,
    ReportIn,
    ReportOut,
)
from avustus.api.schemas import AttachmentOut, Errors
from avustus.errors import NotFound
from avustus.payments import selectors as payment_selectors
from avustus.payments import services as payments
from avustus.payments.models import BankAccount, PaymentApplication
from avustus.projects.models import FundedProject, ScheduleEntry
from avustus.projects.services import project_for
from avustus.reports import attachments as report_attachments
from avustus.reports import services as reports
from avustus.reports.models import InterimReport, ReportAttachment

router = Router(tags=["projects"])

# 400 for a body that is not JSON, 401 without credentials, 403 for a step the user may not take (a partner
# reporting, a failed CSRF check), 404 for what the user may not see, 409 for a state moved on (a report filed
# already, a payment being handled), 413 for a body over the size limit, 422 for invalid input.
ERRORS = {400: Errors, 401: Errors, 403: Errors, 404: Errors, 409: Errors, 413: Errors, 422: Errors}
BINARY = {"schema": {"type": "string", "format": "binary"}}


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def _attachment_out(a: ReportAttachment) -> dict:
    return {"id": a.pk, "name": a.original_name, "content_type": a.content_type, "size": a.size, "sha256": a.sha256,
            "uploaded_at": a.uploaded_at}


def _account_out(a: BankAccount) -> dict:
    return {"id": a.pk, "iban": a.iban, "holder": a.holder, "status": a.status, "is_change": a.is_change}


def _payment_out(p: PaymentApplication) -> dict:
    return {"id": p.pk, "number": p.number, "status": p.status, "costs_to_date": _money(p.costs_to_date),
            "amount_claimed": _money(p.amount_claimed), "amount_accepted": _money(p.amount_accepted),
            "acceptance_reasons": p.acceptance_reasons, "paid_on": p.paid_on, "amount_paid": _money(p.amount_paid)}


def _report_out(report: InterimReport) -> dict:
    return {
        "number": report.schedule_entry.number, "status": report.status, "version": report.version,
        "late": report.late, "review_reasons": report.review_reasons, "period_start": report.period_start,
        "period_end": report.period_end, "progress": report.progress, "objectives_stage": report.objectives_stage,
        "costs": [{"category": c.category.code, "member": c.member.position,
                   "amount_vat_free": _money(c.amount_vat_free), "vat": _money(c.vat)}
                  for c in report.costs.select_related("category", "member")],
        "attachments": [_attachment_out(a) for a in report.attachments.all()],
    }


def _project_out(project: FundedProject) -> dict:
    today = timezone.localdate()
    filed = {r.schedule_entry_id: r.status for r in project.reports.all()}
    entries = list(project.schedule.order_by("due_on", "kind", "number"))
    schedule = [{"kind": e.kind, "number": e.number, "due_on": e.due_on, "report_status": filed.get(e.pk),
                 "overdue": e.pk not in filed and e.kind == ScheduleEntry.Kind.INTERIM and e.due_on < today}
                for e in entries]
    upcoming = [e.due_on for e in entries if e.pk not in filed and e.due_on >= today]
    members = project.application.members.select_related("organisation").order_by("position")
    return {
        "reference": project.reference, "title": project.application.title, "call": project.call.slug,
        "state": project.state, "grant": _money(project.grant), "paid": _money(payments.paid_total(project)),
        "next_due_on": upcoming[0] if upcoming else None,
        "overdue": sum(1 for e in schedule if e["overdue"]),
        "aid_rate": f"{project.aid_rate:.4f}", "decided_on": project.decided_on,
        "implementation_end": project.implementation_end, "instalments": project.instalments,
        "accepted_costs": _money(reports.accepted_costs_to_date(project)),
        "payable": _money(payments.payable(project)),
        "members": [{"key": m.organisation.key if m.organisation else None, "name": str(m), "role": m.role}
                    for m in members],
        "budget": [{"category": b.category.code, "member": b.member.position if b.member else None,
                    "amount_vat_free": _money(b.amount_vat_free), "vat": _money(b.vat)}
                   for b in project.budget.select_related("category", "member")],
        "schedule": schedule,
        "accounts": [_account_out(a) for a in project.bank_accounts.order_by("registered_at", "pk")],
        "payments": [_payment_out(p) for p in project.payment_applications.order_by("number", "pk")],
    }


def _report(project: FundedProject, number: int) -> InterimReport:
    report = (InterimReport.objects.select_related("schedule_entry")
              .filter(project=project, schedule_entry__kind=ScheduleEntry.Kind.INTERIM,
                      schedule_entry__number=number).first())
    if report is None:
        raise NotFound()
    return report


@router.get("/projects", response={200: list[ProjectSummaryOut], **ERRORS}, auth=AUTH,
            operation_id="avustus_api_list_projects")
def list_projects(request):
    """The funded projects whose lead or partner you act for."""
    return [{"reference": r.reference, "title": r.title, "call": r.project.call.slug, "state": r.state,
             "grant": _money(r.grant), "paid": _money(r.paid), "next_due_on": r.next_due_on, "overdue": r.overdue}
            for r in payment_selectors.my_projects(request.user)]


@router.get("/projects/{reference}", response={200: ProjectOut, **ERRORS}, auth=AUTH,
            operation_id="avustus_api_get_project")
def get_project(request, reference: str):
    """A project: the grant, the approved budget, the reports due, the account and the payments."""
    return _project_out(project_for(request.user, reference))


@router.post("/projects/{reference}/reports/{number}", response={200: ReportOut, **ERRORS}, auth=AUTH,
             operation_id="avustus_api_submit_report")
def submit_report(request, reference: str, number: int, payload: ReportIn):
    """File interim report ``number`` (or file it again after it was returned); the lead only. A late report
    is filed and marked late. Send an ``Idempotency-Key`` header: a retry of the same report with it returns
    the report filed instead of a 409."""
    project = project_for(request.user, reference)
    costs = [reports.CostInput(c.category, c.member, c.amount_vat_free, c.vat) for c in payload.costs]
    if request.headers.get("Idempotency-Key"):
        filed = InterimReport.objects.filter(project=project, schedule_entry__kind=ScheduleEntry.Kind.INTERIM,
                                             schedule_entry__number=number,
                                             status=InterimReport.Status.SUBMITTED).first()
        if filed is not None and filed.submitted_by_id == request.user.pk and _same_report(filed, payload):
            return _report_out(filed)
    report = reports.submit_report(project, number, actor=request.user, period_start=payload.period_start,
                                   period_end=payload.period_end, progress=payload.progress,
                                   objectives_stage=payload.objectives_stage, costs=costs)
    return _report_out(report)


def same_costs(report, costs) -> bool:
    """Whether a retry's costs are the filed report's, interim or final (the answer to the first request was lost)."""
    from avustus.rules.money import MoneyError, parse_euros

    try:
        sent = {(c.category, c.member): (parse_euros(c.amount_vat_free), parse_euros(c.vat)) for c in costs}
    except MoneyError:
        return False
    return sent == {(c.category.code, c.member.position): (c.amount_vat_free, c.vat)
                    for c in report.costs.select_related("category", "member")}


def _same_report(report: InterimReport, payload: ReportIn) -> bool:
    """Whether a retry carries the report as it was filed (the answer to the first request was lost)."""
    return same_costs(report, payload.costs) and (
        report.period_start, report.period_end, report.progress, report.objectives_stage) == (
        payload.period_start, payload.period_end, payload.progress.strip(), payload.objectives_stage.strip())


@router.get("/projects/{reference}/reports/{number}", response={200: ReportOut, **ERRORS}, auth=AUTH,
            operation_id="avustus_api_get_report")
def get_report(request, reference: str, number: int):
    return _report_out(_report(project_for(request.user, reference), number))


@router.post("/projects/{reference}/reports/{number}/attachments", response={201: AttachmentOut, **ERRORS},
             auth=AUTH, operation_id="avustus_api_add_report_attachment")
def add_report_attachment(request, reference: str, number: int, file: File[UploadedFile]):
    """Attach a PDF, ODT or DOCX document to a filed report until it is accepted (multipart field ``file``);
    the lead only."""
    report = _report(project_for(request.user, reference), number)
    return Status(201, _attachment_out(report_attachments.add_report_attachment(report, file, actor=request.user)))


@router.get("/projects/{reference}/reports/{number}/attachments", response={200: list[AttachmentOut], **ERRORS},
            auth=AUTH, operation_id="avustus_api_list_report_attachments")
def list_report_attachments(request, reference: str, number: int):
    report = _report(project_for(request.user, reference), number)
    return [_attachment_out(a) for a in report.attachments.all()]


@router.delete("/projects/{reference}/reports/{number}/attachments/{attachment_id}",
               response={204: None, **ERRORS}, auth=AUTH, operation_id="avustus_api_remove_report_attachment")
def remove_report_attachment(request, reference: str, number: int, attachment_id: int):
    """Take a document attached by mistake off a report until it is accepted (409 after); the lead only."""
    report = _report(project_for(request.user, reference), number)
    report_attachments.remove_report_attachment(report, attachment_id, actor=request.user)
    return Status(204, None)


@router.get("/projects/{reference}/reports/{number}/attachments/{attachment_id}",
            response={200: None, **ERRORS}, auth=AUTH, operation_id="avustus_api_download_report_attachment",
            openapi_extra={"responses": {200: {"description": "The document", "content": {
                "application/pdf": BINARY, "application/vnd.oasis.opendocument.text": BINARY,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document": BINARY}}}})
def download_report_attachment(request, reference: str, number: int, attachment_id: int):
    """The document, always as a download; the read is audited."""
    report = _report(project_for(request.user, reference), number)
    return download_response(report_attachments.open_report_attachment(request.user, report, attachment_id))


@router.post("/projects/{reference}/account", response={201: AccountOut, **ERRORS}, auth=AUTH,
             operation_id="avustus_api_register_account")
def register_account(request, reference: str, payload: AccountIn):
    """Register the account the grant is paid to; it is used once the programme's officials confirm it (a
    change of account by two of them). The lead only."""
    project = project_for(request.user, reference)
    return Status(201, _account_out(payments.register_account(project, payload.iban, payload.holder,
                                                              actor=request.user)))


@router.post("/projects/{reference}/payments", response={201: PaymentOut, **ERRORS}, auth=AUTH,
             operation_id="avustus_api_apply_for_payment")
def apply_for_payment(request, reference: str):
    """Apply for the next instalment: the amount payable now (the aid rate of the accepted costs to date, capped
    at the grant, less what was paid). Send an ``Idempotency-Key`` header: a retry with it returns the same
    application. The lead only."""
    project = project_for(request.user, reference)
    application = payments.apply_for_payment(project, actor=request.user,
                                             idempotency_key=request.headers.get("Idempotency-Key", "")[:100])
    return Status(201, _payment_out(application))


@router.get("/projects/{reference}/payments", response={200: list[PaymentOut], **ERRORS}, auth=AUTH,
            operation_id="avustus_api_list_payments")
def list_payments(request, reference: str):
    project = project_for(request.user, reference)
    return [_payment_out(p) for p in project.payment_applications.order_by("number", "pk")]
