"""Use cases of the application stage: start a draft, save it, submit it, withdraw it.

Each function asks ``accounts.permissions`` whether the actor may act for the organisation, validates
(``validation``), writes and appends to the audit log in one transaction. Refusals are ``avustus.errors``:
``Invalid`` with messages by field path ("amount_applied", "budget.1.vat") in the user's language,
``NotFound`` alike for a missing application and one the actor may not see, ``Conflict`` for a stale save.
"""

import copy
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from avustus import events
from avustus.accounts.permissions import applicant_organisations, can_act_for, is_lead
from avustus.actors import user_of
from avustus.applications import withdrawal
from avustus.applications.access import access_application as access_application  # the entry points ask here
from avustus.applications.access import check_access, keep_rows
from avustus.applications.models import Application, BudgetLine, ConsortiumMember, DraftConflict
from avustus.applications.validation import (
    DraftChanges,
    ValidChanges,
    application_data,
    call_rules,
    check_title,
    check_version,
    exclusions_of,
    jsonable,
    prefetched,
    raise_problems,
    validate_changes,
)
from avustus.audit.chain import record
from avustus.calls.models import Call
from avustus.errors import Conflict, Invalid, NotAllowed, NotFound
from avustus.prepared import PreparedInsert, PreparedRead
from avustus.registry.models import Organisation
from avustus.rules import submission


class DraftConflictError(Conflict):
    """Someone else saved the draft first; the caller's changes were kept aside, not applied."""

    def __init__(self, application: Application, conflict: DraftConflict):
        super().__init__(
            _("Someone else saved this application while you were editing it (now version %(version)s). "
              "Your changes were kept aside; reload the application and apply them again.")
            % {"version": application.version}
        )
        self.application = application
        self.conflict = conflict


# --- Who may act (``access`` opens an application for a user; the entry points ask here) ------------------


def _rows_still_true(opened: Application, current: Application, *, as_prefetched: bool) -> None:
    """Carry the rows ``opened`` was read with over to ``current`` (the same application, locked) when no save
    came in between: every change to the consortium or the budget counts a new version (``update_draft``)."""
    if opened.pk == current.pk and opened.version == current.version:
        members, lines = prefetched(opened, "members"), prefetched(opened, "budget_lines")
        if members is not None and lines is not None:
            keep_rows(current, members, lines, as_prefetched=as_prefetched)


def set_partner_editing(application: Application, organisation: Organisation, *, actor, allowed: bool) -> None:
    """The lead lets a partner's users edit the draft, or takes that back."""
    if not is_lead(actor, application):
        raise NotFound
    with transaction.atomic():
        member = (
            ConsortiumMember.objects.select_for_update()
            .filter(application=application, organisation=organisation, role=ConsortiumMember.Role.PARTNER)
            .first()
        )
        if member is None:
            raise Invalid({"members": [_("%(name)s is not a partner of this application.")
                                       % {"name": organisation.name_fi}]})
        if member.can_edit != allowed:
            member.can_edit = allowed
            member.save(update_fields=["can_edit"])
            record("application.partner_editing", application, actor=actor,
                   data={"organisation": organisation.key, "allowed": allowed})


def accepts_applications(call: Call, now=None) -> bool:
    """Whether the call is published and, by the server's clock, within its window."""
    return call.status == Call.Status.PUBLISHED and submission.is_open(call_rules(call), now or timezone.now())


def maximum_grant(application: Application) -> Decimal:
    """The most the application can ask for: the call's aid rate of its VAT-free eligible costs."""
    return submission.max_aid_for(application_data(application).budget, call_rules(application.call))


def organisations_of(user) -> list[Organisation]:
    """The organisations the user acts for, by name."""
    return list(Organisation.objects.filter(pk__in=applicant_organisations(user)).order_by("name_fi"))


def applications_of(user):
    """Every application the user's organisations lead or join, newest first."""
    return (
        Application.objects.filter(members__organisation__in=applicant_organisations(user))
        .select_related("call").distinct().order_by("-updated_at")
    )


# --- Use cases ----------------------------------------------------------------------------------


def _empty_draft(call: Call, actor, organisation: Organisation) -> Application | None:
    """The actor's own draft of ``call`` led by ``organisation`` with nothing written in it yet, if there is one."""
    candidates = (
        call.applications.filter(status=Application.Status.DRAFT, created_by=user_of(actor), title="",
                                 amount_applied=0, members__organisation=organisation,
                                 members__role=ConsortiumMember.Role.LEAD)
        .exclude(budget_lines__isnull=False).exclude(attachments__isnull=False)
        .order_by("-created_at", "-id")
    )
    for draft in candidates:
        if draft.members.count() == 1 and not any(str(v).strip() for v in (draft.plan or {}).values()):
            return draft
    return None


def number_draft(call: Call) -> int:
    """The next number of an application started in the e-service in ``call``: one statement, which holds the
    call's row only until it ends when no transaction is open.

    Numbers follow the call's own counter, ``Call.numbered``, which whatever writes applications of a call
    outside this function keeps too (the generator; migration 0007 set it for rows written before).
    A number is never given twice; one whose draft was not made (a failed or duplicate request) is a gap.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        # A fixed table name; the id is a parameter. RETURNING: the number is the one this UPDATE wrote.
        cursor.execute(f"UPDATE {Call._meta.db_table} SET numbered = numbered + 1 "  # noqa: S608
                       "WHERE id = %s RETURNING numbered", [call.pk])
        return cursor.fetchone()[0]


def create_draft(
    call: Call, *, actor, organisation: Organisation, title: str = "", idempotency_key: str = "",
    reuse_empty: bool = False,
) -> Application:
    """A new draft led by ``organisation``, which the actor must act for.

    The same ``idempotency_key`` from the same user for the same organisation (a double click, a
    retried request) gives the draft already made instead of a second one; with another organisation
    it is another request, and makes that organisation's own draft. With ``reuse_empty`` (the screens'
    "start an application" button), the actor's own untouched draft of the call for that organisation
    is given back instead of a new one, so that clicking the button again does not pile up empty
    drafts; the API creates one per request, as its clients expect.
    """
    if not can_act_for(actor, organisation):
        raise NotAllowed(_("You do not act for %(name)s.") % {"name": organisation.name_fi})
    if not accepts_applications(call):
        raise Invalid({"__all__": [_("The call is not open for applications.")]})
    if organisation.kind not in call.lead_kinds:
        raise Invalid({"members.0": [_("A body of this kind cannot be the lead applicant in this call.")]})
    check_title(title)
    key = idempotency_key[:100]

    def made_earlier() -> Application | None:
        if not key:
            return None
        return _MADE_EARLIER.first(call=call.pk, user=user_of(actor).pk, key=key, organisation=organisation.pk)

    if not reuse_empty and not transaction.get_connection().in_atomic_block:
        # A retry finds its draft without taking a number; a new draft takes its number before its own
        # transaction, so that the call's row is not held while that transaction waits for the audit chain.
        earlier = made_earlier()
        if earlier is not None:
            return earlier
        number = number_draft(call)
    else:
        number = None
    with transaction.atomic():
        # Two requests of one user with one key (a retry sent before the first answered) queue here: the
        # user's row, not the call's, so that other applicants' drafts do not wait. NO KEY: the rows that
        # refer to the user (audit entries, drafts) go on being written meanwhile.
        _USER_LOCK.all(user=user_of(actor).pk)
        earlier = made_earlier()
        if earlier is not None:
            return earlier  # the number taken is left unused: a gap, as a failed create leaves one
        if reuse_empty and not title.strip():
            empty = _empty_draft(call, actor, organisation)
            if empty is not None:
                return empty
        if number is None:
            number = number_draft(call)
        application = _INSERT_APPLICATION.create(
            call=call, reference=f"{call.slug}-{number:04d}", title=title.strip(),
            status=Application.Status.DRAFT, amount_applied=Decimal("0.00"), created_by=user_of(actor),
            idempotency_key=key,
        )
        lead = _INSERT_MEMBER.create(application=application, organisation=organisation,
                                     name_as_written=organisation.name_fi, role=ConsortiumMember.Role.LEAD,
                                     position=0)
        record("application.created", application, actor=actor, data={"lead": organisation.key})
    keep_rows(application, [lead], [])  # what was just written: the answer need not read it back
    return application


# Every create writes both (the deadline burst's): compiled once (avustus.prepared).
_INSERT_APPLICATION = PreparedInsert(Application)
_INSERT_MEMBER = PreparedInsert(ConsortiumMember)

# The user's row locked (compiled once, as every create takes it; see ``create_draft``).
_USER_LOCK = PreparedRead(lambda user: get_user_model().objects.select_for_update(no_key=True).filter(pk=user)
                          .order_by().values_list("pk", flat=True), user=int)

# A create's retry: the user's draft of the call made with this key for this lead. Compiled once (avustus.prepared):
# every create asks, twice. The lead as EXISTS, not a join: joined, PostgreSQL without fresh statistics (a
# burst's growing table) walked the call's lead memberships and probed each one's application, a cost that grew
# with every draft (31 ms at 300 drafts, twice a create); this way it finds the user's drafts with the key first
# and looks at a lead only for those.
_MADE_EARLIER = PreparedRead(
    lambda call, user, key, organisation: Application.objects.filter(
        call_id=call, created_by_id=user, idempotency_key=key)
    .filter(Exists(ConsortiumMember.objects.filter(application=OuterRef("pk"), role=ConsortiumMember.Role.LEAD,
                                                   organisation_id=organisation)))
    .order_by("pk")[:1], call=int, user=int, key=str, organisation=int)


def update_draft(application: Application, changes: DraftChanges, *, actor, version: int) -> Application:
    """Save changes to a draft that was read at ``version``; a stale save is kept aside and refused."""
    check_access(actor, application, for_edit=True)
    check_version(version)
    valid = validate_changes(application, changes)
    with transaction.atomic():
        current = _claim(application, valid, version)
        if current is not None:
            _write_rows(current, valid)
            _record_save(current, valid, actor)
            return current
        current = Application.objects.select_for_update().get(pk=application.pk)
        current.call = application.call  # already read, and a published call's rules do not change
        if current.status != Application.Status.DRAFT:
            raise Invalid({"__all__": [_("Only a draft can be changed; this application was submitted.")]})
        if current.version != version:
            # Committed with this transaction, which ends normally: the refused changes must survive the refusal.
            conflict = DraftConflict.objects.create(application=current, user=user_of(actor), based_on_version=version,
                                                    changes=jsonable(changes))
            record("application.save_conflict", current, actor=actor, data={"based_on": version,
                                                                           "current": current.version})
        else:
            conflict = None
            _rows_still_true(application, current, as_prefetched=False)  # the save changes them
            fields = _set_fields(current, valid)
            _write_rows(current, valid)
            current.save(update_fields=fields)
            _record_save(current, valid, actor)
    if conflict is not None:
        raise DraftConflictError(current, conflict)
    return current


def _claim(application: Application, valid: ValidChanges, version: int) -> Application | None:
    """The draft with the save's fields written, by one UPDATE that also locks its row; inside the save's
    transaction. None when that cannot be: the caller then locks and reads the row and decides.

    Only for a draft opened (``access_application``) at ``version`` with its members and budget lines: the
    UPDATE matches only while the row is still a draft at that version, so nothing was saved since it was
    read and what was read is what the save builds on (the plan it merges into, the rows ``_write_rows``
    compares with), without a ``SELECT ... FOR UPDATE`` reading it all again. Not through ``save``: the
    ``post_save`` receivers (the ranking's) ignore drafts.
    """
    if (application.version != version or application.status != Application.Status.DRAFT
            or prefetched(application, "members") is None or prefetched(application, "budget_lines") is None):
        return None
    current = copy.copy(application)  # the opened one stays as read, should this save roll back
    for own in ("_kept_rows", "_prefetched_objects_cache", "_opened_for"):  # shared with it by the copy
        current.__dict__.pop(own, None)
    fields = _set_fields(current, valid)
    current.updated_at = timezone.now()
    claimed = (Application.objects.filter(pk=application.pk, version=version, status=Application.Status.DRAFT)
               .update(**{name: getattr(current, name) for name in fields}))
    if not claimed:
        return None
    keep_rows(current, prefetched(application, "members"), prefetched(application, "budget_lines"))
    return current


def _set_fields(current: Application, valid: ValidChanges) -> list[str]:
    """Set the save's own fields on ``current`` and count a new version; the names of the fields to write."""
    changes = valid.changes
    fields = ["version", "updated_at"]
    if changes.title is not None:
        current.title = changes.title.strip()
        fields.append("title")
    if changes.plan is not None:
        current.plan = {**current.plan, **changes.plan}
        fields.append("plan")
    if valid.amount is not None:
        current.amount_applied = valid.amount
        fields.append("amount_applied")
    current.version += 1
    return fields


def _write_rows(current: Application, valid: ValidChanges) -> None:
    """Write the save's partners and budget lines; inside the caller's transaction."""
    if valid.changes.partners is not None:
        _write_partners(current, valid.partners)
    if valid.changes.budget is not None:
        _write_budget(current, valid.lines)


def _record_save(current: Application, valid: ValidChanges, actor) -> None:
    record("application.saved", current, actor=actor, data={"version": current.version,
                                                              "changes": jsonable(valid.changes)})


def _write_partners(current: Application, organisations: list[Organisation]) -> None:
    """Make the draft's partners ``organisations`` in this order; inside the save's transaction.

    With the members as read when the draft was opened (``_rows_still_true``: no save since, so no partner
    came or went; ``set_partner_editing`` may have changed ``can_edit``, which is not written here), only what
    is new is written: the same partners again write nothing, partners added after the present ones are
    inserted. Any other change replaces the partners, keeping what the lead has allowed each one that stays.
    """
    kept = prefetched(current, "members")
    wanted = [(o.pk, i, o.name_fi) for i, o in enumerate(organisations, start=1)]
    if kept is not None:
        present = [(m.organisation_id, m.position, m.name_as_written) for m in kept
                   if m.role == ConsortiumMember.Role.PARTNER]
        if wanted[:len(present)] == present:
            added = ConsortiumMember.objects.bulk_create(
                ConsortiumMember(application=current, organisation=o, name_as_written=o.name_fi,
                                 role=ConsortiumMember.Role.PARTNER, position=i)
                for i, o in enumerate(organisations[len(present):], start=len(present) + 1)
            ) if len(wanted) > len(present) else []
            keep_rows(current, members=[*kept, *added])
            return
    editors = set(current.members.filter(role=ConsortiumMember.Role.PARTNER, can_edit=True).order_by()
                  .values_list("organisation_id", flat=True))
    current.members.filter(role=ConsortiumMember.Role.PARTNER).delete()
    partners = ConsortiumMember.objects.bulk_create(
        ConsortiumMember(application=current, organisation=o, name_as_written=o.name_fi,
                         role=ConsortiumMember.Role.PARTNER, position=i, can_edit=o.pk in editors)
        for i, o in enumerate(organisations, start=1)
    )
    if kept is not None:  # partners are written in this transaction; can_edit is not needed
        keep_rows(current, members=[m for m in kept if m.role != ConsortiumMember.Role.PARTNER] + partners)


def _write_budget(current: Application, lines: list[tuple]) -> None:
    """Make the draft's budget ``lines`` (category, VAT-free amount, VAT, description) in this order; inside the
    save's transaction.

    With the lines as read when the draft was opened (no save since: ``_rows_still_true``), a line is written
    only where it differs: changed lines updated in place (one statement), new ones inserted, surplus ones
    deleted, so a save that leaves the budget as it was writes nothing and the first budget of a draft is one
    INSERT. Without them, every line is replaced.
    """
    kept = prefetched(current, "budget_lines")
    if kept is None:
        # Through the model, not the relation: deleting through a kept (prefetched) relation would empty it.
        BudgetLine.objects.filter(application=current).delete()
        BudgetLine.objects.bulk_create(
            BudgetLine(application=current, category=c, amount_vat_free=vf, vat=v, description=d, position=i)
            for i, (c, vf, v, d) in enumerate(lines)
        )
        return
    rows, changed = [], []
    for i, (category, vat_free, vat, description) in enumerate(lines):
        if i >= len(kept):
            break
        line = kept[i]
        if (line.category_id, line.amount_vat_free, line.vat, line.description, line.position) != (
                category.pk, vat_free, vat, description, i):
            line = copy.copy(line)  # the opened application's row stays as read, should this save roll back
            line.category, line.amount_vat_free, line.vat, line.description, line.position = (
                category, vat_free, vat, description, i)
            changed.append(line)
        rows.append(line)
    if changed:
        BudgetLine.objects.bulk_update(changed, ["category", "amount_vat_free", "vat", "description", "position"])
    if len(kept) > len(lines):
        BudgetLine.objects.filter(pk__in=[line.pk for line in kept[len(lines):]]).delete()
    if len(lines) > len(kept):
        rows += BudgetLine.objects.bulk_create(
            BudgetLine(application=current, category=c, amount_vat_free=vf, vat=v, description=d, position=i)
            for i, (c, vf, v, d) in enumerate(lines[len(kept):], start=len(kept))
        )
    keep_rows(current, budget_lines=rows)


def submit(application: Application, *, actor, idempotency_key: str = "") -> Application:
    """Submit a draft. Submitting again with the same key (a double click, a retry) returns the same application.

    A draft opened by ``access_application`` is checked as it was read and submitted by one conditional UPDATE
    (the row still a draft at the version read), which takes the row's lock inside the transaction: every save
    of the title, plan, amount, consortium or budget counts a new version (``update_draft``), so the version read
    is the content checked. Anything else (a retry of a submitted application, a save in between, a refusal)
    is decided again under the row's lock by ``_submit_locked``, as it stands.
    """
    check_access(actor, application, for_edit=True)
    if application.status == Application.Status.DRAFT:
        now = timezone.now()
        problems, flags = _checked(application, now)
        if not problems:
            with transaction.atomic():
                # No read of the row first: the UPDATE's WHERE is the version check, and its lock the row's.
                if _mark_submitted(application, now, flags, status=Application.Status.DRAFT,
                                   version=application.version):
                    _submitted(application, actor, idempotency_key)
                    return application
    return _submit_locked(application, actor=actor, idempotency_key=idempotency_key)


def _checked(application: Application, now) -> tuple[list[submission.Problem], list[dict]]:
    """What the call's rules refuse in ``application`` submitted at ``now``, and else its screening flags."""
    call = application.call
    rules = call_rules(call)
    data = application_data(application)
    problems = submission.check_submission(data, rules, now)
    if problems:
        return problems, []
    texts = [application.title, *(str(v) for v in application.plan.values())]
    return [], [f.__dict__ for f in submission.screening_flags(texts, exclusions_of(call), data, rules)]


def _mark_submitted(application: Application, now, flags: list[dict], **still) -> bool:
    """Write the submission to the row if it is ``still`` as given (one UPDATE); whether it was."""
    # Not the model's save, which would read nothing less and send post_save: the ranking listens to the
    # submission event instead (evaluation.ranking).
    if not Application.objects.filter(pk=application.pk, **still).update(
            status=Application.Status.SUBMITTED, submitted_at=now, screening_flags=flags, updated_at=now):
        return False
    application.status, application.submitted_at = Application.Status.SUBMITTED, now
    application.screening_flags, application.updated_at = flags, now
    return True


def _submitted(application: Application, actor, idempotency_key: str) -> None:
    """What follows a submission in its transaction: the receipt queued, then the audit entry."""
    if application.created_by_id is not None and application.created_by_id == getattr(user_of(actor), "pk", None):
        application.created_by = user_of(actor)  # the receipt's recipients: the same user, already read
    # Listeners (the receipt in messaging, the ranking marked stale in evaluation) write in this transaction:
    # no receipt for a submission that rolls back, and no submission without its receipt queued. Before the
    # audit entry, so that rendering the receipt is not done while holding the audit chain's head (SQLite).
    events.application_submitted.send(Application, application=application, actor=actor,
                                      language=translation.get_language())
    record("application.submitted", application, actor=actor,
           data={"amount_applied": str(application.amount_applied), "flags": application.screening_flags,
                 "idempotency_key": idempotency_key[:100]})


def _submit_locked(application: Application, *, actor, idempotency_key: str) -> Application:
    """``submit`` decided under the application's row lock, on the row as it stands."""
    with transaction.atomic():
        # The application's row only (``of``): a FOR UPDATE through select_related would lock the call's row too,
        # and every submission and new draft of the call would queue on it (measured: docs/performance.md). A
        # published call's rules no longer change (calls.services), so there is nothing of it to hold still.
        current = (Application.objects.select_for_update(of=("self",)).select_related("call")
                   .get(pk=application.pk))
        _rows_still_true(application, current, as_prefetched=True)  # for the receipt's listener too
        if current.status == Application.Status.SUBMITTED:
            # A retry or a double click: the application is already in, once.
            return current
        if current.status != Application.Status.DRAFT:
            raise Invalid({"__all__": [_("This application cannot be submitted any more.")]})
        now = timezone.now()
        problems, flags = _checked(current, now)
        if problems:
            raise_problems(problems)
        _mark_submitted(current, now, flags)
        _submitted(current, actor, idempotency_key)
    return current


def withdrawal_refusal(application: Application) -> str | None:
    """Why the application can no longer be withdrawn, or None: withdrawal ends where a decision on it exists."""
    if application.outcomes.exists():
        return _("A decision has been made; the application can no longer be withdrawn.")
    return None


def can_withdraw(actor, application: Application) -> bool:
    """Whether the application's page offers ``actor`` to withdraw it: a draft or a submitted application (as
    ``withdraw`` takes either), by the lead's people, while ``withdrawal_refusal`` has nothing to say (``withdraw``
    refuses with the same)."""
    return (application.status in (Application.Status.DRAFT, Application.Status.SUBMITTED)
            and is_lead(actor, application) and withdrawal_refusal(application) is None)


def withdraw(application: Application, *, actor) -> Application:
    """The lead withdraws a draft (which is then never submitted) or a submitted application, until a decision on
    it has been signed.

    A proposal already presented with the application in it goes back to preparation (the evaluation
    stage does that, through ``withdrawal``): the decision must never decide (let alone grant) a
    withdrawn application as if it stood.
    """
    if not is_lead(actor, access_application(actor, application.reference)):
        raise NotFound
    with transaction.atomic():
        # The later stages' locks first (the proposal's, in the order approval takes them), so that the
        # two never deadlock; then the application's.
        locked = withdrawal.lock_before(application.call)
        current = Application.objects.select_for_update().get(pk=application.pk)
        if current.status == Application.Status.WITHDRAWN:
            return current
        refusal = withdrawal_refusal(current)
        if refusal is not None:
            raise Invalid({"__all__": [refusal]})
        current.status = Application.Status.WITHDRAWN
        current.withdrawn_at = timezone.now()
        current.save(update_fields=["status", "withdrawn_at", "updated_at"])
        record("application.withdrawn", current, actor=actor, data={})
        withdrawal.withdrawn(locked, current, actor=actor)
        events.application_withdrawn.send(Application, application=current, actor=actor,
                                          language=translation.get_language())
    return current


def screening_flags_for(application: Application) -> list[dict]:
    """The automatic screening flags of an application as it stands, for rounds not submitted through the e-service."""
    call = application.call
    texts = [application.title, *(str(v) for v in application.plan.values())]
    flags = submission.screening_flags(texts, exclusions_of(call), application_data(application), call_rules(call))
    return [f.__dict__ for f in flags]
