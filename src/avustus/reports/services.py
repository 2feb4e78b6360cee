"""Interim reports: the lead files one per report due (late too), an official accepts or returns it.

Accepting names the version the official read; costs found ineligible are rejected in the same step with
the reason. The accepted eligible VAT-free costs of accepted reports are what payment applications claim
(``accepted_costs_to_date``).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from avustus import events
from avustus.accounts import permissions
from avustus.actors import user_of
from avustus.audit.chain import record
from avustus.decisions.vocabulary.base import date_text
from avustus.errors import Conflict, Invalid, NotFound
from avustus.projects.models import FundedProject, ScheduleEntry
from avustus.projects.services import day_problem, lock_project
from avustus.reports.models import FinalReport, FinalReportCost, InterimReport, ReportedCost
from avustus.rules import report_periods as periods
from avustus.rules.money import MoneyError, parse_euros
from avustus.texts import check_lengths, too_long


@dataclass(frozen=True)
class CostInput:
    """One cell of a report's costs as the lead typed it: category code, member position, VAT-free and VAT."""

    category: str
    member: int
    amount_vat_free: str | Decimal
    vat: str | Decimal = "0"


@dataclass(frozen=True)
class Rejection:
    """Part of a reported cost found ineligible, and why."""

    cost_id: int
    amount: str | Decimal
    reason: str


def _today() -> date:
    return timezone.localdate()


def check_reviews_report(actor, project: FundedProject) -> None:
    """Only the programme's officials review a project's reports, interim or final: the services' first question,
    which the review's screen asks too before it looks at the form (a recipient's post is the 403 page)."""
    permissions.check_manages_projects(actor, project.call.programme,
                                       _("Only the programme's officials review reports."), project=project)


def interim_reporting_over(project: FundedProject) -> bool:
    """Whether the project's interim reporting is over: its final report, on the whole project's costs, has been
    accepted (the settlement and the last instalment go by it), so an interim report not filed is no longer due."""
    return project.final_report_accepted_on is not None


def report_refusal(project: FundedProject, report: InterimReport | None, number: int) -> str | None:
    """Why interim report ``number`` cannot be filed now (None when it can): the project is no longer in progress,
    its final report has been accepted (``interim_reporting_over``), or the report was filed and has not been
    returned. ``submit_report`` refuses with this, under the project's lock; the page offers its form by
    ``can_edit_report``."""
    if project.state != FundedProject.State.IN_PROGRESS:
        return _("The project is not in progress.")
    if interim_reporting_over(project):
        return _("The final report has been accepted: interim reports are no longer filed.")
    if report is not None and report.status != InterimReport.Status.RETURNED:
        return _("Interim report %(n)s has already been filed.") % {"n": number}
    return None


def can_edit_report(actor, project: FundedProject, report: InterimReport | None, number: int) -> bool:
    """Whether ``actor`` may file interim report ``number`` now: a person of the lead, while ``report_refusal`` has
    nothing to say."""
    return permissions.can_act_for_lead(actor, project) and report_refusal(project, report, number) is None


def check_files_report(actor, project: FundedProject) -> None:
    """Only the lead's people file the project's reports: ``submit_report``'s first question, which the screen asks
    too before it looks at the form (a partner's post is the 403 page, not a refusal for a missing tick)."""
    permissions.check_recipient_lead(actor, project, _("Only the lead reports on the project."))


def report_errors(project: FundedProject, number: int, *, period_start: date | None, period_end: date | None,
                  progress: str, objectives_stage: str, costs: list[CostInput],
                  today: date | None = None) -> dict[str, list[str]]:
    """Every problem with interim report ``number``'s form, by field, all at once, without writing: what
    ``submit_report`` refuses before it locks the project (a date the form could not read is None and left to the
    form's own message). The screen refuses them together with a missing tick (``web.feedback.confirm``)."""
    return _report_checked(project, number, period_start=period_start, period_end=period_end, progress=progress,
                           objectives_stage=objectives_stage, costs=costs, today=today or _today())[0]


def _report_checked(project: FundedProject, number: int, *, period_start: date | None, period_end: date | None,
                    progress: str, objectives_stage: str, costs: list[CostInput],
                    today: date) -> tuple[dict[str, list[str]], dict]:
    errors: dict[str, list[str]] = {}
    if not progress.strip():
        errors.setdefault("progress", []).append(_("Describe the progress of the project."))
    if not objectives_stage.strip():
        errors.setdefault("objectives_stage", []).append(_("Describe the stage of the intended effects."))
    errors.update(too_long(progress=progress, objectives_stage=objectives_stage))
    days_typed = True
    for field, day in (("period_start", period_start), ("period_end", period_end)):
        if day is not None and day_problem(day) is not None:
            errors.setdefault(field, []).append(str(day_problem(day)))
            days_typed = False
    if days_typed and period_start is not None and period_end is not None:
        _add_period_errors(project, number, period_start, period_end, today, errors)
    return errors, _cost_cells(project, costs, errors)


def submit_report(project: FundedProject, number: int, *, actor, period_start: date, period_end: date,
                  progress: str, objectives_stage: str, costs: list[CostInput],
                  today: date | None = None) -> InterimReport:
    """The lead files interim report ``number`` (or files it again after it was returned). A late report is
    accepted and marked late."""
    check_files_report(actor, project)
    today = today or _today()
    errors, cells = _report_checked(project, number, period_start=period_start, period_end=period_end,
                                    progress=progress, objectives_stage=objectives_stage, costs=costs, today=today)
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        locked = lock_project(project)
        if locked.state != FundedProject.State.IN_PROGRESS:
            raise Conflict(_("The project is not in progress."))
        entry = ScheduleEntry.objects.filter(project=locked, kind=ScheduleEntry.Kind.INTERIM, number=number).first()
        if entry is None:
            raise NotFound(_("The project has no interim report %(n)s due.") % {"n": number})
        report = InterimReport.objects.filter(schedule_entry=entry).first()
        refusal = report_refusal(locked, report, number)
        if refusal is not None:
            raise Conflict(refusal)
        # Again under the project's lock: a report filed meanwhile may now overlap.
        _add_period_errors(locked, number, period_start, period_end, today, errors)
        if errors:
            raise Invalid(errors)
        fields = {"period_start": period_start, "period_end": period_end, "progress": progress.strip(),
                  "objectives_stage": objectives_stage.strip(), "submitted_by": user_of(actor),
                  "submitted_at": timezone.now(), "late": today > entry.due_on,
                  "status": InterimReport.Status.SUBMITTED, "reviewed_by": None, "reviewed_at": None}
        if report is None:
            report = InterimReport.objects.create(project=locked, schedule_entry=entry, **fields)
            action = "report.submitted"
        else:  # returned: ``report_refusal`` let nothing else through
            file_again(report, fields)
            action = "report.resubmitted"
        ReportedCost.objects.bulk_create(
            ReportedCost(report=report, category_id=category_id, member_id=member_id, amount_vat_free=vat_free,
                         vat=vat)
            for (category_id, member_id), (vat_free, vat) in cells.items()
        )
        record(action, report, actor=actor, application=locked.application, data={
            "project": locked.reference, "number": number, "late": report.late, "version": report.version,
            "costs": audited_costs(cells),
        })
        events.report_submitted.send(InterimReport, report=report, actor=actor)
    return report


def suggested_period(project: FundedProject, number: int, today: date) -> tuple[date, date] | None:
    """The period a new interim report ``number`` is suggested: from the day after the previous report's period
    (as filed, else its due date; the decision's date for the first) to the report's due date, or ``today`` or the
    end of implementation if that is earlier (a report is on a period that has passed and within the project,
    ``rules.report_periods``); none when that would end before it starts (the previous period reaches today), so
    that the lead types it rather than meet a refusal."""
    entries = {e.number: e for e in project.schedule.filter(kind=ScheduleEntry.Kind.INTERIM,
                                                             number__in=(number - 1, number))}
    previous, entry = entries.get(number - 1), entries.get(number)
    if entry is None:
        return None
    filed = InterimReport.objects.filter(schedule_entry=previous).first() if previous is not None else None
    if filed is not None:
        start = filed.period_end + timedelta(days=1)
    elif previous is not None:
        start = previous.due_on + timedelta(days=1)
    else:
        start = project.decided_on
    end = min(entry.due_on, today, project.implementation_end or today)
    return (start, end) if start <= end else None


def other_periods(project: FundedProject, number: int,
                  statuses=(InterimReport.Status.SUBMITTED, InterimReport.Status.ACCEPTED)) -> list[periods.Period]:
    """The periods of the project's interim reports other than ``number`` in ``statuses`` (by default the filed
    and the accepted ones: a returned report is filed again, and checked again then)."""
    rows = (InterimReport.objects.filter(project=project, status__in=statuses)
            .exclude(schedule_entry__kind=ScheduleEntry.Kind.INTERIM, schedule_entry__number=number)
            .values_list("schedule_entry__number", "period_start", "period_end"))
    return [periods.Period(n, start, end) for n, start, end in rows]


def period_message(problem: periods.Problem, project: FundedProject, today: date) -> str:
    """A problem of a report's period (``rules.report_periods``) in the user's language."""
    other = problem.other
    if other is not None:  # an overlap, the one problem that names another report
        return _("The period overlaps the period of interim report %(n)s, %(start)s–%(end)s: each cost is "
                 "reported once.") % {"n": other.number, "start": date_text(other.start), "end": date_text(other.end)}
    if problem.code == periods.NOT_ENDED:
        return _("A report is on a period that has passed: the period ends on %(today)s (the day it is filed) "
                 "at the latest.") % {"today": date_text(today)}
    if problem.code == periods.AFTER_PROJECT and project.implementation_end is not None:
        return _("The period ends on %(day)s at the latest, the end of the project's implementation: later costs "
                 "are not the project's.") % {"day": date_text(project.implementation_end)}
    if problem.code == periods.BEFORE_PROJECT:
        return _("The period starts on %(day)s at the earliest, the date of the decision on the grant.") % {
            "day": date_text(project.decided_on)}
    return _("The period ends before it starts.")


def _add_period_errors(project: FundedProject, number: int, start: date, end: date, today: date,
                       errors: dict[str, list[str]]) -> None:
    """The period's problems (``rules.report_periods``) added to ``errors`` by field, each once."""
    for problem in periods.period_problems(start, end, filed_on=today, project_start=project.decided_on,
                                           others=other_periods(project, number),
                                           project_end=project.implementation_end):
        message = period_message(problem, project, today)
        if message not in errors.get(problem.field, []):
            errors.setdefault(problem.field, []).append(message)


def file_again(report, fields: dict) -> None:
    """A returned report (interim or final) filed again: its fields replaced, its version raised and its costs
    taken out, for the caller to enter the new ones."""
    for name, value in fields.items():
        setattr(report, name, value)
    report.version += 1
    report.save()
    report.costs.all().delete()


def audited_costs(cells: dict) -> list[dict]:
    """A report's costs, as ``_cost_cells`` gives them, as the audit log keeps them."""
    return [{"category": c, "member": m, "vat_free": str(v), "vat": str(t)} for (c, m), (v, t) in cells.items()]


def cost_part_problem(amount: str | Decimal) -> str | None:
    """Why one amount of a cost cell (VAT-free or VAT) is refused, None when it is not: not euros and cents, or
    negative. A cell's refusal (``costs.N``) holds its parts' messages; the screen marks the parts they are on."""
    try:
        value = parse_euros(amount)
    except MoneyError:
        return _("Give the costs in euros and cents, such as 1 250,00.")
    return _("Costs cannot be negative.") if value < 0 else None


def _cost_cells(project: FundedProject, costs: list[CostInput], errors: dict) -> dict:
    categories = {c.code: c.pk for c in project.call.cost_categories.all()}
    members = {m.position: m.pk for m in project.application.members.all()}
    cells: dict[tuple[int, int], tuple[Decimal, Decimal]] = {}
    for i, cost in enumerate(costs):
        key = f"costs.{i}"
        if cost.category not in categories:
            errors.setdefault(key, []).append(_("No such cost category."))
            continue
        if cost.member not in members:
            errors.setdefault(key, []).append(_("No such member of the consortium."))
            continue
        problem = cost_part_problem(cost.amount_vat_free) or cost_part_problem(cost.vat)
        if problem:  # one message for the cell; the screen puts each part's own beside it
            errors.setdefault(key, []).append(problem)
            continue
        vat_free, vat = parse_euros(cost.amount_vat_free), parse_euros(cost.vat)
        cell = (categories[cost.category], members[cost.member])
        if cell in cells:
            errors.setdefault(key, []).append(_("The same cost category and member twice."))
            continue
        cells[cell] = (vat_free, vat)
    return cells


def report_version(report: InterimReport) -> str:
    """What an official read when they accept: the report's version and status, and its documents (the lead may
    attach one while the report waits for review, which changes what is accepted but not the version)."""
    return f"{report.pk}:{report.version}:{report.status}:{attachments_seen(report)}"


def attachments_seen(report) -> str:
    """A report's documents (interim or final) as a review's version names them: the ids of those it has now
    (a document is added or taken off, never replaced, so a change of either changes these)."""
    return ",".join(str(pk) for pk in report.attachments.order_by("pk").values_list("pk", flat=True))


def _lock_report(report: InterimReport, version: str) -> InterimReport:
    return lock_for_review(report, version, report_version)


def lock_for_review(report, version: str, version_of):
    """Lock a report (interim or final) for an official's review: refused if it changed from ``version``, as
    ``version_of`` reads it, or is not waiting for review. The project's row is locked first."""
    lock_project(report.project)
    current = type(report).objects.select_for_update().select_related("project__call__programme").get(pk=report.pk)
    if version_of(current) != version:
        raise Conflict(_("The report changed after you opened it; read it again."))
    if not awaits_review(current):
        raise Conflict(_("The report is not waiting for review."))
    return current


def awaits_review(report) -> bool:
    """Whether a report (interim or final) waits for an official's review, as ``lock_for_review`` requires."""
    return report.status == type(report).Status.SUBMITTED


def can_review_report(actor, report: InterimReport) -> bool:
    """Whether the report's page offers ``actor`` its review (``accept_report``, ``return_report``): the
    programme's officials, while the report waits for review."""
    return awaits_review(report) and permissions.can_manage_projects(actor, report.project.call.programme,
                                                                     project=report.project)


def rejection_field(cost_id: int, part: str) -> str:
    """The review form's field of a cost's rejection (``amount`` or ``reason``): its errors are keyed by it, so
    that each is shown beside its own row."""
    return f"reject.{cost_id}.{part}"


def rejection_errors(report, rejections) -> dict[str, list[str]]:
    """Every problem with an official's rejections of a report's costs, by the field of the row it is on; all of
    them at once, so that the official corrects the form once."""
    costs = {c.pk: c for c in report.costs.all()}
    errors: dict[str, list[str]] = {}
    for rejection in rejections:
        cost = costs.get(rejection.cost_id)
        if cost is None:
            errors.setdefault("rejections", []).append(_("No such cost in the report."))
            continue
        amount_field, reason_field = (rejection_field(cost.pk, "amount"), rejection_field(cost.pk, "reason"))
        try:
            amount = parse_euros(rejection.amount)
        except MoneyError:
            errors[amount_field] = [_("Give the costs in euros and cents, such as 1 250,00.")]
        else:
            if not Decimal(0) <= amount <= cost.amount_vat_free:
                errors[amount_field] = [_("A rejected amount is between zero and the cost reported.")]
            elif amount and not rejection.reason.strip():
                errors[reason_field] = [_("Give the reason for rejecting a cost.")]
        errors.update(too_long(**{reason_field: rejection.reason}))
    return errors


def reject_costs(report, rejections) -> list[dict]:
    """An official's rejections of ineligible parts of a locked report's costs (interim or final), each checked
    and saved on its cost; what was rejected, as the audit log keeps it."""
    errors = rejection_errors(report, rejections)
    if errors:
        raise Invalid(errors)
    costs = {c.pk: c for c in report.costs.all()}
    rejected = []
    for rejection in rejections:
        cost = costs[rejection.cost_id]
        cost.rejected_amount, cost.rejection_reason = parse_euros(rejection.amount), rejection.reason.strip()
        cost.save(update_fields=["rejected_amount", "rejection_reason"])
        rejected.append({"cost": cost.pk, "amount": str(cost.rejected_amount), "reason": cost.rejection_reason})
    return rejected


def acceptance_refusal(report: InterimReport, today: date) -> str | None:
    """Why a filed report cannot be accepted on ``today`` (None when it can): its period has not ended yet, ends
    after the project's implementation, or overlaps the period of an accepted report (its costs would be counted
    twice). Filing refuses these (``submit_report``); a report filed before it did may still have them."""
    if report.period_end > today:
        return _("The report's period ends on %(day)s: it is accepted once the period has passed.") % {
            "day": date_text(report.period_end)}
    end = report.project.implementation_end
    if end is not None and report.period_end > end:
        return _("The report's period ends on %(day)s, after the end of the project's implementation on %(end)s: "
                 "costs after it are not the project's. Return the report for its period to be corrected.") % {
            "day": date_text(report.period_end), "end": date_text(end)}
    for other in other_periods(report.project, report.schedule_entry.number, (InterimReport.Status.ACCEPTED,)):
        if periods.overlaps(report.period_start, report.period_end, other):
            return _("The report's period overlaps the period of accepted interim report %(n)s, %(start)s–%(end)s: "
                     "each cost is accepted once. Return the report for its period to be corrected.") % {
                "n": other.number, "start": date_text(other.start), "end": date_text(other.end)}
    return None


def accept_report(report: InterimReport, *, actor, version: str,
                  rejections: tuple[Rejection, ...] | list[Rejection] = (), reasons: str = "",
                  today: date | None = None) -> InterimReport:
    """An official accepts a filed report, rejecting ineligible parts of its costs with the reasons; not before its
    period has ended (``acceptance_refusal``)."""
    project = report.project
    check_reviews_report(actor, project)
    check_lengths(reasons=reasons)
    with transaction.atomic():
        current = _lock_report(report, version)
        refusal = acceptance_refusal(current, today or _today())
        if refusal is not None:
            raise Conflict(refusal)
        rejected = reject_costs(current, rejections)
        current.status = InterimReport.Status.ACCEPTED
        current.reviewed_by, current.reviewed_at = user_of(actor), timezone.now()
        current.review_reasons = reasons.strip()
        current.version += 1
        current.save()
        record("report.accepted", current, actor=actor, application=project.application,
               data={"project": project.reference, "number": current.schedule_entry.number, "rejected": rejected,
                     "accepted_costs_to_date": str(accepted_costs_to_date(project))})
        events.report_accepted.send(InterimReport, report=current, actor=actor)
    return current


def return_report(report: InterimReport, *, actor, version: str, reasons: str) -> InterimReport:
    """An official returns a report for completion, saying what is missing; the lead files it again."""
    project = report.project
    check_reviews_report(actor, project)
    check_lengths(reasons=reasons)
    if not reasons.strip():
        raise Invalid({"reasons": [_("Say why the report is returned.")]})
    with transaction.atomic():
        current = _lock_report(report, version)
        current.status = InterimReport.Status.RETURNED
        current.reviewed_by, current.reviewed_at = user_of(actor), timezone.now()
        current.review_reasons = reasons.strip()
        current.version += 1
        current.save()
        record("report.returned", current, actor=actor, application=project.application,
               data={"project": project.reference, "number": current.schedule_entry.number,
                     "reasons": current.review_reasons})
        events.report_returned.send(InterimReport, report=current, actor=actor)
    return current


def accepted_costs_to_date(project: FundedProject) -> Decimal:
    """The eligible VAT-free costs of the project's accepted reports, less what was rejected: what may be claimed.

    Once the final report is accepted, its totals (the whole project's costs, as the finance review accepted
    them) replace the interim reports' sum: the last instalment and settlement go by the realised costs.
    """
    final = FinalReport.objects.filter(project=project, status=FinalReport.Status.ACCEPTED).first()
    if final is not None:
        return eligible_total(FinalReportCost.objects.filter(report=final))
    return eligible_total(ReportedCost.objects.filter(report__project=project,
                                                      report__status=InterimReport.Status.ACCEPTED))


def accepted_costs_by_cell(project: FundedProject) -> dict[tuple[int, int], Decimal]:
    """The eligible VAT-free costs ``accepted_costs_to_date`` sums, per cell: (cost category id, member id).

    What each line of the approved budget caps (``rules.budget_caps``); the same reports as the total."""
    final = FinalReport.objects.filter(project=project, status=FinalReport.Status.ACCEPTED).first()
    costs = (FinalReportCost.objects.filter(report=final) if final is not None
             else ReportedCost.objects.filter(report__project=project, report__status=InterimReport.Status.ACCEPTED))
    rows = (costs.filter(category__eligible=True).values("category_id", "member_id")
            .annotate(total=Sum(F("amount_vat_free") - F("rejected_amount"))).order_by("category_id", "member_id"))
    return {(r["category_id"], r["member_id"]): (r["total"] or Decimal(0)).quantize(Decimal("0.01")) for r in rows}


def eligible_total(costs) -> Decimal:
    """The VAT-free sum of ``costs`` (reported costs, interim or final) in eligible categories, less what was
    rejected, to the cent."""
    total = (costs.filter(category__eligible=True)
             .aggregate(total=Sum(F("amount_vat_free") - F("rejected_amount")))["total"])
    return (total or Decimal(0)).quantize(Decimal("0.01"))


def entry_overdue(project: FundedProject, entry: ScheduleEntry, filed: bool, today: date, *,
                  interim_over: bool) -> bool:
    """Whether the report due by ``entry`` is past its date with nothing filed (a returned report counts as filed):
    an interim report until the final report is accepted (``interim_over``, ``interim_reporting_over``), the final
    report while the project is in progress. The lists and reminders count interim reports only
    (``overdue_entries``); the project's page flags the final report too, rather than "not filed" years after."""
    if filed or entry.due_on >= today:
        return False
    if entry.kind == ScheduleEntry.Kind.INTERIM:
        return not interim_over
    return project.state == FundedProject.State.IN_PROGRESS


def overdue_entries(project: FundedProject, today: date | None = None) -> list[ScheduleEntry]:
    """Interim reports past their due date with nothing filed (a returned one counts as filed, awaiting the lead);
    none once the final report has been accepted (``interim_reporting_over``)."""
    if interim_reporting_over(project):
        return []
    today = today or _today()
    return list(project.schedule.filter(kind=ScheduleEntry.Kind.INTERIM, due_on__lt=today, reports__isnull=True))
