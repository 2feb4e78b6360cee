"""Change requests: the lead asks, an official approves or rejects, a second official confirms the amending decision.

Every step locks the project's row first (``projects.services.lock_project``), then the request's, and names the
request's ``version`` it was shown; a request that moved on meanwhile is refused. What the change asks is
validated when it is submitted and again, under the locks, when it is confirmed: the project's budget, end or
members may have changed in between (another request, a report accepted). Confirming applies the change (the
end and the schedule, the budget, the members), keeps the terms before and after as ``ProjectRevision``s, signs
the amending decision and sends ``events.change_request_decided`` for the recipient's notification.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from avustus import events
from avustus.accounts import permissions
from avustus.actors import user_of
from avustus.applications.models import ConsortiumMember
from avustus.audit.chain import record
from avustus.changes.models import ChangeDecision, ChangeRequest, ProjectRevision
from avustus.decisions.vocabulary.base import date_text
from avustus.errors import Conflict, Invalid, NotFound
from avustus.projects.models import ApprovedBudgetLine, FundedProject, ScheduleEntry
from avustus.projects.services import check_day, lock_project
from avustus.registry.models import Organisation
from avustus.reports.models import InterimReport, ReportedCost
from avustus.rules import changes as rules
from avustus.rules.money import MoneyError, parse_euros
from avustus.rules.schedule import report_schedule
from avustus.texts import check_lengths

OPEN = (ChangeRequest.Status.SUBMITTED, ChangeRequest.Status.APPROVED)


@dataclass(frozen=True)
class MoveInput:
    """A move as the lead typed it: from a category and member (its position) to another, and the amount."""

    source_category: str
    source_member: int
    target_category: str
    target_member: int
    amount: str | Decimal


def may_join(project: FundedProject, organisation: Organisation) -> bool:
    """Whether the call accepts this body as a partner (any kind when the call names none)."""
    return not project.call.partner_kinds or organisation.kind in project.call.partner_kinds


def exists_today(organisation: Organisation) -> bool:
    """Whether the body still exists: a municipality merged into another is not added to a project as a partner."""
    return organisation.valid_on(timezone.localdate())


def _ceased_message(organisation: Organisation) -> str:
    """Why a body that no longer exists is refused as a partner, named in the reader's language."""
    lang = get_language() or "fi"
    name = organisation.name(lang)
    day = date_text(organisation.valid_to) if organisation.valid_to else ""
    if organisation.successor is not None:
        return _("%(name)s no longer exists: it merged into %(successor)s after %(day)s. Only a body that exists "
                 "today can be added as a partner.") % {
            "name": name, "successor": organisation.successor.name(lang), "day": day}
    return _("%(name)s no longer exists: it ceased after %(day)s. Only a body that exists today can be added as "
             "a partner.") % {"name": name, "day": day}


def partner_candidates(project: FundedProject, in_force: set[int]):
    """The bodies the lead may add as partners: those that exist today (``exists_today``) and the call accepts,
    not members already."""
    today = timezone.localdate()
    bodies = Organisation.objects.exclude(pk__in=in_force).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    if project.call.partner_kinds:
        bodies = bodies.filter(kind__in=project.call.partner_kinds)
    return bodies.order_by("name_fi")


def members_in_force(project: FundedProject) -> list[ConsortiumMember]:
    """The consortium now: the application's members (with partners added by amending decisions) less those removed."""
    removed = {pk for request in project.change_requests.filter(status=ChangeRequest.Status.DECIDED,
                                                                kind=ChangeRequest.Kind.PARTNERS)
               for pk in request.remove_partners}
    return [m for m in project.application.members.select_related("organisation").order_by("position")
            if m.pk not in removed]


def _budget(project: FundedProject) -> dict[tuple[str, int], Decimal]:
    return {(line.category.code, line.member.position if line.member else 0): line.amount_vat_free
            for line in project.budget.select_related("category", "member")}


def _accepted(project: FundedProject) -> dict[tuple[str, int], Decimal]:
    """The VAT-free costs accepted so far per category and member: a move leaves at least these in a cell."""
    rows = (ReportedCost.objects.filter(report__project=project, report__status=InterimReport.Status.ACCEPTED)
            .values("category__code", "member__position")
            .annotate(total=Sum(F("amount_vat_free") - F("rejected_amount"))))
    return {(r["category__code"], r["member__position"]): r["total"] for r in rows}


def last_permissible_end(project: FundedProject) -> date | None:
    """The latest end of implementation an extension may set (``rules.changes.last_permissible_end``): the final
    report due early enough that the last instalment is paid within the appropriation's period of use."""
    call = project.call
    return rules.last_permissible_end(call.appropriation_usable_until, call.implementation_end,
                                      call.final_report_due)


def _extension_message(code: str, project: FundedProject) -> str:
    if code == rules.NOT_LATER:
        return _("An extension moves the end of implementation later than %(end)s.") % {
            "end": date_text(project.implementation_end) if project.implementation_end else ""}
    usable_until = project.call.appropriation_usable_until
    last = last_permissible_end(project)
    return _("The grant's appropriation may be used only until %(day)s (its period of use), and the last "
             "instalment is paid after the final report within it, a month being left for that: the "
             "implementation period can be extended at most to %(last)s.") % {
        "day": date_text(usable_until) if usable_until else "", "last": date_text(last) if last else ""}


MOVE_MESSAGES = {
    rules.SAME_CELL: gettext_lazy("A move goes to another cost category or member."),
    rules.NOT_POSITIVE: gettext_lazy("Give an amount of more than zero euros."),
    rules.UNKNOWN_CELL: gettext_lazy("The approved budget has nothing in this cost category for this member."),
    rules.BELOW_ACCEPTED: gettext_lazy("The move would leave less than the costs already accepted (or below zero)."),
}


Cell = tuple[str, int]  # a cost category's code and a member's position


def _moves(project: FundedProject, moves: list[MoveInput]) -> list[rules.Move[Cell]]:
    codes = set(project.call.cost_categories.values_list("code", flat=True))
    positions = {m.position for m in members_in_force(project)}
    parsed = []
    for index, move in enumerate(moves):
        field = f"moves.{index}"
        if {move.source_category, move.target_category} - codes:
            raise Invalid({field: [_("Choose one of the call's cost categories.")]})
        if {move.source_member, move.target_member} - positions:
            raise Invalid({field: [_("Choose one of the project's members.")]})
        try:
            amount = parse_euros(move.amount)
        except MoneyError as exc:
            raise Invalid({field: [_("Give the amount in euros and cents, such as 1 250,00.")]}) from exc
        parsed.append(rules.Move((move.source_category, move.source_member),
                                 (move.target_category, move.target_member), amount))
    return parsed


def _check_moves(project: FundedProject, moves: list[rules.Move[Cell]]) -> dict[Cell, Decimal]:
    try:
        return rules.apply_moves(_budget(project), moves, _accepted(project))
    except rules.MoveError as exc:
        raise Invalid({f"moves.{exc.index}": [str(MOVE_MESSAGES[exc.kind])]}) from exc


def _check_partners(project: FundedProject, add: list[int], remove: list[int]) -> None:
    members = members_in_force(project)
    in_force = {m.organisation_id for m in members}
    if not add and not remove:
        raise Invalid({"partners": [_("Name a partner to add or to remove.")]})
    # An id no integer column holds (the API takes any integer) is no organisation: refused below, not a 500.
    organisations = Organisation.objects.in_bulk([i for i in add if 0 < i < 2**63])
    for organisation_id in add:
        organisation = organisations.get(organisation_id)
        if organisation is None or not may_join(project, organisation):
            raise Invalid({"add_partners": [_("Choose a body the call accepts as a partner.")]})
        if organisation_id in in_force:
            raise Invalid({"add_partners": [_("%(name)s is a member of the project already.")
                                            % {"name": organisation.name(get_language() or "fi")}]})
        if not exists_today(organisation):
            raise Invalid({"add_partners": [_ceased_message(organisation)]})
    by_id = {m.pk: m for m in members}
    budget = _budget(project)
    for member_id in remove:
        member = by_id.get(member_id)
        if member is None or member.role == ConsortiumMember.Role.LEAD:
            raise Invalid({"remove_partners": [_("Choose one of the project's partners.")]})
        if any(amount > 0 for (_code, position), amount in budget.items() if position == member.position):
            raise Invalid({"remove_partners": [_(
                "%(name)s still has approved budget: move it to other members first (a change of the budget).")
                % {"name": str(member)}]})
    _check_joint_project(project, members, add=[organisations[i] for i in add], remove=set(remove))


def _body_today(organisation: Organisation) -> Organisation:
    """The body that carries on ``organisation`` today: itself, or the one it merged into (and so on)."""
    body, seen = organisation, set()
    while not exists_today(body) and body.successor is not None and body.pk not in seen:
        seen.add(body.pk)
        body = body.successor
    return body


def _check_joint_project(project: FundedProject, members: list[ConsortiumMember], *, add: list[Organisation],
                         remove: set[int]) -> None:
    """A joint project stays one: the call funds projects that several municipalities carry out together (the
    2020 decision: "vain hankkeisiin, jotka useammat kunnat toteuttavat yhdessä"; ``Call.min_municipalities``, as
    an application is checked on submission). A removal that leaves fewer is refused; a project that already has
    fewer, as an imported one whose members the registry did not recognise, is not held back from other changes.
    Members are counted as the bodies they are today (``_body_today``)."""
    if not remove:
        return
    municipality = Organisation.Kind.MUNICIPALITY

    def municipalities(kept: list[ConsortiumMember]) -> set[int]:
        # Counted as the bodies they are today: a partner merged into another member is one municipality with it.
        bodies = [_body_today(m.organisation) for m in kept if m.organisation is not None] + add
        return {body.pk for body in bodies if body.kind == municipality}

    before = municipalities(members)
    after = municipalities([m for m in members if m.pk not in remove])
    minimum = project.call.min_municipalities
    if len(after) < minimum and len(after) < len(before):
        raise Invalid({"remove_partners": [ngettext(
            "The call funds joint projects of at least %(minimum)s municipality; after this change the project "
            "would have %(count)s.",
            "The call funds joint projects of at least %(minimum)s municipalities; after this change the project "
            "would have %(count)s.", minimum) % {"minimum": minimum, "count": len(after)}]})


def open_for_changes(project: FundedProject) -> bool:
    """A change is asked for, decided and confirmed while the project is in progress (``_validate`` refuses it
    otherwise)."""
    return project.state == FundedProject.State.IN_PROGRESS


def can_request_change(actor, project: FundedProject) -> bool:
    """Whether ``actor`` may ask for a change now (the lead's form on the screen): a person of the lead
    (``permissions.can_act_for_lead``), while the project is ``open_for_changes``; ``submit_request`` refuses
    the rest. One open request at a time is checked on submission."""
    return permissions.can_act_for_lead(actor, project) and open_for_changes(project)


def change_steps(actor, request: ChangeRequest) -> frozenset[str]:
    """The steps ``actor`` may take on the change request now, as the services below refuse the rest: the lead
    withdraws an open one (``withdraw_request``); the programme's officials approve a submitted one while the
    project is ``open_for_changes`` (``approve_request``) and reject an open one (``reject_request``, also the
    official who approved it); a second official confirms an approved one (``permissions.can_confirm_change``,
    ``confirm_request``)."""
    project = request.project
    programme = project.call.programme
    steps = set()
    if request.status in OPEN:
        if permissions.can_act_for_lead(actor, project):
            steps.add("withdraw")
        if permissions.can_manage_projects(actor, programme, project=project):
            steps.add("reject")
            if request.status == ChangeRequest.Status.SUBMITTED and open_for_changes(project):
                steps.add("approve")
    if (request.status == ChangeRequest.Status.APPROVED and open_for_changes(project)
            and permissions.can_confirm_change(actor, programme, request.decided_by_id, project=project)):
        steps.add("confirm")
    return frozenset(steps)


def readable_decisions(user, reference: str, pk: int | None = None) -> tuple[FundedProject, list[ChangeDecision]]:
    """The project's amending decisions (or the one ``pk``) that the user may read, the earliest first, as the
    decision's page decides (``permissions.can_read_change_decision``): whoever sees the project reads them all, and
    the people of a partner removed by one of them read those up to and including that one, though the project
    itself no longer exists for them. NotFound when the user may read none of them."""
    project = (FundedProject.objects.select_related("call__programme", "application")
               .prefetch_related("application__members__organisation", "revisions")
               .filter(reference=reference).first())
    if project is None:
        raise NotFound()
    decisions = ChangeDecision.objects.filter(project=project).select_related("request__revision")
    if pk is not None:
        decisions = decisions.filter(pk=pk)
    readable = []
    for decision in decisions.order_by("signed_at", "pk"):
        decision.project = project  # the members and revisions read once for every decision's question
        if permissions.can_read_change_decision(user, decision):
            readable.append(decision)
    if pk is not None and not readable:
        raise NotFound()
    if not readable:
        permissions.check_sees_project(user, project)  # a project without decisions (yet) lists none
    return project, readable


def _validate(project: FundedProject, request: ChangeRequest) -> None:
    """What the request asks, checked against the project as it is now (the caller holds its lock)."""
    if not open_for_changes(project):
        raise Conflict(_("The project is not in progress."))
    if request.kind == ChangeRequest.Kind.EXTENSION:
        if request.new_end is None:
            raise Invalid({"new_end": [_("Give the new end date of implementation.")]})
        check_day("new_end", request.new_end)
        code = rules.extension_refusal(project.implementation_end, request.new_end,
                                       project.call.appropriation_usable_until, project.call.implementation_end,
                                       project.call.final_report_due)
        if code is not None:
            raise Invalid({"new_end": [_extension_message(code, project)]})
    elif request.kind == ChangeRequest.Kind.BUDGET:
        if not request.moves:
            raise Invalid({"moves": [_("Give at least one move of the budget.")]})
        _check_moves(project, _stored_moves(request))
    else:
        _check_partners(project, list(request.add_partners), list(request.remove_partners))


def _stored_moves(request: ChangeRequest) -> list[rules.Move[Cell]]:
    return [rules.Move((m["from"][0], m["from"][1]), (m["to"][0], m["to"][1]), Decimal(m["amount"]))
            for m in request.moves]


def submit_request(project: FundedProject, *, actor, kind: str, reasons: str, new_end: date | None = None,
                   moves: list[MoveInput] | None = None, add_partners: list[int] | None = None,
                   remove_partners: list[int] | None = None) -> ChangeRequest:
    """The lead asks for a change, with reasons; one request at a time is open."""
    permissions.check_recipient_lead(actor, project, _("Only the lead applies for a change to the project."))
    check_lengths(reasons=reasons)
    if kind not in ChangeRequest.Kind.values:
        raise Invalid({"kind": [_("Choose what to change.")]})
    if not reasons.strip():
        raise Invalid({"reasons": [_("Give the reasons for the change.")]})
    with transaction.atomic():
        locked = lock_project(project)
        if locked.change_requests.filter(status__in=OPEN).exists():
            raise Conflict(_("An earlier change request is still being handled."))
        request = ChangeRequest(project=locked, kind=kind, reasons=reasons.strip(), submitted_by=user_of(actor))
        if kind == ChangeRequest.Kind.EXTENSION:
            request.new_end = new_end
        elif kind == ChangeRequest.Kind.BUDGET:
            request.moves = [{"from": [*m.source], "to": [*m.target], "amount": f"{m.amount:.2f}"}
                             for m in _moves(locked, list(moves or []))]
        else:
            request.add_partners = sorted(set(add_partners or []))
            request.remove_partners = sorted(set(remove_partners or []))
        _validate(locked, request)
        request.save()
        record("changes.submitted", request, actor=actor, application=locked.application,
               data={"project": locked.reference, "kind": kind, "new_end": new_end.isoformat() if new_end else None,
                     "moves": request.moves, "add": request.add_partners, "remove": request.remove_partners,
                     "reasons": request.reasons})
        events.change_request_submitted.send(ChangeRequest, request=request, actor=actor)
    return request


def _lock(request: ChangeRequest, version: int) -> tuple[FundedProject, ChangeRequest]:
    project = lock_project(request.project)
    current = ChangeRequest.objects.select_for_update().get(pk=request.pk)
    if current.version != version:
        raise Conflict(_("The change request changed after you opened it; read it again."))
    return project, current


def _step(current: ChangeRequest, status: str, fields: list[str]) -> None:
    current.status = status
    current.version += 1
    current.save(update_fields=["status", "version", *fields])


def withdraw_request(request: ChangeRequest, *, actor, version: int) -> ChangeRequest:
    """The lead withdraws a request not yet decided."""
    permissions.check_recipient_lead(actor, request.project, _("Only the lead withdraws a change request."))
    with transaction.atomic():
        project, current = _lock(request, version)
        if current.status not in OPEN:
            raise Conflict(_("The change request has been decided already."))
        _step(current, ChangeRequest.Status.WITHDRAWN, [])
        record("changes.withdrawn", current, actor=actor, application=project.application,
               data={"project": project.reference})
    return current


def approve_request(request: ChangeRequest, *, actor, version: int, reasons: str = "") -> ChangeRequest:
    """An official approves a request; it changes the grant's terms, so it waits for a second official."""
    permissions.check_manages_projects(actor, request.project.call.programme,
                                       _("Only the programme's officials decide change requests."),
                                       project=request.project)
    check_lengths(reasons=reasons)
    with transaction.atomic():
        project, current = _lock(request, version)
        if current.status != ChangeRequest.Status.SUBMITTED:
            raise Conflict(_("The change request is not waiting for a decision."))
        _validate(project, current)
        current.decided_by, current.decided_at = user_of(actor), timezone.now()
        current.decision_reasons = reasons.strip()
        _step(current, ChangeRequest.Status.APPROVED, ["decided_by", "decided_at", "decision_reasons"])
        record("changes.approved", current, actor=actor, application=project.application,
               data={"project": project.reference, "reasons": current.decision_reasons})
    return current


def reject_request(request: ChangeRequest, *, actor, version: int, reasons: str) -> ChangeRequest:
    """An official rejects a request, with the reasons the lead is told (also one approved but not yet confirmed)."""
    permissions.check_manages_projects(actor, request.project.call.programme,
                                       _("Only the programme's officials decide change requests."),
                                       project=request.project)
    check_lengths(reasons=reasons)
    if not reasons.strip():
        raise Invalid({"reasons": [_("Give the reasons for rejecting the change request.")]})
    with transaction.atomic():
        project, current = _lock(request, version)
        if current.status not in OPEN:
            raise Conflict(_("The change request is not waiting for a decision."))
        current.decided_by, current.decided_at = user_of(actor), timezone.now()
        current.decision_reasons = reasons.strip()
        _step(current, ChangeRequest.Status.REJECTED, ["decided_by", "decided_at", "decision_reasons"])
        record("changes.rejected", current, actor=actor, application=project.application,
               data={"project": project.reference, "reasons": current.decision_reasons})
        events.change_request_decided.send(ChangeRequest, request=current, actor=actor)
    return current


def confirm_request(request: ChangeRequest, *, actor, version: int, confirmed: bool,
                    decided_on: date | None = None, shown: str) -> ChangeDecision:
    """The second official confirms an approved request (four eyes, after ticking that it cannot be undone):
    the change takes effect and the amending decision is signed, in one transaction. ``shown`` is the hash of
    the decision's preview they read (``decision.preview_snapshot``, for the same ``decided_on``); a caller that
    shows none (the demo's loader) computes it from that preview too, so the check always runs."""
    from avustus.changes.decision import apply_change, sign_change_decision

    if not confirmed:
        raise Invalid({"confirm": [_("Tick the box to confirm that the amending decision is signed.")]})
    with transaction.atomic():
        project, current = _lock(request, version)
        # Who approved is read from the locked row, not from what the caller holds.
        permissions.check_confirms_change(actor, project.call.programme, current.decided_by_id,
                                          _("An approved change is confirmed by another official of the programme "
                                            "than the one who approved it."), project=project)
        if current.status != ChangeRequest.Status.APPROVED:
            raise Conflict(_("The change request is not waiting for confirmation."))
        _validate(project, current)
        before = apply_change(project, current)
        current.confirmed_by = user_of(actor)
        _step(current, ChangeRequest.Status.DECIDED, ["confirmed_by"])
        decision = sign_change_decision(project, current, before, actor=actor,
                                        decided_on=decided_on or timezone.localdate(), shown=shown)
        events.change_request_decided.send(ChangeRequest, request=current, actor=actor)
    return decision


def _revision_of(project: FundedProject, number: int, request: ChangeRequest | None) -> ProjectRevision:
    budget = [{"category": line.category.code, "member": line.member_id, "amount_vat_free": str(line.amount_vat_free),
               "vat": str(line.vat)} for line in project.budget.select_related("category")]
    schedule = [{"kind": e.kind, "number": e.number, "due_on": e.due_on.isoformat()}
                for e in project.schedule.order_by("due_on", "kind", "number")]
    return ProjectRevision.objects.create(project=project, number=number, change_request=request,
                                          implementation_end=project.implementation_end, budget=budget,
                                          schedule=schedule, members=[m.pk for m in members_in_force(project)])


def revision_final_due(revision: ProjectRevision) -> date | None:
    """The final report's due date in a revision's terms (its kept schedule), None if it had none."""
    return next((date.fromisoformat(e["due_on"]) for e in revision.schedule if e["kind"] == ScheduleEntry.Kind.FINAL),
                None)


def revisions_of(project: FundedProject) -> list[tuple[ProjectRevision, date | None]]:
    """The project's revisions in order, each with its final report's due date (``revision_final_due``)."""
    return [(r, revision_final_due(r))
            for r in project.revisions.select_related("change_request").order_by("number")]


def keep_revision(project: FundedProject, request: ChangeRequest | None) -> ProjectRevision:
    """The project's terms as they are now, kept as its next revision (the first: as decided)."""
    last = project.revisions.order_by("-number").first()
    return _revision_of(project, last.number + 1 if last else 1, request)


def reschedule(project: FundedProject) -> None:
    """The schedule after the end moved: the final report due per the call's distance from the end, and interim
    reports continuing every interval up to it; an entry's date set by an official stays as set (the final
    report's only if it is later than the new one), and an interim report's date announced for the call holds."""
    call = project.call
    if project.implementation_end is None:  # an extension always sets it
        return
    final_due = rules.final_report_due(project.implementation_end, call.implementation_end, call.final_report_due)
    existing = {(e.kind, e.number): e for e in project.schedule.all()}
    # An interim report's date announced for the whole call holds, as when the project was made
    # (``projects.services._schedule``); the final report's follows the new end.
    announced = {(d.kind, d.number): d.due_on for d in call.report_dates.filter(kind=ScheduleEntry.Kind.INTERIM)}
    for due in report_schedule(project.decided_on, call.reporting_interval_months, final_due):
        entry = existing.get((due.kind, due.number))
        due_on = announced.get((due.kind, due.number), due.due_on)
        if entry is None:
            ScheduleEntry.objects.create(project=project, kind=due.kind, number=due.number, due_on=due_on,
                                         computed_due_on=due.due_on)
            continue
        set_by_hand = entry.overridden_by_id is not None or entry.override_reason
        if not set_by_hand:
            entry.due_on = due_on
        elif due.kind == ScheduleEntry.Kind.FINAL:
            # A final report's date set by hand for the old end is no earlier than the new end's: the interim
            # reports now running to the new end stay before it (``rules.schedule.due_date_problem``'s order).
            entry.due_on = max(entry.due_on, due_on)
        entry.computed_due_on = due.due_on
        entry.save(update_fields=["due_on", "computed_due_on"])


def move_budget(project: FundedProject, request: ChangeRequest) -> None:
    after = _check_moves(project, _stored_moves(request))
    members = {m.position: m for m in project.application.members.all()}
    categories = {c.code: c for c in project.call.cost_categories.all()}
    lines = {(line.category.code, line.member.position if line.member else 0): line
             for line in project.budget.select_related("category", "member")}
    for cell, amount in after.items():
        line = lines.get(cell)
        if line is None:
            ApprovedBudgetLine.objects.create(project=project, category=categories[cell[0]], member=members[cell[1]],
                                              amount_vat_free=amount)
        elif line.amount_vat_free != amount:
            line.amount_vat_free = amount
            line.save(update_fields=["amount_vat_free"])


def change_partners(project: FundedProject, request: ChangeRequest) -> None:
    """Added partners join the consortium; a removed one stays on the application's record, out of force."""
    application = project.application
    position = max(application.members.values_list("position", flat=True), default=0)
    for organisation in Organisation.objects.filter(pk__in=request.add_partners).order_by("name_fi"):
        position += 1
        ConsortiumMember.objects.create(application=application, organisation=organisation,
                                        name_as_written=organisation.name_fi, role=ConsortiumMember.Role.PARTNER,
                                        position=position)
    ApprovedBudgetLine.objects.filter(project=project, member_id__in=request.remove_partners).delete()
