"""Screens of the e-service: calls for applicants, and an organisation's applications from draft to receipt.

Views read the request, call one service and render; rules and permissions live in the services.
"""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from avustus.api.attachments import download_response
from avustus.applications import attachments, services
from avustus.calls.models import Call
from avustus.calls.texts import plan_field_label
from avustus.decisions.selectors import current_outcome, with_current_outcome
from avustus.errors import Conflict, NotFound
from avustus.registry.languages import document_language
from avustus.registry.models import Organisation
from avustus.registry.selectors import search_organisations
from avustus.web.feedback import confirm, error_summary, messages_of
from avustus.web.receipt import application_pdf

VISIBLE = (Call.Status.PUBLISHED, Call.Status.CLOSED, Call.Status.DECIDED)


def calls(request):
    listed = Call.objects.filter(status__in=VISIBLE).select_related("programme").order_by("-closes_at")
    open_calls = [c for c in listed if services.accepts_applications(c)]
    past = [c for c in listed if c not in open_calls]
    return render(request, "web/apply/calls.html", {"open_calls": open_calls, "past_calls": past})


def call_detail(request, slug: str):
    call = get_object_or_404(Call.objects.filter(status__in=VISIBLE).select_related("programme"), slug=slug)
    is_open = services.accepts_applications(call)
    return render(
        request,
        "web/apply/call.html",
        {
            "call": call,
            "is_open": is_open,
            "organisations": services.organisations_of(request.user),
            "create_key": secrets.token_urlsafe(16),
            "aid_percent": f"{call.aid_rate * 100:.0f}",
        },
    )


@login_required
@require_POST
def start(request, slug: str):
    call = get_object_or_404(Call.objects.filter(status__in=VISIBLE), slug=slug)  # a draft call is not known to exist
    organisation = Organisation.objects.filter(key=request.POST.get("organisation", "")).first()
    if organisation is None:
        raise Http404
    try:
        application = services.create_draft(
            call, actor=request.user, organisation=organisation, idempotency_key=request.POST.get("key", ""),
            reuse_empty=True,
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(messages_of(exc)))
        return redirect("call", slug=call.slug)
    return redirect("my-application", reference=application.reference)



@login_required
def my_applications(request):
    applications = with_current_outcome(services.applications_of(request.user))
    return render(request, "web/apply/mine.html", {"applications": applications})


# The call's texts that tell a recipient what follows a grant, in the order a recipient meets them.
AFTER_GRANT_TEXTS = ("payment", "interim", "final", "instructions")


def _decided(request, application) -> dict:
    """What the applicant's own page shows once a decision is signed: outcome, amount, letter, next steps."""
    outcome = current_outcome(application)
    if outcome is None:
        return {"outcome": None}
    lang = document_language(request.LANGUAGE_CODE)
    texts = application.call.texts or {}

    def text(key: str) -> str:
        value = texts.get(key) or {}
        return value.get(lang) or value.get("fi") or ""

    notification = (application.notifications.filter(decision=outcome.decision)
                    .order_by("-sent_on", "-id").first())
    next_steps = [t for t in (text(k) for k in AFTER_GRANT_TEXTS) if t] if outcome.kind == "granted" else []
    return {
        "outcome": outcome,
        "next_steps": next_steps,
        "rectification": text("rectification") if outcome.kind in ("granted", "rejected") else "",
        "notification": notification,
        "letter_languages": [("fi", _("Finnish")), ("sv", _("Swedish"))],
    }


def _version(request) -> int:
    """The version the form was read at; -1 (which the service refuses) when it is not a whole number."""
    value = request.POST.get("version", "0").strip() or "0"
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else -1


def _form_values(request, application) -> services.DraftChanges:
    call = application.call
    categories = [c for c in call.cost_categories.all() if c.eligible]
    budget = []
    for c in categories:
        vat_free = request.POST.get(f"budget.{c.code}.vat_free", "").strip()
        vat = request.POST.get(f"budget.{c.code}.vat", "").strip()
        if vat_free or vat:
            budget.append({"category": c.code, "amount_vat_free": vat_free or "0", "vat": vat or "0"})
    partners = [k for k in request.POST.getlist("partner") if k]
    added = request.POST.get("add_partner", "")
    if added:
        partners.append(added)
    removed = request.POST.get("remove_partner", "")
    partners = [k for k in partners if k != removed]
    return services.DraftChanges(
        title=request.POST.get("title", ""),
        plan={f["key"]: request.POST.get(f"plan.{f['key']}", "") for f in call.plan_fields},
        partners=list(dict.fromkeys(partners)),
        budget=budget,
        amount_applied=request.POST.get("amount_applied", "").strip() or "0",
    )


@login_required
def my_application(request, reference: str):
    """The application: an editable form while it is a draft for the lead's users, read-only otherwise."""
    application = services.access_application(request.user, reference)
    try:
        editable = application.status == application.Status.DRAFT and bool(
            services.access_application(request.user, reference, for_edit=True)
        )
    except NotFound:  # may read, may not edit
        editable = False
    errors: dict[str, list[str]] = {}
    query = ""
    posted_budget: list[str] = []
    if request.method == "POST" and editable and request.POST.get("action") == "autosave":
        return _autosave(request, application)
    if request.method == "POST" and editable:
        changes = _form_values(request, application)
        # The services number budget lines in the order they were sent: the form's filled-in categories.
        posted_budget = [line["category"] for line in changes.budget or []]  # the form always sends a list
        try:
            application = services.update_draft(
                application, changes, actor=request.user, version=_version(request)
            )
        except ValidationError as exc:
            errors = exc.message_dict
        except (services.DraftConflictError, Conflict) as exc:
            messages.error(request, str(exc))
            return redirect("my-application", reference=reference)
        else:
            if request.POST.get("action") == "submit":
                try:
                    services.submit(application, actor=request.user, idempotency_key=request.POST.get("key", ""))
                except ValidationError as exc:
                    errors = exc.message_dict
                else:
                    return redirect("receipt", reference=reference)
            elif not errors:
                messages.success(request, _("Saved."))
                if request.POST.get("search_partner") is not None:
                    query = request.POST.get("partner_query", "")
                else:
                    return redirect("my-application", reference=reference)
        application = services.access_application(request.user, reference)
    return _render_form(request, application, editable, errors, query, posted_budget)


def _autosave(request, application):
    """A save the form's script sends while the user types: JSON back, the page stays as it is."""
    try:
        saved = services.update_draft(application, _form_values(request, application), actor=request.user,
                                      version=_version(request))
    except (services.DraftConflictError, Conflict) as exc:
        return JsonResponse({"error": str(exc)}, status=409)
    except ValidationError as exc:
        return JsonResponse({"errors": exc.message_dict}, status=422)
    return JsonResponse({"version": saved.version,
                         "message": _("Saved at %(time)s.") % {"time": timezone.localtime().strftime("%H:%M")}})


def _form_fields(call, plan, categories, posted_budget: list[str], errors: dict) -> dict[str, tuple[str | None, str]]:
    """Every error path the application's services and rules use, mapped to the form's input and label."""
    fields: dict[str, tuple[str | None, str]] = {
        "title": ("title", _("Name of the project")),
        "members": ("partner_query", _("Consortium")),
        "amount_applied": ("amount_applied", _("Amount applied, euros")),
    }
    for field, label, _value in plan:
        fields[f"plan.{field['key']}"] = (f"plan-{field['key']}", label)
    if categories:
        fields["budget"] = (f"budget-{categories[0].code}-vat_free", _("Budget"))
    names = {c.code: c.text(translation.get_language() or "fi") for c in categories}
    for path in errors:
        head, _dot, rest = path.partition(".")
        if head == "members":
            fields[path] = ("partner_query", _("Consortium"))
        elif head == "budget" and rest:
            index, _dot, part = rest.partition(".")
            code = posted_budget[int(index)] if index.isdigit() and int(index) < len(posted_budget) else None
            if code in names:
                if part == "vat":
                    fields[path] = (f"budget-{code}-vat", _("%(category)s, VAT") % {"category": names[code]})
                else:
                    fields[path] = (f"budget-{code}-vat_free",
                                    _("%(category)s, without VAT") % {"category": names[code]})
    return fields


def _render_form(request, application, editable: bool, errors: dict, query: str, posted_budget=None):
    call = application.call
    lines = {b.category.code: b for b in application.budget_lines.select_related("category")}
    categories = [c for c in call.cost_categories.all() if c.eligible]
    members = list(application.members.select_related("organisation").order_by("position"))
    taken = {m.organisation_id for m in members}
    # Former municipalities are offered only for a call whose deadline they lived to see.
    on = timezone.localdate(call.closes_at) if call.closes_at else timezone.localdate()
    found = [o for o in search_organisations(query, kinds=call.partner_kinds, on=on) if o.pk not in taken]
    lang = request.LANGUAGE_CODE
    # A refused save stored nothing: the form shows what the user typed, to be corrected, not the stored values.
    typed = request.POST if request.method == "POST" and errors else None
    plan = [
        (f, plan_field_label(f, lang),
         typed.get(f"plan.{f['key']}", "") if typed is not None else application.plan.get(f["key"], ""))
        for f in call.plan_fields
    ]
    if not posted_budget:
        posted_budget = [b.category.code for b in application.budget_lines.select_related("category")
                         .order_by("position")]
    summary = error_summary(errors, _form_fields(call, plan, categories, posted_budget, errors))
    by_input: dict[str, list[str]] = {}
    for item in summary:
        if item.target:
            by_input.setdefault(item.target, []).append(item.message)
    def stored(code: str, field: str):
        line = lines.get(code)
        return getattr(line, field) if line is not None else ""

    budget = [
        (c,
         typed.get(f"budget.{c.code}.vat_free", "") if typed is not None else stored(c.code, "amount_vat_free"),
         typed.get(f"budget.{c.code}.vat", "") if typed is not None else stored(c.code, "vat"),
         by_input.get(f"budget-{c.code}-vat_free", []), by_input.get(f"budget-{c.code}-vat", []))
        for c in categories
    ]
    shown = {
        "title": typed.get("title", "") if typed is not None else application.title,
        "amount_applied": typed.get("amount_applied", "") if typed is not None else application.amount_applied,
    }
    return render(
        request,
        "web/apply/form.html",
        {
            "application": application,
            "call": call,
            "editable": editable,
            "errors": errors,
            "error_summary": summary,
            "shown": shown,
            "members": members,
            "budget": budget,
            "plan": plan,
            "found": found,
            "query": query,
            "maximum": services.maximum_grant(application),
            "aid_rate": call.aid_rate,
            "submit_key": secrets.token_urlsafe(16),
            "attachments": attachments.list_attachments(request.user, application.reference),
            "can_withdraw": services.can_withdraw(request.user, application),
            **_decided(request, application),
        },
        status=422 if errors else 200,
    )


@login_required
def receipt(request, reference: str):
    application = services.access_application(request.user, reference)
    if application.status == application.Status.DRAFT:
        return redirect("my-application", reference=reference)
    return render(request, "web/apply/receipt.html", {"application": application})


@login_required
def application_copy(request, reference: str):
    """A PDF copy of the application as it stands (as submitted, once submitted)."""
    application = services.access_application(request.user, reference)
    response = HttpResponse(application_pdf(application, request.LANGUAGE_CODE), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{application.reference}.pdf"'
    return response


@login_required
@require_POST
def withdraw(request, reference: str):
    application = services.access_application(request.user, reference, for_edit=True)
    try:
        confirm(request)  # withdrawal cannot be undone
        services.withdraw(application, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(messages_of(exc)))
    else:
        messages.success(request, _("The application was withdrawn."))
    return redirect("my-application", reference=reference)


@login_required
@require_POST
def add_attachment(request, reference: str):
    application = services.access_application(request.user, reference, for_edit=True)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to attach."))
        return redirect("my-application", reference=reference)
    try:
        attachments.add_attachment(application, upload, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(messages_of(exc)))
    else:
        messages.success(request, _("The document was attached."))
    return redirect("my-application", reference=reference)


@login_required
@require_POST
def remove_attachment(request, reference: str, attachment_id: int):
    attachment = attachments.attachment_for_edit(request.user, reference, attachment_id)
    try:
        attachments.remove_attachment(attachment, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(messages_of(exc)))
    return redirect("my-application", reference=reference)


@login_required
def download_attachment(request, reference: str, attachment_id: int):
    """Always a download, never shown inline from this origin."""
    return download_response(attachments.open_attachment(request.user, reference, attachment_id))
