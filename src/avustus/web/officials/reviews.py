"""A reviewer's screens: the applications assigned to them, declaring interests and scoring one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from avustus.applications.reads import read_dossier
from avustus.evaluation import reviews, selectors
from avustus.evaluation.models import Assignment
from avustus.web.feedback import errors_of
from avustus.web.officials.common import page_of, query_of


@login_required
def my_reviews(request):
    return render(request, "web/officials/my_reviews.html", {
        "page": page_of(request, selectors.assignments_of(request.user)), "query": query_of(request)})


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
                reviews.declare_interests(assignment, conflicted=request.POST.get("conflicted") == "yes",
                                           reason=request.POST.get("conflict_reason", ""), actor=request.user)
                messages.success(request, _("Your declaration was recorded."))
            else:
                scores = {c.code: (request.POST.get(f"score.{c.code}", ""),
                                   request.POST.get(f"justification.{c.code}", ""))
                          for c in criteria}
                reviews.submit_scores(assignment, scores, actor=request.user)
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
    given = {s.criterion_id: s for s in assignment.scores.all()}
    rows = [{"criterion": c, "score": given.get(c.pk), "posted_value": request.POST.get(f"score.{c.code}", ""),
             "posted_text": request.POST.get(f"justification.{c.code}", ""),
             "errors": errors.get(f"scores.{c.code}", []) + errors.get(f"scores.{c.code}.justification", [])}
            for c in criteria]
    return render(request, "web/officials/review.html", {
        "assignment": assignment, "application": application, "rows": rows, "errors": errors,
        "dossier": dossier,
        "scale": range(0, max((c.scale_max for c in criteria), default=5) + 1),
    })
