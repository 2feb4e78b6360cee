"""Evaluation: reviewers assigned to applications, their declarations of interest, and their scores."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from avustus.accounts.models import RoleGrant
from avustus.accounts.permissions import can_review, check_own_assignment, check_prepares
from avustus.actors import user_of
from avustus.applications.models import Application
from avustus.audit.chain import record
from avustus.errors import Invalid, NotAllowed
from avustus.evaluation.models import Assignment, Employment, Score
from avustus.evaluation.proposals import MAX_REASON, lock_unfrozen
from avustus.rules.evaluation import CriterionSpec, ScoreError, weighted_score


def consortium_conflict(application: Application, reviewer) -> bool:
    """Whether the reviewer works for, or acts for, a member of the application's consortium."""
    orgs = set(application.members.exclude(organisation=None).values_list("organisation_id", flat=True))
    employed = set(Employment.objects.filter(user=reviewer).values_list("organisation_id", flat=True))
    acts_for = set(
        RoleGrant.objects.filter(user=reviewer, organisation__isnull=False).values_list("organisation_id", flat=True)
    )
    return bool(orgs & (employed | acts_for))


def assign_reviewer(application: Application, reviewer, *, actor) -> Assignment:
    """Ask a reviewer of the programme to evaluate an application. Assigning twice gives the same assignment."""
    call = application.call
    check_prepares(actor, call.programme, _("only the programme's officials assign reviewers"))
    if not can_review(reviewer, call.programme):
        raise Invalid({"reviewer": [_("This person is not a reviewer of the programme.")]})
    if application.status != Application.Status.SUBMITTED:
        raise Invalid({"__all__": [_("Only submitted applications are evaluated.")]})
    with transaction.atomic():
        lock_unfrozen(call)
        assignment, created = Assignment.objects.get_or_create(
            application=application, reviewer=reviewer, defaults={"assigned_by": user_of(actor)}
        )
        if created:
            if consortium_conflict(application, reviewer):
                assignment.conflict = Assignment.Conflict.EMPLOYED
                assignment.save(update_fields=["conflict"])
            record("review.assigned", application, actor=actor,
                   data={"reviewer": reviewer.get_username(), "conflict": assignment.conflict})
    return assignment


def declare_interests(assignment: Assignment, *, conflicted: bool, reason: str, actor) -> Assignment:
    """The reviewer's own declaration. A conflict found from employment stands whatever is declared."""
    check_own_assignment(actor, assignment)
    if conflicted and not reason.strip():
        raise Invalid({"conflict_reason": [_("Say what the conflict of interest is.")]})
    with transaction.atomic():
        current = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if current.submitted_at is not None:
            raise Invalid({"__all__": [_("The scores are in; the declaration can no longer change.")]})
        # A conflict once declared or found stands: only the record of it, never the reviewer, could lift it.
        if current.conflict in (Assignment.Conflict.EMPLOYED, Assignment.Conflict.DECLARED):
            return current
        if consortium_conflict(current.application, current.reviewer):
            current.conflict = Assignment.Conflict.EMPLOYED
            current.save(update_fields=["conflict"])
            record("review.conflict_found", current.application, actor=actor, data={"reviewer": actor.get_username()})
            return current
        before = current.conflict
        current.conflict = Assignment.Conflict.DECLARED if conflicted else Assignment.Conflict.NONE
        current.conflict_reason = reason.strip()
        current.save(update_fields=["conflict", "conflict_reason"])
        record("review.interests_declared", current.application, actor=actor,
               data={"before": before, "after": current.conflict, "reason": current.conflict_reason})
    return current


def submit_scores(assignment: Assignment, scores: dict[str, tuple[object, str]], *, actor) -> Assignment:
    """The reviewer's score and justification for every criterion, once, after declaring no conflict."""
    check_own_assignment(actor, assignment)
    application = assignment.application
    criteria = list(application.call.criteria.all())
    errors: dict[str, list[str]] = {}
    values: dict[str, int] = {}
    for criterion in criteria:
        value, justification = scores.get(criterion.code, (None, ""))
        try:
            values[criterion.code] = int(str(value).strip())
        except (TypeError, ValueError):
            errors[f"scores.{criterion.code}"] = [
                _("Give a whole number from 0 to %(max)s.") % {"max": criterion.scale_max}]
            continue
        if not str(justification).strip():
            errors[f"scores.{criterion.code}.justification"] = [_("Justify the score.")]
    if not errors:
        try:
            total = weighted_score(values, [CriterionSpec(c.code, c.weight, c.scale_max) for c in criteria])
        except ScoreError as exc:
            errors[f"scores.{exc.criterion}"] = [
                _("Give a whole number from 0 to %(max)s.")
                % {"max": next((c.scale_max for c in criteria if c.code == exc.criterion), 0)}
            ]
        except ValueError:
            errors["__all__"] = [_("The call has no evaluation criteria.")]
    if errors:
        raise Invalid(errors)
    if not assignment.conflicted and consortium_conflict(application, assignment.reviewer):
        # Employment recorded after the assignment: found now, kept on record, and no score counts.
        with transaction.atomic():
            lock_unfrozen(application.call)
            Assignment.objects.filter(pk=assignment.pk).update(conflict=Assignment.Conflict.EMPLOYED)
            record("review.conflict_found", application, actor=actor, data={"reviewer": actor.get_username()})
        raise NotAllowed(_("a reviewer with a conflict of interest cannot score this application"))
    with transaction.atomic():
        lock_unfrozen(application.call)  # the proposal's lock first, as presentation takes it, then the assignment's
        current = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if current.conflicted:
            raise NotAllowed(_("a reviewer with a conflict of interest cannot score this application"))
        if current.conflict == Assignment.Conflict.UNDECLARED:
            raise Invalid({"__all__": [_("Declare your interests before scoring.")]})
        if current.submitted_at is not None:
            raise Invalid({"__all__": [_("You have already scored this application.")]})
        Score.objects.bulk_create(
            Score(assignment=current, criterion=c, value=values[c.code],
                  justification=str(scores[c.code][1]).strip()[:MAX_REASON])
            for c in criteria
        )
        current.weighted_score = total
        current.submitted_at = timezone.now()
        current.save(update_fields=["weighted_score", "submitted_at"])
        record("review.scored", application, actor=actor,
               data={"scores": values, "weighted_score": str(total)})
    return current

