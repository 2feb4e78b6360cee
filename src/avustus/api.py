"""The JSON API under /api/v1/: the same use cases as the screens, through the same services.

Errors are JSON: ``{"errors": [{"path": "budget.1.vat", "message": "..."}]}`` with status 422 for
invalid input, 404 for what the user may not see (whether or not it exists), 409 for a stale save,
401 (with ``WWW-Authenticate: Bearer``) without credentials, 413 for a body over the size limit.

A client authenticates with a personal API token (``Authorization: Bearer avustus_...``, no CSRF
token needed: a browser never adds that header by itself) or with the e-service's session cookie,
which needs the CSRF token as well. Calls and the registry are public.
"""

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestValidationError
from ninja.parser import Parser
from ninja.security import APIKeyCookie, HttpBearer

from avustus.accounts import tokens
from avustus.applications import services
from avustus.applications.models import Application
from avustus.applications.reads import record_read
from avustus.calls.models import Call
from avustus.registry.models import Organisation
from avustus.errors import NotFound
from avustus.registry import selectors as registry

DESCRIPTION = """\
The e-service of Avustus as JSON: read calls and the registry of Finnish public bodies (public), and
start, edit, submit and withdraw applications for the organisations you act for.

**Authentication.** Send a personal API token as `Authorization: Bearer avustus_...`. Create one on
the page *API tokens* of the e-service (in the menu once signed in) or with
`avustus api-token create USERNAME`; it is shown once, is valid for 90 days by default (a year at
most) and can be revoked at any time. A token acts with its user's roles, except for steps that need a
person's own confirmation (presenting, approving, signing, paying), which it is refused with 403.
The e-service's session cookie works too, with the CSRF token in the `X-CSRFToken` header.
A request without credentials to a route that needs them gets 401 with `WWW-Authenticate: Bearer`.

**Errors** are `{"errors": [{"path": "budget.0.vat", "message": "..."}]}`: `path` names the field
inside the body (empty for the request as a whole) and `message` is in the user's language.

**Retries.** Creating an application takes an `Idempotency-Key` header: the same key from the same
user for the same organisation returns the draft already made; submitting with it again returns the
submitted application.
"""


class JsonParser(Parser):
    """JSON bodies, refusing text that cannot be stored: a lone surrogate (``\\ud800``) is valid JSON
    but not valid Unicode, and would fail only when written to the database or the audit log."""

    def parse_body(self, request):
        data = super().parse_body(request)
        path = _lone_surrogate(data, ())
        if path is not None:
            raise LoneSurrogate(path)
        return data


class LoneSurrogate(ValueError):
    def __init__(self, path: tuple):
        super().__init__(path)
        self.path = ".".join(str(p) for p in path)


def _lone_surrogate(value, path: tuple) -> tuple | None:
    """The path of the first string (value or key) with a lone surrogate, or None."""
    if isinstance(value, str):
        return path if any("\ud800" <= c <= "\udfff" for c in value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            if _lone_surrogate(key, ()) is not None:
                return path  # the key itself cannot be echoed back; name the object holding it
            found = _lone_surrogate(item, (*path, key))
            if found is not None:
                return found
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = _lone_surrogate(item, (*path, i))
            if found is not None:
                return found
    return None


api = NinjaAPI(title="Avustus API", version="1", urls_namespace="api-v1", description=DESCRIPTION,
               parser=JsonParser())


class TokenAuth(HttpBearer):
    """A personal API token in ``Authorization: Bearer``; an unknown, expired or revoked one is a 401."""

    # Read by ninja into the OpenAPI security scheme (every openapi_* attribute becomes a key).
    openapi_bearerFormat = "avustus_<43 characters>"
    openapi_description = ("A personal API token, made on the page API tokens of the e-service or with "
                           "`avustus api-token create USERNAME`. No CSRF token is needed.")

    def authenticate(self, request, token):
        found = tokens.authenticate(token)
        if found is None:
            raise InvalidToken()
        request.user = found.user  # the services read the actor from the request, as for a session
        return found.user


class InvalidToken(AuthenticationError):
    pass


class SessionAuth(APIKeyCookie):
    """The e-service's session cookie; the CSRF token is checked only when the session signs someone in,
    so that a request with no credentials at all is a 401 rather than a CSRF refusal."""

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = ("The e-service's session cookie, after signing in at /login/. Requests that change "
                           "something also need the CSRF token in the X-CSRFToken header.")

    def __call__(self, request):
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request, key):
        return request.user if request.user.is_authenticated else None


# Tried in this order: a request with a bearer token is judged by the token alone.
AUTH = [TokenAuth(), SessionAuth()]


class ErrorItem(Schema):
    path: str = Field(description="The field inside the body, dot-separated; empty for the request as a whole",
                      examples=["budget.0.vat"])
    message: str = Field(description="What is wrong, in the user's language",
                         examples=["Write an amount in euros, for example 12500,00."])


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
    """Ninja's own refusals (401 without credentials, 403 for a failed CSRF check, 400 for a body that is
    not JSON) in the same shape."""
    if isinstance(exc.__cause__, LoneSurrogate):  # raised by JsonParser, wrapped by ninja as a 400
        return _errors(request, 422, [(exc.__cause__.path, _(
            "The text contains a character that is not valid Unicode (a lone surrogate); remove it."))])
    if isinstance(exc, InvalidToken):
        response = _errors(request, 401, [("", _("The API token is not valid: it is unknown, expired or revoked."))])
        response["WWW-Authenticate"] = 'Bearer realm="avustus", error="invalid_token"'
        return response
    if isinstance(exc, AuthenticationError):
        response = _errors(request, 401, [("", _(
            "Sign in, or send a personal API token in the header Authorization: Bearer TOKEN."))])
        response["WWW-Authenticate"] = 'Bearer realm="avustus"'
        return response
    return _errors(request, exc.status_code, [("", str(exc.message))])


@api.exception_handler(RequestDataTooBig)
def too_big(request, exc):
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE: Django's own answer would be an HTML page."""
    return _errors(request, 413, [("", _("The request is too large."))])


@api.exception_handler(SuspiciousOperation)
def unreadable(request, exc):
    """Too many form fields or files, a malformed multipart body: a 400 in the API's shape, not HTML."""
    return _errors(request, 400, [("", _("The request cannot be read."))])


@api.exception_handler(Http404)
def not_found(request, exc):
    return _errors(request, 404, [("", "not found")])


@api.exception_handler(NotFound)
def not_found_domain(request, exc):
    return not_found(request, exc)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return _errors(request, 403, [("", str(exc) or "forbidden")])


@api.exception_handler(services.DraftConflictError)
def conflict(request, exc: services.DraftConflictError):
    return _errors(request, 409, [("version", str(exc))])


# --- Calls and the registry ---------------------------------------------------------------------


class Translated(Schema):
    fi: str = Field(examples=["Henkilöstökustannukset"])
    sv: str = Field(examples=["Personalkostnader"])
    en: str = Field(examples=["Staff costs"])


class CostCategoryOut(Schema):
    code: str = Field(description="The code to use as a budget line's category", examples=["staff"])
    name: Translated
    eligible: bool = Field(description="Whether the call pays costs of this category", examples=[True])


class CallOut(Schema):
    id: str = Field(examples=["kuntadigi-2026"])
    title: Translated
    status: str = Field(examples=["published"])
    opens_at: datetime | None = Field(examples=["2026-01-15T08:00:00+02:00"])
    closes_at: datetime | None = Field(examples=["2026-03-31T16:15:00+03:00"])
    aid_rate: Decimal = Field(description="The share of VAT-free eligible costs that can be granted",
                              examples=["0.85"])
    min_municipalities: int = Field(examples=[2])
    lead_kinds: list[str] = Field(description="Kinds of body that may lead", examples=[["municipality"]])
    partner_kinds: list[str] = Field(examples=[["municipality", "joint_authority"]])
    cost_categories: list[CostCategoryOut]
    plan_fields: list[dict] = Field(description="The plan's fields: key (used in an application's plan), "
                                                "required, max_length and label in fi, sv and en",
                                    examples=[[{"key": "objectives", "required": True, "max_length": 5000,
                                                "label": {"fi": "Tavoitteet", "sv": "Mål", "en": "Objectives"}}]])


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
    key: str = Field(description="The key to name the body with as lead or partner", examples=["109"])
    kind: str = Field(examples=["municipality"])
    code: str | None = Field(examples=["109"])
    name_fi: str = Field(examples=["Hämeenlinna"])
    name_sv: str = Field(examples=["Tavastehus"])


@api.get("/organisations", response={200: list[OrganisationOut], 400: Errors, 422: Errors}, tags=["registry"])
def search_organisations(request, q: str = "", limit: int = 20):
    """Registry search by the start of a Finnish or Swedish name, for building a consortium."""
    return list(registry.search_organisations(q, limit=limit))


# --- Applications -------------------------------------------------------------------------------


class MemberOut(Schema):
    key: str | None = Field(description="The body's registry key (see /organisations)", examples=["109"])
    name: str = Field(examples=["Hämeenlinnan kaupunki"])
    role: str = Field(description="lead or partner", examples=["lead"])


class BudgetLineIO(Schema):
    category: str = Field(description="A cost category code of the call (see /calls/{call_id})", examples=["staff"])
    amount_vat_free: str = Field(description="Euros without VAT, as a decimal string with at most two decimals",
                                 examples=["100000.00"])
    vat: str = Field("0.00", description="The VAT in euros", examples=["0.00"])
    description: str = Field("", examples=["Project manager, 12 months"])


class ApplicationOut(Schema):
    reference: str = Field(examples=["kuntadigi-2026-0001"])
    call: str = Field(examples=["kuntadigi-2026"])
    status: str = Field(description="draft, submitted or withdrawn", examples=["draft"])
    version: int = Field(description="Send it back with a change; a change based on an older version is a 409",
                         examples=[1])
    title: str = Field(examples=["Sähköinen asiointi yhteiseksi"])
    plan: dict = Field(description="The call's plan fields by key (see plan_fields of the call)",
                       examples=[{"objectives": "Asiointi sujuvaksi."}])
    members: list[MemberOut]
    budget: list[BudgetLineIO]
    amount_applied: str = Field(description="Euros, a decimal string", examples=["85000.00"])
    submitted_at: datetime | None = Field(examples=["2026-03-20T14:02:11+02:00"])
    withdrawn_at: datetime | None = Field(examples=[None])


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
    call: str = Field(description="The call's id (see /calls)", examples=["kuntadigi-2026"])
    lead: str = Field(description="The lead applicant's registry key (see /organisations); you must act for it",
                      examples=["109"])
    title: str = Field("", examples=["Sähköinen asiointi yhteiseksi"])


class DraftIn(Schema):
    """A change to a draft: the parts left out (or null) stay as they are; a list given replaces the old one."""

    version: int = Field(description="The version the change is based on (from the last answer)", examples=[1])
    title: str | None = Field(None, examples=["Sähköinen asiointi yhteiseksi"])
    plan: dict[str, str] | None = Field(None, description="Plan fields by the call's plan field keys",
                                        examples=[{"objectives": "Asiointi sujuvaksi."}])
    partners: list[str] | None = Field(None, description="Registry keys of the partners, each once, not the lead",
                                       examples=[["853", "091"]])
    budget: list[BudgetLineIO] | None = None
    amount_applied: str | None = Field(None, description="Euros, a decimal string", examples=["85000.00"])


# 400 for a body that is not JSON, 401 without credentials, 403 for a failed CSRF check or a body one does not
# act for, 404 for what the user may not see, 409 for a stale save, 413 for a body over the size limit,
# 422 for invalid input.
ERRORS = {400: Errors, 401: Errors, 403: Errors, 404: Errors, 409: Errors, 413: Errors, 422: Errors}


@api.post("/applications", response={201: ApplicationOut, **ERRORS}, auth=AUTH, tags=["applications"])
def create_application(request, payload: ApplicationIn):
    """Start a draft led by ``lead``. Send an ``Idempotency-Key`` header: a retry with it (by the same user,
    for the same lead) returns the draft already made."""
    call = Call.objects.exclude(status=Call.Status.DRAFT).filter(slug=payload.call).first()  # drafts: as if none
    lead = Organisation.objects.filter(key=payload.lead).first()
    if call is None or lead is None:
        raise ValidationError({"call" if call is None else "lead": ["not found"]})
    application = services.create_draft(call, actor=request.user, organisation=lead, title=payload.title,
                                        idempotency_key=request.headers.get("Idempotency-Key", ""))
    return Status(201, _application_out(application))


@api.get("/applications/{reference}", response={200: ApplicationOut, **ERRORS}, auth=AUTH,
         tags=["applications"])
def get_application(request, reference: str):
    application = services.access_application(request.user, reference)
    record_read(request.user, application, "application")  # logged only for an official or auditor reading it
    return _application_out(application)


@api.patch("/applications/{reference}", response={200: ApplicationOut, **ERRORS}, auth=AUTH,
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


@api.post("/applications/{reference}/submit", response={200: ApplicationOut, **ERRORS}, auth=AUTH,
          tags=["applications"])
def submit_application(request, reference: str):
    """Submit a draft. Send an ``Idempotency-Key`` header: a retry with it returns the same application."""
    application = services.access_application(request.user, reference, for_edit=True)
    key = request.headers.get("Idempotency-Key", "")
    return _application_out(services.submit(application, actor=request.user, idempotency_key=key))


@api.post("/applications/{reference}/withdraw", response={200: ApplicationOut, **ERRORS}, auth=AUTH,
          tags=["applications"])
def withdraw_application(request, reference: str):
    application = services.access_application(request.user, reference, for_edit=True)
    return _application_out(services.withdraw(application, actor=request.user))

from avustus.api_attachments import router as attachments_router  # noqa: E402
api.add_router("", attachments_router)
