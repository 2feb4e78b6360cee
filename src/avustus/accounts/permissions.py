"""Who may see what: the questions views and services ask about a user's roles.

This is the beginning of the permission layer; every check lives here so that it can be tested in
one place and audited.
"""

from avustus.accounts import disqualification
from avustus.accounts.membership import (
    acts_for_a_member_in_force,
    acts_for_member,
    applicant_organisation_ids,
    recipient_members,
)
from avustus.accounts.models import Role, RoleGrant
from avustus.actors import is_system
from avustus.errors import NotAllowed, NotFound

# The role sets, named once: no other module writes a tuple of roles.
OFFICIAL_ROLES = (Role.OFFICIAL, Role.DECISION_MAKER, Role.AUDITOR, Role.ADMINISTRATOR)  # read officials' screens
PREPARERS = (Role.OFFICIAL, Role.ADMINISTRATOR)  # set up calls, screen, assign, propose, present, prepare
DECIDERS = (Role.DECISION_MAKER,)  # approve proposals and sign decisions (never what they presented)


def has_programme_role(user, programme, roles=OFFICIAL_ROLES) -> bool:
    """Whether the user holds one of ``roles`` over the programme (superusers, and the system, hold them all)."""
    _require_actor(user)
    if is_system(user):
        return True  # commands run with the server's rights
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return RoleGrant.objects.filter(user=user, programme=programme, role__in=roles).exists()


def can_see_decision(user, decision) -> bool:
    """A signed decision of a published call is a public document; anything else is the programme's officials' only."""
    if decision.status == decision.Status.SIGNED and decision.call.status != decision.call.Status.DRAFT:
        return True
    return has_programme_role(user, decision.call.programme)


def can_read_dossier(user, application, *, cleared_reviewer: bool) -> bool:
    """Whether the user may read a submitted application's plan, budget and attachments in an official capacity.

    The programme's officials, decision-makers, auditors and administrators may; a reviewer may read
    the applications assigned to them once they have declared no conflict of interest, which the
    evaluation stage knows and the caller passes as ``cleared_reviewer`` (accounts comes before
    evaluation and does not look into its tables). Drafts are the applicants' alone.
    """
    if application.status == application.Status.DRAFT or not user.is_authenticated:
        return False
    return has_programme_role(user, application.call.programme) or cleared_reviewer


# --- applying ---
# Applicants act for organisations; officials over programmes. These functions take the rows of later
# stages (a call, an application) as arguments and read them through their fields: accounts imports no stage.

REVIEWING_ROLES = (*OFFICIAL_ROLES, Role.REVIEWER)  # read other bodies' applications in the programme's service
ROLE_MANAGERS = (Role.ADMINISTRATOR,)  # grant and revoke roles over their programme


def _require_actor(actor) -> None:
    if actor is None:
        raise TypeError("an actor is required: pass the user, or SYSTEM (avustus.actors) for commands and jobs")


def applicant_organisations(user) -> set[int]:
    """The ids of the organisations the user acts for as an applicant (none for the system)."""
    _require_actor(user)
    if is_system(user) or not user.is_authenticated:
        return set()
    return applicant_organisation_ids(user.pk)


def can_act_for(user, organisation) -> bool:
    """Whether the user acts for ``organisation`` as an applicant."""
    return organisation.pk in applicant_organisations(user)


def can_access_application(user, application, *, for_edit: bool = False) -> bool:
    """Whether the user acts for the application's lead or one of its partners; partners edit only if allowed.

    The application's members should be prefetched: this reads them once.
    """
    orgs = applicant_organisations(user)
    if not orgs:
        return False
    members = application.members.all()
    if any(m.role == m.Role.LEAD and m.organisation_id in orgs for m in members):
        return True
    return any(m.organisation_id in orgs and (m.can_edit or not for_edit) for m in members)


def is_lead(user, application) -> bool:
    """Whether the user acts for the application's lead applicant (who alone withdraws, and lets partners edit)."""
    lead = next((m for m in application.members.all() if m.role == m.Role.LEAD), None)
    return lead is not None and lead.organisation_id in applicant_organisations(user)


def can_prepare_calls(actor, programme) -> bool:
    """Whether the actor creates, sets up, copies and publishes the programme's calls (the system may)."""
    _require_actor(actor)
    return has_programme_role(actor, programme, PREPARERS)


def can_manage_roles(actor, programme) -> bool:
    """The system, a superuser, or an administrator of the programme the role is over."""
    _require_actor(actor)
    if is_system(actor) or actor.is_superuser:
        return True
    return programme is not None and has_programme_role(actor, programme, ROLE_MANAGERS)


def can_manage_tokens_of(actor, user) -> bool:
    """A user's API tokens are created and revoked by the user themselves, or by the system."""
    _require_actor(actor)
    return is_system(actor) or actor.pk == user.pk


def reads_in_official_capacity(user, application) -> bool:
    """Whether ``user`` reads ``application`` as an official, reviewer or auditor of its programme, not as its
    applicant."""
    _require_actor(user)
    if is_system(user) or not user.is_authenticated:
        return False
    # Reviewers too: they read other bodies' plans in the programme's service, like officials.
    if not has_programme_role(user, application.call.programme, REVIEWING_ROLES):
        return False
    # A user who acts for a member of the consortium reads their own application.
    member_orgs = application.members.values("organisation_id")
    return not RoleGrant.objects.filter(user=user, role=Role.APPLICANT, organisation_id__in=member_orgs).exists()


def officiated_programmes(user):
    """The ids of the programmes whose officials' screens the user reads (a subquery), or None for all of them
    (superusers and the system); an empty query for the anonymous."""
    _require_actor(user)
    if is_system(user) or (user.is_authenticated and user.is_superuser):
        return None
    if not user.is_authenticated:
        return RoleGrant.objects.none().values("programme_id")
    return RoleGrant.objects.filter(user=user, role__in=OFFICIAL_ROLES, programme__isnull=False).values("programme_id")


# --- deciding ---
# Screening, evaluation, the proposal and the decisions made on it (evaluation/ and decisions/).

REVIEWERS = (Role.REVIEWER,)  # evaluate the applications assigned to them


def _holds(actor, programme, roles) -> bool:
    """Whether the actor holds one of ``roles`` over the programme; the system does what commands do."""
    _require_actor(actor)
    return is_system(actor) or has_programme_role(actor, programme, roles)


def can_prepare(actor, programme) -> bool:
    """``check_prepares``'s question, for a screen to offer the step (the system may)."""
    return _holds(actor, programme, PREPARERS)


def check_prepares(actor, programme, message: str) -> None:
    """Screen, assign reviewers, set the proposal, present it, prepare later decisions, record notifications."""
    if not can_prepare(actor, programme):
        raise NotAllowed(message)


def can_decide(actor, programme) -> bool:
    """``check_decides``'s question: a person holding the decision-maker's role, never the system."""
    _require_actor(actor)
    return not is_system(actor) and has_programme_role(actor, programme, DECIDERS)


def check_decides(actor, programme, message: str) -> None:
    """Approve a proposal, return it, sign a decision: a person holding the decision-maker's role, never the system."""
    if not can_decide(actor, programme):
        raise NotAllowed(message)


def _took_part(actor, earlier_ids) -> bool:
    """Whether the actor is one of the people who took the earlier steps: the one comparison of four eyes."""
    return getattr(actor, "pk", None) in {i for i in earlier_ids if i is not None}


def check_not_presenter(actor, presenting_official_id, message: str) -> None:
    """Four eyes: whoever presented (or prepared) a decision does not approve or sign it."""
    if _took_part(actor, [presenting_official_id]):
        raise NotAllowed(message)


def can_sign_decision(actor, programme, presenting_official_id, *, decides: bool | None = None) -> bool:
    """Approve a presented proposal, sign a prepared later decision or a rectification's new one: a decision-maker
    (``check_decides``) who did not present or prepare it (``check_not_presenter``), the two the services refuse
    with (``approval.approve``, ``amending.sign_prepared``, ``amending.later_decision``).

    ``decides`` is ``can_decide``'s answer when the caller has it already (a screen's round asks it in its own
    query, ``programme_role_flags``), so that a page of drafts asks the roles once."""
    if decides is None:
        decides = can_decide(actor, programme)
    return decides and not _took_part(actor, [presenting_official_id])


def can_review(user, programme) -> bool:
    """Whether the user is one of the programme's reviewers (and so may be assigned applications)."""
    return has_programme_role(user, programme, REVIEWERS)


def check_own_assignment(actor, assignment) -> None:
    """A reviewer acts on their own assignment only; someone else's does not exist as far as they can tell."""
    if actor is None:
        raise TypeError("an actor is required: pass the user, or SYSTEM for commands and jobs")
    if not actor.is_authenticated or actor.pk is None or assignment.reviewer_id != actor.pk:
        raise NotFound()


# --- after the decision ---
# Settlement, return and recovery (settlement/).


def check_keeps_reference_rates(actor, message: str) -> None:
    """Add a half-year's reference rate as the Bank of Finland published it: the system (the command), a
    superuser, or an official or administrator of any programme (the rates are the same for every programme)."""
    _require_actor(actor)
    if is_system(actor) or (actor.is_authenticated and actor.is_superuser):
        return
    if not actor.is_authenticated or not RoleGrant.objects.filter(user=actor, role__in=PREPARERS).exists():
        raise NotAllowed(message)


def can_edit_contact_of(actor, user) -> bool:
    """A user's address, language and consent are theirs to give: the user themselves, or the system (the demo,
    an operator's command). An official never consents on a party's behalf."""
    _require_actor(actor)
    return is_system(actor) or (actor.is_authenticated and actor.pk == user.pk)


def can_manage_addresses_of(actor, organisation) -> bool:
    """An organisation's addresses are set by those who act for it as applicants, by a superuser (in the admin)
    or by the system."""
    _require_actor(actor)
    return is_system(actor) or getattr(actor, "is_superuser", False) or can_act_for(actor, organisation)


def can_see_addresses_of(actor, organisation) -> bool:
    """Those who act for the organisation, and officials of any programme (who write to it)."""
    _require_actor(actor)
    if is_system(actor) or can_act_for(actor, organisation):
        return True
    if not actor.is_authenticated:
        return False
    return actor.is_superuser or RoleGrant.objects.filter(user=actor, role__in=OFFICIAL_ROLES,
                                                          programme__isnull=False).exists()


# Funded projects, their reports and payments (projects/, reports/, payments/). The recipients are the users
# acting for the lead and the partners (their organisations' applicant roles); the lead alone reports and
# applies for payment. The rows come in as arguments: accounts imports none of those stages.

PROJECT_OFFICIALS = PREPARERS  # review reports, accept payment applications, confirm accounts, set report dates
PAYMENT_APPROVERS = (Role.OFFICIAL, Role.DECISION_MAKER, Role.ADMINISTRATOR)  # the second pair of eyes on a payment


# Who the project's members in force are: ``accounts.membership``.


def is_recipient(user, project) -> bool:
    """Whether the user acts for the project's lead or one of its partners in force, or for the body that carries
    on a member that ceased."""
    return acts_for_a_member_in_force(applicant_organisations(user), project)


def removed_in_revision(user, project) -> int | None:
    """The number of the revision that took out of force the last member the user acts for (the amending
    decision that removed it), or None: the user is a recipient in force, or never was one."""
    orgs = applicant_organisations(user)
    if not orgs or is_recipient(user, project):
        return None
    theirs = {m.pk for m in project.application.members.all() if acts_for_member(orgs, m)}
    if not theirs:
        return None
    last_in = None
    for revision in sorted(project.revisions.all(), key=lambda revision: revision.number):
        if theirs & set(revision.members):
            last_in = revision.number
    return None if last_in is None else last_in + 1


def can_read_change_decision(user, decision) -> bool:
    """A project's amending decision: whoever sees the project, and the people of a removed partner the decisions
    up to and including the one that removed it (``decision.request.revision``, the revision it made)."""
    _require_actor(user)
    project = decision.project
    if can_see_project(user, project):
        return True
    removed_in = removed_in_revision(user, project)
    revision = getattr(decision.request, "revision", None)
    return removed_in is not None and revision is not None and revision.number <= removed_in


def check_reads_change_decision(actor, decision) -> None:
    """``can_read_change_decision``; to anyone else the decision does not exist."""
    if not can_read_change_decision(actor, decision):
        raise NotFound()


def is_recipient_lead(user, project) -> bool:
    """Whether the user acts for the project's lead, who reports, applies for payment and registers the account."""
    orgs = applicant_organisations(user)
    return bool(orgs) and any(m.role == m.Role.LEAD and m.organisation_id in orgs for m in recipient_members(project))


def can_see_project(user, project) -> bool:
    """The recipients (lead and partners) and the programme's officials, auditors and decision-makers."""
    _require_actor(user)
    if is_system(user):
        return True
    if not user.is_authenticated:
        return False
    return is_recipient(user, project) or has_programme_role(user, project.call.programme)


def check_sees_project(actor, project) -> None:
    """A project someone may not see does not exist as far as they can tell."""
    if not can_see_project(actor, project):
        raise NotFound()


def can_act_for_lead(actor, project) -> bool:
    """Report, apply for payment, register an account, ask for a change: a person acting for the lead (or the
    system, for the demo). What the project's state allows is its stage's question, not this one."""
    _require_actor(actor)
    return is_system(actor) or is_recipient_lead(actor, project)


def check_recipient_lead(actor, project, message: str) -> None:
    """``can_act_for_lead``, refused as ``NotAllowed(message)``."""
    if not can_act_for_lead(actor, project):
        raise NotAllowed(message)


def _step(actor, programme, roles, project, earlier_ids=None) -> tuple[bool, bool]:
    """(the actor may take the officials' step, holds ``roles`` but is disqualified from ``project``:
    ``disqualification``, section 28). With ``earlier_ids``, four eyes: a person (never the system) who took none
    of the earlier steps (``_took_part``). The system is never disqualified, nor anyone on a step over no project
    (``project`` None: a call's report dates, the audit sample)."""
    _require_actor(actor)
    if is_system(actor):
        return earlier_ids is None, False
    if not actor.is_authenticated:
        return False, False
    if project is None:
        holds, disqualified = has_programme_role(actor, programme, roles), False
    else:
        holds, disqualified = disqualification.holds_and_disqualified(actor, programme, roles, project)
    return holds and not (earlier_ids is not None and _took_part(actor, earlier_ids)), disqualified


def _refuse(answer: tuple[bool, bool], message: str) -> None:
    """``_step``'s answer as a refusal: the disqualified are told why, in the Act's terms; the rest ``message``."""
    may, disqualified = answer
    if disqualified:
        raise NotAllowed(disqualification.refusal())
    if not may:
        raise NotAllowed(message)


def is_disqualified(actor, project) -> bool:
    """Whether the actor, an official of the project's programme, acts for a member of the project and so takes no
    official's step on it (section 28)."""
    return _step(actor, project.call.programme, OFFICIAL_ROLES, project)[1]


def can_manage_projects(actor, programme, *, project) -> bool:
    """``check_manages_projects``'s question, to show the forms."""
    may, disqualified = _step(actor, programme, PROJECT_OFFICIALS, project)
    return may and not disqualified


def check_manages_projects(actor, programme, message: str, *, project) -> None:
    """Review reports, accept payment applications, confirm accounts, set report dates and allow instalments;
    refused to an official disqualified from ``project`` (None: a step over the programme or a call)."""
    _refuse(_step(actor, programme, PROJECT_OFFICIALS, project), message)


def check_registers_account(actor, project, message: str) -> None:
    """The lead registers the account to pay; an official may, on the lead's written notice (unless disqualified
    from the project)."""
    _require_actor(actor)
    if not (is_system(actor) or is_recipient_lead(actor, project)):
        check_manages_projects(actor, project.call.programme, message, project=project)


def is_second_person(actor, programme, earlier_ids, roles=PROJECT_OFFICIALS, *, project) -> bool:
    """Four eyes: a person (never the system) holding ``roles`` who is none of those who took the earlier steps,
    and not disqualified from ``project``. Screens ask it to offer the step, and the services refuse with
    ``check_second_person``, so a screen never offers what the service refuses."""
    may, disqualified = _step(actor, programme, roles, project, earlier_ids)
    return may and not disqualified


def check_second_person(actor, programme, earlier_ids, message: str, roles=PROJECT_OFFICIALS, *, project) -> None:
    """``is_second_person``, refused as ``NotAllowed(message)`` (or as disqualified)."""
    _refuse(_step(actor, programme, roles, project, earlier_ids), message)


def can_approve_payment(user, programme, accepted_by_id, *, project) -> bool:
    """The payment's second person: a payment approver of the programme who did not accept the application."""
    return is_second_person(user, programme, [accepted_by_id], roles=PAYMENT_APPROVERS, project=project)


def check_approves_payment(actor, programme, accepted_by_id, message: str, *, project) -> None:
    """``can_approve_payment``, refused as ``NotAllowed(message)``."""
    check_second_person(actor, programme, [accepted_by_id], message, roles=PAYMENT_APPROVERS, project=project)


def can_approve_settlement(user, programme, prepared_by_id, *, project) -> bool:
    """A settlement's second person: an official of the programme who did not prepare it."""
    return is_second_person(user, programme, [prepared_by_id], project=project)


def check_approves_settlement(actor, programme, prepared_by_id, message: str, *, project) -> None:
    check_second_person(actor, programme, [prepared_by_id], message, project=project)


def can_confirm_change(user, programme, decided_by_id, *, project) -> bool:
    """An approved change request's second person, who signs the amending decision: an official of the programme
    who did not approve it."""
    return is_second_person(user, programme, [decided_by_id], project=project)


def check_confirms_change(actor, programme, decided_by_id, message: str, *, project) -> None:
    check_second_person(actor, programme, [decided_by_id], message, project=project)


def programme_role_flags(user, programme_ref: str = "programme", **role_sets):
    """Annotations answering ``has_programme_role`` for each named role set inside a query of the programme's rows.

    ``programme_ref`` names the row's programme (an ``OuterRef`` path); the list screens ask who may do what in
    the same query that finds the round, and ``staff_anywhere`` / ``reviewer_anywhere`` answer the menu's question
    (``programme_roles``) there too. Each flag is the same question ``has_programme_role`` asks, in SQL.
    """
    from django.db.models import BooleanField, Exists, OuterRef, Value

    questions = {**role_sets, "staff_anywhere": OFFICIAL_ROLES, "reviewer_anywhere": REVIEWERS}
    _require_actor(user)
    if is_system(user) or (user.is_authenticated and user.is_superuser):
        return {name: Value(True, output_field=BooleanField()) for name in questions}
    if not user.is_authenticated:
        return {name: Value(False, output_field=BooleanField()) for name in questions}
    flags = {name: Exists(RoleGrant.objects.filter(user=user, programme=OuterRef(programme_ref), role__in=roles))
             for name, roles in role_sets.items()}
    anywhere = RoleGrant.objects.filter(user=user, programme__isnull=False)
    flags["staff_anywhere"] = Exists(anywhere.filter(role__in=OFFICIAL_ROLES))
    flags["reviewer_anywhere"] = Exists(anywhere.filter(role__in=REVIEWERS))
    return flags


def menu_roles(staff_anywhere: bool, reviewer_anywhere: bool) -> set[str]:
    """The roles the menu asks about (``programme_roles``), from the flags ``programme_role_flags`` gave."""
    return (set(OFFICIAL_ROLES) if staff_anywhere else set()) | (set(REVIEWERS) if reviewer_anywhere else set())


def payment_file_programmes(actor) -> frozenset[int] | None:
    """The programmes whose payments and amounts to return ``actor`` files and reads in the files: None for all (the
    system, the command, a superuser), else those they approve payments of (none: they produce no files). Another
    programme's rows, and a file holding any, do not exist to them, as its projects do not."""
    _require_actor(actor)
    if is_system(actor) or (actor.is_authenticated and actor.is_superuser):
        return None
    return frozenset(RoleGrant.objects.filter(user=actor, role__in=PAYMENT_APPROVERS, programme__isnull=False)
                     .values_list("programme_id", flat=True)) if actor.is_authenticated else frozenset()


def can_produce_payment_files(actor) -> bool:
    """Produce the day's payment or receivables file for the State's accounting (``payment_file_programmes``)."""
    return payment_file_programmes(actor) != frozenset()


def check_produces_payment_files(actor, message: str) -> None:
    if not can_produce_payment_files(actor):
        raise NotAllowed(message)


def check_reads_programme(actor, programme) -> None:
    """The programme's officials' overview (its dashboard): its officials, auditors and decision-makers. To anyone
    else it does not exist, as the officials' other screens."""
    _require_actor(actor)
    if not has_programme_role(actor, programme):
        raise NotFound()


def can_export_round(actor, programme) -> bool:
    """Start an export of a round's grants in the background (``opendata.background``): the programme's officials,
    auditors and decision-makers, who read its officials' screens."""
    _require_actor(actor)
    return has_programme_role(actor, programme)


def can_see_export_job(actor, job) -> bool:
    """An export made in the background, its progress and its file: who started it, and the officials of its
    round's programme; to anyone else it does not exist."""
    _require_actor(actor)
    if is_system(actor):
        return True
    if actor.is_authenticated and actor.pk == job.requested_by_id:
        return True
    return has_programme_role(actor, job.call.programme)


def can_restart_export_job(actor, job) -> bool:
    """Start a stalled export again (``opendata.background.restart_export``): who may see the job and may still
    start an export of its round, for the new job is theirs (a starter whose role has ended only sees it)."""
    _require_actor(actor)
    if is_system(actor):
        return True
    return can_see_export_job(actor, job) and can_export_round(actor, job.call.programme)


def check_reads_settlement(actor, project, message: str) -> None:
    """A settlement's document: the people of the lead (the recipient it is addressed to) and the programme's
    officials, auditors and decision-makers. Partners see the project but not this; to anyone else it does not
    exist."""
    check_sees_project(actor, project)
    if not can_read_settlement(actor, project):
        raise NotAllowed(message)


def can_read_settlement(user, project) -> bool:
    """Whether ``check_reads_settlement`` lets the user, who sees the project, read its settlement's documents (the
    API leaves the links out for a partner, as the project's page does)."""
    return is_system(user) or is_recipient_lead(user, project) or has_programme_role(user, project.call.programme)


def can_withdraw_recovery_decision(user, programme, prepared_by_id, *, project) -> bool:
    """Send a prepared recovery decision back unsigned: its preparer, or a signer of the programme; neither if
    disqualified from the project."""
    may, disqualified = _withdraws(user, programme, prepared_by_id, project)
    return may and not disqualified


def _withdraws(user, programme, prepared_by_id, project) -> tuple[bool, bool]:
    signer, disqualified = _step(user, programme, RECOVERY_SIGNERS, project)
    preparer = _took_part(user, [prepared_by_id]) and has_programme_role(user, programme, PROJECT_OFFICIALS)
    return preparer or signer, disqualified


def check_withdraws_recovery_decision(actor, programme, prepared_by_id, message: str, *, project) -> None:
    _refuse(_withdraws(actor, programme, prepared_by_id, project), message)


def check_draws_audit_sample(actor, programme, message: str) -> None:
    """Draw a random sample of a call's projects for audit: the programme's officials (or the system, a command).
    The draw is random over the call, so no one is disqualified from it; auditing a drawn project is not a step
    taken here."""
    check_manages_projects(actor, programme, message, project=None)


# Recovery (settlement.recovery): the programme's officials start a case, prepare the decision, record returns
# and propose waivers (``check_manages_projects``); the decision is signed by a second person who may be an official
# or the programme's decision-maker, never the one who prepared it. A waiver undoes part of that decision, so the
# same rule confirms it (``settlement.waivers``), with its proposer in the preparer's place, and declines it.
RECOVERY_SIGNERS = (Role.OFFICIAL, Role.DECISION_MAKER, Role.ADMINISTRATOR)


def can_sign_recovery(user, programme) -> bool:
    """Whether the user holds a signer's role over the programme: reads prepared decisions (drafts) and may send
    one back. Whether they may sign a given decision is ``can_sign_recovery_decision``."""
    return has_programme_role(user, programme, RECOVERY_SIGNERS)


def can_sign_recovery_decision(user, programme, prepared_by_id, *, project) -> bool:
    """Four eyes on a recovery decision: a signer of the programme who did not prepare it (nor is disqualified)."""
    return is_second_person(user, programme, [prepared_by_id], roles=RECOVERY_SIGNERS, project=project)


def check_signs_recovery(actor, programme, prepared_by_id, message: str, *, project) -> None:
    """``can_sign_recovery_decision``, refused as ``NotAllowed(message)``."""
    check_second_person(actor, programme, [prepared_by_id], message, roles=RECOVERY_SIGNERS, project=project)


can_confirm_waiver, check_confirms_waiver = can_sign_recovery_decision, check_signs_recovery
can_decline_waiver, check_declines_waiver = can_withdraw_recovery_decision, check_withdraws_recovery_decision
