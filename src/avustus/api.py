"""The JSON API under /api/v1/: the same use cases as the screens, through the same services.

Errors are JSON: ``{"errors": [{"path": "budget.1.vat", "message": "..."}]}`` with status 422 for
invalid input, 404 for what the user may not see (whether or not it exists), 409 for a stale save.
"""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI, Schema, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as RequestValidationError
from ninja.security import django_auth

from avustus.applications import services
from avustus.applications.models import Application
from avustus.audit.chain import record_read
from avustus.calls.models import Call
from avustus.registry.models import Organisation
from avustus.registry import selectors as registry

api = NinjaAPI(title="Avustus API", version="1", urls_namespace="api-v1")


class ErrorItem(Schema):
    path: str
    message: str


class Errors(Schema):
    errors: list[ErrorItem]


def _errors(request, status: int, items: list[tuple[str, str]]):
    return api.create_response(request, {"errors": [{"path": p, "message": m} for p, m in items]}, status=status)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    items = [(path if path != "__all__" else "", str(m)) for path, messages in exc.message_dict.items() for m in messages]
    return _errors(request, 422, items)


# Where in the request ninja found a problem; the path users see starts inside the body or parameter.
_LOCATIONS = {"body", "query", "path", "header", "cookie", "form", "file"}


@api.exception_handler(RequestValidationError)
def invalid_request(request, exc: RequestValidationError):
    """A request the schema refuses (a missing field, a string for an integer): the API's usual 422."""
    items = []
    for error in exc.errors:
        loc = [str(p) for p in error.get("loc", ())]
        if loc and loc[0] in _LOCATIONS:
            loc = loc[1:]
        if loc and loc[0] == "payload":
            loc = loc[1:]
        items.append((".".join(loc), str(error.get("msg", "invalid"))))
    return _errors(request, 422, items or [("", "invalid request")])


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    """Ninja's own refusals (401 without a session, 403 for a failed CSRF check) in the same shape."""
    return _errors(request, exc.status_code, [("", str(exc.message))])


@api.exception_handler(Http404)
def not_found(request, exc):
    return _errors(request, 404, [("", "not found")])


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return _errors(request, 403, [("", str(exc) or "forbidden")])


@api.exception_handler(services.DraftConflictError)
def conflict(request, exc: services.DraftConflictError):
    return _errors(request, 409, [("version", str(exc))])


# --- Calls and the registry ---------------------------------------------------------------------


class Translated(Schema):
    fi: str
    sv: str
    en: str


class CostCategoryOut(Schema):
    code: str
    name: Translated
    eligible: bool


class CallOut(Schema):
    id: str
    title: Translated
    status: str
    opens_at: datetime | None
    closes_at: datetime | None
    aid_rate: Decimal
    min_municipalities: int
    lead_kinds: list[str]
    partner_kinds: list[str]
    cost_categories: list[CostCategoryOut]
    plan_fields: list[dict]


def _call_out(call: Call) -> dict:
    return {
        "id": call.slug,
        "title": {"fi": call.title_fi, "sv": call.title_sv, "en": call.title_en},
        "status": call.status,
        "opens_at": call.opens_at,
        "closes_at": call.closes_at,
        "aid_rate": call.aid_rate,
        "min_municipalities": call.min_municipalities,
        "lead_kinds": call.lead_kinds,
        "partner_kinds": call.partner_kinds,
        "cost_categories": [
            {"code": c.code, "name": {"fi": c.name_fi, "sv": c.name_sv, "en": c.name_en}, "eligible": c.eligible}
            for c in call.cost_categories.all()
        ],
        "plan_fields": call.plan_fields,
    }


@api.get("/calls", response=list[CallOut], tags=["calls"])
def list_calls(request):
    """Calls that are or were open for applications."""
    calls = Call.objects.exclude(status=Call.Status.DRAFT).prefetch_related("cost_categories").order_by("slug")
    return [_call_out(c) for c in calls]


@api.get("/calls/{call_id}", response={200: CallOut, 400: Errors, 404: Errors}, tags=["calls"])
def get_call(request, call_id: str):
    call = Call.objects.exclude(status=Call.Status.DRAFT).filter(slug=call_id).first()
    if call is None:
        raise Http404
    return _call_out(call)


class OrganisationOut(Schema):
    key: str
    kind: str
    code: str | None
    name_fi: str
    name_sv: str


@api.get("/organisations", response={200: list[OrganisationOut], 400: Errors, 422: Errors}, tags=["registry"])
def search_organisations(request, q: str = "", limit: int = 20):
    """Registry search by the start of a Finnish or Swedish name, for building a consortium."""
    return list(registry.search_organisations(q, limit=limit))


# --- Applications -------------------------------------------------------------------------------


class MemberOut(Schema):
    key: str | None
    name: str
    role: str


class BudgetLineIO(Schema):
    category: str
    amount_vat_free: str
    vat: str = "0.00"
    description: str = ""


class ApplicationOut(Schema):
    reference: str
    call: str
    status: str
    version: int
    title: str
    plan: dict
    members: list[MemberOut]
    budget: list[BudgetLineIO]
    amount_applied: str
    submitted_at: datetime | None
    withdrawn_at: datetime | None


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
            for m in app.members.select_related("organisation").order_by("position")
        ],
        "budget": [
            {"category": b.category.code, "amount_vat_free": f"{b.amount_vat_free:.2f}", "vat": f"{b.vat:.2f}",
             "description": b.description}
            for b in app.budget_lines.select_related("category").order_by("position")
        ],
        "amount_applied": f"{app.amount_applied:.2f}",
        "submitted_at": app.submitted_at,
        "withdrawn_at": app.withdrawn_at,
    }


class ApplicationIn(Schema):
    call: str
    lead: str
    title: str = ""


class DraftIn(Schema):
    version: int
    title: str | None = None
    plan: dict[str, str] | None = None
    partners: list[str] | None = None
    budget: list[BudgetLineIO] | None = None
    amount_applied: str | None = None


# 400 for a body that is not JSON, 401 without a session, 403 for a failed CSRF check or a body one does not
# act for, 404 for what the user may not see, 409 for a stale save, 422 for invalid input.
ERRORS = {400: Errors, 401: Errors, 403: Errors, 404: Errors, 409: Errors, 422: Errors}


@api.post("/applications", response={201: ApplicationOut, **ERRORS}, auth=django_auth, tags=["applications"])
def create_application(request, payload: ApplicationIn):
    call = Call.objects.exclude(status=Call.Status.DRAFT).filter(slug=payload.call).first()  # drafts: as if none
    lead = Organisation.objects.filter(key=payload.lead).first()
    if call is None or lead is None:
        raise ValidationError({"call" if call is None else "lead": ["not found"]})
    application = services.create_draft(call, actor=request.user, organisation=lead, title=payload.title)
    return Status(201, _application_out(application))


@api.get("/applications/{reference}", response={200: ApplicationOut, **ERRORS}, auth=django_auth,
         tags=["applications"])
def get_application(request, reference: str):
    application = services.access_application(request.user, reference)
    record_read(request.user, application, "application")  # logged only for an official or auditor reading it
    return _application_out(application)


@api.patch("/applications/{reference}", response={200: ApplicationOut, **ERRORS}, auth=django_auth,
           tags=["applications"])
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


@api.post("/applications/{reference}/submit", response={200: ApplicationOut, **ERRORS}, auth=django_auth,
          tags=["applications"])
def submit_application(request, reference: str):
    """Submit a draft. Send an ``Idempotency-Key`` header: a retry with it returns the same application."""
    application = services.access_application(request.user, reference, for_edit=True)
    key = request.headers.get("Idempotency-Key", "")
    return _application_out(services.submit(application, actor=request.user, idempotency_key=key))


@api.post("/applications/{reference}/withdraw", response={200: ApplicationOut, **ERRORS}, auth=django_auth,
          tags=["applications"])
def withdraw_application(request, reference: str):
    application = services.access_application(request.user, reference, for_edit=True)
    return _application_out(services.withdraw(application, actor=request.user))

from avustus.api_attachments import router as attachments_router  # noqa: E402
api.add_router("", attachments_router)
