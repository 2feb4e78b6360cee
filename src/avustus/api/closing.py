"""Closing a project in the JSON API, the recipients' side: the settlement, recovery cases (the lead answers the
hearing here), and the amending decisions of change requests.

Those who see the project read (``projects.services.project_for``); the amending decisions are read as their page
reads them (``changes.services.readable_decisions``, by ``permissions.can_read_change_decision``), so the people of
a partner removed by one still read those up to and including that one; the settlement's returns and documents are
the lead's people's and the officials' (``permissions.can_read_settlement``, as on the project's page). The lead
answers a hearing through the same service as the screen. The officials' steps (settling, preparing, sending back
and signing a recovery decision, recording returns, waivers) are taken in person on the screens and are not routes
here: a token is never asked to move money.
"""

from django.urls import reverse
from ninja import Router

from avustus.accounts import permissions
from avustus.api.auth import AUTH
from avustus.api.closing_schemas import AmendingDecisionOut, HearingResponseIn, RecoveryOut, SettlementOut
from avustus.api.projects import ERRORS, _money
from avustus.changes import services as changes
from avustus.changes.models import ChangeDecision
from avustus.errors import NotFound
from avustus.payments.payment_file import RECEIVABLE_PREFIX, reference_of
from avustus.projects.models import FundedProject
from avustus.projects.services import project_for
from avustus.settlement import recovery as recoveries
from avustus.settlement.models import Recovery, Settlement
from avustus.settlement.receivables import recovery_reference

router = Router(tags=["projects"])

RECOVERY_FORMATS = ("html", "txt", "pdf")


def _link(request, name: str, lang: str, fmt: str, kwargs: dict) -> dict:
    return {"lang": lang, "format": fmt, "url": request.build_absolute_uri(reverse(name, kwargs=kwargs))}


def _return_out(entry) -> dict:
    return {"returned_on": entry.returned_on, "amount": _money(entry.amount), "interest": _money(entry.interest),
            "penalty_interest": _money(entry.penalty_interest), "computation": entry.computation}


def _settlement(project: FundedProject) -> Settlement:
    # As the project's page shows it: once the final report is accepted and the settlement made.
    settlement = Settlement.objects.filter(project=project).first() if project.final_report_accepted_on else None
    if settlement is None:
        raise NotFound()
    return settlement


@router.get("/projects/{reference}/settlement", response={200: SettlementOut, **ERRORS}, auth=AUTH,
            operation_id="avustus_api_get_settlement")
def get_settlement(request, reference: str):
    """The grant as settled after the final report: the figures and their status, the amount to return with its
    reference number and the returns recorded with their interest, and links to the signed documents."""
    project = project_for(request.user, reference)
    settlement = _settlement(project)
    reads = permissions.can_read_settlement(request.user, project)
    approved = settlement.status == Settlement.Status.APPROVED
    return {
        "status": settlement.status, "grant": _money(settlement.grant), "aid_rate": f"{settlement.aid_rate:.4f}",
        "accepted_costs": _money(settlement.accepted_costs), "paid": _money(settlement.paid),
        "final_grant": _money(settlement.final_grant), "last_instalment": _money(settlement.last_instalment),
        "to_return": _money(settlement.to_return), "left_unreturned": _money(settlement.left_unreturned),
        "sha256": settlement.sha256, "approved_at": settlement.approved_at,
        "reference_number": reference_of(RECEIVABLE_PREFIX, settlement.pk)
        if approved and settlement.to_return > 0 else None,
        "returns": [_return_out(r) for r in settlement.returns.all()] if reads else None,
        "documents": [_link(request, "settlement-document", d.lang, d.format,
                            {"reference": project.reference, "lang": d.lang, "format": d.format})
                      for d in settlement.documents.defer("content")] if reads and approved else [],
    }


def _recovery_out(request, recovery: Recovery) -> dict:
    decided = recovery.status == Recovery.Status.DECIDED
    decision = None
    if decided and recovery.snapshot and recovery.due_on and recovery.decided_on:
        snapshot = recovery.snapshot
        decision = {
            "decided_on": recovery.decided_on, "due_on": recovery.due_on, "amount": _money(recovery.amount),
            "interest": snapshot["computation"]["interest"], "total": snapshot["total"],
            "computation": snapshot["computation"], "sha256": recovery.sha256,
            "reference_number": recovery_reference(recovery), "amount_due": _money(recoveries.amount_due(recovery)),
            "documents": [_link(request, "recovery-document", lang, fmt, {
                "reference": recovery.project.reference, "pk": recovery.pk, "lang": lang, "fmt": fmt})
                for lang in ("fi", "sv") for fmt in RECOVERY_FORMATS],
        }
    return {
        "id": recovery.pk, "status": recovery.status,
        "ground": f"{recovery.ground_section} § {recovery.ground_subsection}", "amount": _money(recovery.amount),
        "reasons": recovery.reasons, "ground_known_on": recovery.ground_known_on,
        "hearing_sent_on": recovery.hearing_sent_on, "hearing_deadline": recovery.hearing_deadline,
        "response": recovery.response, "responded_at": recovery.responded_at,
        "version": recoveries.hearing_version(recovery), "decision": decision,
        "returns": [_return_out(r) for r in recovery.returns.all()] if decided else [],
        # Only what took effect: a proposed waiver is the officials' until a second person confirms it.
        "waivers": [{"principal": _money(w.principal), "interest": w.interest, "reasons": w.reasons,
                     "decided_at": w.confirmed_at} for w in recovery.waivers.in_force()] if decided else [],
    }


def _recovery(request, reference: str, pk: int) -> Recovery:
    project = project_for(request.user, reference)
    recovery = Recovery.objects.select_related("project__call__programme", "project__application").filter(
        project=project, pk=pk).first()
    if recovery is None:
        raise NotFound()
    return recovery


@router.get("/projects/{reference}/recoveries", response={200: list[RecoveryOut], **ERRORS}, auth=AUTH,
            operation_id="avustus_api_list_recoveries")
def list_recoveries(request, reference: str):
    """The project's recovery cases (sections 21–29 of Act 688/2001), the oldest first: the hearing, the decision's
    figures and due date once signed, the returns and waivers."""
    project = project_for(request.user, reference)
    return [_recovery_out(request, r) for r in recoveries.recoveries_of(project, actor=request.user)]


@router.get("/projects/{reference}/recoveries/{pk}", response={200: RecoveryOut, **ERRORS}, auth=AUTH,
            operation_id="avustus_api_get_recovery")
def get_recovery(request, reference: str, pk: int):
    return _recovery_out(request, _recovery(request, reference, pk))


@router.post("/projects/{reference}/recoveries/{pk}/response", response={200: RecoveryOut, **ERRORS}, auth=AUTH,
             operation_id="avustus_api_respond_to_recovery_hearing")
def respond_to_recovery_hearing(request, reference: str, pk: int, payload: HearingResponseIn):
    """Answer the hearing request before the decision is prepared, once, naming the case's ``version`` you read;
    the lead only. Send an ``Idempotency-Key`` header: a retry of the same answer with it returns the case instead
    of a 409."""
    recovery = _recovery(request, reference, pk)
    if (request.headers.get("Idempotency-Key") and recovery.responded_at is not None
            and recovery.responded_by_id == request.user.pk and recovery.response == payload.response.strip()):
        return _recovery_out(request, recovery)
    return _recovery_out(request, recoveries.respond_to_hearing(recovery, actor=request.user,
                                                                response=payload.response, version=payload.version))


def _amending_decision_out(request, project: FundedProject, decision: ChangeDecision) -> dict:
    return {"id": decision.pk, "change_request": decision.request_id, "kind": decision.request.kind,
            "decided_on": decision.decided_on, "signed_at": decision.signed_at, "sha256": decision.snapshot_sha256,
            "snapshot": decision.snapshot,
            "documents": [_link(request, "project-change-decision", lang, "html",
                                {"reference": project.reference, "pk": decision.pk, "lang": lang})
                          for lang in ("fi", "sv")]}


@router.get("/projects/{reference}/amending-decisions", response={200: list[AmendingDecisionOut], **ERRORS},
            auth=AUTH, operation_id="avustus_api_list_amending_decisions")
def list_amending_decisions(request, reference: str):
    """The signed amending decisions of the project's change requests, the earliest first, with the data as signed
    and links to the decision in Finnish and Swedish. A partner removed by an amending decision lists those up to
    and including the one that removed it."""
    project, decisions = changes.readable_decisions(request.user, reference)
    return [_amending_decision_out(request, project, d) for d in decisions]


@router.get("/projects/{reference}/amending-decisions/{pk}", response={200: AmendingDecisionOut, **ERRORS},
            auth=AUTH, operation_id="avustus_api_get_amending_decision")
def get_amending_decision(request, reference: str, pk: int):
    """One signed amending decision, for those who may read it (as in the list)."""
    project, [decision] = changes.readable_decisions(request.user, reference, pk)
    return _amending_decision_out(request, project, decision)
