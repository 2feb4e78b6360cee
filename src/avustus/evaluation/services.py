"""Use cases between the deadline and the decision: screen, assign and score, propose, present, approve.

Four eyes: the presenting official prepares and presents the proposal; a decision-maker who did not
present it approves and signs it. Each use case checks the actor's role, validates, writes and
appends to the audit log in one transaction.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from avustus.accounts.models import Role, RoleGrant
from avustus.accounts.permissions import has_programme_role
from avustus.applications.models import Application, ConsortiumMember
from avustus.applications.services import screening_flags_for
from avustus.audit.chain import record
from avustus.calls.models import Call, GrantGroup
from avustus.decisions.models import Decision, Outcome
from avustus.decisions.services import sign_decision
from avustus.evaluation.models import Assignment, Employment, Proposal, ProposalLine, Screening, Score
from avustus.rules import allocation
from avustus.rules.money import MoneyError, parse_euros
from avustus.rules.collation import finnish_key
from avustus.rules.evaluation import CriterionSpec, ScoreError, summarise, weighted_score

PREPARERS = (Role.OFFICIAL, Role.ADMINISTRATOR)
MAX_REASON = 5_000


def _require(actor, call: Call, roles, message: str) -> None:
    if not has_programme_role(actor, call.programme, roles):
        raise PermissionDenied(message)


def content_version(data) -> str:
    """A hash of what a screen showed, carried by the form that approves it and compared when it comes back."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def refuse_changed(shown: str, current: str, message: str) -> None:
    # An empty or forged version is as stale as an old one: the approver must have seen the content.
    if not isinstance(shown, str) or shown != current:
        raise ValidationError({"version": [message]})


# --- Screening ----------------------------------------------------------------------------------

BASE_CHECKS = ("in_time", "applicants", "consortium", "aid_rate", "eligible_costs", "plan")


def checklist(call: Call) -> list[str]:
    """The codes of a call's screening items: the same general checks for every call, then one per exclusion."""
    return [*BASE_CHECKS, *(f"exclusion:{e.code}" for e in call.exclusions.all())]


def automatic_flags(application: Application) -> list[dict]:
    """Flags raised at submission (or stored by ``recompute_flags``), else computed now without storing."""
    if application.submitted_at is not None or application.screening_flags:
        return list(application.screening_flags)
    return screening_flags_for(application)


def recompute_flags(call: Call, *, actor) -> int:
    """Store the automatic flags of applications that did not come through the e-service (imported rounds)."""
    _require(actor, call, PREPARERS, _("only the programme's officials screen applications"))
    changed = 0
    with transaction.atomic():
        for application in call.applications.filter(submitted_at__isnull=True).exclude(
                status=Application.Status.DRAFT).select_related("call"):
            flags = screening_flags_for(application)
            if flags != application.screening_flags:
                application.screening_flags = flags
                application.save(update_fields=["screening_flags"])
                changed += 1
        record("call.flags_recomputed", call, actor=actor, data={"changed": changed})
    return changed


def screen(application: Application, checks: dict[str, tuple[bool, str]], *, actor) -> Screening:
    """Record the official's checklist. Every item is answered; every failed item says why."""
    call = application.call
    _require(actor, call, PREPARERS, _("only the programme's officials screen applications"))
    if application.status == Application.Status.DRAFT:
        raise Http404
    errors = {}
    items = checklist(call)
    for code in items:
        if code not in checks:
            errors[f"checks.{code}"] = [_("Answer this item.")]
            continue
        passed, reason = checks[code]
        if not passed and not reason.strip():
            errors[f"checks.{code}"] = [_("Say why the application fails this item.")]
        elif len(reason) > MAX_REASON:
            errors[f"checks.{code}"] = [_("At most %(n)s characters.") % {"n": MAX_REASON}]
    for code in checks:
        if code not in items:
            errors[f"checks.{code}"] = [_("The call has no such screening item.")]
    if errors:
        raise ValidationError(errors)
    _refuse_when_frozen(call)
    with transaction.atomic():
        screening, _created = Screening.objects.select_for_update().get_or_create(application=application)
        before = {"checks": screening.checks, "eligible": screening.eligible}
        screening.checks = {code: {"passed": bool(checks[code][0]), "reason": checks[code][1].strip()} for code in items}
        screening.eligible = all(v["passed"] for v in screening.checks.values())
        screening.completed_by = actor
        screening.completed_at = timezone.now()
        screening.save()
        record("application.screened", application, actor=actor,
               data={"before": before, "after": {"checks": screening.checks, "eligible": screening.eligible}})
    return screening


# --- Evaluation ---------------------------------------------------------------------------------


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
    _require(actor, call, PREPARERS, _("only the programme's officials assign reviewers"))
    if not has_programme_role(reviewer, call.programme, (Role.REVIEWER,)):
        raise ValidationError({"reviewer": [_("This person is not a reviewer of the programme.")]})
    if application.status != Application.Status.SUBMITTED:
        raise ValidationError({"__all__": [_("Only submitted applications are evaluated.")]})
    _refuse_when_frozen(call)
    with transaction.atomic():
        assignment, created = Assignment.objects.get_or_create(
            application=application, reviewer=reviewer, defaults={"assigned_by": actor}
        )
        if created:
            if consortium_conflict(application, reviewer):
                assignment.conflict = Assignment.Conflict.EMPLOYED
                assignment.save(update_fields=["conflict"])
            record("review.assigned", application, actor=actor,
                   data={"reviewer": reviewer.get_username(), "conflict": assignment.conflict})
    return assignment


def _own_assignment(assignment: Assignment, actor) -> Assignment:
    # Someone else's assignment does not exist as far as the actor can tell.
    if actor is None or not actor.is_authenticated or assignment.reviewer_id != actor.pk:
        raise Http404
    return assignment


def declare_interests(assignment: Assignment, *, conflicted: bool, reason: str, actor) -> Assignment:
    """The reviewer's own declaration. A conflict found from employment stands whatever is declared."""
    _own_assignment(assignment, actor)
    if conflicted and not reason.strip():
        raise ValidationError({"conflict_reason": [_("Say what the conflict of interest is.")]})
    with transaction.atomic():
        current = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if current.submitted_at is not None:
            raise ValidationError({"__all__": [_("The scores are in; the declaration can no longer change.")]})
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
    _own_assignment(assignment, actor)
    application = assignment.application
    criteria = list(application.call.criteria.all())
    errors: dict[str, list[str]] = {}
    values: dict[str, int] = {}
    for criterion in criteria:
        value, justification = scores.get(criterion.code, (None, ""))
        try:
            values[criterion.code] = int(str(value).strip())
        except (TypeError, ValueError):
            errors[f"scores.{criterion.code}"] = [_("Give a whole number from 0 to %(max)s.") % {"max": criterion.scale_max}]
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
        raise ValidationError(errors)
    _refuse_when_frozen(application.call)
    if not assignment.conflicted and consortium_conflict(application, assignment.reviewer):
        # Employment recorded after the assignment: found now, kept on record, and no score counts.
        with transaction.atomic():
            Assignment.objects.filter(pk=assignment.pk).update(conflict=Assignment.Conflict.EMPLOYED)
            record("review.conflict_found", application, actor=actor, data={"reviewer": actor.get_username()})
        raise PermissionDenied(_("a reviewer with a conflict of interest cannot score this application"))
    with transaction.atomic():
        current = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if current.conflicted:
            raise PermissionDenied(_("a reviewer with a conflict of interest cannot score this application"))
        if current.conflict == Assignment.Conflict.UNDECLARED:
            raise ValidationError({"__all__": [_("Declare your interests before scoring.")]})
        if current.submitted_at is not None:
            raise ValidationError({"__all__": [_("You have already scored this application.")]})
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


# --- Proposal -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComputedProposal:
    call: Call
    proposal: Proposal | None
    result: allocation.Proposal
    applications: dict[str, Application]  # by reference
    lines: dict[str, ProposalLine]  # stored overrides, by reference
    scores: dict[str, Decimal | None]
    seeded_from: Decision | None  # an imported round's recorded decision standing in for overrides


def _seed_overrides(call: Call) -> tuple[dict[str, allocation.Override], Decision | None]:
    """For a round decided outside Avustus, the recorded outcomes stand in for the officials' choices.

    Only the outcomes are taken; the amounts are computed from the amounts applied, which is what
    shows that the call's rounding rule reproduces the decision.
    """
    decision = call.decisions.filter(status=Decision.Status.SIGNED, kind=Decision.Kind.COLLECTIVE).order_by(
        "decided_on", "pk").first()
    if decision is None or decision.source_sha256 == "":
        return {}, None
    reason = _("as decided on %(date)s") % {"date": date_format(decision.decided_on, "SHORT_DATE_FORMAT")}
    overrides = {
        ref: allocation.Override(kind, reason)
        for ref, kind in decision.outcomes.values_list("application__reference", "kind")
        if kind in allocation.OUTCOMES
    }
    return overrides, decision


def compute_proposal(call: Call) -> ComputedProposal:
    """The proposal as it stands: stored overrides plus the allocation rules. A fixed number of queries."""
    proposal = Proposal.objects.filter(call=call).first()
    applications = {
        a.reference: a
        for a in call.applications.exclude(status=Application.Status.DRAFT)
        .select_related("screening")
        # Arrival order breaks ties; imported applications (no submission time) keep their appendix order.
        .order_by(F("submitted_at").asc(nulls_first=True), "source_row", "reference")
    }
    mean_scores: dict[int, list[Decimal]] = {}
    for app_id, score in Assignment.objects.filter(
        application__call=call, submitted_at__isnull=False
    ).exclude(conflict__in=[Assignment.Conflict.DECLARED, Assignment.Conflict.EMPLOYED]).values_list(
        "application_id", "weighted_score"
    ):
        mean_scores.setdefault(app_id, []).append(score)
    scores = {ref: summarise(mean_scores.get(a.pk, [])).mean for ref, a in applications.items()}
    lines = (
        {line.application.reference: line for line in proposal.lines.select_related("application", "combinable_with", "group")}
        if proposal else {}
    )
    overrides = {
        ref: allocation.Override(line.override_outcome, line.override_reason, line.override_amount)
        for ref, line in lines.items() if line.override_outcome
    }
    seeded_from = None
    if not overrides:
        overrides, seeded_from = _seed_overrides(call)

    candidates = [
        allocation.Candidate(ref, app.amount_applied, _safe_eligibility(app), scores[ref],
                             app.status == Application.Status.WITHDRAWN)
        for ref, app in applications.items()
    ]
    result = allocation.propose(
        candidates, budget=call.appropriation or Decimal("0.00"), rule=call.rounding_rule,
        pass_mark=proposal.pass_mark if proposal else None, overrides=overrides,
    )
    return ComputedProposal(call, proposal, result, applications, lines, scores, seeded_from)


def _safe_eligibility(app: Application) -> bool | None:
    try:
        return app.screening.eligible
    except Screening.DoesNotExist:
        return None


def _frozen(call: Call) -> bool:
    """Whether the round's proposal has been presented: from then on what it rests on does not change."""
    return Proposal.objects.filter(call=call).exclude(status=Proposal.Status.DRAFT).exists()


def _refuse_when_frozen(call: Call) -> None:
    if _frozen(call):
        raise ValidationError({"__all__": [
            _("The proposal has been presented; screening and scores no longer change. Ask the decision-maker "
              "to return it first.")]})


def _editable_proposal(call: Call, actor) -> Proposal:
    _require(actor, call, PREPARERS, _("only the programme's officials prepare the proposal"))
    proposal, _created = Proposal.objects.select_for_update().get_or_create(call=call)
    if proposal.status != Proposal.Status.DRAFT:
        raise ValidationError({"__all__": [_("The proposal has been presented; it can no longer be changed.")]})
    return proposal


def parse_grant_amount(value) -> Decimal | None:
    """A positive amount of euros from a form, or None when left empty."""
    if value in (None, ""):
        return None
    try:
        amount = parse_euros(value)
    except MoneyError:
        amount = None
    if amount is None or amount <= 0:
        raise ValidationError({"amount": [_("Write the amount in euros, for example 12 500,00.")]})
    return amount


def set_line(call: Call, application: Application, *, actor, outcome: str = "", amount=None, reason: str = "",
             group: GrantGroup | None = None, special_conditions: list[str] | None = None,
             combinable_with: Application | None = None,
             special_conditions_sv: list[str] | None = None) -> ProposalLine:
    """Override one line of the proposal (outcome, amount, with a reason), or set its group and conditions.

    ``combinable_with`` names another application the grant may later be combined with; the decision
    says so in both grants' conditions, as the 2020 decision did for Turku's two projects.
    """
    if application.call_id != call.pk:
        raise Http404
    if outcome and outcome not in allocation.OUTCOMES:
        raise ValidationError({"outcome": [_("Choose granted, deferred or rejected.")]})
    amount = parse_grant_amount(amount)
    if outcome and not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for setting this line by hand.")]})
    if amount is not None and outcome != allocation.GRANTED:
        raise ValidationError({"amount": [_("Only a grant has an amount.")]})
    if amount is not None and amount > application.amount_applied:
        raise ValidationError({"amount": [_("A grant cannot exceed the amount applied.")]})
    if group is not None and group.call_id != call.pk:
        raise ValidationError({"group": [_("Choose a group of this call.")]})
    if combinable_with is not None and (combinable_with.call_id != call.pk or combinable_with.pk == application.pk):
        raise ValidationError({"combinable_with": [_("Choose another application of this call.")]})
    conditions = [c.strip() for c in (special_conditions or []) if c.strip()]
    conditions_sv = [c.strip() for c in (special_conditions_sv or []) if c.strip()]
    with transaction.atomic():
        proposal = _editable_proposal(call, actor)
        line, _created = ProposalLine.objects.get_or_create(proposal=proposal, application=application)
        before = _line_data(line)
        line.override_outcome = outcome
        line.override_amount = amount
        line.override_reason = reason.strip()[:MAX_REASON]
        line.group = group
        line.special_conditions = conditions
        line.special_conditions_sv = conditions_sv
        line.combinable_with = combinable_with
        line.save()
        record("proposal.line_set", application, actor=actor, data={"before": before, "after": _line_data(line)})
    return line


def _line_data(line: ProposalLine) -> dict:
    return {
        "outcome": line.override_outcome, "amount": str(line.override_amount) if line.override_amount else None,
        "reason": line.override_reason, "group": line.group.code if line.group_id else None,
        "conditions": line.special_conditions, "conditions_sv": line.special_conditions_sv,
        "combinable_with": line.combinable_with.reference if line.combinable_with_id else None,
    }


def set_pass_mark(call: Call, pass_mark, *, actor) -> Proposal:
    try:
        value = None if pass_mark in (None, "") else Decimal(str(pass_mark).replace(",", "."))
    except InvalidOperation:
        value = Decimal("NaN")
    if value is not None and (not value.is_finite() or not 0 <= value <= 100):
        raise ValidationError({"pass_mark": [_("The pass mark is in points from 0 to 100.")]})
    with transaction.atomic():
        proposal = _editable_proposal(call, actor)
        before = str(proposal.pass_mark) if proposal.pass_mark is not None else None
        proposal.pass_mark = value
        proposal.save(update_fields=["pass_mark"])
        record("proposal.pass_mark_set", call, actor=actor, data={"before": before, "after": str(value) if value is not None else None})
    return proposal


def proposal_version(proposal: Proposal | None) -> str:
    """The version of the proposal as presented: what a decision-maker's approval or return must name."""
    if proposal is None:
        return ""
    return content_version({
        "status": proposal.status, "presented": proposal.presented, "presented_at": proposal.presented_at,
        "presented_by": proposal.presented_by_id, "decided_on": proposal.decided_on,
        "title": proposal.presenting_official_title,
    })


def present(call: Call, *, actor, decided_on: date | None = None, presenting_official_title: str = "") -> Proposal:
    """The presenting official puts the proposal forward for decision; what is presented is stored as it is.

    The decision-maker approves exactly these lines: screening and scores are frozen until the
    proposal is returned, and the decision is built from the stored lines, not recomputed. A proposal
    is presented only once the call has closed (applications may arrive until then), with the date of
    the decision and the presenting official's title that the decision states.
    """
    from avustus.accounts.tokens import require_in_person
    require_in_person(actor)  # a person presents, never a script with their API token
    if call.decisions.filter(kind=Decision.Kind.COLLECTIVE).exists():
        raise ValidationError({"__all__": [_("The round already has its collective decision.")]})
    _require(actor, call, PREPARERS, _("only the programme's officials prepare the proposal"))
    call.refresh_from_db(fields=["closes_at"])  # the deadline as stored, not as the caller once read it
    errors = {}
    if call.closes_at is None:
        errors["__all__"] = [_("The call has no deadline; a proposal is presented after the call has closed.")]
    elif call.closes_at > timezone.now():
        errors["__all__"] = [
            _("The call is open until %(time)s (Helsinki time); present the proposal after it has closed.")
            % {"time": timezone.localtime(call.closes_at).strftime("%-d.%-m.%Y %H:%M")}]
    if decided_on is None:
        errors["decided_on"] = [_("Give the date of the decision.")]
    elif call.closes_at is not None and decided_on < timezone.localtime(call.closes_at).date():
        errors["decided_on"] = [_("The decision cannot be dated before the call closed.")]
    title = (presenting_official_title or "").strip()
    if not title:
        errors["presenting_official_title"] = [_("Give your title as the decision states it.")]
    elif len(title) > 200:
        errors["presenting_official_title"] = [_("At most %(n)s characters.") % {"n": 200}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        proposal = _editable_proposal(call, actor)
        computed = compute_proposal(call)
        result = computed.result
        if result.undecided:
            raise ValidationError({"__all__": [
                ngettext("%(n)s application is not yet screened or scored; decide it before presenting.",
                         "%(n)s applications are not yet screened or scored; decide them before presenting.",
                         result.undecided) % {"n": result.undecided}]})
        if result.granted_total > result.budget:
            raise ValidationError({"__all__": [
                _("The grants exceed the appropriation by %(over)s euros; change the lines set by hand.")
                % {"over": result.granted_total - result.budget}]})
        proposal.status = Proposal.Status.PRESENTED
        proposal.presented_by = actor
        proposal.presented_at = timezone.now()
        proposal.decided_on = decided_on
        proposal.presenting_official_title = title
        proposal.presented = _totals(computed)
        proposal.save(update_fields=["status", "presented_by", "presented_at", "decided_on",
                                     "presenting_official_title", "presented"])
        record("proposal.presented", call, actor=actor,
               data={**proposal.presented, "decided_on": decided_on.isoformat(), "title": title})
    return proposal


def _presented_proposal(call: Call, version: str, *, message: str) -> Proposal:
    """The round's proposal, locked, if it is presented as the decision-maker saw it; else a clear refusal."""
    proposal = Proposal.objects.select_for_update(of=("self",)).select_related("presented_by").filter(
        call=call).first()
    if proposal is None or proposal.status != Proposal.Status.PRESENTED:
        raise ValidationError({"__all__": [message]})
    refuse_changed(version, proposal_version(proposal), _(
        "The proposal has changed since you opened it (it was returned or presented again). "
        "Read it again before deciding."))
    return proposal


def return_proposal(call: Call, *, actor, reason: str, version: str) -> Proposal:
    """The decision-maker sends the proposal they read back for changes, saying why."""
    _require(actor, call, (Role.DECISION_MAKER,), _("only a decision-maker returns a proposal"))
    if not reason.strip():
        raise ValidationError({"reason": [_("Say what should change.")]})
    with transaction.atomic():
        proposal = _presented_proposal(call, version, message=_("Only a presented proposal can be returned."))
        proposal.status = Proposal.Status.DRAFT
        proposal.returned_at = timezone.now()
        proposal.returned_by = actor
        proposal.returned_reason = reason.strip()[:MAX_REASON]
        proposal.returned_for_withdrawal = None
        proposal.save(update_fields=["status", "returned_at", "returned_by", "returned_reason",
                                     "returned_for_withdrawal"])
        record("proposal.returned", call, actor=actor, data={"reason": proposal.returned_reason})
    return proposal


def lock_proposal(call: Call) -> Proposal | None:
    """The round's proposal, locked: withdrawal takes this lock before the application's, as approval does."""
    return Proposal.objects.select_for_update().filter(call=call).first()


def take_out_withdrawn(proposal: Proposal | None, application: Application, *, actor) -> bool:
    """An application withdrawn after the proposal was presented sends the proposal back to preparation.

    The presented lines would grant (or decide) an application that no longer exists as such, so the
    official presents the proposal again and the decision-maker is shown why. Called inside the
    withdrawal's transaction, with the proposal locked by ``lock_proposal``.
    """
    if proposal is None or proposal.status != Proposal.Status.PRESENTED:
        return False
    presented = {key: outcome for key, outcome, _amount in proposal.presented.get("lines", [])}
    if presented.get(application.reference, allocation.WITHDRAWN) == allocation.WITHDRAWN:
        return False
    proposal.status = Proposal.Status.DRAFT
    proposal.returned_at = timezone.now()
    proposal.returned_by = actor
    proposal.returned_reason = ""
    proposal.returned_for_withdrawal = application
    proposal.save(update_fields=["status", "returned_at", "returned_by", "returned_reason",
                                 "returned_for_withdrawal"])
    record("proposal.returned", proposal.call, actor=actor, application=application,
           data={"withdrawn": application.reference, "presented_outcome": presented[application.reference]})
    return True


def _totals(computed: ComputedProposal) -> dict:
    """The proposal as presented: every line in ranking order with its outcome and amount, and the totals."""
    result = computed.result
    return {"granted_total": str(result.granted_total), "budget": str(result.budget), "counts": result.counts,
            "lines": [[line.key, line.outcome, str(line.amount) if line.amount is not None else None]
                      for line in result.lines]}


def _title(user) -> str:
    return user.get_full_name() or user.get_username()


def approve(call: Call, *, actor, version: str, decision_maker_title: str = "") -> Decision:
    """A decision-maker other than the presenter approves the proposal they read: the decision is made and signed.

    ``version`` is ``proposal_version`` of the proposal as the decision-maker saw it; a proposal returned
    or presented again meanwhile is refused.
    """
    from avustus.accounts.tokens import require_in_person
    require_in_person(actor)  # a person approves, never a script with their API token
    _require(actor, call, (Role.DECISION_MAKER,), _("only a decision-maker approves a proposal"))
    with transaction.atomic():
        proposal = _presented_proposal(call, version, message=_("Only a presented proposal can be approved."))
        if proposal.presented_by_id == actor.pk:
            raise PermissionDenied(_("the presenting official cannot approve the proposal they presented"))
        call = Call.objects.select_for_update().get(pk=call.pk)  # as stored now, not as the caller read it
        if call.closes_at is None or call.closes_at > timezone.now():
            raise ValidationError({"__all__": [_("The call has not closed; the proposal cannot be approved yet.")]})
        presented = proposal.presented
        lines = [(key, outcome, Decimal(amount) if amount is not None else None)
                 for key, outcome, amount in presented["lines"]]
        # Locked, so that no application is withdrawn between this check and the signature.
        applications = {a.reference: a for a in call.applications.select_for_update().filter(
            reference__in=[k for k, _o, _a in lines])}
        withdrawn = sorted(k for k, outcome, _a in lines if outcome != allocation.WITHDRAWN
                           and applications[k].status == Application.Status.WITHDRAWN)
        if withdrawn:
            raise ValidationError({"__all__": [
                _("Withdrawn after the proposal was presented: %(refs)s. The proposal must be presented again.")
                % {"refs": ", ".join(withdrawn)}]})
        presenting_official_title = proposal.presenting_official_title
        decision = Decision.objects.create(
            call=call, kind=Decision.Kind.COLLECTIVE, decided_on=proposal.decided_on or timezone.localdate(),
            presenting_official=proposal.presented_by, presenting_official_name=_title(proposal.presented_by),
            presenting_official_title=presenting_official_title, decision_maker=actor,
            decision_maker_name=_title(actor), decision_maker_title=decision_maker_title,
            stated_received=len(lines),
            stated_withdrawn=sum(1 for _k, outcome, _a in lines if outcome == allocation.WITHDRAWN),
            stated_applied_total=sum((a.amount_applied for a in applications.values()), Decimal("0.00")),
            stated_granted_total=Decimal(presented["granted_total"]),
        )
        Outcome.objects.bulk_create(_outcomes(decision, proposal, lines, applications))
        proposal.status = Proposal.Status.APPROVED
        proposal.approved_by = actor
        proposal.approved_at = timezone.now()
        proposal.decision = decision
        proposal.save(update_fields=["status", "approved_by", "approved_at", "decision"])
        call.status = Call.Status.DECIDED
        call.save(update_fields=["status"])
        record("proposal.approved", call, actor=actor, data={"decision": decision.pk, **presented})
        return sign_decision(decision, actor=actor)


def _outcomes(decision: Decision, proposal: Proposal, lines, applications) -> list[Outcome]:
    """One outcome per presented line.

    Grants are numbered through the groups in their order and, within a group, by the recipient's name
    in Finnish alphabetical order, as the 2020 decision numbers them (numbers must not reveal the
    ranking); deferrals are numbered apart, by name too.
    """
    call = proposal.call
    groups = {g.pk: g for g in call.groups.all()}
    first_group = min(groups.values(), key=lambda g: g.position, default=None)
    stored = {line.application.reference: line
              for line in proposal.lines.select_related("application", "combinable_with")}
    leads = {
        m.application_id: m
        for m in ConsortiumMember.objects.filter(application__call=call, role=ConsortiumMember.Role.LEAD)
        .select_related("organisation")
    }

    def group_of(key: str) -> GrantGroup | None:
        line = stored.get(key)
        return groups.get(line.group_id) if line and line.group_id else first_group

    def name_of(key: str) -> str:
        lead = leads.get(applications[key].pk)
        if lead is None:
            return ""
        return lead.organisation.name_fi if lead.organisation else lead.name_as_written

    granted = sorted((k for k, outcome, _a in lines if outcome == allocation.GRANTED),
                     key=lambda k: (group_of(k).position if group_of(k) else 0, finnish_key(name_of(k)), k))
    deferred = sorted((k for k, outcome, _a in lines if outcome == allocation.DEFERRED),
                      key=lambda k: (finnish_key(name_of(k)), k))
    numbers = {k: n for n, k in enumerate(granted, start=1)} | {k: n for n, k in enumerate(deferred, start=1)}
    combinable: dict[str, set[str]] = {}
    for key, line in stored.items():
        if line.combinable_with_id:
            combinable.setdefault(key, set()).add(line.combinable_with.reference)
            combinable.setdefault(line.combinable_with.reference, set()).add(key)
    outcomes = []
    for key, outcome, amount in lines:
        conditions = list(stored[key].special_conditions) if key in stored else []
        conditions_sv = list(stored[key].special_conditions_sv) if key in stored else []
        # Swedish documents use the Swedish conditions when the official wrote them, else the Finnish ones;
        # a sentence the system adds goes into the Swedish list only when that list is the one used.
        swedish_used = bool(conditions_sv) or not conditions
        if outcome == allocation.GRANTED:
            for other in sorted(combinable.get(key, ())):
                if other in numbers and other in granted:
                    # Written into the decision as the 2020 decision wrote it.
                    conditions.append(f"Hanke on mahdollista yhdistää avustuksen {numbers[other]} hankkeeseen.")
                    if swedish_used:
                        conditions_sv.append(f"Projektet kan slås samman med projektet i punkt {numbers[other]}.")
        lead = leads.get(applications[key].pk)
        outcomes.append(Outcome(
            decision=decision, application=applications[key], kind=outcome,
            amount_granted=amount if outcome == allocation.GRANTED else None,
            group=group_of(key) if outcome == allocation.GRANTED else None,
            number=numbers.get(key), special_conditions=conditions, special_conditions_sv=conditions_sv,
            recipient=lead.organisation if lead else None,
        ))
    return outcomes
