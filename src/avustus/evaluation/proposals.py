"""The proposal: computed from screening and scores, set by hand where the officials choose, presented, returned.

Once presented, the proposal freezes what it rests on: screening, assignments, scores and its lines
change only after the decision-maker returns it. Every service that the freeze concerns calls
``lock_unfrozen`` inside its own transaction, so the check and the write happen under the proposal's
row lock and a presentation cannot slip in between. The decision made on a presented proposal is
``decisions.approval``'s.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from avustus.accounts.permissions import check_decides, check_prepares
from avustus.actors import user_of
from avustus.applications.models import Application
from avustus.audit.chain import record
from avustus.calls.models import Call, GrantGroup
from avustus.errors import Invalid, NotFound
from avustus.evaluation.models import Assignment, Proposal, ProposalLine, Screening
from avustus.evaluation.ranking import mark_stale
from avustus.rules import allocation
from avustus.rules.evaluation import summarise
from avustus.rules.money import MoneyError, parse_euros
from avustus.texts import limit_message

MAX_REASON = 5_000

# The decisions app's values, named here without importing it (decisions comes after evaluation).
SIGNED, COLLECTIVE = "signed", "collective"


def content_version(data) -> str:
    """A hash of what a screen showed, carried by the form that approves it and compared when it comes back."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def refuse_changed(shown: str, current: str, message: str) -> None:
    # An empty or forged version is as stale as an old one: the approver must have seen the content.
    if not isinstance(shown, str) or shown != current:
        raise Invalid({"version": [message]})


@dataclass(frozen=True)
class ComputedProposal:
    call: Call
    proposal: Proposal | None
    result: allocation.Proposal
    applications: dict[str, Application]  # by reference
    lines: dict[str, ProposalLine]  # stored overrides, by reference
    scores: dict[str, Decimal | None]
    seeded_from: object | None  # decisions.Decision: an imported round's recorded decision standing in for overrides


def _seed_overrides(call: Call) -> tuple[dict[str, allocation.Override], object | None]:
    """For a round decided outside Avustus, the recorded outcomes stand in for the officials' choices.

    Only the outcomes are taken; the amounts are computed from the amounts applied, which is what
    shows that the call's rounding rule reproduces the decision.
    """
    decision = call.decisions.filter(status=SIGNED, kind=COLLECTIVE).order_by(
        "decided_on", "pk").first()
    if decision is None or decision.source_sha256 == "":
        return {}, None
    if decision.decided_on is None:  # cannot happen: the parser requires an imported decision's date
        raise ValueError(f"imported decision {decision.pk} has no date")
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
        if score is not None:  # always: a review's weighted score is stored when it is submitted
            mean_scores.setdefault(app_id, []).append(score)
    scores = {ref: summarise(mean_scores.get(a.pk, [])).mean for ref, a in applications.items()}
    lines = (
        {line.application.reference: line
         for line in proposal.lines.select_related("application", "combinable_with", "group")}
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
        allocation.Candidate(ref, app.amount_applied, eligibility(app), scores[ref],
                             app.status == Application.Status.WITHDRAWN)
        for ref, app in applications.items()
    ]
    result = allocation.propose(
        candidates, budget=call.appropriation or Decimal("0.00"), rule=call.rounding_rule,
        pass_mark=proposal.pass_mark if proposal else None, overrides=overrides,
    )
    return ComputedProposal(call, proposal, result, applications, lines, scores, seeded_from)


def eligibility(app: Application) -> bool | None:
    try:
        return app.screening.eligible
    except Screening.DoesNotExist:
        return None


def lock_unfrozen(call: Call) -> Proposal:
    """The round's proposal, locked, if it is still being prepared; refused once it has been presented.

    Called inside the caller's transaction before it writes what the proposal rests on. The row is
    created if the round has none yet, so that there is always a row to lock: a presentation and a
    screening (or score) of the same round then take turns, and whichever comes second sees the other.
    """
    proposal, _created = Proposal.objects.select_for_update().get_or_create(call=call)
    if proposal.status != Proposal.Status.DRAFT:
        raise Invalid({"__all__": [
            _("The proposal has been presented; screening and scores no longer change. Ask the decision-maker "
              "to return it first.")]})
    mark_stale(call)  # the caller changes what the ranking rests on; rolled back with it if refused
    return proposal


def _editable_proposal(call: Call, actor) -> Proposal:
    check_prepares(actor, call.programme, _("only the programme's officials prepare the proposal"))
    proposal, _created = Proposal.objects.select_for_update().get_or_create(call=call)
    if proposal.status != Proposal.Status.DRAFT:
        raise Invalid({"__all__": [_("The proposal has been presented; it can no longer be changed.")]})
    mark_stale(call)
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
        raise Invalid({"amount": [_("Write the amount in euros, for example 12 500,00.")]})
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
        raise NotFound()
    if outcome and outcome not in allocation.OUTCOMES:
        raise Invalid({"outcome": [_("Choose granted, deferred or rejected.")]})
    amount = parse_grant_amount(amount)
    if outcome and not reason.strip():
        raise Invalid({"reason": [_("Give the reason for setting this line by hand.")]})
    if amount is not None and outcome != allocation.GRANTED:
        raise Invalid({"amount": [_("Only a grant has an amount.")]})
    if amount is not None and amount > application.amount_applied:
        raise Invalid({"amount": [_("A grant cannot exceed the amount applied.")]})
    if group is not None and group.call_id != call.pk:
        raise Invalid({"group": [_("Choose a group of this call.")]})
    if combinable_with is not None and (combinable_with.call_id != call.pk or combinable_with.pk == application.pk):
        raise Invalid({"combinable_with": [_("Choose another application of this call.")]})
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
        "reason": line.override_reason, "group": line.group.code if line.group is not None else None,
        "conditions": line.special_conditions, "conditions_sv": line.special_conditions_sv,
        "combinable_with": line.combinable_with.reference if line.combinable_with is not None else None,
    }


def set_pass_mark(call: Call, pass_mark, *, actor) -> Proposal:
    try:
        value = None if pass_mark in (None, "") else Decimal(str(pass_mark).replace(",", "."))
    except InvalidOperation:
        value = Decimal("NaN")
    if value is not None and (not value.is_finite() or not 0 <= value <= 100):
        raise Invalid({"pass_mark": [_("The pass mark is in points from 0 to 100.")]})
    with transaction.atomic():
        proposal = _editable_proposal(call, actor)
        before = str(proposal.pass_mark) if proposal.pass_mark is not None else None
        proposal.pass_mark = value
        proposal.save(update_fields=["pass_mark"])
        after = str(value) if value is not None else None
        record("proposal.pass_mark_set", call, actor=actor, data={"before": before, "after": after})
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


def presentable_version(computed: ComputedProposal) -> str:
    """The version of the proposal as computed now: what the presenting official's form names."""
    return content_version(_totals(computed))


def present(call: Call, *, actor, version: str, decided_on: date | None = None,
            presenting_official_title: str = "") -> Proposal:
    """The presenting official puts the proposal forward for decision; what is presented is stored as it is.

    The decision-maker approves exactly these lines: screening and scores are frozen until the
    proposal is returned, and the decision is built from the stored lines, not recomputed. A proposal
    is presented only once the call has closed (applications may arrive until then), with the date of
    the decision and the presenting official's title that the decision states. ``version`` is
    ``presentable_version`` of the proposal the official read: a line another official changed
    meanwhile (or a score that came in) refuses the presentation, so nobody presents what they did not see.
    It has no default: a caller that could leave it out would present unseen lines.
    """
    from avustus.accounts.tokens import require_in_person
    require_in_person(actor)  # a person presents, never a script with their API token
    if call.decisions.filter(kind=COLLECTIVE).exists():
        raise Invalid({"__all__": [_("The round already has its collective decision.")]})
    check_prepares(actor, call.programme, _("only the programme's officials prepare the proposal"))
    call.refresh_from_db(fields=["closes_at"])  # the deadline as stored, not as the caller once read it
    errors = {}
    if call.closes_at is None:
        errors["__all__"] = [_("The call has no deadline; a proposal is presented after the call has closed.")]
    elif call.closes_at > timezone.now():
        errors["__all__"] = [
            _("The call is open until %(time)s (Helsinki time); present the proposal after it has closed.")
            % {"time": date_format(timezone.localtime(call.closes_at), "SHORT_DATETIME_FORMAT")}]
    if decided_on is None:
        errors["decided_on"] = [_("Give the date of the decision.")]
    elif call.closes_at is not None and decided_on < timezone.localtime(call.closes_at).date():
        errors["decided_on"] = [_("The decision cannot be dated before the call closed.")]
    elif decided_on > timezone.localdate():
        errors["decided_on"] = [_("The decision cannot be dated in the future; give the day it is made.")]
    title = (presenting_official_title or "").strip()
    if not title:
        errors["presenting_official_title"] = [_("Give your title as the decision states it.")]
    elif len(title) > 200:
        errors["presenting_official_title"] = [limit_message(200)]
    if errors or decided_on is None:  # a missing date is among the errors
        raise Invalid(errors)
    try:
        with transaction.atomic():
            proposal = _editable_proposal(call, actor)
            computed = compute_proposal(call)
            result = computed.result
            refuse_changed(version, presentable_version(computed), _(
                "The proposal has changed since you opened it (a line was set or a score came in). "
                "Read it again before presenting."))
            if result.undecided:
                raise Invalid({"__all__": [
                    ngettext("%(n)s application is not yet screened or scored; decide it before presenting.",
                             "%(n)s applications are not yet screened or scored; decide them before presenting.",
                             result.undecided) % {"n": result.undecided}]})
            if result.granted_total > result.budget:
                raise Invalid({"__all__": [
                    _("The grants exceed the appropriation by %(over)s euros; change the lines set by hand.")
                    % {"over": result.granted_total - result.budget}]})
            proposal.status = Proposal.Status.PRESENTED
            proposal.presented_by = user_of(actor)
            proposal.presented_at = timezone.now()
            proposal.decided_on = decided_on
            proposal.presenting_official_title = title
            proposal.presented = _totals(computed)
            proposal.save(update_fields=["status", "presented_by", "presented_at", "decided_on",
                                         "presenting_official_title", "presented"])
            record("proposal.presented", call, actor=actor,
                   data={**proposal.presented, "decided_on": decided_on.isoformat(), "title": title})
    except Invalid:
        # What the official read may come from a stored ranking behind data changed by other means (a restore,
        # a bulk load): the next reader computes it again, so reading again shows what present() computes.
        mark_stale(call)
        raise
    return proposal


def lock_presented(call: Call, version: str, *, message: str) -> Proposal:
    """The round's proposal, locked, if it is presented as the decision-maker saw it; else a clear refusal."""
    proposal = Proposal.objects.select_for_update(of=("self",)).select_related("presented_by").filter(
        call=call).first()
    if proposal is None or proposal.status != Proposal.Status.PRESENTED:
        raise Invalid({"__all__": [message]})
    refuse_changed(version, proposal_version(proposal), _(
        "The proposal has changed since you opened it (it was returned or presented again). "
        "Read it again before deciding."))
    return proposal


def return_proposal(call: Call, *, actor, reason: str, version: str) -> Proposal:
    """The decision-maker sends the proposal they read back for changes, saying why."""
    check_decides(actor, call.programme, _("only a decision-maker returns a proposal"))
    if not reason.strip():
        raise Invalid({"reason": [_("Say what should change.")]})
    with transaction.atomic():
        proposal = lock_presented(call, version, message=_("Only a presented proposal can be returned."))
        proposal.status = Proposal.Status.DRAFT
        proposal.returned_at = timezone.now()
        proposal.returned_by = user_of(actor)
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
    proposal.returned_by = user_of(actor)
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

