"""Later decisions: deferred applications decided afterwards, prepared and then signed by a decision-maker."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from avustus.accounts import permissions
from avustus.accounts.permissions import DECIDERS
from avustus.applications.models import Application
from avustus.decisions import amending
from avustus.decisions.documents.render import LANGUAGES
from avustus.decisions.models import Decision
from avustus.decisions.selectors import applications_with_outcomes, current_outcome
from avustus.decisions.signing import preview_html, shown_sha256
from avustus.errors import Conflict
from avustus.evaluation import proposals
from avustus.registry.languages import document_language
from avustus.rules import allocation
from avustus.web.feedback import confirm, flash
from avustus.web.officials.common import form_pk, log_list, official_call, page_of, query_of


@login_required
def later_decisions(request, slug: str):
    """Deferred applications to decide, and prepared decisions waiting for a decision-maker's signature."""
    call = official_call(request, slug)
    if request.method == "POST":
        try:
            if "sign" in request.POST:
                draft = get_object_or_404(Decision, call=call, pk=form_pk(request.POST.get("sign")),
                                          status=Decision.Status.DRAFT, kind=Decision.Kind.AMENDING)
                confirm(request)
                amending.sign_prepared(draft, actor=request.user, version=request.POST.get("version", ""),
                                       shown=request.POST.get("shown", ""))
                messages.success(request, _("The decision was signed; its documents are being made."))
            else:
                application = get_object_or_404(Application, call=call, reference=request.POST.get("application", ""))
                outcome = current_outcome(application)
                if outcome is None:
                    raise Http404
                kind = request.POST.get("outcome", "")
                amount = (proposals.parse_grant_amount(request.POST.get("amount", ""))
                          if kind == allocation.GRANTED else None)
                amending.prepare_later_decision(outcome.decision, {application: (kind, amount)},
                                                     actor=request.user)
                messages.success(request, _("The decision was prepared; a decision-maker signs it."))
        except (Conflict, PermissionDenied) as exc:  # a draft changed meanwhile; a step not one's own
            messages.error(request, str(exc))
        except ValidationError as exc:
            flash(request, exc)
        return redirect("officials-later", call.slug)
    deferred = applications_with_outcomes(call).filter(outcome_kind=allocation.DEFERRED).order_by("reference")
    drafts = (call.decisions.filter(status=Decision.Status.DRAFT, kind=Decision.Kind.AMENDING)
              .select_related("presenting_official").prefetch_related("outcomes__application").order_by("pk"))
    page = page_of(request, deferred)
    # The prepared decisions, unsigned, are not public; the deferred applications' outcomes are.
    if drafts:
        log_list(request, call, "prepared decisions", [o.application for d in drafts for o in d.outcomes.all()])
    # Each draft with the version its signature names: the decision as read on this page.
    versioned = [(draft, amending.draft_version(draft)) for draft in drafts]
    can_decide = permissions.can_decide(request.user, call.programme)
    # The drafts this user may sign: a decision-maker who did not prepare them, as ``sign_prepared`` refuses.
    signs = {draft.pk: permissions.can_sign_decision(request.user, call.programme, draft.presenting_official_id,
                                                     decides=can_decide) for draft in drafts}
    return render(request, "web/officials/later.html", {
        "call": call, "page": page, "drafts": versioned, "signs": signs, "query": query_of(request),
        "outcomes": allocation.OUTCOMES,
        "can_prepare": permissions.can_prepare(request.user, call.programme),
        "can_decide": can_decide,
    })


@login_required
def later_preview(request, slug: str, pk: int):
    """A prepared later decision as the decision-maker would sign it, and the form that signs exactly that."""
    call = official_call(request, slug, DECIDERS)
    draft = get_object_or_404(Decision, call=call, pk=pk, status=Decision.Status.DRAFT, kind=Decision.Kind.AMENDING)
    lang = document_language(request.GET.get("lang"))
    snapshot = amending.preview_prepared(draft, actor=request.user)
    log_list(request, call, "prepared decision", [o.application for o in draft.outcomes.select_related("application")])
    return render(request, "web/officials/decision_preview.html", {
        "call": call, "lang": lang, "document_languages": [(code, f"lang={code}") for code in LANGUAGES],
        "document": mark_safe(preview_html(snapshot, lang)),  # noqa: S308 -- the renderer escapes every text
        "form_action": reverse("officials-later", args=[call.slug]),
        "hidden": [("version", amending.draft_version(draft)), ("shown", shown_sha256(snapshot))],
        "sign_name": "sign", "sign_value": draft.pk, "back": reverse("officials-later", args=[call.slug]),
        "own": not permissions.can_sign_decision(request.user, call.programme, draft.presenting_official_id),
    })
