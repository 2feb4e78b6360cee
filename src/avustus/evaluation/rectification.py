"""Rectification requests and later decisions: register, prepare, and decide with a new signed decision.

A request is registered whatever its date (the authority must answer a late one too, by declining
to examine it), and flagged when it arrived after the deadline that the notification fixed. The new
decision upholds or amends the original; it names the decision it concerns, so the current outcome of
the application is always the newest decision's. Deferred applications are decided the same way.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from avustus.accounts.models import Role
from avustus.accounts.permissions import has_programme_role
from avustus.applications.models import Application, ConsortiumMember
from avustus.audit.chain import record
from avustus.decisions.models import Decision, Notification, Outcome
from avustus.decisions.services import sign_decision
from avustus.evaluation.models import RectificationRequest
from avustus.evaluation.services import MAX_REASON, PREPARERS, content_version, parse_grant_amount, refuse_changed
from avustus.rules import allocation


def register_request(decision: Decision, application: Application, *, received_on: date, requester: str,
                     grounds: str, actor) -> RectificationRequest:
    if not has_programme_role(actor, decision.call.programme, PREPARERS):
        raise PermissionDenied(_("only the programme's officials register rectification requests"))
    if decision.status != Decision.Status.SIGNED or not decision.outcomes.filter(application=application).exists():
        raise Http404
    errors = {}
    if not requester.strip():
        errors["requester"] = [_("Who made the request?")]
    if not grounds.strip():
        errors["grounds"] = [_("Record the grounds the request gives.")]
    if decision.decided_on and received_on < decision.decided_on:
        errors["received_on"] = [_("A request cannot arrive before the decision was made; check the date.")]
    if received_on > timezone.localdate():
        errors["received_on"] = [_("The date is in the future; check it.")]
    if errors:
        raise ValidationError(errors)
    notification = (
        Notification.objects.filter(decision=decision, application=application).order_by("received_on").first()
    )
    # The earliest notification starts the time limit; without one, the limit has not started to run.
    deadline = notification.rectification_deadline if notification else None
    with transaction.atomic():
        request = RectificationRequest.objects.create(
            decision=decision, application=application, received_on=received_on, deadline=deadline,
            late=bool(deadline and received_on > deadline), requester=requester.strip()[:300],
            grounds=grounds.strip()[:MAX_REASON * 4], registered_by=actor,
        )
        record("rectification.registered", application, actor=actor,
               data={"request": request.pk, "decision": decision.pk, "received_on": received_on.isoformat(),
                     "deadline": deadline.isoformat() if deadline else None, "late": request.late})
    return request


def prepare(request: RectificationRequest, *, resolution: str, reasoning: str, actor,
            outcome: str = "", amount=None) -> RectificationRequest:
    """The presenting official's proposal: uphold, or amend to a new outcome (and amount)."""
    if not has_programme_role(actor, request.decision.call.programme, PREPARERS):
        raise PermissionDenied(_("only the programme's officials prepare rectification decisions"))
    if resolution not in RectificationRequest.Resolution.values:
        raise ValidationError({"resolution": [_("Choose whether the decision is upheld or amended.")]})
    if not reasoning.strip():
        raise ValidationError({"reasoning": [_("Give the reasoning of the decision.")]})
    amount = parse_grant_amount(amount)
    if resolution == RectificationRequest.Resolution.AMENDED:
        if outcome not in allocation.OUTCOMES:
            raise ValidationError({"outcome": [_("Choose granted, deferred or rejected.")]})
        if (outcome == allocation.GRANTED) != (amount is not None):
            raise ValidationError({"amount": [_("A grant has an amount; other outcomes have none.")]})
        if amount is not None and amount > request.application.amount_applied:
            raise ValidationError({"amount": [_("A grant cannot exceed the amount applied.")]})
    with transaction.atomic():
        current = RectificationRequest.objects.select_for_update().get(pk=request.pk)
        if current.status == RectificationRequest.Status.DECIDED:
            raise ValidationError({"__all__": [_("The request has been decided.")]})
        current.resolution = resolution
        current.reasoning = reasoning.strip()[:MAX_REASON]
        current.proposed_outcome = outcome if resolution == RectificationRequest.Resolution.AMENDED else ""
        current.proposed_amount = amount if resolution == RectificationRequest.Resolution.AMENDED else None
        current.prepared_by = actor
        current.status = RectificationRequest.Status.PREPARED
        current.save()
        record("rectification.prepared", current.application, actor=actor,
               data={"request": current.pk, "resolution": resolution, "outcome": current.proposed_outcome,
                     "amount": str(amount) if amount is not None else None})
    return current


def prepared_version(request: RectificationRequest) -> str:
    """The version of a request as prepared: what the decision-maker who signs it must have seen."""
    return content_version({
        "status": request.status, "resolution": request.resolution, "reasoning": request.reasoning,
        "outcome": request.proposed_outcome, "amount": request.proposed_amount, "prepared_by": request.prepared_by_id,
    })


def draft_version(decision: Decision) -> str:
    """The version of a prepared later decision: its outcomes, date and presenting official."""
    # Read through ``outcomes.all()`` so that a list of drafts with their outcomes prefetched costs no query.
    outcomes = sorted([o.application_id, o.kind, o.amount_granted, o.special_conditions]
                      for o in decision.outcomes.all())
    return content_version({"status": decision.status, "outcomes": outcomes, "decided_on": decision.decided_on,
                            "presenting_official": decision.presenting_official_id, "amends": decision.amends_id})


def _validate_changes(original: Decision, changes: dict[Application, tuple[str, Decimal | None]]) -> None:
    concerned = set(original.outcomes.values_list("application_id", flat=True))
    errors = {}
    if not changes:
        errors["__all__"] = [_("Choose at least one application to decide.")]
    for application, (kind, amount) in changes.items():
        where = f"applications.{application.reference}"
        if application.pk not in concerned:
            errors[where] = [_("The decision does not concern this application.")]
        elif kind not in allocation.OUTCOMES:
            errors[where] = [_("Choose granted, deferred or rejected.")]
        elif (kind == allocation.GRANTED) != (amount is not None):
            errors[where] = [_("A grant has an amount; other outcomes have none.")]
        elif amount is not None and not Decimal("0") < amount <= application.amount_applied:
            errors[where] = [_("A grant cannot exceed the amount applied.")]
    if errors:
        raise ValidationError(errors)


def _draft_later(original: Decision, changes, *, presenting_official, decided_on, conditions) -> Decision:
    decision = Decision.objects.create(
        call=original.call, kind=Decision.Kind.AMENDING, amends=original, decided_on=decided_on,
        presenting_official=presenting_official,
        presenting_official_name=presenting_official.get_full_name() or presenting_official.get_username(),
    )
    leads = {
        m.application_id: m.organisation
        for m in ConsortiumMember.objects.filter(application__in=list(changes), role=ConsortiumMember.Role.LEAD)
    }
    previous = {o.application_id: o for o in original.outcomes.all()}
    outcomes = []
    for number, (application, (kind, amount)) in enumerate(changes.items(), start=1):
        before = previous.get(application.pk)
        outcomes.append(Outcome(
            decision=decision, application=application, kind=kind,
            amount_granted=amount if kind == allocation.GRANTED else None,
            group=before.group if before and kind == allocation.GRANTED else None,
            number=number if kind in (allocation.GRANTED, allocation.DEFERRED) else None,
            special_conditions=list(conditions or (before.special_conditions if before else [])),
            special_conditions_sv=list(before.special_conditions_sv if before and not conditions else []),
            recipient=leads.get(application.pk) or (before.recipient if before else None),
        ))
    Outcome.objects.bulk_create(outcomes)
    return decision


def prepare_later_decision(original: Decision, changes: dict[Application, tuple[str, Decimal | None]], *,
                           actor, decided_on: date | None = None) -> Decision:
    """The presenting official drafts a decision on applications of ``original`` (deferred ones, typically)."""
    if not has_programme_role(actor, original.call.programme, PREPARERS):
        raise PermissionDenied(_("only the programme's officials prepare decisions"))
    if original.status != Decision.Status.SIGNED:
        raise ValidationError({"__all__": [_("Only a signed decision is decided on later.")]})
    _validate_changes(original, changes)
    from avustus.decisions.selectors import current_outcome

    for application in changes:
        outcome = current_outcome(application)
        if outcome is None or outcome.kind != allocation.DEFERRED:
            # Other outcomes change through a rectification request, which has its own page.
            raise ValidationError({f"applications.{application.reference}": [
                _("Only an application deferred for further preparation is decided here.")]})
        if Outcome.objects.filter(application=application, decision__status=Decision.Status.DRAFT).exists():
            raise ValidationError({f"applications.{application.reference}": [
                _("A decision on this application is already prepared and waiting for signature.")]})
    with transaction.atomic():
        decision = _draft_later(original, changes, presenting_official=actor, decided_on=decided_on, conditions=None)
        record("decision.prepared", decision, actor=actor, data={
            "amends": original.pk,
            "outcomes": {a.reference: [k, str(m) if m is not None else None] for a, (k, m) in changes.items()}})
    return decision


def sign_prepared(decision: Decision, *, actor, version: str, decided_on: date | None = None) -> Decision:
    """A decision-maker who did not prepare it signs a prepared later decision, as read (``draft_version``)."""
    if not has_programme_role(actor, decision.call.programme, (Role.DECISION_MAKER,)):
        raise PermissionDenied(_("only a decision-maker signs decisions"))
    if decision.presenting_official_id == actor.pk:
        raise PermissionDenied(_("the presenting official cannot sign the decision they presented"))
    with transaction.atomic():
        current = Decision.objects.select_for_update().get(pk=decision.pk)
        if current.status != Decision.Status.DRAFT:
            raise ValidationError({"__all__": [_("The decision is already signed.")]})
        refuse_changed(version, draft_version(current), _(
            "The decision has changed since you opened it. Read it again before signing."))
        current.decision_maker = actor
        current.decision_maker_name = actor.get_full_name() or actor.get_username()
        current.decided_on = current.decided_on or decided_on or timezone.localdate()
        current.save(update_fields=["decision_maker", "decision_maker_name", "decided_on"])
        return sign_decision(current, actor=actor)


def later_decision(original: Decision, changes: dict[Application, tuple[str, Decimal | None]], *,
                   presenting_official, actor, decided_on: date | None = None, conditions: list[str] | None = None,
                   ) -> Decision:
    """Prepare and sign in one step a decision that the presenting official prepared elsewhere (a rectification).

    Four eyes as for the collective decision: the signer is a decision-maker who did not prepare it.
    """
    if not has_programme_role(actor, original.call.programme, (Role.DECISION_MAKER,)):
        raise PermissionDenied(_("only a decision-maker signs decisions"))
    if presenting_official is not None and presenting_official.pk == actor.pk:
        raise PermissionDenied(_("the presenting official cannot sign the decision they presented"))
    _validate_changes(original, changes)
    with transaction.atomic():
        decision = _draft_later(original, changes, presenting_official=presenting_official, decided_on=decided_on,
                                conditions=conditions)
        # Drafted here from ``changes``, which are what the signer decides: the version is the draft's own.
        return sign_prepared(decision, actor=actor, version=draft_version(decision), decided_on=decided_on)


def decide(request: RectificationRequest, *, actor, version: str, decided_on: date | None = None,
           ) -> RectificationRequest:
    """A decision-maker other than the preparer signs the new decision on a request as prepared when read.

    ``version`` is ``prepared_version`` of the request the decision-maker saw; if it was prepared again
    meanwhile (by another official, say), the signature is refused.
    """
    if not has_programme_role(actor, request.decision.call.programme, (Role.DECISION_MAKER,)):
        raise PermissionDenied(_("only a decision-maker signs decisions"))
    with transaction.atomic():
        current = RectificationRequest.objects.select_for_update(of=("self",)).select_related(
            "decision__call__programme", "application", "prepared_by").get(pk=request.pk)
        if current.status != RectificationRequest.Status.PREPARED:
            raise ValidationError({"__all__": [_("Prepare the request before deciding it.")]})
        refuse_changed(version, prepared_version(current), _(
            "The request was prepared again after you opened it. Read it again before signing."))
        before = current.decision.outcomes.get(application=current.application)
        if current.resolution == RectificationRequest.Resolution.AMENDED:
            change = (current.proposed_outcome, current.proposed_amount)
        else:
            change = (before.kind, before.amount_granted)
        decision = later_decision(current.decision, {current.application: change},
                                  presenting_official=current.prepared_by, actor=actor, decided_on=decided_on)
        current.new_decision = decision
        current.status = RectificationRequest.Status.DECIDED
        current.save(update_fields=["new_decision", "status"])
        record("rectification.decided", current.application, actor=actor,
               data={"request": current.pk, "resolution": current.resolution, "decision": decision.pk,
                     "before": [before.kind, str(before.amount_granted) if before.amount_granted else None],
                     "after": [change[0], str(change[1]) if change[1] is not None else None]})
    return current
