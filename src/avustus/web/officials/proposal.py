"""The decision proposal: computed from the scores, lines set by hand, presented, approved or returned."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from avustus.accounts import permissions
from avustus.accounts.permissions import DECIDERS, PREPARERS
from avustus.applications.models import Application
from avustus.applications.reads import record_read
from avustus.decisions import approval
from avustus.decisions.documents.render import LANGUAGES
from avustus.decisions.signing import preview_html, shown_sha256
from avustus.errors import Conflict
from avustus.evaluation import proposals, ranking, selectors
from avustus.evaluation.models import Proposal, ProposalLine
from avustus.registry.languages import document_language
from avustus.rules import allocation
from avustus.web.feedback import confirm, errors_of, flash
from avustus.web.labels import BASIS_LABELS
from avustus.web.officials.common import form_date, log_list, official_call
from avustus.web.paging import keyset_page


@login_required
def proposal(request, slug: str):
    call = official_call(request, slug, ranked=request.method == "GET")
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "pass_mark":
                proposals.set_pass_mark(call, request.POST.get("pass_mark", ""), actor=request.user)
            elif action == "present":
                confirm(request)
                proposals.present(call, actor=request.user, version=request.POST.get("version", ""),
                                  decided_on=form_date(request.POST.get("decided_on", "")),
                                 presenting_official_title=request.POST.get("presenting_official_title", ""))
                messages.success(request, _("The proposal was presented for decision."))
            elif action == "return":
                proposals.return_proposal(call, actor=request.user, reason=request.POST.get("reason", ""),
                                         version=request.POST.get("version", ""))
                messages.success(request, _("The proposal was returned for changes."))
            elif action == "approve":
                confirm(request)
                decision = approval.approve(call, actor=request.user, version=request.POST.get("version", ""),
                                            decision_maker_title=request.POST.get("decision_maker_title", ""),
                                            shown=request.POST.get("shown", ""))
                messages.success(request, _("The decision was made and signed; its documents are being made."))
                return redirect("officials-notifications", decision.pk)
        except (Conflict, PermissionDenied) as exc:  # a proposal changed meanwhile; a step not one's own
            messages.error(request, str(exc))
        except ValidationError as exc:
            flash(request, exc)
        return redirect("officials-proposal", call.slug)
    ranked = ranking.current(call)
    totals = ranking.totals(ranked)
    try:
        stored = call.proposal  # read with the round
    except Proposal.DoesNotExist:
        stored = None
    page = keyset_page(request, selectors.ranked_lines(ranked), selectors.RANKING_ORDER,
                       count=sum(totals.counts.values()))
    rows = selectors.ranked_page(ranked, page.rows)
    page.rows = [_line_view(row, totals) for row in rows]
    log_list(request, call, "proposal", [row["application"] for row in page], page=page.number)
    return render(request, "web/officials/proposal.html", {
        "call": call, "computed": totals, "result": totals, "page": page, "proposal": stored,
        "status": stored.status if stored else Proposal.Status.DRAFT,
        "can_prepare": call.may_prepare,  # type: ignore[attr-defined]
        # Returning is any decision-maker's (``return_proposal``); approving, one who did not present it
        # (``approval.approve``). The roles were asked in the round's query.
        "can_decide": call.may_decide,  # type: ignore[attr-defined]
        "can_approve": permissions.can_sign_decision(
            request.user, call.programme, stored.presented_by_id if stored else None,
            decides=call.may_decide),  # type: ignore[attr-defined]
        # What the decision-maker's approval or return names: the proposal as presented when this page was read.
        "version": proposals.proposal_version(stored),
        # What the presenting official's form names: the proposal as computed when this page was read.
        "present_version": totals.present_version,
        "closed": call.closes_at is not None and call.closes_at <= timezone.now(),
        "cut_rank": totals.cut_rank,
    })


@login_required
def decision_preview(request, slug: str):
    """The decision that approving the presented proposal would make, rendered from its snapshot, and the form
    that signs it: the form carries the snapshot's hash, so what is signed is what this page showed."""
    call = official_call(request, slug, DECIDERS)
    version = request.GET.get("version", "")
    title = request.GET.get("decision_maker_title", "")[:200]
    lang = document_language(request.GET.get("lang"))
    try:
        snapshot = approval.preview(call, actor=request.user, version=version, decision_maker_title=title)
    except (Conflict, PermissionDenied) as exc:
        messages.error(request, str(exc))
        return redirect("officials-proposal", call.slug)
    except ValidationError as exc:
        flash(request, exc)
        return redirect("officials-proposal", call.slug)
    references = [row["reference"] for row in snapshot["appendix"]]
    log_list(request, call, "decision preview", call.applications.filter(reference__in=references))
    query = request.GET.copy()
    shown = shown_sha256(snapshot)
    return render(request, "web/officials/decision_preview.html", {
        "call": call, "lang": lang, "approving": True,
        "document_languages": [(code, _set_lang(query, code)) for code in LANGUAGES],
        "document": mark_safe(preview_html(snapshot, lang)),  # noqa: S308 -- the renderer escapes every text
        "form_action": reverse("officials-proposal", args=[call.slug]), "shown": shown,
        "hidden": [("action", "approve"), ("version", version), ("shown", shown), ("decision_maker_title", title)],
        "back": reverse("officials-proposal", args=[call.slug]),
    })


def _set_lang(query, lang: str) -> str:
    query = query.copy()
    query["lang"] = lang
    return query.urlencode()


def _line_view(row, totals) -> dict:
    line = allocation.Line(row.application.reference, row.outcome or None, row.amount, row.basis)
    stored = row.line
    return {"rank": row.rank, "line": line, "application": row.application, "score": row.score,
            "basis": BASIS_LABELS[line.basis], "stored": stored,
            "reason": stored.override_reason if stored else (
                totals.seeded_on and line.basis == allocation.BASIS_OVERRIDE and
                _("as decided on %(date)s") % {"date": date_format(totals.seeded_on, "SHORT_DATE_FORMAT")})}


@login_required
def proposal_line(request, slug: str, reference: str):
    call = official_call(request, slug, PREPARERS)
    application = get_object_or_404(Application, call=call, reference=reference)
    errors = {}
    if request.method == "POST":
        other = request.POST.get("combinable_with", "").strip()
        # An unknown reference is passed on as the application itself, which the service refuses with its message.
        other_app = (Application.objects.filter(call=call, reference=other).first() or application) if other else None
        try:
            proposals.set_line(
                call, application, actor=request.user, outcome=request.POST.get("outcome", ""),
                amount=request.POST.get("amount", ""), reason=request.POST.get("reason", ""),
                group=call.groups.filter(code=request.POST.get("group", "")).first(),
                special_conditions=request.POST.get("special_conditions", "").splitlines(),
                special_conditions_sv=request.POST.get("special_conditions_sv", "").splitlines(),
                combinable_with=other_app,
            )
            messages.success(request, _("The line was saved."))
            return redirect("officials-proposal", call.slug)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            errors = errors_of(exc)
    line = ProposalLine.objects.filter(proposal__call=call, application=application).first()
    record_read(request.user, application, "proposal line")
    return render(request, "web/officials/proposal_line.html", {
        "call": call, "application": application, "line": line, "errors": errors, "posted": request.POST or None,
        "groups": call.groups.all(), "outcomes": allocation.OUTCOMES,
        "others": call.applications.exclude(pk=application.pk).exclude(status=Application.Status.DRAFT)
        .order_by("reference").values_list("reference", "title"),
    })
