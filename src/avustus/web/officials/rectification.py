"""Requests for rectification (Act 688/2001, section 34): registering one, preparing and deciding it."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from avustus.accounts import permissions
from avustus.applications.models import Application
from avustus.applications.reads import record_read
from avustus.decisions import rectification
from avustus.decisions.models import Decision
from avustus.errors import Conflict
from avustus.evaluation import selectors
from avustus.evaluation.models import RectificationRequest
from avustus.rules import allocation
from avustus.web.feedback import confirm, errors_of
from avustus.web.officials.common import form_pk, log_list, official_call, page_of


@login_required
def rectifications(request, slug: str):
    call = official_call(request, slug)
    errors = {}
    if request.method == "POST":
        decision = get_object_or_404(Decision, call=call, pk=form_pk(request.POST.get("decision")))
        application = get_object_or_404(Application, call=call, reference=request.POST.get("application", ""))
        try:
            received_on = date.fromisoformat(request.POST.get("received_on", ""))
        except ValueError:
            errors = {"received_on": [_("Give the date as YYYY-MM-DD.")]}
        else:
            try:
                request_ = rectification.register_request(
                    decision, application, received_on=received_on, requester=request.POST.get("requester", ""),
                    grounds=request.POST.get("grounds", ""), actor=request.user)
                if request_.late:
                    messages.warning(request, _("Registered. The request arrived after the deadline."))
                else:
                    messages.success(request, _("The request was registered."))
                return redirect("officials-rectification", request_.pk)
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                errors = errors_of(exc)
    page = page_of(request, selectors.rectification_requests(call))
    log_list(request, call, "rectification requests", [r.application for r in page])
    return render(request, "web/officials/rectifications.html", {
        "call": call, "page": page, "errors": errors, "posted": request.POST or None,
        "decisions": call.decisions.filter(status=Decision.Status.SIGNED).order_by("decided_on", "pk"),
    })


@login_required
def rectification_request(request, pk: int):
    request_ = get_object_or_404(
        RectificationRequest.objects.select_related("decision__call__programme", "application", "new_decision"), pk=pk)
    call = official_call(request, request_.decision.call.slug)
    errors = {}
    if request.method == "POST":
        try:
            if "decide" in request.POST:
                confirm(request)
                rectification.decide(request_, actor=request.user, version=request.POST.get("version", ""))
                messages.success(request, _("The new decision was signed."))
            else:
                rectification.prepare(request_, resolution=request.POST.get("resolution", ""),
                                      reasoning=request.POST.get("reasoning", ""), actor=request.user,
                                      outcome=request.POST.get("outcome", ""), amount=request.POST.get("amount", ""))
                messages.success(request, _("The decision was prepared."))
            return redirect("officials-rectification", request_.pk)
        except (Conflict, PermissionDenied) as exc:  # prepared again meanwhile; a step not one's own
            errors = {"__all__": [str(exc)]}
        except ValidationError as exc:
            errors = errors_of(exc)
    before = request_.decision.outcomes.filter(application=request_.application).first()
    record_read(request.user, request_.application, "rectification request", target=request_)
    return render(request, "web/officials/rectification.html", {
        "call": call, "r": request_, "errors": errors, "before": before, "outcomes": allocation.OUTCOMES,
        "can_prepare": permissions.can_prepare(request.user, call.programme),
        "can_decide": permissions.can_decide(request.user, call.programme),
        # The new decision is signed by a decision-maker who did not prepare it (``later_decision`` refuses them).
        "can_sign": permissions.can_sign_decision(request.user, call.programme, request_.prepared_by_id),
        "resolutions": RectificationRequest.Resolution.choices,
        "version": rectification.prepared_version(request_),
    })
