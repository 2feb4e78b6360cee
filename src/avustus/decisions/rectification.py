"""Rectification requests: registered, prepared by an official, and decided with a new signed decision.

A request is registered whatever its date (the authority must answer a late one too, by declining
to examine it), and flagged when it arrived after the deadline that the notification fixed. The new
decision upholds or amends the original; it names the decision it concerns, so the current outcome of
the application is always the newest decision's. The request itself is stored as
``evaluation.RectificationRequest`` (its table predates this package); the decisions on it are made here.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from avustus import events
from avustus.accounts.permissions import check_decides, check_prepares
from avustus.actors import user_of
from avustus.applications.models import Application
from avustus.audit.chain import record
from avustus.decisions.amending import later_decision
from avustus.decisions.models import Decision, Notification
from avustus.errors import Invalid, NotFound
from avustus.evaluation.models import RectificationRequest
from avustus.evaluation.proposals import MAX_REASON, content_version, parse_grant_amount, refuse_changed
from avustus.rules import allocation


def register_request(decision: Decision, application: Application, *, received_on: date, requester: str,
                     grounds: str, actor) -> RectificationRequest:
    check_prepares(actor, decision.call.programme, _("only the programme's officials register rectification requests"))
    if decision.status != Decision.Status.SIGNED or not decision.outcomes.filter(application=application).exists():
        raise NotFound()
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
        raise Invalid(errors)
    notification = (
        Notification.objects.filter(decision=decision, application=application).order_by("received_on").first()
    )
    # The earliest notification starts the time limit; without one, the limit has not started to run.
    deadline = notification.rectification_deadline if notification else None
    with transaction.atomic():
        request = RectificationRequest.objects.create(
            decision=decision, application=application, received_on=received_on, deadline=deadline,
            late=bool(deadline and received_on > deadline), requester=requester.strip()[:300],
            grounds=grounds.strip()[:MAX_REASON * 4], registered_by=user_of(actor),
        )
        record("rectification.registered", application, actor=actor,
               data={"request": request.pk, "decision": decision.pk, "received_on": received_on.isoformat(),
                     "deadline": deadline.isoformat() if deadline else None, "late": request.late})
        events.rectification_requested.send(RectificationRequest, request=request, actor=actor)
    return request


def prepare(request: RectificationRequest, *, resolution: str, reasoning: str, actor,
            outcome: str = "", amount=None) -> RectificationRequest:
    """The presenting official's proposal: uphold, or amend to a new outcome (and amount)."""
    check_prepares(actor, request.decision.call.programme,
                   _("only the programme's officials prepare rectification decisions"))
    if resolution not in RectificationRequest.Resolution.values:
        raise Invalid({"resolution": [_("Choose whether the decision is upheld or amended.")]})
    if not reasoning.strip():
        raise Invalid({"reasoning": [_("Give the reasoning of the decision.")]})
    amount = parse_grant_amount(amount)
    if resolution == RectificationRequest.Resolution.AMENDED:
        if outcome not in allocation.OUTCOMES:
            raise Invalid({"outcome": [_("Choose granted, deferred or rejected.")]})
        if (outcome == allocation.GRANTED) != (amount is not None):
            raise Invalid({"amount": [_("A grant has an amount; other outcomes have none.")]})
        if amount is not None and amount > request.application.amount_applied:
            raise Invalid({"amount": [_("A grant cannot exceed the amount applied.")]})
    with transaction.atomic():
        current = RectificationRequest.objects.select_for_update().get(pk=request.pk)
        if current.status == RectificationRequest.Status.DECIDED:
            raise Invalid({"__all__": [_("The request has been decided.")]})
        current.resolution = resolution
        current.reasoning = reasoning.strip()[:MAX_REASON]
        current.proposed_outcome = outcome if resolution == RectificationRequest.Resolution.AMENDED else ""
        current.proposed_amount = amount if resolution == RectificationRequest.Resolution.AMENDED else None
        current.prepared_by = user_of(actor)
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


def decide(request: RectificationRequest, *, actor, version: str, decided_on: date | None = None,
           ) -> RectificationRequest:
    """A decision-maker other than the preparer signs the new decision on a request as prepared when read.

    ``version`` is ``prepared_version`` of the request the decision-maker saw; if it was prepared again
    meanwhile (by another official, say), the signature is refused.
    """
    check_decides(actor, request.decision.call.programme, _("only a decision-maker signs decisions"))
    with transaction.atomic():
        current = RectificationRequest.objects.select_for_update(of=("self",)).select_related(
            "decision__call__programme", "application", "prepared_by").get(pk=request.pk)
        if current.status != RectificationRequest.Status.PREPARED:
            raise Invalid({"__all__": [_("Prepare the request before deciding it.")]})
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
        events.rectification_decided.send(RectificationRequest, request=current, decision=decision, actor=actor)
    return current
