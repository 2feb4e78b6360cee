"""Change requests in the JSON API, the recipients' side: list a project's requests, submit one, withdraw one.

The lead submits and withdraws (``changes.services``, the same service as the screens); the recipients and the
programme's officials read. The officials' decision steps (approve, reject, confirm as an amending decision) are
taken in person on the screens and are not routes here.
"""

from datetime import date, datetime

from ninja import Field, Router, Schema, Status

from avustus.api.auth import AUTH
from avustus.api.schemas import Errors
from avustus.changes import services as changes
from avustus.changes.models import ChangeRequest
from avustus.errors import NotFound
from avustus.projects.services import project_for

router = Router(tags=["projects"])

# 400 a body that is not JSON, 401 no credentials, 403 not the lead, 404 a project the user may not see, 409 a
# request open already or one moved on meanwhile (a stale ``version``), 422 invalid input (an extension beyond the
# appropriation's period of use, a move below what was accepted).
ERRORS = {400: Errors, 401: Errors, 403: Errors, 404: Errors, 409: Errors, 413: Errors, 422: Errors}
MONEY = "Euros, a decimal string with two decimals"


class MoveIn(Schema):
    source_category: str = Field(description="The call's cost category code", examples=["cost-1"])
    source_member: int = Field(description="The consortium member's position (0 is the lead)", examples=[0])
    target_category: str = Field(examples=["cost-3"])
    target_member: int = Field(examples=[1])
    amount: str = Field(description=MONEY, examples=["12500.00"])


class ChangeRequestIn(Schema):
    kind: str = Field(description="extension, budget or partners", examples=["extension"])
    reasons: str = Field(examples=["Hankinta viivästyi toimittajan konkurssin vuoksi."])
    new_end: date | None = Field(None, description="An extension: the new end of implementation",
                                 examples=["2021-12-31"])
    moves: list[MoveIn] = Field(default_factory=list, description="A change of the budget")
    add_partners: list[int] = Field(default_factory=list, description="Organisation ids to add as partners",
                                    examples=[[]])
    remove_partners: list[int] = Field(default_factory=list, description="Consortium member ids to remove",
                                       examples=[[]])


class WithdrawIn(Schema):
    version: int = Field(description="The request's version you read", examples=[1])


class ChangeRequestOut(Schema):
    id: int = Field(examples=[4])
    kind: str = Field(examples=["extension"])
    status: str = Field(description="submitted, withdrawn, rejected, approved (awaiting a second official) or "
                                    "decided (an amending decision made)", examples=["submitted"])
    version: int = Field(examples=[1])
    reasons: str = Field(examples=["Hankinta viivästyi toimittajan konkurssin vuoksi."])
    new_end: date | None = Field(examples=["2021-12-31"])
    moves: list[dict] = Field(examples=[[{"from": ["cost-1", 0], "to": ["cost-3", 1], "amount": "12500.00"}]])
    add_partners: list[int] = Field(examples=[[]])
    remove_partners: list[int] = Field(examples=[[]])
    submitted_at: datetime = Field(examples=["2021-09-30T10:00:00+03:00"])
    decision_reasons: str = Field(examples=["Viivästys ei johdu tuensaajasta."])
    amending_decision: dict | None = Field(description="The signed amending decision: its date and hash",
                                           examples=[{"decided_on": "2021-10-01", "sha256": "…"}])


def _out(request: ChangeRequest) -> dict:
    decision = getattr(request, "decision", None) if request.status == ChangeRequest.Status.DECIDED else None
    return {"id": request.pk, "kind": request.kind, "status": request.status, "version": request.version,
            "reasons": request.reasons, "new_end": request.new_end, "moves": request.moves,
            "add_partners": request.add_partners, "remove_partners": request.remove_partners,
            "submitted_at": request.submitted_at, "decision_reasons": request.decision_reasons,
            "amending_decision": {"decided_on": decision.decided_on, "sha256": decision.snapshot_sha256}
            if decision else None}


@router.get("/projects/{reference}/changes", response={200: list[ChangeRequestOut], **ERRORS}, auth=AUTH,
            operation_id="avustus_api_list_change_requests")
def list_change_requests(request, reference: str):
    """The project's change requests, the latest first."""
    project = project_for(request.user, reference)
    return [_out(r) for r in project.change_requests.select_related("decision")]


@router.post("/projects/{reference}/changes", response={201: ChangeRequestOut, **ERRORS}, auth=AUTH,
             operation_id="avustus_api_submit_change_request")
def submit_change_request(request, reference: str, payload: ChangeRequestIn):
    """Apply for a change to the project, with reasons: an extension of the implementation period (not beyond the
    appropriation's period of use), a move of the budget between cost categories or members, or a change of
    partners. One request at a time; the lead only."""
    project = project_for(request.user, reference)
    moves = [changes.MoveInput(m.source_category, m.source_member, m.target_category, m.target_member, m.amount)
             for m in payload.moves]
    return Status(201, _out(changes.submit_request(
        project, actor=request.user, kind=payload.kind, reasons=payload.reasons, new_end=payload.new_end,
        moves=moves, add_partners=payload.add_partners, remove_partners=payload.remove_partners)))


@router.post("/projects/{reference}/changes/{pk}/withdraw", response={200: ChangeRequestOut, **ERRORS}, auth=AUTH,
             operation_id="avustus_api_withdraw_change_request")
def withdraw_change_request(request, reference: str, pk: int, payload: WithdrawIn):
    """Withdraw a request not yet decided, naming the version you read; the lead only."""
    project = project_for(request.user, reference)
    change = ChangeRequest.objects.filter(project=project, pk=pk).first()
    if change is None:
        raise NotFound()
    return _out(changes.withdraw_request(change, actor=request.user, version=payload.version))
