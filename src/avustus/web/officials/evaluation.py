"""Evaluation: assigning reviewers to a round's applications, and the list of their scores."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html_join
from django.utils.translation import gettext as _

from avustus.accounts.models import Role
from avustus.applications.models import Application
from avustus.evaluation import ranking, reviews, selectors
from avustus.evaluation.models import Assignment
from avustus.web.feedback import flash
from avustus.web.officials.common import log_list, official_call, query_of
from avustus.web.paging import keyset_page


@login_required
def evaluation(request, slug: str):
    call = official_call(request, slug, ranked=request.method == "GET")
    if request.method == "POST":
        application = get_object_or_404(Application, call=call, reference=request.POST.get("application", ""))
        reviewer = get_user_model().objects.filter(username=request.POST.get("reviewer", "")).first()
        try:
            if reviewer is None:
                raise ValidationError({"reviewer": [_("Choose a reviewer.")]})
            assignment = reviews.assign_reviewer(application, reviewer, actor=request.user)
            if assignment.conflict == Assignment.Conflict.EMPLOYED:
                messages.warning(request, _("%(user)s works for a member of the consortium and cannot score it.")
                                 % {"user": reviewer.get_username()})
            else:
                messages.success(request, _("The reviewer was assigned."))
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            flash(request, exc)
        return redirect(f"{request.path}?{query_of(request)}")
    sort = request.GET.get("sort", "score")
    sort = sort if sort in selectors.EVALUATION_SORTS else "score"
    stored = ranking.current(call)
    counts = ranking.totals(stored).counts
    page = keyset_page(request, selectors.evaluation_list(stored), selectors.EVALUATION_SORTS[sort],
                       count=sum(counts.values()) - counts.get("withdrawn", 0))
    log_list(request, call, "evaluation list", [row.application for row in page], page=page.number)
    can_assign = call.may_prepare  # type: ignore[attr-defined]
    reviewers = get_user_model().objects.filter(
        role_grants__role=Role.REVIEWER, role_grants__programme=call.programme).order_by("username").distinct()
    # The same options on every row: written once, not once a row (fifty rows by sixty reviewers is a lot of template).
    options = format_html_join("", "<option>{}</option>", ((r.get_username(),) for r in reviewers)) if (
        can_assign) else ""
    return render(request, "web/officials/evaluation.html", {
        "call": call, "page": page, "sort": sort, "sorts": selectors.EVALUATION_SORTS, "query": query_of(request),
        "reviewer_options": options, "can_assign": can_assign,
    })
