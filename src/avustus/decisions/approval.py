"""Approving a presented proposal: the collective decision is made from the lines as presented, and signed.

Four eyes: the presenting official prepares and presents the proposal (``evaluation.proposals``); a
decision-maker who did not present it approves and signs it here.

The decision-maker reads a preview (``preview``): the decision built from the presented lines in a
transaction that is rolled back, its snapshot rendered as HTML, and its hash (``signing.shown_sha256``).
Approval is then one short transaction: it locks the proposal, checks again that it is presented as the
decision-maker read it (``version``) and that nothing it rests on moved, builds the decision again, checks
that its snapshot is the one previewed (``shown``), signs it and appends to the audit chain. The documents
are rendered afterwards by a task (``signing.store_documents``); nothing slow runs under the locks.
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from avustus.accounts.permissions import check_decides, check_not_presenter
from avustus.actors import display_name, user_of
from avustus.applications.models import Application, ConsortiumMember
from avustus.audit.chain import record
from avustus.calls.models import Call, GrantGroup
from avustus.decisions.models import Decision, Outcome
from avustus.decisions.numbering import number_lines
from avustus.decisions.signing import seal
from avustus.errors import Invalid
from avustus.evaluation.models import Proposal
from avustus.evaluation.proposals import lock_presented
from avustus.rules import allocation


class _Rehearsed(Exception):
    """Rolls back the rehearsal of a preview, carrying the snapshot out of it."""

    def __init__(self, snapshot: dict):
        self.snapshot = snapshot


def preview(call: Call, *, actor, version: str, decision_maker_title: str = "") -> dict:
    """The snapshot of the decision that approving the proposal as read (``version``) would make; nothing is kept.

    The same checks as ``approve``: a proposal that cannot be approved has no preview.
    """
    from avustus.decisions.documents.snapshot import decision_snapshot

    check_decides(actor, call.programme, _("only a decision-maker approves a proposal"))
    try:
        with transaction.atomic():
            decision, _proposal, _call = _make_decision(call, actor=actor, version=version,
                                                        decision_maker_title=decision_maker_title)
            raise _Rehearsed(decision_snapshot(decision))
    except _Rehearsed as rehearsal:
        return rehearsal.snapshot


def approve(call: Call, *, actor, version: str, decision_maker_title: str = "", shown: str | None = None,
            ) -> Decision:
    """A decision-maker other than the presenter approves the proposal they read: the decision is made and signed.

    ``version`` is ``proposal_version`` of the proposal as the decision-maker saw it; a proposal returned
    or presented again meanwhile is refused. ``shown`` is ``signing.shown_sha256`` of the preview they read
    (``preview``); a decision that would differ from it is refused (``None``: no preview, as from a command).
    """
    from avustus.accounts.tokens import require_in_person

    require_in_person(actor)  # a person approves, never a script with their API token
    check_decides(actor, call.programme, _("only a decision-maker approves a proposal"))
    with transaction.atomic():
        decision, proposal, call = _make_decision(call, actor=actor, version=version,
                                                  decision_maker_title=decision_maker_title)
        proposal.status = Proposal.Status.APPROVED
        proposal.approved_by = user_of(actor)
        proposal.approved_at = timezone.now()
        proposal.decision = decision
        proposal.save(update_fields=["status", "approved_by", "approved_at", "decision"])
        call.status = Call.Status.DECIDED
        call.save(update_fields=["status"])
        record("proposal.approved", call, actor=actor, data={"decision": decision.pk, **proposal.presented})
        return seal(decision, actor=actor, shown=shown)


def _make_decision(call: Call, *, actor, version: str, decision_maker_title: str):
    """Inside a transaction: lock and check the presented proposal, and build the decision on its lines."""
    proposal = lock_presented(call, version, message=_("Only a presented proposal can be approved."))
    check_not_presenter(actor, proposal.presented_by_id,
                        _("the presenting official cannot approve the proposal they presented"))
    call = Call.objects.select_for_update().get(pk=call.pk)  # as stored now, not as the caller read it
    if call.closes_at is None or call.closes_at > timezone.now():
        raise Invalid({"__all__": [_("The call has not closed; the proposal cannot be approved yet.")]})
    if proposal.decided_on is not None and proposal.decided_on > timezone.localdate():
        # Signed today, a decision dated later would misstate its date and every time limit counted from it.
        raise Invalid({"__all__": [
            _("The proposal dates the decision %(date)s; it can be approved on that day at the earliest.")
            % {"date": date_format(proposal.decided_on, "SHORT_DATE_FORMAT")}]})
    presented = proposal.presented
    lines = [(key, outcome, Decimal(amount) if amount is not None else None)
             for key, outcome, amount in presented["lines"]]
    # Locked, so that no application is withdrawn between this check and the signature.
    applications = {a.reference: a for a in call.applications.select_for_update().filter(
        reference__in=[k for k, _o, _a in lines])}
    withdrawn = sorted(k for k, outcome, _a in lines if outcome != allocation.WITHDRAWN
                       and applications[k].status == Application.Status.WITHDRAWN)
    if withdrawn:
        raise Invalid({"__all__": [
            _("Withdrawn after the proposal was presented: %(refs)s. The proposal must be presented again.")
            % {"refs": ", ".join(withdrawn)}]})
    decision = Decision.objects.create(
        call=call, kind=Decision.Kind.COLLECTIVE, decided_on=proposal.decided_on or timezone.localdate(),
        presenting_official=proposal.presented_by, presenting_official_name=display_name(proposal.presented_by),
        presenting_official_title=proposal.presenting_official_title, decision_maker=user_of(actor),
        decision_maker_name=display_name(actor), decision_maker_title=decision_maker_title,
        stated_received=len(lines),
        stated_withdrawn=sum(1 for _k, outcome, _a in lines if outcome == allocation.WITHDRAWN),
        stated_applied_total=sum((a.amount_applied for a in applications.values()), Decimal("0.00")),
        stated_granted_total=Decimal(presented["granted_total"]),
    )
    Outcome.objects.bulk_create(_outcomes(decision, proposal, lines, applications))
    return decision, proposal, call


def combinable_sentences(number: int) -> tuple[str, str]:
    """What the decision says of a grant that may be combined with grant ``number``, in Finnish and Swedish."""
    phrases = []
    for lang in ("fi", "sv"):
        with translation.override(lang):
            phrases.append(_("The project may be combined with the project of grant %(number)s.") % {"number": number})
    return phrases[0], phrases[1]


def _outcomes(decision: Decision, proposal: Proposal, lines, applications) -> list[Outcome]:
    """One outcome per presented line, numbered by ``decisions.numbering``."""
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

    def group_position(key: str) -> int:
        group = group_of(key)
        return group.position if group else 0

    numbers, granted = number_lines(lines, name_of=name_of, group_position=group_position)
    combinable: dict[str, set[str]] = {}
    for key, line in stored.items():
        if line.combinable_with is not None:  # selected with the line: no query
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
                    finnish, swedish = combinable_sentences(numbers[other])
                    conditions.append(finnish)
                    if swedish_used:
                        conditions_sv.append(swedish)
        lead = leads.get(applications[key].pk)
        outcomes.append(Outcome(
            decision=decision, application=applications[key], kind=outcome,
            amount_granted=amount if outcome == allocation.GRANTED else None,
            group=group_of(key) if outcome == allocation.GRANTED else None,
            number=numbers.get(key), special_conditions=conditions, special_conditions_sv=conditions_sv,
            recipient=lead.organisation if lead else None,
        ))
    return outcomes
