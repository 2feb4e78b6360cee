"""Funded projects: made from a signed decision's grants, their report dates set by officials.

``follow_decision`` is what the receiver of ``events.decision_signed`` calls: every granted outcome of the
decision becomes a project, or updates the one its application already has (a later decision amending the
grant); doing it twice changes nothing. Everything else here is an official's step, checked by
``accounts.permissions`` and audited in the same transaction.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from avustus.accounts import permissions
from avustus.actors import SYSTEM
from avustus.applications.models import BudgetLine, ConsortiumMember
from avustus.audit.chain import record
from avustus.calls.models import Call
from avustus.decisions.models import Decision, Outcome
from avustus.decisions.vocabulary.base import date_text
from avustus.errors import Conflict, Invalid, NotFound
from avustus.projects.models import ApprovedBudgetLine, CallReportDate, FundedProject, ScheduleEntry
from avustus.rules import days
from avustus.rules.money import euros
from avustus.rules.schedule import BEFORE_DECISION, NOT_BEFORE_FINAL, Due, DueProblem, due_date_problem, report_schedule
from avustus.texts import check_lengths


def follow_decision(decision: Decision, *, actor) -> list[FundedProject]:
    """Make or update the funded project of each granted outcome of a signed decision; idempotent.

    Runs inside the transaction that imported the decision, or in the task a decision signed in Avustus enqueues
    (``follow_signed_decision``; ``projects.receivers`` chooses). An outcome that is no longer a grant
    (a later decision took it back) cancels the project it had, which is kept with its history.

    New projects are made in bulk, a fixed number of statements however many grants the decision has: the
    projects, their approved budgets and their schedules in one insert each, and one audit entry on the
    decision naming every project made (the decision's entries are in each of its applications' history).
    Amending or cancelling an existing project (a later decision, a handful of rows) is a write and an entry each.
    """
    if decision.status != Decision.Status.SIGNED:
        return []
    touched: list[FundedProject] = []
    # Inside the signing or import transaction it joins it; called alone (the demo, a repair) it is its own.
    with transaction.atomic():
        # Never select_related("decision"): every row would carry its own copy of the signed snapshot (megabytes
        # for a large round), memory growing with the square of the round's size.
        outcomes = list(decision.outcomes.select_related("application", "group").order_by("pk"))
        existing = {p.application_id: p for p in FundedProject.objects.select_for_update()
                    .filter(application_id__in=decision.outcomes.values("application_id"))}
        new: list[Outcome] = []
        for outcome in outcomes:
            project = existing.get(outcome.application_id)
            if outcome.kind == Outcome.Kind.GRANTED:
                if project is None:
                    new.append(outcome)
                else:
                    touched.append(_amend(project, outcome, decision, actor=actor))
            elif (project is not None and project.outcome_id != outcome.pk
                  and project.state != project.State.CANCELLED):
                project.outcome = outcome
                project.state = FundedProject.State.CANCELLED
                project.version += 1
                project.save(update_fields=["outcome", "state", "version", "updated_at"])
                record("project.cancelled", project, actor=actor,
                       data={"decision": decision.pk, "outcome": outcome.kind})
                touched.append(project)
        touched.extend(_create(new, decision, actor=actor))
    return touched


def follow_signed_decision(decision_id: int) -> int:
    """The projects task's work: follow a decision signed in Avustus, as the system; the number of projects touched.

    Under the decision's row lock, so that a second run of the task waits for the first and then finds the
    projects made (``follow_decision`` is idempotent) instead of making them twice.
    """
    with transaction.atomic():
        # The snapshot (megabytes for a large round) is not needed to make projects.
        decision = (Decision.objects.select_for_update(of=("self",)).select_related("call").defer("snapshot")
                    .get(pk=decision_id))
        return len(follow_decision(decision, actor=SYSTEM))


def _amend(project: FundedProject, outcome: Outcome, decision: Decision, *, actor) -> FundedProject:
    if project.outcome_id == outcome.pk:
        return project  # the same decision again: nothing to do
    grant, _decided_on = _terms(outcome, decision)
    before = str(project.grant)
    project.outcome = outcome
    project.grant = grant
    project.special_conditions = list(outcome.special_conditions)
    project.state = FundedProject.State.IN_PROGRESS
    project.version += 1
    project.save(update_fields=["outcome", "grant", "special_conditions", "state", "version", "updated_at"])
    record("project.grant_amended", project, actor=actor,
           data={"decision": decision.pk, "grant_before": before, "grant": str(project.grant)})
    return project


def _terms(outcome: Outcome, decision: Decision) -> tuple[Decimal, date]:
    """The grant's amount and the decision's date, which a project needs; Invalid without them."""
    if outcome.amount_granted is None or decision.decided_on is None:
        # The database refuses a grant without an amount; the schedule counts from the decision's date.
        raise Invalid(_("A grant needs its amount and the date of its decision."))
    return outcome.amount_granted, decision.decided_on


def _create(outcomes: list[Outcome], decision: Decision, *, actor) -> list[FundedProject]:
    """A project for each of these granted outcomes (of applications without one), in bulk."""
    if not outcomes:
        return []
    terms = [(outcome, *_terms(outcome, decision)) for outcome in outcomes]  # all checked before any is written
    call = decision.call
    projects = FundedProject.objects.bulk_create(
        FundedProject(application=outcome.application, call=call, first_decision=decision, outcome=outcome,
                      reference=outcome.application.reference, decided_on=decided_on, grant=grant,
                      aid_rate=call.aid_rate, group_condition=outcome.group.condition_fi if outcome.group else "",
                      special_conditions=list(outcome.special_conditions), implementation_end=call.implementation_end)
        for outcome, grant, decided_on in terms)
    _copy_budgets(projects)
    # Every new project counts its reports from the same decision's date: one schedule for all of them.
    schedule = _schedule(call, terms[0][2])
    ScheduleEntry.objects.bulk_create(
        ScheduleEntry(project=project, kind=due.kind, number=due.number, computed_due_on=due.computed_due_on,
                      due_on=due.due_on)
        for project in projects for due in schedule)
    record("projects.created", decision, actor=actor,
           data={"projects": {p.reference: str(p.grant) for p in projects}, "reports_due": len(schedule)})
    return projects


def _copy_budgets(projects: list[FundedProject]) -> None:
    """Each budget as applied, summed per category and member; a line naming no member is the lead's."""
    by_application = {p.application_id: p for p in projects}
    applications = list(by_application)
    leads = dict(ConsortiumMember.objects.filter(application_id__in=applications, role=ConsortiumMember.Role.LEAD)
                 .values_list("application_id", "pk"))
    cells: dict[tuple[int, int, int | None], list[Decimal]] = {}
    for line in BudgetLine.objects.filter(application_id__in=applications).order_by("pk"):
        # Budget lines may name a member (when the application form asks for it); else the lead's.
        member_id = getattr(line, "member_id", None) or leads.get(line.application_id)
        cell = cells.setdefault((line.application_id, line.category_id, member_id), [Decimal(0), Decimal(0)])
        cell[0] += line.amount_vat_free
        cell[1] += line.vat
    ApprovedBudgetLine.objects.bulk_create(
        ApprovedBudgetLine(project=by_application[application_id], category_id=category_id, member_id=member_id,
                           amount_vat_free=amounts[0], vat=amounts[1])
        for (application_id, category_id, member_id), amounts in cells.items()
    )


@dataclass(frozen=True)
class _Due:
    kind: str
    number: int
    computed_due_on: date
    due_on: date


def _schedule(call: Call, decided_on: date) -> list[_Due]:
    """The reports due of a project decided on ``decided_on``, a date the officials announced for the call first,
    unless it would break this project's order (``rules.schedule.due_date_problem``: a project decided after the
    announced day, say), when the report keeps its own date."""
    announced = {(d.kind, d.number): d.due_on for d in call.report_dates.all()}
    computed = report_schedule(decided_on, call.reporting_interval_months, call.final_report_due)
    current = list(computed)
    rows: list[_Due] = []
    for due in computed:
        day = announced.get((due.kind, due.number), due.due_on)
        if day != due.due_on and (due_date_problem(due.kind, due.number, day, decided_on=decided_on,
                                                   schedule=current) is not None
                                  or (rows and day <= rows[-1].due_on)):  # nor before the report before it
            day = due.due_on
        current = [Due(d.kind, d.number, day) if (d.kind, d.number) == (due.kind, due.number) else d
                   for d in current]
        rows.append(_Due(due.kind, due.number, due.due_on, day))
    return rows


def project_for(user, reference: str) -> FundedProject:
    """The project with the given reference, if the user may see it; else NotFound (whether or not it exists)."""
    project = (FundedProject.objects.select_related("call__programme", "application", "outcome")
               .prefetch_related("application__members__organisation").filter(reference=reference).first())
    if project is None:
        raise NotFound(_("No project %(reference)s.") % {"reference": reference})
    permissions.check_sees_project(user, project)
    return project


def lock_project(project: FundedProject) -> FundedProject:
    """The project's row, locked for the rest of the transaction: every money step takes it first.

    Only the project's row (``of``): PostgreSQL would otherwise lock the call and programme read with it,
    and every money step of a call would wait for every other."""
    return FundedProject.objects.select_for_update(of=("self",)).select_related("call__programme").get(pk=project.pk)


def day_problem(day: date) -> str | None:
    """Why a typed date cannot be one of a grant's dates (outside ``rules.days``' years), or None: for the funded
    project's services, which refuse it by the field it was typed in."""
    if days.in_range(day):
        return None
    return _("The date must be in the years %(first)s–%(last)s; check it.") % {
        "first": days.EARLIEST.year, "last": days.LATEST.year}


def check_day(field: str, day: date) -> None:
    """``day_problem``, refused as ``Invalid`` on ``field``."""
    problem = day_problem(day)
    if problem is not None:
        raise Invalid({field: [problem]})


def due_date_message(problem: DueProblem, decided_on: date) -> str:
    """A refused due date (``rules.schedule.due_date_problem``) of a project decided on ``decided_on``, in the user's
    language."""
    other = problem.other
    if problem.code == BEFORE_DECISION or other is None:
        return _("No report is due before the decision on the grant, %(day)s.") % {"day": date_text(decided_on)}
    if problem.code == NOT_BEFORE_FINAL:
        return _("An interim report is due before the final report, which is due on %(day)s.") % {
            "day": date_text(other.due_on)}
    return _("The final report is due after the last interim report, interim report %(n)s due on %(day)s.") % {
        "n": other.number, "day": date_text(other.due_on)}


def set_due_date(project: FundedProject, kind: str, number: int, due_on: date, *, reason: str, actor) -> ScheduleEntry:
    """An official sets another due date for one report of one project, with the reason: not before the decision,
    an interim report's before the final report's, the final report's after every interim report's."""
    permissions.check_manages_projects(actor, project.call.programme,
                                       _("Only the programme's officials set report dates."), project=project)
    check_lengths(reason=reason)
    check_day("due_on", due_on)
    if not reason.strip():
        raise Invalid(_("Give the reason for the new date."))
    with transaction.atomic():
        lock_project(project)
        entry = ScheduleEntry.objects.filter(project=project, kind=kind, number=number).first()
        if entry is None:
            raise NotFound(_("The project has no such report due."))
        schedule = [Due(e.kind, e.number, e.due_on) for e in ScheduleEntry.objects.filter(project=project)]
        problem = due_date_problem(kind, number, due_on, decided_on=project.decided_on, schedule=schedule)
        if problem is not None:
            raise Invalid({"due_on": [due_date_message(problem, project.decided_on)]})
        before = entry.due_on
        entry.due_on = due_on
        entry.overridden_by = None if getattr(actor, "pk", None) is None else actor
        entry.override_reason = reason.strip()
        entry.save(update_fields=["due_on", "overridden_by", "override_reason"])
        record("project.due_date_set", project, actor=actor,
               data={"kind": kind, "number": number, "before": before.isoformat(), "due_on": due_on.isoformat(),
                     "reason": entry.override_reason})
    return entry


def _check_call_date(call: Call, kind: str, number: int, due_on: date) -> None:
    """A date announced for the call, refused (``Invalid`` on ``due_on``) when it breaks the order of the schedule
    (``rules.schedule.due_date_problem``) of a project whose date it moves, naming the first such project."""
    moving = (ScheduleEntry.objects.filter(project__call=call, kind=kind, number=number, overridden_by__isnull=True,
                                           override_reason="").values("project_id"))
    schedules: dict[int, list[Due]] = {}
    for project_id, entry_kind, entry_number, entry_due in (
            ScheduleEntry.objects.filter(project_id__in=moving).values_list("project_id", "kind", "number", "due_on")):
        schedules.setdefault(project_id, []).append(Due(entry_kind, entry_number, entry_due))
    # A project no longer in progress reports no more: its schedule does not hold the call back.
    in_progress = FundedProject.objects.filter(pk__in=schedules, state=FundedProject.State.IN_PROGRESS)
    for reference, project_id, decided_on in in_progress.order_by("reference").values_list("reference", "pk",
                                                                                          "decided_on"):
        problem = due_date_problem(kind, number, due_on, decided_on=decided_on, schedule=schedules[project_id])
        if problem is not None:
            raise Invalid({"due_on": [_("In project %(reference)s: %(problem)s") % {
                "reference": reference, "problem": due_date_message(problem, decided_on)}]})


def set_call_report_date(call: Call, kind: str, number: int, due_on: date, *, reason: str, actor) -> int:
    """An official announces a report's date for the whole call: every project's entry not set by hand follows.

    Returns how many projects' dates changed.
    """
    permissions.check_manages_projects(actor, call.programme, _("Only the programme's officials set report dates."),
                                       project=None)
    check_lengths(reason=reason)
    if kind not in ScheduleEntry.Kind.values or number < 1:
        raise Invalid(_("No such report."))
    check_day("due_on", due_on)
    with transaction.atomic():
        Call.objects.select_for_update().filter(pk=call.pk).first()
        # The projects it moves, locked before their schedules are checked (call, then projects, as no other
        # step takes them the other way round): a date moved by hand meanwhile (``set_due_date``, under the
        # project's lock) is then either seen by the check or waits for this one.
        moving = ScheduleEntry.objects.filter(project__call=call, kind=kind, number=number,
                                              overridden_by__isnull=True, override_reason="").values("project_id")
        list(FundedProject.objects.select_for_update().filter(pk__in=moving).order_by("pk").values_list("pk"))
        _check_call_date(call, kind, number, due_on)
        CallReportDate.objects.update_or_create(
            call=call, kind=kind, number=number,
            defaults={"due_on": due_on, "reason": reason.strip(),
                      "set_by": None if getattr(actor, "pk", None) is None else actor})
        changed = (ScheduleEntry.objects.filter(project__call=call, kind=kind, number=number,
                                                overridden_by__isnull=True, override_reason="")
                   .update(due_on=due_on))
        record("call.report_date_set", call, actor=actor,
               data={"kind": kind, "number": number, "due_on": due_on.isoformat(), "projects": changed,
                     "reason": reason.strip()})
    return changed


def allow_extra_instalment(project: FundedProject, *, reason: str, actor, shown: int) -> FundedProject:
    """An official allows one more instalment than the call's number ("as a rule three"), with the reason.

    ``shown`` is the number of extra instalments the official's page showed (the form sends it): the same form
    posted twice allows one more, not two. It has no default, so no caller allows one without naming what it read."""
    permissions.check_manages_projects(actor, project.call.programme,
                                       _("Only the programme's officials allow another instalment."), project=project)
    check_lengths(reason=reason)
    if not reason.strip():
        raise Invalid(_("Give the reason for another instalment."))
    with transaction.atomic():
        locked = lock_project(project)
        if locked.state != FundedProject.State.IN_PROGRESS:
            raise Conflict(_("The project is not in progress."))
        if shown != locked.extra_instalments:
            raise Conflict(_("Another instalment was allowed after you opened the page; read it again. Nothing "
                             "was recorded now."))
        locked.extra_instalments += 1
        locked.extra_instalments_reason = "\n".join(filter(None, [locked.extra_instalments_reason, reason.strip()]))
        locked.version += 1
        locked.save(update_fields=["extra_instalments", "extra_instalments_reason", "version", "updated_at"])
        record("project.instalment_allowed", locked, actor=actor,
               data={"instalments": locked.instalments, "reason": reason.strip()})
    return locked


def eligible_budget(project: FundedProject) -> Decimal:
    """The approved budget's eligible VAT-free costs (the categories the call counts as eligible)."""
    total = sum((line.amount_vat_free for line in project.budget.select_related("category") if line.category.eligible),
                Decimal(0))
    return euros(total)


def approved_budget_cells(project: FundedProject) -> dict[tuple[int, int], Decimal] | None:
    """The approved budget in force (as amended by change decisions) per cell: (cost category id, member id), the
    eligible categories' VAT-free amounts; a line naming no member is the lead's. None when the project has no
    approved budget at all (a decision taken outside Avustus fixes the grant, not a budget)."""
    if not project.budget.exists():
        return None
    lead = project.application.members.filter(role=ConsortiumMember.Role.LEAD).values_list("pk", flat=True).first()
    cells: dict[tuple[int, int], Decimal] = {}
    for line in project.budget.filter(category__eligible=True).order_by("category__position", "member__position"):
        member_id = line.member_id if line.member_id is not None else lead
        if member_id is None:
            continue
        cell = (line.category_id, member_id)
        cells[cell] = cells.get(cell, Decimal(0)) + line.amount_vat_free
    return {cell: euros(amount) for cell, amount in cells.items()}
