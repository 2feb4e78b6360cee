"""Applications in the JSON API: start a draft, read, change, submit and withdraw, for the bodies one acts for."""

from django.utils.translation import gettext as _
from ninja import Router, Status

from avustus.api.auth import AUTH
from avustus.api.schemas import ApplicationIn, ApplicationOut, DraftIn, Errors
from avustus.applications import services
from avustus.applications.models import Application
from avustus.applications.reads import record_read
from avustus.applications.validation import budget_lines_of, members_of
from avustus.calls.selectors import public_call
from avustus.errors import Invalid
from avustus.registry.selectors import organisation_by_key

router = Router(tags=["applications"])

# 400 for a body that is not JSON, 401 without credentials, 403 for a failed CSRF check or a body one does not
# act for, 404 for what the user may not see, 409 for a stale save, 413 for a body over the size limit,
# 422 for invalid input.
ERRORS = {400: Errors, 401: Errors, 403: Errors, 404: Errors, 409: Errors, 413: Errors, 422: Errors}


def _application_out(app: Application) -> dict:
    return {
        "reference": app.reference,
        "call": app.call.slug,
        "status": app.status,
        "version": app.version,
        "title": app.title,
        "plan": app.plan,
        "members": [
            {"key": m.organisation.key if m.organisation else None, "name": str(m), "role": m.role}
            for m in members_of(app)
        ],
        "budget": [
            {"category": b.category.code, "amount_vat_free": f"{b.amount_vat_free:.2f}", "vat": f"{b.vat:.2f}",
             "description": b.description}
            for b in budget_lines_of(app)
        ],
        "amount_applied": f"{app.amount_applied:.2f}",
        "submitted_at": app.submitted_at,
        "withdrawn_at": app.withdrawn_at,
    }


@router.post("/applications", response={201: ApplicationOut, **ERRORS}, auth=AUTH,
             operation_id="avustus_api_create_application")
def create_application(request, payload: ApplicationIn):
    """Start a draft led by ``lead``. Send an ``Idempotency-Key`` header: a retry with it (by the same user,
    for the same lead) returns the draft already made."""
    call = public_call(payload.call)  # a draft call: as if there were none
    lead = organisation_by_key(payload.lead)
    if call is None or lead is None:
        problems = {}
        if call is None:
            problems["call"] = [_("There is no published call with this identifier.")]
        if lead is None:
            problems["lead"] = [_("No body with this identifier in the registry.")]
        raise Invalid(problems)
    application = services.create_draft(call, actor=request.user, organisation=lead, title=payload.title,
                                        idempotency_key=request.headers.get("Idempotency-Key", ""))
    return Status(201, _application_out(application))


@router.get("/applications/{reference}", response={200: ApplicationOut, **ERRORS}, auth=AUTH,
            operation_id="avustus_api_get_application")
def get_application(request, reference: str):
    application = services.access_application(request.user, reference)
    record_read(request.user, application, "application")  # logged only for an official or auditor reading it
    return _application_out(application)


@router.patch("/applications/{reference}", response={200: ApplicationOut, **ERRORS}, auth=AUTH,
              operation_id="avustus_api_update_application")
def update_application(request, reference: str, payload: DraftIn):
    application = services.access_application(request.user, reference, for_edit=True)
    changes = services.DraftChanges(
        title=payload.title,
        plan=payload.plan,
        partners=payload.partners,
        budget=[b.dict() for b in payload.budget] if payload.budget is not None else None,
        amount_applied=payload.amount_applied,
    )
    return _application_out(services.update_draft(application, changes, actor=request.user, version=payload.version))


@router.post("/applications/{reference}/submit", response={200: ApplicationOut, **ERRORS}, auth=AUTH,
             operation_id="avustus_api_submit_application")
def submit_application(request, reference: str):
    """Submit a draft. Send an ``Idempotency-Key`` header: a retry with it returns the same application."""
    application = services.access_application(request.user, reference, for_edit=True)
    key = request.headers.get("Idempotency-Key", "")
    return _application_out(services.submit(application, actor=request.user, idempotency_key=key))


@router.post("/applications/{reference}/withdraw", response={200: ApplicationOut, **ERRORS}, auth=AUTH,
             operation_id="avustus_api_withdraw_application")
def withdraw_application(request, reference: str):
    application = services.access_application(request.user, reference, for_edit=True)
    return _application_out(services.withdraw(application, actor=request.user))
