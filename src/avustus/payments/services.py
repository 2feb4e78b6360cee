"""Payments: the account a project is paid to, and each instalment from the lead's application to the payment.

Every money step locks the project's row first (``projects.services.lock_project``), then the application's,
and recomputes what may be paid under that lock: two officials clicking at once, or one clicking twice,
pay once. Approving a payment names the version the approver saw (``payment_version``) and is refused if
the amount or the account changed since.
"""

import hashlib
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from avustus import events
from avustus.accounts import permissions
from avustus.accounts.tokens import require_in_person
from avustus.actors import user_of
from avustus.audit.chain import record
from avustus.calls.models import Call, CostCategory
from avustus.decisions.vocabulary.base import date_text
from avustus.errors import Conflict, Invalid
from avustus.payments.models import BankAccount, PaymentApplication, PaymentFileEntry
from avustus.projects.models import FundedProject
from avustus.projects.services import approved_budget_cells, check_day, lock_project
from avustus.reports.services import accepted_costs_by_cell
from avustus.rules import budget_caps
from avustus.rules import changes as change_rules
from avustus.rules import iban as iban_rules
from avustus.rules import payments as rules
from avustus.rules.money import MoneyError, format_amount, parse_euros
from avustus.texts import FORMULA_STARTS, check_lengths, limit_message

IBAN_MESSAGES = {
    iban_rules.IbanError.FORMAT: gettext_lazy("An IBAN begins with the country's two letters and two check digits, "
                                              "such as FI21 1234 5600 0007 85."),
    iban_rules.IbanError.COUNTRY: gettext_lazy("Payments go to an account in a SEPA country; this IBAN's country is "
                                               "not one."),
    iban_rules.IbanError.LENGTH: gettext_lazy("The IBAN is too short or too long for its country (a Finnish one has "
                                              "18 characters)."),
    iban_rules.IbanError.CHECKSUM: gettext_lazy("The IBAN's check digits do not match: check the number for a typing "
                                                "error."),
}


HOLDER_LENGTH: int = BankAccount._meta.get_field("holder").max_length or 0  # the column's length, 200


def _iban_message(kind: str) -> str:
    return str(IBAN_MESSAGES[kind])


def paid_total(project: FundedProject) -> Decimal:
    """What has been paid to the project so far."""
    total = project.payment_applications.filter(status=PaymentApplication.Status.PAID).aggregate(
        total=Sum("amount_paid"))["total"]
    return (total or Decimal(0)).quantize(Decimal("0.01"))


def budget_flexibility(call: Call) -> Decimal:
    """How far a cell's costs may go beyond its approved line (``rules.budget_caps``): the 2020 decision allows
    no deviation between cost categories or members (a different split is a change request, an amending
    decision), and no call since has allowed any; a call that does would carry its share here."""
    return budget_caps.NO_FLEXIBILITY


def counted_costs(project: FundedProject) -> budget_caps.Counted:
    """The accepted costs to date (``reports.services``, the final report's once accepted) as they count towards
    the grant: each cell of a cost category and member at most its approved line (``rules.budget_caps``).
    What payments and settlement both go by."""
    return budget_caps.count_costs(approved_budget_cells(project), accepted_costs_by_cell(project),
                                   budget_flexibility(project.call))


def payable(project: FundedProject, counted: budget_caps.Counted | None = None) -> Decimal:
    """What the project may be paid now: the aid rate of the accepted costs to date within the approved budget's
    lines, capped at the grant, less what was paid."""
    counted = counted if counted is not None else counted_costs(project)
    return rules.payable_now(project.aid_rate, counted.counted, project.grant, paid_total(project))


def euro_text(amount: Decimal) -> str:
    return f"{format_amount(amount)}\u00a0€"


def over_budget_lines(project: FundedProject, counted: budget_caps.Counted) -> list[str]:
    """Each line whose accepted costs exceed it, in the user's language: the category and member, the approved
    line and the most paid on it (``line × aid rate``)."""
    if not counted.over:
        return []
    language = get_language() or "fi"
    categories = CostCategory.objects.in_bulk({line.cell[0] for line in counted.over})
    members = {m.pk: m for m in project.application.members.select_related("organisation")}
    lines = []
    for line in counted.over:
        category, member = categories.get(line.cell[0]), members.get(line.cell[1])
        lines.append(_("%(category)s, %(member)s: the costs accepted, %(accepted)s, exceed the approved budget line "
                       "of %(budget)s; at most %(cap)s (the aid rate of %(counted)s) is paid on it.") % {
            "category": category.text(language[:2]) if category else line.cell[0],
            "member": _member_name(member, language[:2]) if member else line.cell[1],
            "accepted": euro_text(line.accepted),
            "budget": euro_text(line.budget), "cap": euro_text(line.cap(project.aid_rate)),
            "counted": euro_text(line.counted)})
    return lines


def _member_name(member, language: str) -> str:
    """A consortium member's name in the reader's language (a Swedish name where the registry has one)."""
    return member.organisation.name(language) if member.organisation else member.name_as_written


def payment_stopped(project: FundedProject) -> bool:
    """Whether a recovery decision on a ground of section 21 of Act 688/2001 has been made on the project: such a
    decision orders the payment of the grant stopped as well as what was paid recovered (section 21(1))."""
    # Through the project's relation: the settlement stage builds on payments (tests/test_architecture.py), so its
    # models are not imported here; "decided" is ``settlement.models.Recovery.Status.DECIDED``.
    return project.recoveries.filter(status="decided", ground_section=21).exists()


def stopped_projects() -> QuerySet[FundedProject]:
    """The projects whose payment a section 21 recovery decision stopped (``payment_stopped``), for the lists of
    what is to pay: an approved payment of such a project is no longer sent to the bank."""
    return FundedProject.objects.filter(recoveries__status="decided", recoveries__ground_section=21)


def approved_after_period_of_use(project: FundedProject, applications) -> set[int]:
    """The approved, unpaid payments among ``applications`` approved (Finnish time) after the appropriation's period
    of use ended. None of them can ever be paid from it: the day paid is neither before the approval
    (``_refuse_before_approval``) nor after the period (``_refuse_beyond_period_of_use``). They go in no payment
    file (``within_period_of_use``), and the one step left on them is rejection."""
    until = project.call.appropriation_usable_until
    return {a.pk for a in applications if a.status == PaymentApplication.Status.APPROVED and a.approved_at
            and change_rules.payment_beyond_period(timezone.localdate(a.approved_at), until)}


def within_period_of_use(applications: QuerySet[PaymentApplication]) -> QuerySet[PaymentApplication]:
    """``applications`` less those approved after their appropriation's period of use (``approved_after_period_of_use``,
    asked of the database): what a payment file may send to the bank."""
    until = F("project__call__appropriation_usable_until")
    return (applications.annotate(approved_day=TruncDate("approved_at", tzinfo=timezone.get_default_timezone()))
            .filter(Q(project__call__appropriation_usable_until__isnull=True) | Q(approved_day__lte=until)))


def _stopped_text() -> str:
    return _("The payment of the grant was stopped by a recovery decision (section 21 of the Act on "
             "Discretionary Government Transfers): no more instalments are paid.")


def _refuse_if_stopped(project: FundedProject) -> None:
    if payment_stopped(project):
        raise Conflict(_stopped_text())


def _refuse_more_than_payable(project: FundedProject, amount: Decimal | None) -> None:
    """Refuse paying ``amount`` when it is more than is payable now, naming any budget line that caps it."""
    counted = counted_costs(project)
    if amount is not None and amount <= payable(project, counted):
        return
    raise Conflict(" ".join([_("The amount is more than is payable now."), *over_budget_lines(project, counted)]))


# --- the account ---

def register_account(project: FundedProject, iban: str, holder: str, *, actor) -> BankAccount:
    """The lead (or an official on the lead's written notice) registers the account to pay; it awaits confirmation.

    An official registers it in person: the account is where the grant is paid, and the API (where the lead's
    scripts register it) is no way for an official's token to name one."""
    permissions.check_registers_account(actor, project, _("Only the lead or the programme's officials register "
                                                          "the project's account."))
    if not permissions.can_act_for_lead(actor, project):
        require_in_person(actor)
    try:
        number = iban_rules.validate(iban)
    except iban_rules.IbanError as exc:
        raise Invalid({"iban": [_iban_message(exc.kind)]}) from exc
    if not holder.strip():
        raise Invalid({"holder": [_("Give the account holder's name.")]})
    if len(holder.strip()) > HOLDER_LENGTH:  # PostgreSQL refuses a longer one as it is written: a 500
        raise Invalid({"holder": [limit_message(HOLDER_LENGTH)]})
    if holder.strip().startswith(FORMULA_STARTS):  # no name does; the payment file goes to spreadsheets
        raise Invalid({"holder": [_("The account holder's name cannot begin with =, +, - or @.")]})
    with transaction.atomic():
        locked = lock_project(project)
        if locked.state != FundedProject.State.IN_PROGRESS:  # nothing more is paid; no account to confirm
            raise Conflict(_("The project is not in progress."))
        if locked.bank_accounts.filter(status=BankAccount.Status.PENDING).exists():
            raise Conflict(_("An account awaits confirmation already; it is confirmed or rejected first."))
        is_change = locked.bank_accounts.filter(status=BankAccount.Status.ACTIVE).exists()
        account = BankAccount.objects.create(project=locked, iban=number, holder=holder.strip(), is_change=is_change,
                                             registered_by=user_of(actor))
        record("payments.account_registered", account, actor=actor, application=locked.application,
               data={"project": locked.reference, "iban": number, "holder": account.holder, "change": is_change})
    return account


def account_confirmers_excluded(account: BankAccount) -> list:
    """Who may not confirm the account: who registered it, and who confirmed a change of account already (four
    eyes; ``confirm_account`` refuses them with ``check_second_person``)."""
    return [account.registered_by_id, account.first_confirmed_by_id]


def account_steps(actor, project: FundedProject, accounts) -> dict[int, frozenset[str]]:
    """What ``actor`` may do now with each of the project's ``accounts``, as ``confirm_account`` and
    ``reject_account`` refuse the rest: an account awaiting confirmation is confirmed by a second person of the
    programme (``account_confirmers_excluded``) and rejected by any of its officials."""
    programme = project.call.programme
    manages = permissions.can_manage_projects(actor, programme, project=project)
    steps = {}
    for account in accounts:
        allowed = set()
        if account.status == BankAccount.Status.PENDING:
            if (project.state == FundedProject.State.IN_PROGRESS  # nothing more is paid on it (``confirm_account``)
                    and permissions.is_second_person(actor, programme, account_confirmers_excluded(account),
                                                     project=project)):
                allowed.add("confirm")
            if manages:
                allowed.add("reject")
        steps[account.pk] = frozenset(allowed)
    return steps


def confirm_account(account: BankAccount, *, actor, note: str) -> BankAccount:
    """An official confirms a registered account; a change of account takes a second, different official."""
    project = account.project
    check_lengths(note=note)
    with transaction.atomic():
        locked = lock_project(project)
        current = BankAccount.objects.select_for_update().get(pk=account.pk)
        if current.status != BankAccount.Status.PENDING:
            raise Conflict(_("The account is not awaiting confirmation."))
        if locked.state != FundedProject.State.IN_PROGRESS:  # registered before it closed: it may only be rejected
            raise Conflict(_("The project is not in progress."))
        permissions.check_second_person(
            actor, project.call.programme, account_confirmers_excluded(current),
            _("An account is confirmed by an official of the programme who did not register it or confirm it "
              "already."), project=project)
        require_in_person(actor)
        if not note.strip():
            raise Invalid({"note": [_("Say how the account was confirmed to be the recipient's.")]})
        current.confirmation_note = "\n".join(filter(None, [current.confirmation_note, note.strip()]))
        if current.first_confirmed_by_id is None:
            current.first_confirmed_by = actor
        else:
            current.second_confirmed_by = actor
        done = not current.is_change or current.second_confirmed_by_id is not None
        if done:
            project.bank_accounts.filter(status=BankAccount.Status.ACTIVE).update(
                status=BankAccount.Status.SUPERSEDED)
            current.status = BankAccount.Status.ACTIVE
            current.confirmed_at = timezone.now()
        current.save()
        record("payments.account_confirmed" if done else "payments.account_first_confirmation", current,
               actor=actor, application=project.application,
               data={"project": project.reference, "iban": current.iban, "note": note.strip(), "in_use": done})
    return current


def reject_account(account: BankAccount, *, actor, reason: str) -> BankAccount:
    project = account.project
    permissions.check_manages_projects(actor, project.call.programme,
                                       _("Only the programme's officials confirm or reject accounts."), project=project)
    check_lengths(reason=reason)
    if not reason.strip():
        raise Invalid({"reason": [_("Say why the account is rejected.")]})
    with transaction.atomic():
        lock_project(project)
        current = BankAccount.objects.select_for_update().get(pk=account.pk)
        if current.status != BankAccount.Status.PENDING:
            raise Conflict(_("The account is not awaiting confirmation."))
        current.status = BankAccount.Status.REJECTED
        current.confirmation_note = reason.strip()
        current.save(update_fields=["status", "confirmation_note"])
        record("payments.account_rejected", current, actor=actor, application=project.application,
               data={"project": project.reference, "iban": current.iban, "reason": current.confirmation_note})
    return current


# --- instalments ---

def _refusal_message(code: str, count: int) -> str:
    return {
        rules.NO_MORE_INSTALMENTS: _("The grant is paid in %(n)s instalments and all of them have been applied "
                                     "for.") % {"n": count},
        rules.LAST_WAITS_FOR_FINAL_REPORT: _("The last instalment is paid after the final report is accepted."),
        rules.SETTLEMENT_FIRST: _("The last instalment is paid once the settlement of the grant, made from the "
                                  "final report, is approved."),
        rules.NOTHING_PAYABLE: _("Nothing is payable now: the accepted costs to date have been paid."),
    }[code]


def _next_instalment(project: FundedProject) -> tuple[str | None, int, budget_caps.Counted | None, Decimal]:
    """Why the lead cannot apply for the next instalment now (None when they can), its number, the costs it
    would count and the amount payable."""
    live = project.payment_applications.exclude(status=PaymentApplication.Status.REJECTED)
    number = live.count() + 1
    if project.state != FundedProject.State.IN_PROGRESS:
        return _("The project is not in progress."), number, None, Decimal(0)
    if payment_stopped(project):
        return _stopped_text(), number, None, Decimal(0)
    if live.exclude(status=PaymentApplication.Status.PAID).exists():
        return _("An earlier payment application is still being handled."), number, None, Decimal(0)
    counted = counted_costs(project)
    amount = payable(project, counted)
    count = project.instalments
    # Through the project's relation, as ``payment_stopped`` reads recoveries: settlement builds on payments.
    settlement = getattr(project, "settlement", None)
    refusal = rules.refusal(number, count, final_report_accepted=project.final_report_accepted_on is not None,
                            settlement_approved=settlement is not None and settlement.status == "approved",
                            payable=amount)
    if refusal is None:
        return None, number, counted, amount
    if refusal == rules.NOTHING_PAYABLE and not counted.accepted:
        return _("Nothing is payable yet: no costs have been accepted from the reports."), number, counted, amount
    message = _refusal_message(refusal, count)
    if refusal == rules.NOTHING_PAYABLE:
        message = " ".join([message, *over_budget_lines(project, counted)])
    return message, number, counted, amount


def payment_application_refusal(project: FundedProject) -> str | None:
    """Why the lead cannot apply for a payment now, in the user's language, or None when they can: the page says
    it instead of offering a button that could only fail; ``apply_for_payment`` refuses with it under the lock."""
    return _next_instalment(project)[0]


def apply_for_payment(project: FundedProject, *, actor, idempotency_key: str = "") -> PaymentApplication:
    """The lead applies for the next instalment, claiming the accepted costs to date; a repeated key returns it."""
    permissions.check_recipient_lead(actor, project, _("Only the lead applies for payment."))
    with transaction.atomic():
        locked = lock_project(project)
        if idempotency_key:
            earlier = locked.payment_applications.filter(idempotency_key=idempotency_key).first()
            if earlier is not None:
                return earlier
        refusal, number, counted, amount = _next_instalment(locked)
        if refusal is not None or counted is None:  # the costs are counted whenever nothing refuses
            raise Conflict(refusal)
        costs = counted.accepted
        application = PaymentApplication.objects.create(
            project=locked, number=number, costs_to_date=costs, amount_claimed=amount, submitted_by=user_of(actor),
            submitted_at=timezone.now(), idempotency_key=idempotency_key)
        record("payments.applied", application, actor=actor, application=locked.application,
               data={"project": locked.reference, "number": number, "costs_to_date": str(costs),
                     "amount": str(amount)})
        events.payment_application_submitted.send(PaymentApplication, application=application, actor=actor)
    return application


# The states each step takes a payment application from: the services below refuse any other, and
# ``payment_steps`` offers a step on the screens only from these; once a section 21 decision has stopped the
# payment, ``stopped_steps`` says what is left instead.
STEP_FROM = {
    "accept": (PaymentApplication.Status.SUBMITTED,),
    "reject": (PaymentApplication.Status.SUBMITTED, PaymentApplication.Status.ACCEPTED),
    "approve": (PaymentApplication.Status.ACCEPTED,),
    "paid": (PaymentApplication.Status.APPROVED,),
}


def payment_steps(actor, project: FundedProject, applications) -> dict[int, frozenset[str]]:
    """The steps of ``STEP_FROM`` that ``actor`` may take now on each of the project's ``applications``, asked
    as the services below refuse the others: accepting, rejecting and recording the day paid are the
    programme's officials' (``check_manages_projects``); approving is a second person's
    (``permissions.can_approve_payment``), to the project's confirmed account (``approve_payment`` refuses
    without one). What only the form's values decide (an amount, a day) is the service's to refuse."""
    programme = project.call.programme
    manages = permissions.can_manage_projects(actor, programme, project=project)
    has_account = active_account(project) is not None
    stopped = stopped_steps(project, applications)
    late = approved_after_period_of_use(project, applications)
    steps = {}
    for application in applications:
        allowed = set()
        for step, states in STEP_FROM.items():
            if application.status not in states:
                continue
            if step == "approve":
                if has_account and permissions.can_approve_payment(actor, programme, application.accepted_by_id,
                                                                   project=project):
                    allowed.add(step)
            elif manages:
                allowed.add(step)
        if stopped is not None:
            allowed = set(stopped[application.pk]) if manages else set()  # both are the officials' steps
        if application.pk in late:
            allowed = {"reject"} if manages else set()
        steps[application.pk] = frozenset(allowed)
    return steps


def stopped_steps(project: FundedProject, applications) -> dict[int, frozenset[str]] | None:
    """None while the project's payment goes on. Once a section 21 decision has stopped it, the steps left on each
    application, the one statement of that rule for the page and the services: the day paid is recorded of an
    approved payment that a payment file sent before the stop listed (the bank may have paid it); any other still
    open is only rejected (``reject_payment_application``), an approved one never sent included."""
    if not payment_stopped(project):
        return None
    sent = set(PaymentFileEntry.objects.filter(application__in=[a.pk for a in applications])
               .values_list("application_id", flat=True))
    open_states = (*STEP_FROM["reject"], PaymentApplication.Status.APPROVED)
    return {a.pk: frozenset({"paid"}) if a.status == PaymentApplication.Status.APPROVED and a.pk in sent
            else frozenset({"reject"}) if a.status in open_states
            else frozenset() for a in applications}


def _lock_application(application: PaymentApplication) -> tuple[FundedProject, PaymentApplication]:
    project = lock_project(application.project)
    return project, PaymentApplication.objects.select_for_update().get(pk=application.pk)


def accept_payment_application(application: PaymentApplication, *, actor, amount: str | Decimal | None = None,
                               reasons: str = "") -> PaymentApplication:
    """An official accepts the amount claimed, or a lower one with the reasons."""
    project = application.project
    permissions.check_manages_projects(actor, project.call.programme,
                                       _("Only the programme's officials accept payment applications."),
                                       project=project)
    check_lengths(reasons=reasons)
    with transaction.atomic():
        project, current = _lock_application(application)
        if current.status not in STEP_FROM["accept"]:
            raise Conflict(_("The payment application is not waiting for review."))
        try:
            accepted = current.amount_claimed if amount in (None, "") else parse_euros(amount)
        except MoneyError as exc:
            raise Invalid({"amount": [_("Give the amount in euros and cents, such as 1 250,00.")]}) from exc
        if not Decimal(0) < accepted <= current.amount_claimed:
            raise Invalid({"amount": [_("The amount accepted is more than zero and at most the amount applied for.")]})
        if accepted < current.amount_claimed and not reasons.strip():
            raise Invalid({"reasons": [_("Give the reasons for accepting less than was applied for.")]})
        _refuse_if_stopped(project)
        _refuse_more_than_payable(project, accepted)
        current.status = PaymentApplication.Status.ACCEPTED
        current.amount_accepted, current.acceptance_reasons = accepted, reasons.strip()
        current.accepted_by, current.accepted_at = user_of(actor), timezone.now()
        current.save()
        record("payments.accepted", current, actor=actor, application=project.application,
               data={"project": project.reference, "number": current.number, "amount": str(accepted),
                     "claimed": str(current.amount_claimed), "reasons": current.acceptance_reasons})
        events.payment_application_decided.send(PaymentApplication, application=current, actor=actor)
    return current


def reject_payment_application(application: PaymentApplication, *, actor, reasons: str) -> PaymentApplication:
    project = application.project
    permissions.check_manages_projects(actor, project.call.programme,
                                       _("Only the programme's officials accept payment applications."),
                                       project=project)
    check_lengths(reasons=reasons)
    if not reasons.strip():
        raise Invalid({"reasons": [_("Give the reasons for rejecting the payment application.")]})
    with transaction.atomic():
        project, current = _lock_application(application)
        # An approved payment never sent to the bank is rejected once a section 21 decision stopped the payment:
        # it is not paid (``record_payment``), and rejected it no longer waits as approved.
        # So is one approved after the appropriation's period of use, which can never be paid from it.
        stopped = stopped_steps(project, [current])
        if (current.status not in STEP_FROM["reject"]
                and (stopped is None or "reject" not in stopped[current.pk])
                and not approved_after_period_of_use(project, [current])):
            raise Conflict(_("The payment application can no longer be rejected."))
        current.status = PaymentApplication.Status.REJECTED
        current.acceptance_reasons = reasons.strip()
        current.save(update_fields=["status", "acceptance_reasons"])
        record("payments.rejected", current, actor=actor, application=project.application,
               data={"project": project.reference, "number": current.number, "reasons": current.acceptance_reasons})
        events.payment_application_decided.send(PaymentApplication, application=current, actor=actor)
    return current


def _refuse_beyond_period_of_use(project: FundedProject, day: date) -> None:
    """A grant is paid from its appropriation only while the appropriation may be used (its period of use)."""
    usable_until = project.call.appropriation_usable_until
    if change_rules.payment_beyond_period(day, usable_until):
        raise Conflict(_("The grant's appropriation could be used only until %(until)s (its period of use); a "
                         "payment on %(day)s is beyond it and cannot be made from it.")
                       % {"until": date_text(usable_until) if usable_until else "", "day": date_text(day)})


def active_account(project: FundedProject) -> BankAccount | None:
    return project.bank_accounts.filter(status=BankAccount.Status.ACTIVE).first()


def payment_version(application: PaymentApplication) -> str:
    """What the approver saw: the application's amount and state and the account it would be paid to."""
    account = active_account(application.project)
    seen = [application.pk, application.number, application.status, application.amount_accepted,
            application.accepted_by_id, account.pk if account else None, account.iban if account else None]
    return hashlib.sha256("|".join(str(v) for v in seen).encode()).hexdigest()


def approve_payment(application: PaymentApplication, *, actor, version: str) -> PaymentApplication:
    """The second person approves the accepted amount to the account in use, as they saw them."""
    with transaction.atomic():
        project, current = _lock_application(application)
        permissions.check_approves_payment(actor, project.call.programme, current.accepted_by_id,
                                           _("A payment is approved by a second person of the programme, not the "
                                             "official who accepted it."), project=project)
        require_in_person(actor)
        if current.status not in STEP_FROM["approve"]:
            raise Conflict(_("The payment application is not waiting for approval."))
        if payment_version(current) != version:
            raise Conflict(_("The payment or its account changed after you opened it; read it again."))
        account = active_account(project)
        if account is None:
            raise Conflict(_("The project has no confirmed account to pay to."))
        _refuse_if_stopped(project)
        _refuse_more_than_payable(project, current.amount_accepted)
        current.status = PaymentApplication.Status.APPROVED
        current.account = account
        current.approved_by, current.approved_at, current.approved_version = user_of(actor), timezone.now(), version
        current.save()
        record("payments.approved", current, actor=actor, application=project.application,
               data={"project": project.reference, "number": current.number, "amount": str(current.amount_accepted),
                     "iban": account.iban, "version": version})
    return current


def _refuse_before_approval(application: PaymentApplication, day: date) -> None:
    """A payment is made only after it was approved: a day paid before the approval's day (Finnish time) is a typing
    error, which would otherwise stand in the messages, the interest on a return and the settlement decision."""
    approved_on = timezone.localdate(application.approved_at) if application.approved_at else None
    if approved_on is not None and day < approved_on:
        raise Invalid({"paid_on": [_("The payment was approved on %(approved)s; the day paid cannot be before it. "
                                     "Check the date.") % {"approved": date_text(approved_on)}]})


def record_payment(application: PaymentApplication, *, actor, paid_on: date) -> PaymentApplication:
    """The day an approved payment was made, not before its approval nor in the future; recording it again for the
    same day changes nothing."""
    project = application.project
    permissions.check_manages_projects(actor, project.call.programme,
                                       _("Only the programme's officials record payments."), project=project)
    require_in_person(actor)
    if paid_on > timezone.localdate():  # the interest on a return and section 29's ten years run from this day
        raise Invalid({"paid_on": [_("The date is in the future; check it.")]})
    check_day("paid_on", paid_on)
    with transaction.atomic():
        project, current = _lock_application(application)
        if current.status == PaymentApplication.Status.PAID:
            if current.paid_on == paid_on:
                return current
            raise Conflict(_("The payment was already recorded as paid on %(day)s.")
                           % {"day": date_text(current.paid_on) if current.paid_on else ""})
        if current.status not in STEP_FROM["paid"]:
            raise Conflict(_("Only an approved payment can be recorded as paid."))
        # A payment file sent before the stop may already have been paid by the bank: that is recorded as it was
        # (the recovery then takes it back). One never sent, after the stop, is not paid (section 21(1)).
        stopped = stopped_steps(project, [current])
        if stopped is not None and "paid" not in stopped[current.pk]:
            raise Conflict(_("The payment of the grant was stopped by a recovery decision (section 21 of the Act on "
                             "Discretionary Government Transfers) before this payment was sent in a payment file: "
                             "it is not paid. Reject the application instead."))
        if approved_after_period_of_use(project, [current]):
            until = project.call.appropriation_usable_until
            raise Conflict(_("The payment was approved on %(approved)s, after the grant's appropriation could be used "
                             "(until %(until)s, its period of use): it cannot be paid from it. Reject the application "
                             "instead.") % {"approved": date_text(timezone.localdate(current.approved_at)),
                                            "until": date_text(until) if until else ""})
        _refuse_before_approval(current, paid_on)
        _refuse_beyond_period_of_use(project, paid_on)
        amount = current.amount_accepted
        _refuse_more_than_payable(project, amount)
        current.status = PaymentApplication.Status.PAID
        current.amount_paid, current.paid_on, current.paid_recorded_by = amount, paid_on, user_of(actor)
        current.save()
        record("payments.paid", current, actor=actor, application=project.application,
               data={"project": project.reference, "number": current.number, "amount": str(amount),
                     "paid_on": paid_on.isoformat(), "iban": current.account.iban if current.account else ""})
        events.payment_made.send(PaymentApplication, application=current, actor=actor)
    return current
