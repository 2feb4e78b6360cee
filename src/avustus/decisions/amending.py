"""Amending decisions and later decisions: a signed decision changes only through a new decision naming it.

A later decision decides applications that the collective decision deferred for further preparation
(prepared by an official, signed by a decision-maker who did not prepare it); a rectification
request's decision (``decisions.rectification``) is drafted and signed in one step the same way.
"""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from avustus.accounts.permissions import check_decides, check_not_presenter, check_prepares
from avustus.actors import display_name, user_of
from avustus.applications.models import Application, ConsortiumMember
from avustus.audit.chain import record
from avustus.decisions.models import Decision, Outcome
from avustus.decisions.signing import sign_decision
from avustus.errors import Invalid
from avustus.evaluation.proposals import content_version, refuse_changed
from avustus.rules import allocation


def start_amending_decision(original: Decision, *, actor, decided_on=None) -> Decision:
    """A new draft decision that amends a signed one: the only way to change what was decided."""
    with transaction.atomic():
        original = Decision.objects.select_for_update().get(pk=original.pk)
        if original.status != Decision.Status.SIGNED:
            raise ValueError("only a signed decision is amended; a draft is simply edited")
        draft = Decision.objects.create(
            call=original.call,
            kind=Decision.Kind.AMENDING,
            amends=original,
            decided_on=decided_on,
            decision_maker_name=original.decision_maker_name,
            decision_maker_title=original.decision_maker_title,
            presenting_official_name=original.presenting_official_name,
            presenting_official_title=original.presenting_official_title,
        )
        record("decision.amendment_started", draft, actor=actor, data={"amends": original.pk})
    return draft


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
        raise Invalid(errors)


def _draft_later(original: Decision, changes, *, presenting_official, decided_on, conditions) -> Decision:
    decision = Decision.objects.create(
        call=original.call, kind=Decision.Kind.AMENDING, amends=original, decided_on=decided_on,
        presenting_official=presenting_official,
        presenting_official_name=display_name(presenting_official),
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
    check_prepares(actor, original.call.programme, _("only the programme's officials prepare decisions"))
    if original.status != Decision.Status.SIGNED:
        raise Invalid({"__all__": [_("Only a signed decision is decided on later.")]})
    _validate_changes(original, changes)
    from avustus.decisions.selectors import current_outcome

    for application in changes:
        outcome = current_outcome(application)
        if outcome is None or outcome.kind != allocation.DEFERRED:
            # Other outcomes change through a rectification request, which has its own page.
            raise Invalid({f"applications.{application.reference}": [
                _("Only an application deferred for further preparation is decided here.")]})
        if Outcome.objects.filter(application=application, decision__status=Decision.Status.DRAFT).exists():
            raise Invalid({f"applications.{application.reference}": [
                _("A decision on this application is already prepared and waiting for signature.")]})
    with transaction.atomic():
        decision = _draft_later(original, changes, presenting_official=user_of(actor), decided_on=decided_on,
                                conditions=None)
        record("decision.prepared", decision, actor=actor, data={
            "amends": original.pk,
            "outcomes": {a.reference: [k, str(m) if m is not None else None] for a, (k, m) in changes.items()}})
    return decision


def _as_signed_by(current: Decision, actor, decided_on: date | None) -> None:
    """What signing adds to a prepared decision: the signer, and the date if the preparer left none."""
    current.decision_maker = user_of(actor)
    current.decision_maker_name = display_name(actor)
    current.decided_on = current.decided_on or decided_on or timezone.localdate()
    current.save(update_fields=["decision_maker", "decision_maker_name", "decided_on"])


class _Rehearsed(Exception):
    def __init__(self, snapshot: dict):
        self.snapshot = snapshot


def preview_prepared(decision: Decision, *, actor) -> dict:
    """The snapshot of a prepared decision as ``actor`` would sign it now (their name, the date); nothing is kept."""
    from avustus.decisions.documents.snapshot import decision_snapshot

    check_decides(actor, decision.call.programme, _("only a decision-maker signs decisions"))
    try:
        with transaction.atomic():
            current = Decision.objects.select_related("call").get(pk=decision.pk, status=Decision.Status.DRAFT)
            _as_signed_by(current, actor, None)
            raise _Rehearsed(decision_snapshot(current))
    except _Rehearsed as rehearsal:
        return rehearsal.snapshot


def sign_prepared(decision: Decision, *, actor, version: str, decided_on: date | None = None,
                  shown: str | None = None) -> Decision:
    """A decision-maker who did not prepare it signs a prepared later decision, as read (``draft_version``),
    and as previewed (``shown``: ``signing.shown_sha256`` of ``preview_prepared``; ``None`` when none was shown)."""
    check_decides(actor, decision.call.programme, _("only a decision-maker signs decisions"))
    check_not_presenter(actor, decision.presenting_official_id,
                        _("the presenting official cannot sign the decision they presented"))
    with transaction.atomic():
        current = Decision.objects.select_for_update().get(pk=decision.pk)
        if current.status != Decision.Status.DRAFT:
            raise Invalid({"__all__": [_("The decision is already signed.")]})
        refuse_changed(version, draft_version(current), _(
            "The decision has changed since you opened it. Read it again before signing."))
        _as_signed_by(current, actor, decided_on)
        return sign_decision(current, actor=actor, shown=shown)


def later_decision(original: Decision, changes: dict[Application, tuple[str, Decimal | None]], *,
                   presenting_official, actor, decided_on: date | None = None, conditions: list[str] | None = None,
                   ) -> Decision:
    """Prepare and sign in one step a decision that the presenting official prepared elsewhere (a rectification).

    Four eyes as for the collective decision: the signer is a decision-maker who did not prepare it.
    """
    check_decides(actor, original.call.programme, _("only a decision-maker signs decisions"))
    check_not_presenter(actor, getattr(presenting_official, "pk", None),
                        _("the presenting official cannot sign the decision they presented"))
    _validate_changes(original, changes)
    with transaction.atomic():
        decision = _draft_later(original, changes, presenting_official=presenting_official, decided_on=decided_on,
                                conditions=conditions)
        # Drafted here from ``changes``, which are what the signer decides: the version is the draft's own.
        return sign_prepared(decision, actor=actor, version=draft_version(decision), decided_on=decided_on)

