"""Screens of the e-service: calls for applicants, and an organisation's applications from draft to receipt.

Views read the request, call one service and render; rules and permissions live in the services.
"""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from avustus.applications import attachments, services
from avustus.applications.documents import application_pdf
from avustus.calls.models import Call
from avustus.registry.models import Organisation
from avustus.registry.selectors import search_organisations
from avustus.web.feedback import messages_of

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
            call, actor=request.user, organisation=organisation, idempotency_key=request.POST.get("key", "")
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(messages_of(exc)))
        return redirect("call", slug=call.slug)
    return redirect("my-application", reference=application.reference)



@login_required
def my_applications(request):
    return render(request, "web/apply/mine.html", {"applications": services.applications_of(request.user)})


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
    except Http404:
        editable = False
    errors: dict[str, list[str]] = {}
    query = ""
    if request.method == "POST" and editable and request.POST.get("action") == "autosave":
        return _autosave(request, application)
    if request.method == "POST" and editable:
        changes = _form_values(request, application)
        try:
            application = services.update_draft(
                application, changes, actor=request.user, version=_version(request)
            )
        except ValidationError as exc:
            errors = exc.message_dict
        except services.DraftConflictError as exc:
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
    return _render_form(request, application, editable, errors, query)


def _autosave(request, application):
    """A save the form's script sends while the user types: JSON back, the page stays as it is."""
    try:
        saved = services.update_draft(application, _form_values(request, application), actor=request.user,
                                      version=_version(request))
    except services.DraftConflictError as exc:
        return JsonResponse({"error": str(exc)}, status=409)
    except ValidationError as exc:
        return JsonResponse({"errors": exc.message_dict}, status=422)
    return JsonResponse({"version": saved.version,
                         "message": _("Saved at %(time)s.") % {"time": timezone.localtime().strftime("%H:%M")}})


def _render_form(request, application, editable: bool, errors: dict, query: str):
    call = application.call
    lines = {b.category.code: b for b in application.budget_lines.select_related("category")}
    budget = [(c, lines.get(c.code)) for c in call.cost_categories.all() if c.eligible]
    members = list(application.members.select_related("organisation").order_by("position"))
    taken = {m.organisation_id for m in members}
    found = [o for o in search_organisations(query, kinds=call.partner_kinds) if o.pk not in taken]
    lang = request.LANGUAGE_CODE
    plan = [
        (f, (f.get("label") or {}).get(lang) or (f.get("label") or {}).get("fi") or f["key"],
         application.plan.get(f["key"], ""))
        for f in call.plan_fields
    ]
    return render(
        request,
        "web/apply/form.html",
        {
            "application": application,
            "call": call,
            "editable": editable,
            "errors": errors,
            "members": members,
            "budget": budget,
            "plan": plan,
            "found": found,
            "query": query,
            "maximum": services.maximum_grant(application),
            "aid_rate": call.aid_rate,
            "submit_key": secrets.token_urlsafe(16),
            "attachments": attachments.list_attachments(request.user, application.reference),
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
    attachment, file = attachments.open_attachment(request.user, reference, attachment_id)
    return attachments.download_response(attachment, file)
