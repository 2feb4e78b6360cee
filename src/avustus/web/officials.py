"""The officials', reviewers' and decision-makers' screens from call set-up to rectification.

Each view reads the request, calls one service or selector, and renders. Who may do what is decided
in the services (and, for what a user may even see, by ``_official_call``): a page that someone may
not know exists answers 404.
"""

from datetime import date

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from avustus.accounts.models import Role
from avustus.accounts.permissions import OFFICIAL_ROLES, has_programme_role
from avustus.applications import attachments
from avustus.applications.models import Application
from avustus.applications.reads import read_dossier, record_read
from avustus.audit.chain import record_list_read
from avustus.calls import services as call_services
from avustus.calls.models import Call, Programme
from avustus.decisions.models import Decision, Notification
from avustus.decisions.selectors import applications_with_outcomes, current_outcome
from avustus.decisions.services import record_notification
from avustus.evaluation import rectification, selectors, services
from avustus.evaluation.models import Assignment, Proposal, ProposalLine, RectificationRequest, Screening
from avustus.rules import allocation
from avustus.rules.evaluation import rank as rank_by_score
from avustus.web.downloads import download_response
from avustus.web.feedback import errors_of, flash

PAGE_SIZE = 50


def _official_call(request, slug: str, roles=OFFICIAL_ROLES) -> Call:
    call = Call.objects.select_related("programme").filter(slug=slug).first()
    if call is None or not has_programme_role(request.user, call.programme, roles):
        raise Http404
    return call


def _pk(value) -> int:
    """A primary key from a form; anything that is not one finds nothing (0) instead of failing."""
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 18 else 0


def _date(value: str) -> date | None:
    """A date from a form field; a malformed one is refused with the form's usual message."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError({"decided_on": [_("Give the date as YYYY-MM-DD.")]}) from None


def _confirm(request) -> None:
    """Irreversible steps need the box ticked: the form's ``required`` is a courtesy, this is the check."""
    if request.POST.get("confirm") != "yes":
        raise ValidationError({"confirm": [_("Tick the box to confirm: this step cannot be undone.")]})


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _log_list(request, call, what: str, rows) -> None:
    """Log the read of a page of a list of non-public data (Act 906/2019, section 17), with what it showed."""
    record_list_read(request.user, call, what, rows, data={"page": request.GET.get("page", "1")[:10]})


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def workbench(request):
    """The calls of the programmes the user works on, with the steps of each."""
    programmes = [p for p in Programme.objects.order_by("slug") if has_programme_role(request.user, p, OFFICIAL_ROLES)]
    if not programmes:
        raise Http404
    calls = Call.objects.filter(programme__in=programmes).select_related("programme").order_by("-closes_at", "slug")
    return render(request, "web/officials/workbench.html", {
        "calls": calls, "programmes": programmes,
        "can_prepare": any(has_programme_role(request.user, p, services.PREPARERS) for p in programmes),
    })


# --- Call set-up ----------------------------------------------------------------------------------


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
            call = call_services.copy_call(source, slug=slug, title_fi=title.strip() or source.title_fi, actor=request.user)
        else:
            call = call_services.create_call(programme, slug=slug, title_fi=title, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        flash(request, exc)
        return redirect("officials")
    messages.success(request, _("The call was created as a draft."))
    return redirect("officials-setup", call.slug)


@login_required
def call_setup(request, slug: str):
    call = _official_call(request, slug)
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
                with transaction.atomic():
                    call_services.update_call_rules(call, values, parts, actor=request.user)
                    call_services.publish_call(call, actor=request.user)
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
        "editable": call.status == Call.Status.DRAFT and has_programme_role(request.user, call.programme, services.PREPARERS),
        "kinds": call_services.APPLICANT_KIND_CHOICES, "modes": ("down", "half_up", "up"),
        "part_fields": call_services.PART_FIELDS,
    })


# --- Screening ------------------------------------------------------------------------------------


@login_required
def screening_list(request, slug: str):
    call = _official_call(request, slug)
    if request.method == "POST":
        try:
            changed = services.recompute_flags(call, actor=request.user)
        except PermissionDenied:
            raise Http404 from None
        messages.success(request, ngettext("Flags were computed; %(n)s application changed.",
                                           "Flags were computed; %(n)s applications changed.", changed) % {"n": changed})
        return redirect("officials-screening", call.slug)
    state, sort = request.GET.get("state", ""), request.GET.get("sort", "received")
    page = _page(request, selectors.screening_list(call, state=state, sort=sort))
    _log_list(request, call, "screening list", page)
    return render(request, "web/officials/screening_list.html", {
        "call": call, "page": page, "state": state, "sort": sort, "query": _query(request),
        "sorts": selectors.SCREENING_SORTS,
    })


@login_required
def screen_application(request, reference: str):
    application = get_object_or_404(Application.objects.select_related("call__programme"), reference=reference)
    call = _official_call(request, application.call.slug)
    if application.status == Application.Status.DRAFT:
        raise Http404
    items = services.checklist(call)
    errors = {}
    screening = getattr(application, "screening", None) if _has_screening(application) else None
    answers = {code: (screening.checks.get(code, {}) if screening else {}) for code in items}
    if request.method == "POST":
        checks = {}
        for code in items:
            answer = request.POST.get(f"{code}.passed")
            if answer in ("yes", "no"):
                checks[code] = (answer == "yes", request.POST.get(f"{code}.reason", ""))
        try:
            services.screen(application, checks, actor=request.user)
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
    rows = [{"code": code, "label": _check_label(code, exclusions, request.LANGUAGE_CODE), "answer": answers[code],
             "error": errors.get(f"checks.{code}")} for code in items]
    return render(request, "web/officials/screening.html", {
        "call": call, "application": application, "rows": rows, "errors": errors,
        "flags": services.automatic_flags(application), "screening": screening,
        "dossier": dossier,
    })


def _has_screening(application) -> bool:
    try:
        application.screening
    except Screening.DoesNotExist:
        return False
    return True


CHECK_LABELS = {
    "in_time": gettext_lazy("Submitted within the call's window"),
    "applicants": gettext_lazy("The lead and the partners are bodies the call admits"),
    "consortium": gettext_lazy("The consortium has at least the call's minimum number of municipalities"),
    "aid_rate": gettext_lazy("The amount applied is within the aid rate of the eligible costs"),
    "eligible_costs": gettext_lazy("The budget contains only eligible costs"),
    "plan": gettext_lazy("The plan answers every part the call asks for"),
}


def _check_label(code: str, exclusions, lang: str) -> str:
    if code in exclusions:
        return _("Not excluded: %(name)s") % {"name": exclusions[code].text(lang)}
    return CHECK_LABELS[code]


# --- Evaluation -----------------------------------------------------------------------------------


@login_required
def evaluation(request, slug: str):
    call = _official_call(request, slug)
    if request.method == "POST":
        application = get_object_or_404(Application, call=call, reference=request.POST.get("application", ""))
        reviewer = get_user_model().objects.filter(username=request.POST.get("reviewer", "")).first()
        try:
            if reviewer is None:
                raise ValidationError({"reviewer": [_("Choose a reviewer.")]})
            assignment = services.assign_reviewer(application, reviewer, actor=request.user)
            if assignment.conflict == Assignment.Conflict.EMPLOYED:
                messages.warning(request, _("%(user)s works for a member of the consortium and cannot score it.")
                                 % {"user": reviewer.get_username()})
            else:
                messages.success(request, _("The reviewer was assigned."))
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            flash(request, exc)
        return redirect(f"{request.path}?{_query(request)}")
    sort = request.GET.get("sort", "score")
    page = _page(request, selectors.evaluation_list(call, sort=sort))
    _log_list(request, call, "evaluation list", page)
    reviewers = get_user_model().objects.filter(
        role_grants__role=Role.REVIEWER, role_grants__programme=call.programme).order_by("username").distinct()
    return render(request, "web/officials/evaluation.html", {
        "call": call, "page": page, "sort": sort, "sorts": selectors.EVALUATION_SORTS, "query": _query(request),
        "reviewers": reviewers, "criteria": call.criteria.all(),
        "can_assign": has_programme_role(request.user, call.programme, services.PREPARERS),
    })


@login_required
def my_reviews(request):
    return render(request, "web/officials/my_reviews.html", {
        "page": _page(request, selectors.assignments_of(request.user)), "query": _query(request)})


@login_required
def review(request, pk: int):
    assignment = Assignment.objects.select_related("application__call__programme").filter(
        pk=pk, reviewer=request.user).first()
    if assignment is None:
        raise Http404
    application = assignment.application
    criteria = list(application.call.criteria.all())
    errors = {}
    if request.method == "POST":
        try:
            if "declare" in request.POST:
                services.declare_interests(assignment, conflicted=request.POST.get("conflicted") == "yes",
                                           reason=request.POST.get("conflict_reason", ""), actor=request.user)
                messages.success(request, _("Your declaration was recorded."))
            else:
                scores = {c.code: (request.POST.get(f"score.{c.code}", ""), request.POST.get(f"justification.{c.code}", ""))
                          for c in criteria}
                services.submit_scores(assignment, scores, actor=request.user)
                messages.success(request, _("Your scores were recorded."))
            return redirect("review", assignment.pk)
        except PermissionDenied as exc:
            errors = {"__all__": [str(exc)]}
        except ValidationError as exc:
            errors = errors_of(exc)
        assignment.refresh_from_db()
    # The plan and files open once the reviewer has declared no conflict of interest; the read is logged.
    dossier = (read_dossier(application, request.user, request.LANGUAGE_CODE, what="plan")
               if assignment.conflict == Assignment.Conflict.NONE else None)
    scores = {s.criterion_id: s for s in assignment.scores.all()}
    rows = [{"criterion": c, "score": scores.get(c.pk), "posted_value": request.POST.get(f"score.{c.code}", ""),
             "posted_text": request.POST.get(f"justification.{c.code}", ""),
             "errors": errors.get(f"scores.{c.code}", []) + errors.get(f"scores.{c.code}.justification", [])}
            for c in criteria]
    return render(request, "web/officials/review.html", {
        "assignment": assignment, "application": application, "rows": rows, "errors": errors,
        "dossier": dossier,
        "scale": range(0, max((c.scale_max for c in criteria), default=5) + 1),
    })


# --- Proposal -------------------------------------------------------------------------------------


BASIS_LABELS = {
    allocation.BASIS_OVERRIDE: gettext_lazy("set by hand"),
    allocation.BASIS_WITHDRAWN: gettext_lazy("withdrawn"),
    allocation.BASIS_INELIGIBLE: gettext_lazy("ineligible in screening"),
    allocation.BASIS_NOT_SCREENED: gettext_lazy("not screened yet"),
    allocation.BASIS_NOT_SCORED: gettext_lazy("not scored yet"),
    allocation.BASIS_BELOW_PASS_MARK: gettext_lazy("below the pass mark"),
    allocation.BASIS_FUNDED: gettext_lazy("funded in ranking order"),
    allocation.BASIS_NO_FUNDS: gettext_lazy("the appropriation ran out"),
    allocation.BASIS_TOO_SMALL: gettext_lazy("less than the rounding unit"),
}


@login_required
def proposal(request, slug: str):
    call = _official_call(request, slug)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "pass_mark":
                services.set_pass_mark(call, request.POST.get("pass_mark", ""), actor=request.user)
            elif action == "present":
                _confirm(request)
                services.present(call, actor=request.user, decided_on=_date(request.POST.get("decided_on", "")),
                                 presenting_official_title=request.POST.get("presenting_official_title", ""))
                messages.success(request, _("The proposal was presented for decision."))
            elif action == "return":
                services.return_proposal(call, actor=request.user, reason=request.POST.get("reason", ""),
                                         version=request.POST.get("version", ""))
                messages.success(request, _("The proposal was returned for changes."))
            elif action == "approve":
                _confirm(request)
                decision = services.approve(call, actor=request.user, version=request.POST.get("version", ""),
                                            decision_maker_title=request.POST.get("decision_maker_title", ""))
                messages.success(request, _("The decision was made and signed."))
                return redirect("officials-notifications", decision.pk)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            flash(request, exc)
        return redirect("officials-proposal", call.slug)
    computed = services.compute_proposal(call)
    # Equal scores share a rank; the order of the lines is the allocation's (ties in arrival order).
    ranks = rank_by_score(computed.scores, [line.key for line in computed.result.lines])
    lines = [_line_view(computed, line, ranks[line.key]) for line in computed.result.lines]
    page = Paginator(lines, PAGE_SIZE).get_page(request.GET.get("page"))
    _log_list(request, call, "proposal", [row["application"] for row in page])
    stored = computed.proposal
    return render(request, "web/officials/proposal.html", {
        "call": call, "computed": computed, "result": computed.result, "page": page, "proposal": stored,
        "status": stored.status if stored else Proposal.Status.DRAFT,
        "can_prepare": has_programme_role(request.user, call.programme, services.PREPARERS),
        "can_decide": has_programme_role(request.user, call.programme, (Role.DECISION_MAKER,)),
        "presented_by_me": bool(stored and stored.presented_by_id == request.user.pk),
        # What the decision-maker's approval or return names: the proposal as presented when this page was read.
        "version": services.proposal_version(stored),
        "closed": call.closes_at is not None and call.closes_at <= timezone.now(),
        "cut_rank": ranks.get(computed.result.cut) if computed.result.cut else None,
    })


def _line_view(computed, line, rank) -> dict:
    app = computed.applications[line.key]
    stored = computed.lines.get(line.key)
    return {"rank": rank, "line": line, "application": app, "score": computed.scores.get(line.key),
            "basis": BASIS_LABELS[line.basis], "stored": stored,
            "reason": stored.override_reason if stored else (
                computed.seeded_from and line.basis == allocation.BASIS_OVERRIDE and
                _("as decided on %(date)s") % {"date": date_format(computed.seeded_from.decided_on, "SHORT_DATE_FORMAT")})}


@login_required
def proposal_line(request, slug: str, reference: str):
    call = _official_call(request, slug, services.PREPARERS)
    application = get_object_or_404(Application, call=call, reference=reference)
    errors = {}
    if request.method == "POST":
        other = request.POST.get("combinable_with", "").strip()
        # An unknown reference is passed on as the application itself, which the service refuses with its message.
        other_app = (Application.objects.filter(call=call, reference=other).first() or application) if other else None
        try:
            services.set_line(
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


# --- Notification and rectification -----------------------------------------------------------


@login_required
def notifications(request, pk: int):
    decision = get_object_or_404(Decision.objects.select_related("call__programme"), pk=pk)
    call = _official_call(request, decision.call.slug)
    if request.method == "POST":
        application = get_object_or_404(Application, call=call, reference=request.POST.get("application", ""))
        try:
            sent_on = date.fromisoformat(request.POST.get("sent_on", ""))
        except ValueError:
            messages.error(request, _("Give the date as YYYY-MM-DD."))
        else:
            try:
                notification = record_notification(decision, application, channel=request.POST.get("channel", ""),
                                                   sent_on=sent_on, actor=request.user)
                messages.success(request, _("Recorded: deemed received on %(received)s; requests for rectification by %(deadline)s.")
                                 % {"received": date_format(notification.received_on, "SHORT_DATE_FORMAT"),
                                    "deadline": date_format(notification.rectification_deadline, "SHORT_DATE_FORMAT")})
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                flash(request, exc)
        return redirect("officials-notifications", decision.pk)
    outcomes = decision.outcomes.select_related("application").order_by("application__reference")
    page = _page(request, outcomes)
    sent = {}
    for n in Notification.objects.filter(decision=decision, application__in=[o.application_id for o in page]):
        sent.setdefault(n.application_id, []).append(n)
    rows = [{"outcome": o, "notifications": sent.get(o.application_id, [])} for o in page]
    return render(request, "web/officials/notifications.html", {
        "decision": decision, "call": call, "page": page, "rows": rows, "channels": Notification.Channel.choices,
        "today": timezone.localdate().isoformat(),
    })


@login_required
def rectifications(request, slug: str):
    call = _official_call(request, slug)
    errors = {}
    if request.method == "POST":
        decision = get_object_or_404(Decision, call=call, pk=_pk(request.POST.get("decision")))
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
    page = _page(request, selectors.rectification_requests(call))
    _log_list(request, call, "rectification requests", [r.application for r in page])
    return render(request, "web/officials/rectifications.html", {
        "call": call, "page": page, "errors": errors, "posted": request.POST or None,
        "decisions": call.decisions.filter(status=Decision.Status.SIGNED).order_by("decided_on", "pk"),
    })


@login_required
def rectification_request(request, pk: int):
    request_ = get_object_or_404(
        RectificationRequest.objects.select_related("decision__call__programme", "application", "new_decision"), pk=pk)
    call = _official_call(request, request_.decision.call.slug)
    errors = {}
    if request.method == "POST":
        try:
            if "decide" in request.POST:
                _confirm(request)
                rectification.decide(request_, actor=request.user, version=request.POST.get("version", ""))
                messages.success(request, _("The new decision was signed."))
            else:
                rectification.prepare(request_, resolution=request.POST.get("resolution", ""),
                                      reasoning=request.POST.get("reasoning", ""), actor=request.user,
                                      outcome=request.POST.get("outcome", ""), amount=request.POST.get("amount", ""))
                messages.success(request, _("The decision was prepared."))
            return redirect("officials-rectification", request_.pk)
        except PermissionDenied as exc:
            errors = {"__all__": [str(exc)]}
        except ValidationError as exc:
            errors = errors_of(exc)
    before = request_.decision.outcomes.filter(application=request_.application).first()
    record_read(request.user, request_.application, "rectification request", target=request_)
    return render(request, "web/officials/rectification.html", {
        "call": call, "r": request_, "errors": errors, "before": before, "outcomes": allocation.OUTCOMES,
        "can_prepare": has_programme_role(request.user, call.programme, services.PREPARERS),
        "can_decide": has_programme_role(request.user, call.programme, (Role.DECISION_MAKER,)),
        "resolutions": RectificationRequest.Resolution.choices,
        "version": rectification.prepared_version(request_),
    })



@login_required
def later_decisions(request, slug: str):
    """Deferred applications to decide, and prepared decisions waiting for a decision-maker's signature."""
    call = _official_call(request, slug)
    if request.method == "POST":
        try:
            if "sign" in request.POST:
                draft = get_object_or_404(Decision, call=call, pk=_pk(request.POST.get("sign")),
                                          status=Decision.Status.DRAFT, kind=Decision.Kind.AMENDING)
                _confirm(request)
                rectification.sign_prepared(draft, actor=request.user, version=request.POST.get("version", ""))
                messages.success(request, _("The decision was signed."))
            else:
                application = get_object_or_404(Application, call=call, reference=request.POST.get("application", ""))
                outcome = current_outcome(application)
                if outcome is None:
                    raise Http404
                kind = request.POST.get("outcome", "")
                amount = services.parse_grant_amount(request.POST.get("amount", "")) if kind == allocation.GRANTED else None
                rectification.prepare_later_decision(outcome.decision, {application: (kind, amount)},
                                                     actor=request.user)
                messages.success(request, _("The decision was prepared; a decision-maker signs it."))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            flash(request, exc)
        return redirect("officials-later", call.slug)
    deferred = applications_with_outcomes(call).filter(outcome_kind=allocation.DEFERRED).order_by("reference")
    drafts = (call.decisions.filter(status=Decision.Status.DRAFT, kind=Decision.Kind.AMENDING)
              .select_related("presenting_official").prefetch_related("outcomes__application").order_by("pk"))
    page = _page(request, deferred)
    # The prepared decisions, unsigned, are not public; the deferred applications' outcomes are.
    if drafts:
        _log_list(request, call, "prepared decisions", [o.application for d in drafts for o in d.outcomes.all()])
    # Each draft with the version its signature names: the decision as read on this page.
    drafts = [(draft, rectification.draft_version(draft)) for draft in drafts]
    return render(request, "web/officials/later.html", {
        "call": call, "page": page, "drafts": drafts, "query": _query(request),
        "outcomes": allocation.OUTCOMES,
        "can_prepare": has_programme_role(request.user, call.programme, services.PREPARERS),
        "can_decide": has_programme_role(request.user, call.programme, (Role.DECISION_MAKER,)),
    })


@login_required
def dossier_attachment(request, reference: str, attachment_id: int):
    """An attachment for an official, auditor or assigned reviewer: always a download, and the read is logged."""
    def cleared_reviewer(application):
        return Assignment.objects.filter(application=application, reviewer=request.user,
                                         conflict=Assignment.Conflict.NONE).exists()

    return download_response(attachments.open_attachment_as_reader(request.user, reference, attachment_id,
                                                                   cleared_reviewer=cleared_reviewer))
