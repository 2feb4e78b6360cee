"""Screening: the list of a round's applications with their flags, and one application's checklist."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from avustus.api.attachments import download_response
from avustus.applications import attachments
from avustus.applications.models import Application
from avustus.applications.reads import read_dossier
from avustus.evaluation import screening as screening_service
from avustus.evaluation import selectors
from avustus.evaluation.models import Assignment
from avustus.messaging.selectors import messages_about
from avustus.web.feedback import errors_of
from avustus.web.labels import check_label, message_rows
from avustus.web.officials.common import log_list, official_call, query_of
from avustus.web.paging import keyset_page


@login_required
def screening_list(request, slug: str):
    call = official_call(request, slug)
    if request.method == "POST":
        try:
            changed = screening_service.recompute_flags(call, actor=request.user)
        except PermissionDenied:
            raise Http404 from None
        messages.success(request, ngettext("Flags were computed; %(n)s application changed.",
                                           "Flags were computed; %(n)s applications changed.", changed)
                         % {"n": changed})
        return redirect("officials-screening", call.slug)
    state, sort = request.GET.get("state", ""), request.GET.get("sort", "received")
    sort = sort if sort in selectors.SCREENING_SORTS else "received"
    applications, count = selectors.screening_list(call, state=state)
    page = keyset_page(request, applications, selectors.SCREENING_SORTS[sort], count=count)
    log_list(request, call, "screening list", page, page=page.number)
    return render(request, "web/officials/screening_list.html", {
        "call": call, "page": page, "state": state, "sort": sort, "query": query_of(request),
        "sorts": selectors.SCREENING_SORTS,
    })


@login_required
def screen_application(request, reference: str):
    application = get_object_or_404(Application.objects.select_related("call__programme"), reference=reference)
    call = official_call(request, application.call.slug)
    if application.status == Application.Status.DRAFT:
        raise Http404
    items = screening_service.checklist(call)
    errors = {}
    # Not screened yet: the reverse one-to-one raises an AttributeError, which getattr turns into None.
    screening = getattr(application, "screening", None)
    answers = {code: (screening.checks.get(code, {}) if screening else {}) for code in items}
    if request.method == "POST":
        checks = {}
        for code in items:
            answer = request.POST.get(f"{code}.passed")
            if answer in ("yes", "no"):
                checks[code] = (answer == "yes", request.POST.get(f"{code}.reason", ""))
        try:
            screening_service.screen(application, checks, actor=request.user)
            messages.success(request, _("The screening was saved."))
            return redirect("officials-screening", call.slug)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            errors = errors_of(exc)
            answers = {code: {"passed": request.POST.get(f"{code}.passed") == "yes"
                              if request.POST.get(f"{code}.passed") else None,
                              "reason": request.POST.get(f"{code}.reason", "")} for code in items}
    exclusions = {f"exclusion:{e.code}": e for e in call.exclusions.all()}
    # The flags quote the plan, which is never public: the read is logged (Act 906/2019).
    dossier = read_dossier(application, request.user, request.LANGUAGE_CODE, what="screening")
    rows = [{"code": code, "label": check_label(code, exclusions, request.LANGUAGE_CODE), "answer": answers[code],
             "error": errors.get(f"checks.{code}")} for code in items]
    return render(request, "web/officials/screening.html", {
        "call": call, "application": application, "rows": rows, "errors": errors,
        "flags": screening_service.automatic_flags(application), "screening": screening,
        "dossier": dossier, "message_rows": message_rows(messages_about(application)),
    })


@login_required
def dossier_attachment(request, reference: str, attachment_id: int):
    """An attachment for an official, auditor or assigned reviewer: always a download, and the read is logged."""
    def cleared_reviewer(application):
        return Assignment.objects.filter(application=application, reviewer=request.user,
                                         conflict=Assignment.Conflict.NONE).exists()

    return download_response(attachments.open_attachment_as_reader(request.user, reference, attachment_id,
                                                                   cleared_reviewer=cleared_reviewer))
