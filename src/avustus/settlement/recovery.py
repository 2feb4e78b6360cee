"""Recovery of a grant (takaisinperintä / återkrav, sections 21–29 of Act 688/2001): one service per step.

``start_recovery`` an official opens the case (the ground, the amount proposed, the reasons, the day the ground
became known) and asks the recipient to be heard by a deadline (Administrative Procedure Act 434/2003,
section 34) → ``respond_to_hearing`` the lead answers → once the answer came or the deadline passed,
``recovery_preview`` / ``prepare_recovery`` one official prepares the decision (naming the preview's hash) →
``sign_recovery`` another official signs it (naming the same hash), or ``withdraw_recovery_decision`` the
signer (or the preparer) sends it back with reasons to be prepared again → ``record_recovery_return`` each part
returned with section 24 interest and, after the due date, section 25 penalty interest → ``waive_recovery``
one official proposes section 26's adjustment in whole or in part, which takes effect only when a second person
confirms it (``settlement.waivers``). Section 29's time limits (``rules.recovery``) are checked when the
case is started, prepared and signed: a decision out of time is refused with the limit and its last day.

``on`` is the day of the step, today unless a caller (the demo, a test) tells another.
"""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from avustus import events
from avustus.accounts import permissions
from avustus.actors import user_of
from avustus.audit.chain import record
from avustus.decisions.vocabulary.base import date_text
from avustus.errors import Conflict, Invalid
from avustus.payments.models import PaymentApplication
from avustus.payments.services import euro_text
from avustus.projects.models import FundedProject
from avustus.projects.services import day_problem, lock_project
from avustus.rules import recovery as rules
from avustus.rules.interest import Payment, attribute_next
from avustus.rules.money import MoneyError, parse_euros
from avustus.settlement.documents import snapshot_sha256
from avustus.settlement.interest import computation_as_dict, interest_on, refuse_more_than_left, returned_principal
from avustus.settlement.models import Recovery, RecoveryReturn, RecoveryWaiver, Settlement
from avustus.settlement.receivables import recovery_reference
from avustus.texts import check_lengths, too_long

# Marked for the catalogues here, translated where they are raised (``_(ONLY_OFFICIALS)``).
ONLY_OFFICIALS = gettext_noop("Only the programme's officials handle recoveries.")
# The refusal of ``sign_recovery``, which the signing screen gives too when it refuses before the form is read.
SIGNED_BY_ANOTHER = gettext_noop("A recovery decision is signed by an official of the programme who did not prepare "
                                 "it.")
# A form posted twice (a double click, a resent page) names the state it was read in and is refused the second time.
CASE_CHANGED = gettext_noop("A return or a waiver was recorded after you opened the case; read it again. Nothing "
                            "was recorded now.")
WAIVER_PENDING = gettext_noop("A waiver of this case awaits confirmation; it is confirmed or declined before another "
                              "is proposed.")
CASES_CHANGED = gettext_noop("A recovery case was opened for the project after you opened this form; read the "
                             "project's cases again. Nothing was recorded now.")


def _today(on: date | None) -> date:
    return on or timezone.localdate()


def _money(value, field: str) -> Decimal:
    try:
        amount = parse_euros(value)
    except MoneyError as exc:
        raise Invalid({field: [_("Give the amount in euros and cents, such as 1 250,00.")]}) from exc
    return amount


def _paid(project: FundedProject) -> list[Payment]:
    rows = (project.payment_applications.filter(status=PaymentApplication.Status.PAID, paid_on__isnull=False)
            .order_by("paid_on", "number"))
    return [Payment(p.paid_on, p.amount_paid or Decimal(0)) for p in rows if p.paid_on is not None]


def _taken_back(project: FundedProject, recovery: Recovery | None = None) -> Decimal:
    """What the recipient no longer holds of what was paid: the amounts of the project's other decided recoveries
    and the amount its approved settlement has them return (section 20). No euro is recovered twice, and a
    recovery's principal is the money still held: what was paid last was taken back first."""
    others = project.recoveries.filter(status=Recovery.Status.DECIDED)
    if recovery is not None:
        others = others.exclude(pk=recovery.pk)
    decided = others.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    returned = (Settlement.objects.filter(project=project, status=Settlement.Status.APPROVED)
                .aggregate(total=Sum("to_return"))["total"] or Decimal(0))
    return decided + returned


def _left_to_recover(project: FundedProject, recovery: Recovery | None = None) -> Decimal:
    """What was paid less what was taken back already (``_taken_back``)."""
    return sum((p.amount for p in _paid(project)), Decimal(0)) - _taken_back(project, recovery)


def _more_than_left(left: Decimal) -> str:
    return _("The amount to recover is more than is left to recover of what was paid (%(left)s): the project's "
             "other recovery decisions take the rest.") % {"left": euro_text(left)}


def _limit_message(check: rules.TimeLimitCheck) -> str:
    first = check.expired[0]
    if first.kind == rules.ONE_YEAR:
        return _("The time limit for recovery has passed: the decision must be made within a year of learning of "
                 "the ground (section 29 of the Act on Discretionary Government Transfers); that year ended on "
                 "%(day)s.") % {"day": date_text(first.last_day)}
    return _("The time limit for recovery has passed: the decision must be made within ten years of the payment "
             "of the grant or its last instalment (section 29 of the Act on Discretionary Government Transfers); "
             "those ten years ended on %(day)s.") % {"day": date_text(first.last_day)}


def time_limit(recovery_or_project, known_on: date, on: date) -> rules.TimeLimitCheck:
    """Section 29's check for a ground known on ``known_on``, on the day ``on``; ``Invalid`` for input it refuses."""
    project = getattr(recovery_or_project, "project", recovery_or_project)
    paid = _paid(project)
    try:
        return rules.check_time_limit(known_on, max((p.paid_on for p in paid), default=None), on)
    except rules.RecoveryError as error:
        if error.kind == rules.RecoveryError.NOT_PAID:
            raise Invalid({"amount": [_("Nothing has been paid on this project, so there is nothing to recover.")]}) \
                from error
        raise Invalid({"known_on": [_("The day the ground became known cannot be in the future.")]}) from error


def _in_time(recovery: Recovery, on: date) -> rules.TimeLimitCheck:
    check = time_limit(recovery, recovery.ground_known_on, on)
    if not check.allowed:
        raise Conflict(_limit_message(check))
    return check


def cases_version(project: FundedProject) -> str:
    """The project's recovery cases as the form that opens another was read: its ``version``."""
    return snapshot_sha256({"cases": list(project.recoveries.order_by("pk").values_list("pk", flat=True))})


def start_errors(project: FundedProject, *, section, subsection, amount, reasons: str, known_on: date | None,
                 deadline: date | None, on: date | None = None) -> dict[str, list[str]]:
    """Every problem with a recovery's start form, by field, all at once (a date the form could not read is None
    and left to the form's own message). What was paid and is left to recover is read here without a lock, so
    that a too large amount is said with the rest; ``start_recovery`` asks again under the project's lock."""
    errors: dict[str, list[str]] = too_long(reasons=reasons)
    try:
        rules.check_ground(int(section), int(subsection))
    except (rules.RecoveryError, ValueError, TypeError):
        errors["ground"] = [_("Choose the ground: a subsection of section 21 or 22.")]
    try:
        principal = _money(amount, "amount")
    except Invalid as exc:
        errors.update(exc.message_dict)
    else:
        amount_problem = (_("The amount to recover is more than zero.") if principal <= 0
                          else _amount_problem(project, principal))
        if amount_problem:
            errors["amount"] = [amount_problem]
    if not (reasons or "").strip():
        errors["reasons"] = [_("Give the reasons for the recovery.")]
    if deadline is not None:
        deadline_problem = _deadline_problem(project, deadline, known_on, _today(on))
        if deadline_problem:
            errors["deadline"] = [deadline_problem]
    if known_on is not None and known_on > _today(on):
        errors["known_on"] = [_("The day the ground became known cannot be in the future.")]
    elif known_on is not None and known_on < project.decided_on:
        # A ground of section 21 or 22 concerns a grant made; a day before it is a typing error, not a limit passed.
        errors["known_on"] = [_("The ground cannot have become known before the grant was decided on %(day)s.")
                              % {"day": date_text(project.decided_on)}]
    return errors


def _deadline_problem(project: FundedProject, deadline: date, known_on: date | None, today: date) -> str | None:
    """Why the hearing cannot be asked to end on ``deadline`` (None: it can): after today, and before the last day
    on which section 29 lets the decision be made, since the decision waits for the hearing (``hearing_finished``).
    A deadline years away would hold the case open until the time to decide had run out."""
    problem = day_problem(deadline)
    if problem:
        return problem
    if deadline <= today:
        return _("The response deadline must be after today.")
    if known_on is None or day_problem(known_on):
        return None  # the day the ground became known is refused on its own field
    try:
        check = time_limit(project, known_on, today)
    except Invalid:
        return None  # nothing paid, or known in the future: refused on their own fields
    if check.allowed and deadline >= check.last_day:
        return _("The response deadline must be before %(day)s, the last day on which the recovery can be decided "
                 "(section 29 of the Act on Discretionary Government Transfers).") % {"day": date_text(check.last_day)}
    return None


def _amount_problem(project: FundedProject, principal: Decimal) -> str | None:
    """Why ``principal`` cannot be recovered from the project as its payments and cases stand (None: it can)."""
    paid = sum((p.amount for p in _paid(project)), Decimal(0))
    if principal > paid:
        return _("The amount to recover is more than was paid (%(paid)s).") % {"paid": euro_text(paid)}
    left = _left_to_recover(project)
    if principal > left:
        return _more_than_left(left)
    return None


def start_recovery(project: FundedProject, *, actor, section: int | None, subsection: int | None, amount, reasons: str,
                   known_on: date, deadline: date, on: date | None = None, version: str) -> Recovery:
    """An official opens a recovery case and asks the recipient to be heard by ``deadline``.

    ``version`` (``cases_version``, the form sends it) refuses the same form posted twice: the second would open
    a second case and send a second hearing request. It has no default, so no caller skips that check. A ground
    the form could not read (None) is refused as no ground."""
    permissions.check_manages_projects(actor, project.call.programme, _(ONLY_OFFICIALS), project=project)
    today = _today(on)
    errors = start_errors(project, section=section, subsection=subsection, amount=amount, reasons=reasons,
                          known_on=known_on, deadline=deadline, on=today)
    if errors:
        raise Invalid(errors)
    principal, ground = parse_euros(amount), (int(section or 0), int(subsection or 0))  # checked just above
    with transaction.atomic():
        locked = lock_project(project)
        if version != cases_version(locked):
            raise Conflict(_(CASES_CHANGED))
        amount_problem = _amount_problem(locked, principal)  # again: a payment or a case may have come since
        if amount_problem:
            raise Invalid({"amount": [amount_problem]})
        check = time_limit(locked, known_on, today)
        if not check.allowed:
            raise Conflict(_limit_message(check))
        recovery = Recovery.objects.create(
            project=locked, ground_section=ground[0], ground_subsection=ground[1], amount=principal,
            reasons=reasons.strip(), ground_known_on=known_on, started_by=user_of(actor), hearing_sent_on=today,
            hearing_deadline=deadline)
        record("recovery.started", recovery, actor=actor, application=locked.application,
               data={"project": locked.reference, "ground": f"{section} § {subsection}", "amount": str(principal),
                     "known_on": known_on.isoformat(), "hearing_deadline": deadline.isoformat(),
                     "last_day": check.last_day.isoformat()})
        events.recovery_hearing_requested.send(Recovery, recovery=recovery, actor=actor)
    return recovery


def lock_recovery(recovery: Recovery) -> Recovery:
    """The case's row, locked after its project's (every money step locks the project first)."""
    lock_project(recovery.project)
    return (Recovery.objects.select_for_update(of=("self",)).select_related("project__call__programme")
            .get(pk=recovery.pk))


def hearing_version(recovery: Recovery) -> str:
    """What the lead answers to, hashed: the ground, the amount, the reasons, the deadline (the API's ``version``)."""
    return snapshot_sha256({"ground": [recovery.ground_section, recovery.ground_subsection],
                            "amount": str(recovery.amount), "reasons": recovery.reasons,
                            "known_on": recovery.ground_known_on.isoformat(),
                            "deadline": recovery.hearing_deadline.isoformat()})


def check_answers_hearing(actor, recovery: Recovery) -> None:
    """Only the lead's people answer the hearing: ``respond_to_hearing``'s first question, which the screen asks
    too before it looks at the form (a partner's post is the 403 page, not a refusal for a missing tick)."""
    permissions.check_recipient_lead(actor, recovery.project, _("The lead of the project answers the hearing."))


def response_errors(response: str) -> dict[str, list[str]]:
    """What is wrong with an answer to the hearing, by field, without writing (``respond_to_hearing`` refuses it;
    the screen refuses it together with a missing tick)."""
    errors = too_long(response=response)
    if not (response or "").strip():
        errors.setdefault("response", []).append(_("Write your response."))
    return errors


def respond_to_hearing(recovery: Recovery, *, actor, response: str, version: str | None = None) -> Recovery:
    """The lead answers the hearing request; once, before the decision is prepared (a late answer is still heard).

    ``version`` (``hearing_version``, the API sends it) refuses an answer to a case other than the one read."""
    check_answers_hearing(actor, recovery)
    errors = response_errors(response)
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        current = lock_recovery(recovery)
        if version is not None and version != hearing_version(current):
            raise Conflict(_("The recovery changed after you opened it; read it again."))
        if current.status != Recovery.Status.HEARING:
            raise Conflict(_("The decision has already been prepared; the hearing is over."))
        if current.responded_at is not None:
            raise Conflict(_("The response has already been given."))
        current.response, current.responded_at, current.responded_by = (response.strip(), timezone.now(),
                                                                          user_of(actor))
        current.save(update_fields=["response", "responded_at", "responded_by"])
        record("recovery.response", current, actor=actor, application=current.project.application,
               data={"project": current.project.reference, "response": current.response})
    return current


def hearing_finished(recovery: Recovery, on: date | None = None) -> bool:
    """The recipient has answered, or the response deadline has passed (section 34 of Act 434/2003)."""
    return recovery.responded_at is not None or _today(on) > recovery.hearing_deadline


def _snapshot(recovery: Recovery, due_on: date, on: date) -> dict:
    project = recovery.project
    application = project.application
    lead = application.lead
    organisation = lead.organisation if lead else None
    paid = _paid(project)
    # The principal is the money still held, the latest of it first: after what earlier decisions took back.
    taken_back = _taken_back(project, recovery)
    computation = interest_on(recovery.amount, attribute_next(taken_back, recovery.amount, paid), due_on)
    check = time_limit(recovery, recovery.ground_known_on, on)
    return {
        "project": project.reference, "title": application.title, "grant": str(project.grant),
        "recipient": {lang: (organisation.name(lang) if organisation else (lead.name_as_written if lead else ""))
                      for lang in ("fi", "sv")},
        "ground": {"section": recovery.ground_section, "subsection": recovery.ground_subsection},
        "amount": str(recovery.amount), "reasons": recovery.reasons,
        "known_on": recovery.ground_known_on.isoformat(), "last_day": check.last_day.isoformat(),
        "hearing": {"sent_on": recovery.hearing_sent_on.isoformat(), "deadline": recovery.hearing_deadline.isoformat(),
                    "response": recovery.response,
                    "responded_on": timezone.localdate(recovery.responded_at).isoformat()
                    if recovery.responded_at else None},
        "payments": [{"paid_on": p.paid_on.isoformat(), "amount": str(p.amount)} for p in paid],
        "taken_back": str(taken_back),
        "computation": computation_as_dict(computation),
        "total": str(recovery.amount + computation.interest),
        "due_on": due_on.isoformat(), "prepared_on": on.isoformat(),
        "texts": {key: project.call.texts.get(key) or {} for key in ("issuer", "rectification")},
        # What the recipient pays with, the same number as the receivables file's (the case's id): signed with
        # the rest, so the document says it.
        "reference": recovery_reference(recovery),
    }


def _ready_to_prepare(recovery: Recovery, due_on: date, on: date) -> None:
    if recovery.status != Recovery.Status.HEARING:
        raise Conflict(_("The decision has already been prepared."))
    if not hearing_finished(recovery, on):
        raise Conflict(_("The recipient is being heard until %(day)s; the decision is prepared after the response "
                         "or the deadline.") % {"day": date_text(recovery.hearing_deadline)})
    if due_on <= on:
        raise Invalid({"due_on": [_("The due date is after the day of the decision.")]})
    _in_time(recovery, on)
    _refuse_more_than_left(recovery)


def _refuse_more_than_left(recovery: Recovery) -> None:
    left = _left_to_recover(recovery.project, recovery)
    if recovery.amount > left:
        raise Conflict(_more_than_left(left))


def recovery_preview(recovery: Recovery, *, actor, due_on: date, on: date | None = None) -> tuple[dict, str]:
    """The decision as it would be prepared now with ``due_on``, and the hash the preparing official names."""
    permissions.check_manages_projects(actor, recovery.project.call.programme, _(ONLY_OFFICIALS),
                                       project=recovery.project)
    today = _today(on)
    _ready_to_prepare(recovery, due_on, today)
    snapshot = _snapshot(recovery, due_on, today)
    return snapshot, snapshot_sha256(snapshot)


def prepare_recovery(recovery: Recovery, *, actor, due_on: date, version: str, on: date | None = None) -> Recovery:
    """One official prepares the decision as previewed (``version`` the preview's hash)."""
    permissions.check_manages_projects(actor, recovery.project.call.programme, _(ONLY_OFFICIALS),
                                       project=recovery.project)
    today = _today(on)
    with transaction.atomic():
        current = lock_recovery(recovery)
        _ready_to_prepare(current, due_on, today)
        snapshot = _snapshot(current, due_on, today)
        digest = snapshot_sha256(snapshot)
        if digest != version:
            raise Conflict(_("The recovery changed after you opened it; read it again."))
        current.snapshot, current.sha256, current.due_on = snapshot, digest, due_on
        current.status, current.prepared_by, current.prepared_at = (Recovery.Status.PREPARED, user_of(actor),
                                                                    timezone.now())
        current.save(update_fields=["snapshot", "sha256", "due_on", "status", "prepared_by", "prepared_at"])
        record("recovery.prepared", current, actor=actor, application=current.project.application,
               data={"project": current.project.reference, "sha256": digest, "due_on": due_on.isoformat(),
                     "total": snapshot["total"]})
    return current


def sign_recovery(recovery: Recovery, *, actor, version: str, on: date | None = None) -> Recovery:
    """A second official signs the prepared decision they read (``version`` its ``sha256``) on ``on``."""
    today = _today(on)
    with transaction.atomic():
        current = lock_recovery(recovery)
        permissions.check_signs_recovery(actor, current.project.call.programme, current.prepared_by_id,
                                         _(SIGNED_BY_ANOTHER), project=current.project)
        if current.status != Recovery.Status.PREPARED:
            raise Conflict(_("The recovery decision is not awaiting signature."))
        if version != current.sha256 or snapshot_sha256(current.snapshot or {}) != current.sha256:
            raise Conflict(_("The decision is not the one you read; read it again."))
        if current.due_on is None or current.due_on <= today:
            raise Conflict(_("The due date has come; the decision must be prepared again with a later one."))
        _in_time(current, today)
        _refuse_more_than_left(current)  # another case decided since this one was prepared
        taken_back = (current.snapshot or {}).get("taken_back")  # absent from decisions prepared before it was kept
        if taken_back is not None and Decimal(taken_back) != _taken_back(current.project, current):
            # The principal was attributed to the money held when it was prepared; another decision took some back.
            raise Conflict(_("Another decision has taken back a part of the grant since this one was prepared: "
                             "send it back to be prepared again."))
        current.status, current.signed_by, current.signed_at, current.decided_on = (
            Recovery.Status.DECIDED, user_of(actor), timezone.now(), today)
        current.save(update_fields=["status", "signed_by", "signed_at", "decided_on"])
        record("recovery.decided", current, actor=actor, application=current.project.application,
               data={"project": current.project.reference, "sha256": current.sha256, "decided_on": today.isoformat(),
                     "due_on": current.due_on.isoformat(), "total": (current.snapshot or {})["total"]})
        events.recovery_decided.send(Recovery, recovery=current, actor=actor)
    return current


def withdraw_recovery_decision(recovery: Recovery, *, actor, version: str, reasons: str) -> Recovery:
    """Send a prepared decision back before it is signed: its signer disagrees (or its preparer saw a mistake).

    The case returns to its finished hearing with the reasons kept (``withdrawn_reasons``) and audited, and an
    official prepares it again; ``version`` is the hash of the decision read, so a newer preparation is not lost.
    """
    with transaction.atomic():
        current = lock_recovery(recovery)
        permissions.check_withdraws_recovery_decision(
            actor, current.project.call.programme, current.prepared_by_id,
            _("A prepared recovery decision is sent back by its preparer or by an official who may sign it."),
            project=current.project)
        check_lengths(reasons=reasons)
        if not (reasons or "").strip():
            raise Invalid({"reasons": [_("Give the reasons for sending the decision back.")]})
        if current.status != Recovery.Status.PREPARED:
            raise Conflict(_("The recovery decision is not awaiting signature."))
        if version != current.sha256:
            raise Conflict(_("The decision is not the one you read; read it again."))
        sha256, prepared_by = current.sha256, current.prepared_by_id
        current.status, current.snapshot, current.sha256, current.due_on = Recovery.Status.HEARING, None, "", None
        current.prepared_by, current.prepared_at, current.withdrawn_reasons = None, None, reasons.strip()
        current.save(update_fields=["status", "snapshot", "sha256", "due_on", "prepared_by", "prepared_at",
                                    "withdrawn_reasons"])
        record("recovery.decision_withdrawn", current, actor=actor, application=current.project.application,
               data={"project": current.project.reference, "sha256": sha256, "prepared_by": prepared_by,
                     "reasons": current.withdrawn_reasons})
    return current


def waived_total(recovery: Recovery) -> Decimal:
    """The principal waived by confirmed waivers: a proposed one changes nothing until its second person."""
    total = recovery.waivers.in_force().aggregate(total=Sum("principal"))["total"]
    return (total or Decimal(0)).quantize(Decimal("0.01"))


def returned_total(recovery: Recovery) -> Decimal:
    return recovery.returns.total()


def interest_waived(recovery: Recovery) -> bool:
    return recovery.waivers.in_force().filter(interest=True).exists()


def proposed_waiver(recovery: Recovery) -> RecoveryWaiver | None:
    """The case's waiver awaiting its second person, if any (there is one at most)."""
    return recovery.waivers.filter(status=RecoveryWaiver.Status.PROPOSED).first()


def amount_due(recovery: Recovery) -> Decimal:
    """The principal still to return: the amount decided less what was waived and returned."""
    return rules.amount_due(recovery.amount, waived_total(recovery), returned_total(recovery))


def recovery_steps(actor, recovery: Recovery, on: date | None = None) -> frozenset[str]:
    """The steps ``actor`` may take on the case now, as the services refuse the rest: the lead answers the hearing
    once (``respond_to_hearing``); the programme's officials prepare the decision once the hearing is finished
    (``hearing_finished``, ``prepare_recovery``); a signer who did not prepare it signs a prepared decision
    (``permissions.can_sign_recovery_decision``, ``sign_recovery``) and its preparer or a signer sends it back
    (``permissions.can_withdraw_recovery_decision``, ``withdraw_recovery_decision``); the officials record returns
    and propose waivers on a decided case while principal is still due (``record_recovery_return``,
    ``waive_recovery``: one proposal at a time); a proposed waiver is confirmed by a signer who did not propose it
    (``permissions.can_confirm_waiver``, ``waivers.confirm_waiver``) and declined by either
    (``permissions.can_decline_waiver``, ``waivers.decline_waiver``), whatever is still due, so that a proposal
    never blocks the case. What only the form's values decide (a due date within section 29, an amount) is the
    service's to refuse."""
    project = recovery.project
    programme = project.call.programme
    manages = permissions.can_manage_projects(actor, programme, project=project)
    steps = set()
    if recovery.status == Recovery.Status.HEARING:
        if recovery.responded_at is None and permissions.can_act_for_lead(actor, project):
            steps.add("respond")
        if manages and hearing_finished(recovery, on):
            steps.add("prepare")
    elif recovery.status == Recovery.Status.PREPARED:
        if permissions.can_sign_recovery_decision(actor, programme, recovery.prepared_by_id, project=project):
            steps.add("sign")
        if permissions.can_withdraw_recovery_decision(actor, programme, recovery.prepared_by_id, project=project):
            steps.add("send_back")
    elif recovery.status == Recovery.Status.DECIDED:
        pending = proposed_waiver(recovery)
        if manages and amount_due(recovery) > 0:
            steps |= {"return"} if pending else {"return", "waive"}
        if pending and permissions.can_confirm_waiver(actor, programme, pending.proposed_by_id, project=project):
            steps.add("confirm_waiver")
        if pending and permissions.can_decline_waiver(actor, programme, pending.proposed_by_id, project=project):
            steps.add("decline_waiver")
    return frozenset(steps)


def _decided(recovery: Recovery) -> Recovery:
    current = lock_recovery(recovery)
    if current.status != Recovery.Status.DECIDED:
        raise Conflict(_("The recovery has not been decided yet."))
    return current


def case_version(recovery: Recovery) -> str:
    """The returns and waivers of a decided case as its page showed them: the ``version`` its forms send. A waiver's
    state is in it: a return read before a waiver was confirmed would be recorded with interest it no longer
    bears."""
    return snapshot_sha256({"returns": list(recovery.returns.order_by("pk").values_list("pk", flat=True)),
                    "waivers": [list(w) for w in recovery.waivers.order_by("pk").values_list("pk", "status")]})


def _refuse_changed_case(current: Recovery, version: str) -> None:
    if version != case_version(current):
        raise Conflict(_(CASE_CHANGED))


def record_recovery_return(recovery: Recovery, *, actor, returned_on: date, amount,
                           version: str) -> RecoveryReturn:
    """An official records a part (or all) of the amount due as returned, with interest and penalty interest.

    The principal is the decision's attribution to the latest payments first, taken by the returns in turn
    (``rules.interest.attribute_next``, as a settlement's returns take it); a waived part comes off the end.
    ``version`` (``case_version``, the case's page sends it) refuses the same form posted twice; it has no default,
    so no caller records a return twice by leaving it out.
    """
    permissions.check_manages_projects(actor, recovery.project.call.programme, _(ONLY_OFFICIALS),
                                       project=recovery.project)
    principal = returned_principal(amount, returned_on)
    with transaction.atomic():
        current = _decided(recovery)
        _refuse_changed_case(current, version)
        left = amount_due(current)
        refuse_more_than_left(principal, left)
        attributed = [Payment(date.fromisoformat(p["paid_on"]), Decimal(p["amount"]))
                      for p in (current.snapshot or {})["computation"]["attribution"]]
        computation = interest_on(principal, attribute_next(returned_total(current), principal, attributed),
                                  returned_on, due_on=current.due_on)
        waived = interest_waived(current)
        entry = RecoveryReturn.objects.create(
            recovery=current, returned_on=returned_on, amount=principal,
            interest=Decimal(0) if waived else computation.interest,
            penalty_interest=Decimal(0) if waived else computation.penalty_interest,
            computation={**computation_as_dict(computation), "interest_waived": waived}, recorded_by=user_of(actor))
        record("recovery.returned", entry, actor=actor, application=current.project.application,
               data={"project": current.project.reference, "recovery": current.pk,
                     "returned_on": returned_on.isoformat(), "amount": str(principal),
                     "interest": str(entry.interest), "penalty_interest": str(entry.penalty_interest),
                     "left": str(left - principal)})
    return entry


def waive_recovery(recovery: Recovery, *, actor, principal, interest: bool, reasons: str,
                   version: str) -> RecoveryWaiver:
    """Section 26: an official proposes to waive part or all of what is left of the principal, and/or the interest
    (``version`` as for ``record_recovery_return``). Nothing due changes until a second person confirms it
    (``waivers.confirm_waiver``); while it waits, no other waiver is proposed on the case."""
    permissions.check_manages_projects(actor, recovery.project.call.programme, _(ONLY_OFFICIALS),
                                       project=recovery.project)
    check_lengths(reasons=reasons)
    amount = _money(principal or "0", "principal")
    if amount < 0:
        raise Invalid({"principal": [_("The amount waived cannot be negative.")]})
    if not (reasons or "").strip():
        raise Invalid({"reasons": [_("Give the reasons for the waiver.")]})
    if amount == 0 and not interest:
        raise Invalid({"principal": [_("Waive an amount, the interest, or both.")]})
    with transaction.atomic():
        current = _decided(recovery)
        _refuse_changed_case(current, version)
        if proposed_waiver(current) is not None:
            raise Conflict(_(WAIVER_PENDING))
        left = amount_due(current)
        refuse_more_than_left(amount, left, "principal")
        waiver = RecoveryWaiver.objects.create(recovery=current, principal=amount, interest=bool(interest),
                                               reasons=reasons.strip(), proposed_by=user_of(actor))
        record("recovery.waiver_proposed", waiver, actor=actor, application=current.project.application,
               data={"project": current.project.reference, "recovery": current.pk, "principal": str(amount),
                     "interest": bool(interest), "reasons": waiver.reasons, "due": str(left)})
    return waiver


def recoveries_of(project: FundedProject, *, actor) -> list[Recovery]:
    """A project's recovery cases, for whoever may see the project."""
    permissions.check_sees_project(actor, project)
    return list(project.recoveries.order_by("started_at", "id"))


def check_sees_recovery(actor, recovery: Recovery) -> None:
    """Recipients see a case from its hearing request; officials always (``can_see_project``)."""
    permissions.check_sees_project(actor, recovery.project)

