"""Use cases of the application stage: start a draft, save it, submit it, withdraw it.

Each function checks that the actor may act for the organisation, validates, writes and appends to
the audit log in one transaction. Errors are ``ValidationError``s whose keys are field paths
("amount_applied", "budget.1.vat") and whose messages are in the user's language.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from avustus.accounts.models import Role, RoleGrant
from avustus.applications.models import Application, BudgetLine, ConsortiumMember, DraftConflict
from avustus.audit.chain import record
from avustus.calls.models import Call
from avustus.registry.models import Organisation
from avustus.rules import submission
from avustus.rules.money import MoneyError, format_amount, parse_euros

MAX_TEXT = 10_000
MAX_MEMBERS = 60
MAX_BUDGET_LINES = 100
MAX_VERSION = 2**31 - 1  # the largest value the version columns hold on every database
# PostgreSQL cannot store the NUL character in text; no one types it, but scripts and fuzzers send it.
NUL = "\x00"


def _nul_message() -> str:
    return _("The text contains a control character (NUL) that cannot be saved; remove it.")


class DraftConflictError(Exception):
    """Someone else saved the draft first; the caller's changes were kept aside, not applied."""

    def __init__(self, application: Application, conflict: DraftConflict):
        super().__init__(
            _("Someone else saved this application while you were editing it (now version %(version)s). "
              "Your changes were kept aside; reload the application and apply them again.")
            % {"version": application.version}
        )
        self.application = application
        self.conflict = conflict


def _message(problem: submission.Problem) -> str:
    """A problem in the user's language, saying what is wrong and what would be right."""
    p = problem.params
    texts = {
        "late": lambda: _("The call closed at %(time)s (Helsinki time); applications are no longer accepted.")
        % {"time": date_format(timezone.localtime(p["closes_at"]), "SHORT_DATETIME_FORMAT")},
        "not_open": lambda: _("The call is not open for applications yet."),
        "required": lambda: _("This field is required."),
        "one_lead": lambda: _("An application has exactly one lead applicant."),
        "lead_kind": lambda: _("A body of this kind cannot be the lead applicant in this call."),
        "partner_kind": lambda: _("A body of this kind cannot be a partner in this call."),
        "duplicate_member": lambda: _("The same body is named twice in the consortium."),
        "too_few_municipalities": lambda: ngettext(
            "The call funds joint projects of at least %(minimum)s municipality; this consortium has %(count)s.",
            "The call funds joint projects of at least %(minimum)s municipalities; this consortium has %(count)s.",
            p["minimum"],
        ) % p,
        "category_not_eligible": lambda: _("The call does not pay costs of this category."),
        "not_money": lambda: _("Write an amount in euros, for example 12500,00."),
        "negative": lambda: _("An amount cannot be negative."),
        "cents": lambda: _("Amounts have at most two decimals (cents)."),
        "positive": lambda: _("The amount applied must be more than zero."),
        "aid_rate_exceeded": lambda: _(
            "At most %(rate)s %% of the VAT-free eligible costs can be granted: %(maximum)s euros."
        ) % {"rate": f"{p['rate'] * 100:.0f}", "maximum": format_amount(p["maximum"])},
    }
    return texts[problem.code]()


def _raise(problems: list[submission.Problem]) -> None:
    errors: dict[str, list[str]] = {}
    for problem in problems:
        errors.setdefault(problem.path or "__all__", []).append(_message(problem))
    raise ValidationError(errors)


# --- Who may act ----------------------------------------------------------------------------------


def _organisations_of(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(
        RoleGrant.objects.filter(user=user, role=Role.APPLICANT, organisation__isnull=False).values_list(
            "organisation_id", flat=True
        )
    )


def access_application(user, reference: str, *, for_edit: bool = False) -> Application:
    """The application if the user acts for its lead or a partner; a 404 alike for missing and forbidden.

    Partners read; only the lead's users edit.
    """
    if "\x00" in reference:
        raise Http404  # no reference has one, and PostgreSQL refuses to compare text with it
    application = (
        Application.objects.select_related("call").prefetch_related("members__organisation", "budget_lines")
        .filter(reference=reference).first()
    )
    orgs = _organisations_of(user)
    if application is None or not orgs:
        raise Http404
    members = application.members.all()
    lead = next((m for m in members if m.role == ConsortiumMember.Role.LEAD), None)
    if lead is not None and lead.organisation_id in orgs:
        return application
    if any(m.organisation_id in orgs and (m.can_edit or not for_edit) for m in members):
        return application
    raise Http404


def _is_lead(user, application: Application) -> bool:
    lead = application.members.filter(role=ConsortiumMember.Role.LEAD).first()
    return lead is not None and lead.organisation_id in _organisations_of(user)


def set_partner_editing(application: Application, organisation: Organisation, *, actor, allowed: bool) -> None:
    """The lead lets a partner's users edit the draft, or takes that back."""
    if not _is_lead(actor, application):
        raise Http404
    with transaction.atomic():
        member = (
            ConsortiumMember.objects.select_for_update()
            .filter(application=application, organisation=organisation, role=ConsortiumMember.Role.PARTNER)
            .first()
        )
        if member is None:
            raise ValidationError({"members": [_("%(name)s is not a partner of this application.")
                                               % {"name": organisation.name_fi}]})
        if member.can_edit != allowed:
            member.can_edit = allowed
            member.save(update_fields=["can_edit"])
            record("application.partner_editing", application, actor=actor,
                   data={"organisation": organisation.key, "allowed": allowed})


def _call_rules(call: Call) -> submission.CallRules:
    return submission.CallRules(
        opens_at=call.opens_at,
        closes_at=call.closes_at,
        aid_rate=call.aid_rate,
        min_municipalities=call.min_municipalities,
        lead_kinds=frozenset(call.lead_kinds),
        partner_kinds=frozenset(call.partner_kinds),
        eligible_categories=frozenset(c.code for c in call.cost_categories.all() if c.eligible),
        required_plan_fields=tuple(f["key"] for f in call.plan_fields if f.get("required")),
    )


def accepts_applications(call: Call, now=None) -> bool:
    """Whether the call is published and, by the server's clock, within its window."""
    return call.status == Call.Status.PUBLISHED and submission.is_open(_call_rules(call), now or timezone.now())


def maximum_grant(application: Application) -> Decimal:
    """The most the application can ask for: the call's aid rate of its VAT-free eligible costs."""
    rules = _call_rules(application.call)
    return submission.max_aid_for(_data(application).budget, rules)


def organisations_of(user) -> list[Organisation]:
    """The organisations the user acts for, by name."""
    return list(Organisation.objects.filter(pk__in=_organisations_of(user)).order_by("name_fi"))


def applications_of(user):
    """Every application the user's organisations lead or join, newest first."""
    return (
        Application.objects.filter(members__organisation__in=_organisations_of(user))
        .select_related("call").distinct().order_by("-updated_at")
    )


def _data(application: Application) -> submission.ApplicationData:
    members = application.members.select_related("organisation").order_by("position")
    return submission.ApplicationData(
        title=application.title,
        members=tuple(
            submission.Member(m.organisation.key if m.organisation else None,
                              m.organisation.kind if m.organisation else None, m.role)
            for m in members
        ),
        amount_applied=application.amount_applied,
        budget=tuple(
            submission.BudgetLine(line.category.code, line.amount_vat_free, line.vat)
            for line in application.budget_lines.select_related("category").order_by("position")
        ),
        plan=application.plan,
    )


# --- Use cases ----------------------------------------------------------------------------------


def _empty_draft(call: Call, actor, organisation: Organisation) -> Application | None:
    """The actor's own draft of ``call`` led by ``organisation`` with nothing written in it yet, if there is one."""
    candidates = (
        call.applications.filter(status=Application.Status.DRAFT, created_by=actor, title="",
                                 amount_applied=0, members__organisation=organisation,
                                 members__role=ConsortiumMember.Role.LEAD)
        .exclude(budget_lines__isnull=False).exclude(attachments__isnull=False)
        .order_by("-created_at", "-id")
    )
    for draft in candidates:
        if draft.members.count() == 1 and not any(str(v).strip() for v in (draft.plan or {}).values()):
            return draft
    return None


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
    if organisation.pk not in _organisations_of(actor):
        raise PermissionDenied(_("You do not act for %(name)s.") % {"name": organisation.name_fi})
    if not accepts_applications(call):
        raise ValidationError({"__all__": [_("The call is not open for applications.")]})
    if organisation.kind not in call.lead_kinds:
        raise ValidationError({"members.0": [_("A body of this kind cannot be the lead applicant in this call.")]})
    if len(title) > MAX_TEXT:
        raise ValidationError({"title": [_("At most %(n)s characters.") % {"n": MAX_TEXT}]})
    if NUL in title:
        raise ValidationError({"title": [_nul_message()]})
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        if idempotency_key:
            earlier = call.applications.filter(
                created_by=actor, idempotency_key=idempotency_key[:100],
                members__role=ConsortiumMember.Role.LEAD, members__organisation=organisation,
            ).first()
            if earlier is not None:
                return earlier
        if reuse_empty and not title.strip():
            empty = _empty_draft(call, actor, organisation)
            if empty is not None:
                return empty
        # Numbers of e-service applications follow the call's own sequence.
        taken = call.applications.filter(source_row__isnull=True).count()
        application = Application.objects.create(
            call=call, reference=f"{call.slug}-{taken + 1:04d}", title=title.strip(),
            status=Application.Status.DRAFT, amount_applied=Decimal("0.00"), created_by=actor,
            idempotency_key=idempotency_key[:100],
        )
        ConsortiumMember.objects.create(application=application, organisation=organisation,
                                        name_as_written=organisation.name_fi, role=ConsortiumMember.Role.LEAD,
                                        position=0)
        record("application.created", application, actor=actor, data={"lead": organisation.key})
    return application


@dataclass(frozen=True)
class DraftChanges:
    """What a save may change; None leaves a part as it is."""

    title: str | None = None
    plan: dict | None = None
    partners: list[str] | None = None  # registry keys
    budget: list[dict] | None = None  # {"category", "amount_vat_free", "vat", "description"}
    amount_applied: str | Decimal | None = None


def _amount(value, path: str, errors: dict) -> Decimal | None:
    try:
        amount = parse_euros(value)
    except MoneyError as error:
        if error.kind == MoneyError.NOT_A_NUMBER:
            errors[path] = [_("Write an amount in euros, for example 12500,00.")]
        else:
            errors[path] = [_("Write an amount in euros with at most two decimals, for example 12500,00.")]
        return None
    if amount < 0:
        errors[path] = [_("An amount cannot be negative.")]
        return None
    return amount


def update_draft(application: Application, changes: DraftChanges, *, actor, version: int) -> Application:
    """Save changes to a draft that was read at ``version``; a stale save is kept aside and refused."""
    access_application(actor, application.reference, for_edit=True)
    if isinstance(version, bool) or not isinstance(version, int) or not 0 <= version <= MAX_VERSION:
        # Not a version any draft had: refused before it could be stored with a conflict.
        raise ValidationError({"version": [_("The form's version number is not valid; reload the application.")]})
    call = application.call
    errors: dict[str, list[str]] = {}
    categories = {c.code: c for c in call.cost_categories.all()}
    plan_keys = {f["key"]: f for f in call.plan_fields}
    if changes.title is not None and len(changes.title) > MAX_TEXT:
        errors["title"] = [_("At most %(n)s characters.") % {"n": MAX_TEXT}]
    elif changes.title is not None and NUL in changes.title:
        errors["title"] = [_nul_message()]
    for key, value in (changes.plan or {}).items():
        if key not in plan_keys:
            errors[f"plan.{key}"] = [_("The call's form has no such field.")]
        elif not isinstance(value, str) or len(value) > plan_keys[key].get("max_length", MAX_TEXT):
            errors[f"plan.{key}"] = [_("At most %(n)s characters.") % {"n": plan_keys[key].get("max_length", MAX_TEXT)}]
        elif NUL in value:
            errors[f"plan.{key}"] = [_nul_message()]
    partners = []
    if changes.partners is not None:
        if len(changes.partners) > MAX_MEMBERS:
            errors["members"] = [_("At most %(n)s members.") % {"n": MAX_MEMBERS}]
        found = {o.key: o for o in Organisation.objects.filter(
            key__in=[str(k) for k in changes.partners if NUL not in str(k)])}
        lead = application.members.filter(role=ConsortiumMember.Role.LEAD).first()
        named = set()
        # Refused on save, not only at submission: a consortium that names a body twice is never stored.
        for i, key in enumerate(changes.partners, start=1):
            if str(key) not in found:
                errors[f"members.{i}"] = [_("No body with this identifier in the registry.")]
                continue
            organisation = found[str(key)]
            if lead is not None and organisation.pk == lead.organisation_id:
                errors[f"members.{i}"] = [_("%(name)s is the lead applicant; it cannot also be a partner.")
                                          % {"name": organisation.name_fi}]
            elif organisation.pk in named:
                errors[f"members.{i}"] = [_("%(name)s is already a partner; name each partner once.")
                                          % {"name": organisation.name_fi}]
            else:
                named.add(organisation.pk)
                partners.append(organisation)
    lines = []
    if changes.budget is not None:
        if len(changes.budget) > MAX_BUDGET_LINES:
            errors["budget"] = [_("At most %(n)s budget lines.") % {"n": MAX_BUDGET_LINES}]
        for i, line in enumerate(changes.budget):
            if not isinstance(line, dict) or line.get("category") not in categories:
                errors[f"budget.{i}.category"] = [_("Choose one of the call's cost categories.")]
                continue
            vat_free = _amount(line.get("amount_vat_free", "0"), f"budget.{i}.amount_vat_free", errors)
            vat = _amount(line.get("vat", "0"), f"budget.{i}.vat", errors)
            description = str(line.get("description", ""))[:500]
            if NUL in description:
                errors[f"budget.{i}.description"] = [_nul_message()]
            lines.append((categories[line["category"]], vat_free, vat, description))
    amount = None
    if changes.amount_applied is not None:
        amount = _amount(changes.amount_applied, "amount_applied", errors)
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        current = Application.objects.select_for_update().get(pk=application.pk)
        if current.status != Application.Status.DRAFT:
            raise ValidationError({"__all__": [_("Only a draft can be changed; this application was submitted.")]})
        if current.version != version:
            # Committed with this transaction, which ends normally: the refused changes must survive the refusal.
            conflict = DraftConflict.objects.create(application=current, user=actor, based_on_version=version,
                                                    changes=_jsonable(changes))
            record("application.save_conflict", current, actor=actor, data={"based_on": version,
                                                                           "current": current.version})
        else:
            conflict = None
            _apply(current, changes, partners, lines, amount, actor)
    if conflict is not None:
        raise DraftConflictError(current, conflict)
    return current


def _apply(current: Application, changes: DraftChanges, partners, lines, amount, actor) -> None:
    """Write the validated changes of a save and count a new version; inside the caller's transaction."""
    fields = ["version", "updated_at"]
    if changes.title is not None:
        current.title = changes.title.strip()
        fields.append("title")
    if changes.plan is not None:
        current.plan = {**current.plan, **changes.plan}
        fields.append("plan")
    if amount is not None:
        current.amount_applied = amount
        fields.append("amount_applied")
    if changes.partners is not None:
        # Re-saving the list keeps what the lead has allowed each remaining partner.
        editors = set(current.members.filter(role=ConsortiumMember.Role.PARTNER, can_edit=True)
                      .values_list("organisation_id", flat=True))
        current.members.filter(role=ConsortiumMember.Role.PARTNER).delete()
        ConsortiumMember.objects.bulk_create(
            ConsortiumMember(application=current, organisation=o, name_as_written=o.name_fi,
                             role=ConsortiumMember.Role.PARTNER, position=i, can_edit=o.pk in editors)
            for i, o in enumerate(partners, start=1)
        )
    if changes.budget is not None:
        current.budget_lines.all().delete()
        BudgetLine.objects.bulk_create(
            BudgetLine(application=current, category=c, amount_vat_free=vf, vat=v, description=d, position=i)
            for i, (c, vf, v, d) in enumerate(lines)
        )
    current.version += 1
    current.save(update_fields=fields)
    record("application.saved", current, actor=actor, data={"version": current.version,
                                                              "changes": _jsonable(changes)})


def _jsonable(changes: DraftChanges) -> dict:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in changes.__dict__.items() if v is not None}


def submit(application: Application, *, actor, idempotency_key: str = "") -> Application:
    """Submit a draft. Submitting again with the same key (a double click, a retry) returns the same application."""
    access_application(actor, application.reference, for_edit=True)
    with transaction.atomic():
        current = Application.objects.select_for_update().select_related("call").get(pk=application.pk)
        if current.status == Application.Status.SUBMITTED:
            # A retry or a double click: the application is already in, once.
            return current
        if current.status != Application.Status.DRAFT:
            raise ValidationError({"__all__": [_("This application cannot be submitted any more.")]})
        call = current.call
        rules = _call_rules(call)
        data = _data(current)
        now = timezone.now()
        problems = submission.check_submission(data, rules, now)
        if problems:
            _raise(problems)
        exclusions = tuple(
            submission.Exclusion(e.code, tuple(e.keywords_fi) + tuple(e.keywords_sv)) for e in call.exclusions.all()
        )
        texts = [current.title, *(str(v) for v in current.plan.values())]
        flags = submission.screening_flags(texts, exclusions, data, rules)
        current.status = Application.Status.SUBMITTED
        current.submitted_at = now
        current.screening_flags = [f.__dict__ for f in flags]
        current.save(update_fields=["status", "submitted_at", "screening_flags", "updated_at"])
        record("application.submitted", current, actor=actor,
               data={"amount_applied": str(current.amount_applied), "flags": current.screening_flags,
                     "idempotency_key": idempotency_key[:100]})
    return current


def withdraw(application: Application, *, actor) -> Application:
    """The lead withdraws a submitted application, until a decision on it has been signed.

    A proposal already presented with the application in it goes back to preparation: the decision
    must never decide (let alone grant) a withdrawn application as if it stood.
    """
    # The evaluation stage builds on this module; imported here so that the two load in either order.
    from avustus.evaluation.proposals import lock_proposal, take_out_withdrawn

    if not _is_lead(actor, access_application(actor, application.reference)):
        raise Http404
    with transaction.atomic():
        # The proposal's lock first, in the order approval takes them, so that the two never deadlock.
        proposal = lock_proposal(application.call)
        current = Application.objects.select_for_update().get(pk=application.pk)
        if current.status == Application.Status.WITHDRAWN:
            return current
        if current.outcomes.exists():
            raise ValidationError({"__all__": [_("A decision has been made; the application can no longer be withdrawn.")]})
        current.status = Application.Status.WITHDRAWN
        current.withdrawn_at = timezone.now()
        current.save(update_fields=["status", "withdrawn_at", "updated_at"])
        record("application.withdrawn", current, actor=actor, data={})
        take_out_withdrawn(proposal, current, actor=actor)
    return current


def screening_flags_for(application: Application) -> list[dict]:
    """The automatic screening flags of an application as it stands, for rounds not submitted through the e-service."""
    call = application.call
    exclusions = tuple(
        submission.Exclusion(e.code, tuple(e.keywords_fi) + tuple(e.keywords_sv)) for e in call.exclusions.all()
    )
    texts = [application.title, *(str(v) for v in application.plan.values())]
    flags = submission.screening_flags(texts, exclusions, _data(application), _call_rules(call))
    return [f.__dict__ for f in flags]
