"""The workbench of the calls one works on, and setting up a call: create or copy, rules, publish."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from avustus.accounts.permissions import OFFICIAL_ROLES, PREPARERS, has_programme_role
from avustus.calls import services as call_services
from avustus.calls.models import Call, Programme
from avustus.web.feedback import errors_of, flash
from avustus.web.officials.common import official_call


@login_required
def workbench(request):
    """The calls of the programmes the user works on, with the steps of each."""
    programmes = [p for p in Programme.objects.order_by("slug") if has_programme_role(request.user, p, OFFICIAL_ROLES)]
    if not programmes:
        raise Http404
    calls = Call.objects.filter(programme__in=programmes).select_related("programme").order_by("-closes_at", "slug")
    return render(request, "web/officials/workbench.html", {
        "calls": calls, "programmes": programmes,
        "can_prepare": any(has_programme_role(request.user, p, PREPARERS) for p in programmes),
    })


@login_required
@require_POST
def create_call(request):
    programme = get_object_or_404(Programme, slug=request.POST.get("programme", ""))
    copy_from = request.POST.get("copy_from", "")
    source = Call.objects.filter(slug=copy_from, programme=programme).first() if copy_from else None
    if copy_from and source is None:
        messages.error(request, _("There is no call %(slug)s in this programme to copy.") % {"slug": copy_from})
        return redirect("officials")
    slug, title = request.POST.get("slug", "").strip(), request.POST.get("title_fi", "")
    try:
        if source is not None:
            call = call_services.copy_call(source, slug=slug, title_fi=title.strip() or source.title_fi,
                                           actor=request.user)
        else:
            call = call_services.create_call(programme, slug=slug, title_fi=title, actor=request.user)
    except PermissionDenied:  # errors.NotAllowed too: a programme one does not work on is as if none
        raise Http404 from None
    except ValidationError as exc:
        flash(request, exc)
        return redirect("officials")
    messages.success(request, _("The call was created as a draft."))
    return redirect("officials-setup", call.slug)


@login_required
def call_setup(request, slug: str):
    call = official_call(request, slug)
    errors, values = {}, {}
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in call_services.SCALAR_RULES
                  if name not in ("lead_kinds", "partner_kinds")}
        values["lead_kinds"] = request.POST.getlist("lead_kinds")
        values["partner_kinds"] = request.POST.getlist("partner_kinds")
        parts = {part: request.POST.get(part, "") for part in call_services.PART_FIELDS}
        try:
            if "publish" in request.POST:
                # What is on the screen is what gets published; if publishing is refused, nothing is saved.
                call_services.save_and_publish(call, values, parts, actor=request.user)
                messages.success(request, _("The call is published; its rules are now frozen."))
            else:
                call_services.update_call_rules(call, values, parts, actor=request.user)
                messages.success(request, _("The rules were saved."))
            return redirect("officials-setup", call.slug)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            errors = errors_of(exc)
    call.refresh_from_db()
    parts = {part: request.POST.get(part) if errors else call_services.part_lines(call, part)
             for part in call_services.PART_FIELDS}
    shown = dict(values) if errors else call_services.rules_form_values(call)
    return render(request, "web/officials/setup.html", {
        "call": call, "errors": errors, "parts": parts, "values": shown,
        "editable": call.status == Call.Status.DRAFT and has_programme_role(request.user, call.programme, PREPARERS),
        "kinds": call_services.APPLICANT_KIND_CHOICES, "modes": ("down", "half_up", "up"),
        "part_fields": call_services.PART_FIELDS,
    })
