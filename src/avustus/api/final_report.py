"""The final report in the JSON API, the recipients' side: file it (again after a return), read it with its
reviews' outcome and reasons, attach the auditor's statement and other documents, and read them.

As with interim reports (``api/projects.py``), the lead files and attaches and the recipients and the
programme's officials read. The officials' reviews, the settlement, returns and payment files are taken in
person on the screens and are not routes here.
"""

from ninja import File, Form, Router, Status, UploadedFile

from avustus.api.attachments import download_response
from avustus.api.auth import AUTH
from avustus.api.project_schemas import FinalAttachmentOut, FinalReportIn, FinalReportOut
from avustus.api.projects import BINARY, ERRORS, _money, same_costs
from avustus.errors import NotFound
from avustus.projects.models import FundedProject
from avustus.projects.services import project_for
from avustus.reports import attachments as report_attachments
from avustus.reports import final
from avustus.reports.models import FinalReport, FinalReportAttachment
from avustus.reports.services import CostInput

router = Router(tags=["projects"])


def _attachment_out(a: FinalReportAttachment) -> dict:
    return {"id": a.pk, "kind": a.kind, "name": a.original_name, "content_type": a.content_type, "size": a.size,
            "sha256": a.sha256, "uploaded_at": a.uploaded_at}


def _out(report: FinalReport) -> dict:
    attachments = list(report.attachments.all())
    return {
        "status": report.status, "version": report.version, "late": report.late,
        "content_review": report.content_review, "finance_review": report.finance_review,
        "review_reasons": report.review_reasons, "accepted_on": report.accepted_on,
        "auditor_statement": any(a.kind == FinalReportAttachment.Kind.AUDITOR_STATEMENT for a in attachments),
        "effects": report.effects, "ways_of_working": report.ways_of_working,
        "work_and_results": report.work_and_results, "reuse": report.reuse,
        # The project's outputs (``ProjectOutput``), in the shape the report was filed with.
        "outputs": [{"kind": o.kind, "title": o.title, "url": o.address, "licence": o.licence}
                    for o in report.outputs.order_by("kind", "title", "pk")],
        "costs": [{"id": c.pk, "category": c.category.code, "member": c.member.position,
                   "amount_vat_free": _money(c.amount_vat_free), "vat": _money(c.vat),
                   "rejected_amount": _money(c.rejected_amount), "rejection_reason": c.rejection_reason}
                  for c in report.costs.select_related("category", "member")],
        "attachments": [_attachment_out(a) for a in attachments],
    }


def _report(project: FundedProject) -> FinalReport:
    report = FinalReport.objects.filter(project=project).first()
    if report is None:
        raise NotFound()
    return report


def _same_report(report: FinalReport, payload: FinalReportIn) -> bool:
    """Whether a retry carries the report as it was filed (the answer to the first request was lost)."""
    texts = ("effects", "ways_of_working", "work_and_results", "reuse")
    return same_costs(report, payload.costs) and (
        [getattr(report, t) for t in texts] == [getattr(payload, t).strip() for t in texts])


@router.post("/projects/{reference}/final-report", response={200: FinalReportOut, **ERRORS}, auth=AUTH,
             operation_id="avustus_api_submit_final_report")
def submit_final_report(request, reference: str, payload: FinalReportIn):
    """File the final report with the project's total costs (or file it again after it was returned); the lead
    only. Then attach the auditor's statement (``kind=auditor``): the finances are not accepted without it. Send
    an ``Idempotency-Key`` header: a retry of the same report with it returns the report filed instead of a 409."""
    project = project_for(request.user, reference)
    if request.headers.get("Idempotency-Key"):
        filed = FinalReport.objects.filter(project=project, status=FinalReport.Status.SUBMITTED).first()
        if filed is not None and filed.submitted_by_id == request.user.pk and _same_report(filed, payload):
            return _out(filed)
    report = final.submit_final_report(
        project, actor=request.user, effects=payload.effects, ways_of_working=payload.ways_of_working,
        work_and_results=payload.work_and_results, reuse=payload.reuse,
        outputs=[{"kind": o.kind, "title": o.title, "address": o.url, "licence": o.licence} for o in payload.outputs],
        costs=[CostInput(c.category, c.member, c.amount_vat_free, c.vat) for c in payload.costs])
    return _out(report)


@router.get("/projects/{reference}/final-report", response={200: FinalReportOut, **ERRORS}, auth=AUTH,
            operation_id="avustus_api_get_final_report")
def get_final_report(request, reference: str):
    """The final report with its reviews' outcome, the officials' reasons and the costs rejected."""
    return _out(_report(project_for(request.user, reference)))


@router.post("/projects/{reference}/final-report/attachments", response={201: FinalAttachmentOut, **ERRORS},
             auth=AUTH, operation_id="avustus_api_add_final_report_attachment")
def add_final_report_attachment(request, reference: str, file: File[UploadedFile],
                                kind: Form[str] = FinalReportAttachment.Kind.OTHER):
    """Attach a PDF, ODT or DOCX document to the filed final report until it is accepted (multipart fields
    ``file`` and ``kind``: ``auditor`` for the auditor's statement, ``other`` for anything else); the lead only."""
    report = _report(project_for(request.user, reference))
    return Status(201, _attachment_out(final.add_final_attachment(report, file, actor=request.user, kind=kind)))


@router.get("/projects/{reference}/final-report/attachments", response={200: list[FinalAttachmentOut], **ERRORS},
            auth=AUTH, operation_id="avustus_api_list_final_report_attachments")
def list_final_report_attachments(request, reference: str):
    return [_attachment_out(a) for a in _report(project_for(request.user, reference)).attachments.all()]


@router.delete("/projects/{reference}/final-report/attachments/{attachment_id}", response={204: None, **ERRORS},
               auth=AUTH, operation_id="avustus_api_remove_final_report_attachment")
def remove_final_report_attachment(request, reference: str, attachment_id: int):
    """Take a document attached by mistake off the final report until its finances are accepted (409 after);
    the lead only."""
    report = _report(project_for(request.user, reference))
    final.remove_final_attachment(report, attachment_id, actor=request.user)
    return Status(204, None)


@router.get("/projects/{reference}/final-report/attachments/{attachment_id}", response={200: None, **ERRORS},
            auth=AUTH, operation_id="avustus_api_download_final_report_attachment",
            openapi_extra={"responses": {200: {"description": "The document", "content": {
                "application/pdf": BINARY, "application/vnd.oasis.opendocument.text": BINARY,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document": BINARY}}}})
def download_final_report_attachment(request, reference: str, attachment_id: int):
    """The document, always as a download; the read is audited."""
    report = _report(project_for(request.user, reference))
    return download_response(report_attachments.open_report_attachment(request.user, report, attachment_id))
