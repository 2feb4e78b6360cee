"""Settling a grant after its accepted final report, and the returns of an amount to return with interest.

``settlement_preview`` computes the figures (``rules.settlement``) from the costs the final report accepted
and what was paid; ``settle`` stores them as an immutable ``Settlement`` when the official names the hash of
the preview they saw; ``approve_settlement`` is the second person's step, naming the same hash. A last
instalment is then applied for and paid as any instalment (``payments.services``): the payable amount is the
settlement's last instalment, since both go by the final report's accepted costs. An amount to return is
returned in parts (``record_return``), each with the section 24 interest on it, its principal attributed to
the latest payments first across the parts (the money paid last is the money left unused).
"""

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
from avustus.errors import Conflict
from avustus.payments.models import PaymentApplication
from avustus.payments.services import counted_costs, paid_total
from avustus.projects.models import FundedProject
from avustus.projects.services import lock_project
from avustus.reports.models import FinalReport
from avustus.rules import settlement as rules
from avustus.rules.interest import Payment, attribute_next
from avustus.settlement.documents import document_data
from avustus.settlement.documents import snapshot_sha256 as _digest
from avustus.settlement.interest import computation_as_dict, interest_on, refuse_more_than_left, returned_principal
from avustus.settlement.models import Return, Settlement
from avustus.settlement.tasks import store_settlement_documents


def _final_report(project: FundedProject) -> FinalReport:
    report = FinalReport.objects.filter(project=project, status=FinalReport.Status.ACCEPTED).first()
    if report is None:
        raise Conflict(_("The grant is settled after the final report is accepted."))
    return report


def _snapshot(project: FundedProject) -> dict:
    report = _final_report(project)
    # The final report's accepted costs as they count: each line of the approved budget caps its own cell, as
    # for every payment (``payments.services.counted_costs``).
    counted = counted_costs(project)
    figures = rules.settle(project.grant, project.aid_rate, counted.counted, paid_total(project))
    payments = [{"number": p.number, "paid_on": p.paid_on.isoformat() if p.paid_on else "",
                 "amount": str(p.amount_paid)}
                for p in project.payment_applications.filter(status=PaymentApplication.Status.PAID)
                .order_by("paid_on", "number")]
    return {
        "project": project.reference, "final_report": report.pk, "final_report_version": report.version,
        "grant": str(figures.grant), "aid_rate": str(figures.aid_rate), "accepted_costs": str(figures.accepted_costs),
        "paid": str(figures.paid), "payments": payments, "final_grant": str(figures.final_grant),
        "last_instalment": str(figures.last_instalment), "to_return": str(figures.to_return),
        "left_unreturned": str(figures.left_unreturned),
        "costs_beyond_budget": [{"category": line.cell[0], "member": line.cell[1], "budget": str(line.budget),
                                 "accepted": str(line.accepted), "counted": str(line.counted)}
                                for line in counted.over],
    }


def settlement_preview(project: FundedProject, *, actor) -> tuple[dict, str]:
    """The settlement's figures as they would be stored now, and the hash the preparing official names."""
    permissions.check_manages_projects(actor, project.call.programme,
                                       _("Only the programme's officials settle grants."), project=project)
    snapshot = _snapshot(project)
    return snapshot, _digest(snapshot)


def settle(project: FundedProject, *, actor, version: str) -> Settlement:
    """An official settles the grant as previewed (``version`` the preview's hash); refused if anything changed."""
    permissions.check_manages_projects(actor, project.call.programme,
                                       _("Only the programme's officials settle grants."), project=project)
    with transaction.atomic():
        locked = lock_project(project)
        if Settlement.objects.filter(project=locked).exists():
            raise Conflict(_("The grant has already been settled."))
        if locked.payment_applications.exclude(status__in=[PaymentApplication.Status.PAID,
                                                           PaymentApplication.Status.REJECTED]).exists():
            raise Conflict(_("A payment is still being handled; settle after it is paid or rejected."))
        snapshot = _snapshot(locked)
        digest = _digest(snapshot)
        if digest != version:
            raise Conflict(_("The figures changed after you opened them; read them again."))
        settlement = Settlement.objects.create(
            project=locked, final_report_id=snapshot["final_report"], grant=Decimal(snapshot["grant"]),
            aid_rate=locked.aid_rate, accepted_costs=Decimal(snapshot["accepted_costs"]),
            paid=Decimal(snapshot["paid"]), final_grant=Decimal(snapshot["final_grant"]),
            last_instalment=Decimal(snapshot["last_instalment"]), to_return=Decimal(snapshot["to_return"]),
            left_unreturned=Decimal(snapshot["left_unreturned"]), snapshot=snapshot, sha256=digest,
            prepared_by=user_of(actor))
        record("settlement.prepared", settlement, actor=actor, application=locked.application,
               data={**snapshot, "sha256": digest})
    return settlement


def approve_settlement(settlement: Settlement, *, actor, version: str) -> Settlement:
    """A second official approves the settlement they read (``version`` its ``sha256``)."""
    project = settlement.project
    with transaction.atomic():
        lock_project(project)
        current = Settlement.objects.select_for_update().get(pk=settlement.pk)
        permissions.check_approves_settlement(actor, project.call.programme, current.prepared_by_id,
                                              _("A settlement is approved by an official of the programme who did "
                                                "not prepare it."), project=project)
        if current.status != Settlement.Status.PREPARED:
            raise Conflict(_("The settlement has already been approved."))
        if version != current.sha256 or _digest(current.snapshot) != current.sha256:
            raise Conflict(_("The settlement is not the one you read; read it again."))
        current.status, current.approved_by, current.approved_at = (Settlement.Status.APPROVED, user_of(actor),
                                                                    timezone.now())
        current.document_data = document_data(current, actor)
        current.save(update_fields=["status", "approved_by", "approved_at", "document_data"])
        record("settlement.approved", current, actor=actor, application=project.application,
               data={"project": project.reference, "sha256": current.sha256, "document": current.document_data})
        # In this transaction, as a signed decision's: an approval that rolls back leaves no task.
        store_settlement_documents.enqueue(current.pk, current.sha256)
        events.settlement_approved.send(Settlement, settlement=current, actor=actor)
        _close_if_done(project, current, actor)
    return current


def _close_if_done(project: FundedProject, settlement: Settlement, actor) -> None:
    """The project is closed once its settlement is approved and nothing is left to pay or to return.

    A last instalment is paid as any instalment, by the payments stage (which needs the project in progress);
    its payment closes the project (``close_after_last_instalment``, on ``events.payment_made``).
    """
    if settlement.status != Settlement.Status.APPROVED:
        return
    if settlement.last_instalment:
        # The payment after the approved settlement is the last instalment (possibly accepted lower, with reasons).
        if paid_total(project) <= settlement.paid:
            return
    elif returned_total(settlement) < settlement.to_return:
        return
    closed = FundedProject.objects.filter(pk=project.pk).exclude(state=FundedProject.State.CLOSED).update(
        state=FundedProject.State.CLOSED, version=F("version") + 1)
    if closed:
        project.state = FundedProject.State.CLOSED
        record("project.closed", project, actor=actor, application=project.application,
               data={"project": project.reference, "settlement": settlement.pk})


def close_after_last_instalment(project: FundedProject, actor) -> None:
    """Inside the payment's transaction (the project's row locked by it): a paid last instalment closes the project."""
    settlement = Settlement.objects.filter(project=project, status=Settlement.Status.APPROVED).first()
    if settlement is not None and settlement.last_instalment:
        _close_if_done(project, settlement, actor)


def returned_total(settlement: Settlement) -> Decimal:
    return settlement.returns.total()


def left_to_return(settlement: Settlement, returned: Decimal | None = None) -> Decimal:
    """What is still to be returned of the amount to return: the amount less the returns recorded (``returned``,
    their total, when the caller already has it). ``record_return`` refuses more than this."""
    return settlement.to_return - (returned_total(settlement) if returned is None else returned)


def settlement_steps(actor, project: FundedProject, settlement: Settlement | None,
                     left: Decimal | None = None) -> frozenset[str]:
    """The steps ``actor`` may take on the project's settlement now, as the services refuse the rest: the
    programme's officials settle a project not settled yet (``settle``; whether its figures can be made yet is
    ``settlement_preview``'s to say), a second official approves a prepared settlement
    (``permissions.can_approve_settlement``, ``approve_settlement``), and the officials record a return on an
    approved one while some of the amount is left to return (``record_return``; ``left`` is ``left_to_return``'s
    answer when the caller has it)."""
    programme = project.call.programme
    manages = permissions.can_manage_projects(actor, programme, project=project)
    if settlement is None:
        return frozenset({"settle"} if manages else ())
    if settlement.status == Settlement.Status.PREPARED:
        approves = permissions.can_approve_settlement(actor, programme, settlement.prepared_by_id, project=project)
        return frozenset({"approve"} if approves else ())
    left = left_to_return(settlement) if left is None else left
    return frozenset({"return"} if manages and left > 0 else ())


def returns_version(settlement: Settlement) -> str:
    """The returns recorded as the settlement's page showed them: the ``version`` its return form sends."""
    return _digest({"returns": list(settlement.returns.order_by("pk").values_list("pk", flat=True))})


def record_return(settlement: Settlement, *, actor, returned_on: date, amount: str | Decimal,
                  version: str) -> Return:
    """An official records a part (or all) of the amount to return as returned, with the interest on it.

    ``version`` (``returns_version``, the page sends it) refuses the same form posted twice; it has no default, so
    no caller records a part twice by leaving it out."""
    project = settlement.project
    permissions.check_manages_projects(actor, project.call.programme,
                                       _("Only the programme's officials record returns."), project=project)
    principal = returned_principal(amount, returned_on)
    with transaction.atomic():
        lock_project(project)
        current = Settlement.objects.select_for_update().get(pk=settlement.pk)
        if current.status != Settlement.Status.APPROVED:
            raise Conflict(_("The settlement has not been approved yet."))
        if version != returns_version(current):
            raise Conflict(_("A return was recorded after you opened the settlement; read it again. Nothing was "
                             "recorded now."))
        before = returned_total(current)
        left = left_to_return(current, before)
        refuse_more_than_left(principal, left)
        paid = [Payment(date.fromisoformat(p["paid_on"]), Decimal(p["amount"])) for p in current.snapshot["payments"]]
        computation = interest_on(principal, attribute_next(before, principal, paid), returned_on)
        entry = Return.objects.create(settlement=current, returned_on=returned_on, amount=principal,
                                      interest=computation.interest, penalty_interest=computation.penalty_interest,
                                      computation=computation_as_dict(computation), recorded_by=user_of(actor))
        record("settlement.returned", entry, actor=actor, application=project.application,
               data={"project": project.reference, "returned_on": returned_on.isoformat(), "amount": str(principal),
                     "interest": str(entry.interest), "left": str(left - principal)})
        _close_if_done(project, current, actor)
    return entry
