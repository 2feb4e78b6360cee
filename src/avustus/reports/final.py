"""The final report: the lead files it with the project's total costs and the auditor's statement; officials
review its content and its finances separately.

Either review may return it for more information (the lead files it again, and both reviews start over);
when both accept, the report is accepted, the project's ``final_report_accepted_on`` is set, and the costs
accepted here (eligible, VAT-free, less what the finance review rejected) are the project's accepted costs
from then on: ``reports.services.accepted_costs_to_date`` gives them, so the last instalment is paid on
them and settlement settles on them.
"""

import logging
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from avustus import events
from avustus.accounts import permissions
from avustus.actors import user_of
from avustus.audit.chain import record
from avustus.errors import Conflict, Invalid, NotFound
from avustus.projects.models import FundedProject, ScheduleEntry
from avustus.projects.services import lock_project
from avustus.reports.attachments import attach, can_attach, remove
from avustus.reports.models import FinalReport, FinalReportAttachment, FinalReportCost
from avustus.reports.outputs import add_reported_outputs, validate_output
from avustus.reports.services import (
    CostInput,
    Rejection,
    _cost_cells,
    _today,
    attachments_seen,
    audited_costs,
    awaits_review,
    check_files_report,
    check_reviews_report,
    eligible_total,
    file_again,
    lock_for_review,
    reject_costs,
)
from avustus.texts import check_lengths, too_long

logger = logging.getLogger(__name__)

CONTENT = "content"
FINANCES = "finances"
# What an output given with the final report carries; "url" is the address's older name, still accepted.
OUTPUT_FIELDS = ("kind", "title", "address", "licence", "description")


def _outputs(outputs: list[dict] | None, errors: dict) -> list[dict]:
    """The outputs given with the report, checked as the lead's own entries are (``reports.outputs``)."""
    cleaned = []
    for i, output in enumerate(outputs or []):
        row = {name: str(output.get(name, "") or "").strip() for name in OUTPUT_FIELDS}
        row["address"] = row["address"] or str(output.get("url", "") or "").strip()
        problems = validate_output(row["kind"], row["title"], row["address"], row["licence"], row["description"])
        if problems:
            errors[f"outputs.{i}"] = [message for messages in problems.values() for message in messages]
        cleaned.append(row)
    return cleaned


def final_report_refusal(project: FundedProject, report: FinalReport | None) -> str | None:
    """Why the final report cannot be filed now (None when it can): the project is no longer in progress, or the
    report was filed and has not been returned. ``submit_final_report`` refuses with this, under the project's lock."""
    if project.state != FundedProject.State.IN_PROGRESS:
        return _("The project is not in progress.")
    if report is not None and report.status != FinalReport.Status.RETURNED:
        return _("The final report has already been filed.")
    return None


def can_edit_final_report(actor, project: FundedProject, report: FinalReport | None) -> bool:
    """Whether ``actor`` may file the final report now (the lead's form on the page): a person of the lead, while
    ``final_report_refusal`` has nothing to say."""
    return permissions.can_act_for_lead(actor, project) and final_report_refusal(project, report) is None


def can_attach_to_final_report(actor, report: FinalReport | None) -> bool:
    """Whether ``actor`` may attach a document to the final report: filed, not yet accepted, and a person of the
    lead (``attachments.can_attach``, which ``add_final_attachment`` enforces)."""
    return can_attach(actor, report)


def final_report_errors(project: FundedProject, *, effects: str, ways_of_working: str, work_and_results: str,
                        reuse: str, costs: list[CostInput]) -> dict[str, list[str]]:
    """Every problem with the final report's form, by field, all at once, without writing: what
    ``submit_final_report`` refuses before it locks the project. The screen refuses them together with a missing
    tick (``web.feedback.confirm``)."""
    texts = {"effects": effects, "ways_of_working": ways_of_working, "work_and_results": work_and_results,
             "reuse": reuse}
    return _final_checked(project, texts, None, costs)[0]


def _final_checked(project: FundedProject, texts: dict[str, str], outputs: list[dict] | None,
                   costs: list[CostInput]) -> tuple[dict[str, list[str]], list[dict], dict]:
    errors: dict[str, list[str]] = {}
    for name, text in texts.items():
        if not text.strip():
            errors.setdefault(name, []).append(_("This part of the final report is required."))
    errors.update(too_long(**texts))
    rows = _outputs(outputs, errors)
    cells = _cost_cells(project, costs, errors)
    if not costs:
        errors.setdefault("costs", []).append(_("Give the project's total costs."))
    return errors, rows, cells


def submit_final_report(project: FundedProject, *, actor, effects: str, ways_of_working: str, work_and_results: str,
                        reuse: str, outputs: list[dict] | None = None, costs: list[CostInput],
                        today: date | None = None) -> FinalReport:
    """The lead files the final report (or files it again after it was returned), with the total costs.

    The report's outputs are the project's (``ProjectOutput``, entered on the project's outputs page at any
    time); ``outputs`` given here are entered among them in the same transaction, each checked and audited as
    the lead's own entry is (``reports.outputs``)."""
    check_files_report(actor, project)
    texts = {"effects": effects, "ways_of_working": ways_of_working, "work_and_results": work_and_results,
             "reuse": reuse}
    errors, rows, cells = _final_checked(project, texts, outputs, costs)
    if errors:
        raise Invalid(errors)
    today = today or _today()
    with transaction.atomic():
        locked = lock_project(project)
        report = FinalReport.objects.select_for_update().filter(project=locked).first()
        refusal = final_report_refusal(locked, report)
        if refusal is not None:
            raise Conflict(refusal)
        entry = ScheduleEntry.objects.filter(project=locked, kind=ScheduleEntry.Kind.FINAL).first()
        if entry is None:
            raise NotFound(_("The project has no final report due."))
        fields = {**{k: v.strip() for k, v in texts.items()}, "submitted_by": user_of(actor),
                  "submitted_at": timezone.now(), "late": today > entry.due_on,
                  "status": FinalReport.Status.SUBMITTED, "content_review": FinalReport.Review.PENDING,
                  "finance_review": FinalReport.Review.PENDING, "content_reviewed_by": None,
                  "finance_reviewed_by": None}
        if report is None:
            report = FinalReport.objects.create(project=locked, schedule_entry=entry, **fields)
            action = "final_report.submitted"
        else:  # returned: ``final_report_refusal`` let nothing else through
            file_again(report, fields)
            action = "final_report.resubmitted"
        add_reported_outputs(locked, rows, actor=actor)
        FinalReportCost.objects.bulk_create(
            FinalReportCost(report=report, category_id=c, member_id=m, amount_vat_free=v, vat=t)
            for (c, m), (v, t) in cells.items())
        record(action, report, actor=actor, application=locked.application, data={
            "project": locked.reference, "late": report.late, "version": report.version, "outputs": rows,
            "costs": audited_costs(cells),
        })
        events.final_report_submitted.send(FinalReport, report=report, actor=actor)
    return report


def filed_early_until(project: FundedProject, report: FinalReport | None, today: date) -> date | None:
    """The end of the implementation, when a final report first filed on ``today`` would come before it: filed
    then, it ends the project early (no more interim reports; the grant settled on it). The lead's form says so."""
    if report is None and project.implementation_end is not None and today < project.implementation_end:
        return project.implementation_end
    return None


def final_report_version(report: FinalReport) -> str:
    """What a reviewer read: the report's version, status and both reviews, and its documents (the auditor's
    statement among them, which the lead may attach while the report waits for review)."""
    return (f"{report.pk}:{report.version}:{report.status}:{report.content_review}:{report.finance_review}:"
            f"{attachments_seen(report)}")


def _lock(report: FinalReport, version: str) -> FinalReport:
    return lock_for_review(report, version, final_report_version)


def _part_review(report: FinalReport, part: str) -> str:
    return report.finance_review if part == FINANCES else report.content_review


def can_review_final_report(actor, report: FinalReport | None, part: str) -> bool:
    """Whether the final report's page offers ``actor`` the review of ``part`` (``accept_final_report``,
    ``return_final_report``): the programme's officials, while the report waits for review and that part has not
    been reviewed."""
    return (report is not None and awaits_review(report) and _part_review(report, part) == FinalReport.Review.PENDING
            and permissions.can_manage_projects(actor, report.project.call.programme, project=report.project))


def _lock_part(report: FinalReport, part: str, version: str) -> FinalReport:
    """The report locked for the review of ``part``: refused if it changed, is not waiting for review, or that part
    has been reviewed already (a second acceptance would overwrite who reviewed it)."""
    current = _lock(report, version)
    if _part_review(current, part) != FinalReport.Review.PENDING:
        raise Conflict(_("This part of the final report has been reviewed already."))
    return current


def _check_official(actor, report: FinalReport) -> None:
    check_reviews_report(actor, report.project)


def has_auditor_statement(report: FinalReport) -> bool:
    return report.attachments.filter(kind=FinalReportAttachment.Kind.AUDITOR_STATEMENT).exists()


def accept_final_report(report: FinalReport, part: str, *, actor, version: str,
                        rejections: tuple[Rejection, ...] | list[Rejection] = (), reasons: str = "") -> FinalReport:
    """An official accepts the content or the finances (rejecting ineligible costs with reasons); both = accepted."""
    if part not in (CONTENT, FINANCES):
        raise Invalid({"part": [_("Review either the content or the finances.")]})
    _check_official(actor, report)
    check_lengths(reasons=reasons)
    with transaction.atomic():
        current = _lock_part(report, part, version)
        rejected = []
        if part == FINANCES:
            if not has_auditor_statement(current):
                raise Conflict(_("The auditor's statement on the use of the grant is not attached."))
            rejected = reject_costs(current, rejections)
            current.finance_review, current.finance_reviewed_by = FinalReport.Review.ACCEPTED, user_of(actor)
        else:
            current.content_review, current.content_reviewed_by = FinalReport.Review.ACCEPTED, user_of(actor)
        if reasons.strip():
            current.review_reasons = "\n".join(filter(None, [current.review_reasons, reasons.strip()]))
        done = (current.content_review == FinalReport.Review.ACCEPTED
                and current.finance_review == FinalReport.Review.ACCEPTED)
        if done:
            current.status = FinalReport.Status.ACCEPTED
            current.accepted_on = _today()
            FundedProject.objects.filter(pk=current.project_id).update(
                final_report_accepted_on=current.accepted_on, version=F("version") + 1)
        current.version += 1
        current.save()
        record("final_report.accepted" if done else f"final_report.{part}_accepted", current, actor=actor,
               application=current.project.application,
               data={"project": current.project.reference, "part": part, "rejected": rejected, "accepted": done,
                     "accepted_costs": str(final_accepted_costs(current))})
        if done:
            events.final_report_accepted.send(FinalReport, report=current, actor=actor)
    return current


def return_final_report(report: FinalReport, part: str, *, actor, version: str, reasons: str) -> FinalReport:
    """An official returns the report from the content or the finance review, asking for more information."""
    if part not in (CONTENT, FINANCES):
        raise Invalid({"part": [_("Review either the content or the finances.")]})
    _check_official(actor, report)
    check_lengths(reasons=reasons)
    if not reasons.strip():
        raise Invalid({"reasons": [_("Say why the report is returned.")]})
    with transaction.atomic():
        current = _lock_part(report, part, version)
        current.status = FinalReport.Status.RETURNED
        if part == FINANCES:
            current.finance_review, current.finance_reviewed_by = FinalReport.Review.RETURNED, user_of(actor)
        else:
            current.content_review, current.content_reviewed_by = FinalReport.Review.RETURNED, user_of(actor)
        current.review_reasons = reasons.strip()
        current.version += 1
        current.save()
        record("final_report.returned", current, actor=actor, application=current.project.application,
               data={"project": current.project.reference, "part": part, "reasons": current.review_reasons})
        events.final_report_returned.send(FinalReport, report=current, part=part, actor=actor)
    return current


def final_accepted_costs(report: FinalReport) -> Decimal:
    """The eligible VAT-free costs of the final report less what the finance review rejected."""
    return eligible_total(FinalReportCost.objects.filter(report=report))


def add_final_attachment(report: FinalReport, uploaded_file, *, actor,
                         kind: str = FinalReportAttachment.Kind.OTHER) -> FinalReportAttachment:
    """The lead attaches a document (the auditor's statement, say) to a final report not yet accepted."""
    # Who asks is answered before what was asked for (``attach`` asks again, under its own checks).
    permissions.check_recipient_lead(actor, report.project, _("Only the lead attaches documents to its reports."))
    if kind not in FinalReportAttachment.Kind.values:
        raise Invalid({"kind": [_("No such kind of document.")]})
    return attach(report, uploaded_file, actor=actor, action="final_report.attachment_added", data={"kind": kind},
                  make=lambda current, **fields: FinalReportAttachment.objects.create(report=current, kind=kind,
                                                                                      **fields))


def attachments_refusal(report: FinalReport) -> str | None:
    """Why the final report's documents can no longer be taken off, beyond its acceptance: the finances were
    accepted on them (the auditor's statement among them)."""
    if report.finance_review == FinalReport.Review.ACCEPTED:
        return _("The finances were accepted with these documents; they no longer change.")
    return None


def can_remove_final_attachments(actor, report: FinalReport | None) -> bool:
    """Whether the page offers ``actor`` to take documents off the final report (``remove_final_attachment``)."""
    return can_attach(actor, report) and report is not None and attachments_refusal(report) is None


def remove_final_attachment(report: FinalReport, attachment_id: int, *, actor) -> FinalReportAttachment:
    """The lead takes a document off the final report until its finances are accepted."""
    return remove(report, attachment_id, actor=actor, action="final_report.attachment_removed",
                  refusal=attachments_refusal)


def mark_for_closer_audit(report: FinalReport, *, actor, marked: bool, reason: str) -> FinalReport:
    """An official marks the project for a closer audit of its use of the grant (or takes the mark off), saying
    why either way; the audit log keeps every change of mind."""
    _check_official(actor, report)
    check_lengths(reason=reason)
    if not reason.strip():
        raise Invalid({"closer_audit_reason": [_("Say why the project is or is no longer marked for a closer "
                                                 "audit.")]})
    with transaction.atomic():
        lock_project(report.project)
        current = FinalReport.objects.select_for_update().get(pk=report.pk)
        if current.closer_audit == marked:
            raise Conflict(_("The project is already marked so."))
        current.closer_audit, current.closer_audit_reason = marked, reason.strip()
        current.closer_audit_by = user_of(actor)
        current.save(update_fields=["closer_audit", "closer_audit_reason", "closer_audit_by"])
        record("final_report.closer_audit_marked" if marked else "final_report.closer_audit_unmarked", current,
               actor=actor, application=current.project.application,
               data={"project": current.project.reference, "reason": current.closer_audit_reason})
    return current
