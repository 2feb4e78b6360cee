"""What the application stage checks before it writes: the call's rules as the pure ``rules.submission``
takes them, the problems in the user's language, and the validation of a draft's changes.

Errors are ``Invalid`` (a ``ValidationError``) whose keys are field paths ("amount_applied",
"budget.1.vat") and whose messages are in the user's language.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from avustus import texts
from avustus.applications.models import Application, ConsortiumMember
from avustus.calls import parts
from avustus.calls.models import Call
from avustus.errors import Invalid
from avustus.registry.models import Organisation
from avustus.registry.selectors import organisations_by_key
from avustus.rules import submission
from avustus.rules.money import MoneyError, format_amount, parse_euros

MAX_TEXT = texts.MAX_TEXT
MAX_MEMBERS = 60
MAX_BUDGET_LINES = 100
MAX_VERSION = 2**31 - 1  # the largest value the version columns hold on every database
# PostgreSQL cannot store the NUL character in text; no one types it, but scripts and fuzzers send it.
NUL = "\x00"


def nul_message() -> str:
    return _("The text contains a control character (NUL) that cannot be saved; remove it.")


def message(problem: submission.Problem) -> str:
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


def raise_problems(problems: list[submission.Problem]) -> None:
    errors: dict[str, list[str]] = {}
    for problem in problems:
        errors.setdefault(problem.path or "__all__", []).append(message(problem))
    raise Invalid(errors)


def call_rules(call: Call) -> submission.CallRules:
    return submission.CallRules(
        opens_at=call.opens_at,
        closes_at=call.closes_at,
        aid_rate=call.aid_rate,
        min_municipalities=call.min_municipalities,
        lead_kinds=frozenset(call.lead_kinds),
        partner_kinds=frozenset(call.partner_kinds),
        eligible_categories=frozenset(c.code for c in parts.categories_of(call) if c.eligible),
        required_plan_fields=tuple(f["key"] for f in call.plan_fields if f.get("required")),
    )


def prefetched(application: Application, name: str) -> list | None:
    """The rows of ``name`` ("members", "budget_lines") already read with the application, in their order, or None.

    ``services.access_application`` reads them with their organisations and categories; the steps that
    follow use those rows instead of reading them again (``services.keep_rows`` after a save).
    """
    cached = getattr(application, "_kept_rows", {}).get(name)
    if cached is None:
        cached = getattr(application, "_prefetched_objects_cache", {}).get(name)
    return None if cached is None else sorted(cached, key=lambda row: row.position)


def members_of(application: Application) -> list[ConsortiumMember]:
    """The consortium in order, with each member's organisation."""
    rows = prefetched(application, "members")
    if rows is None:
        rows = list(application.members.select_related("organisation").order_by("position"))
    return rows


def budget_lines_of(application: Application) -> list:
    """The budget lines in order, with each line's category."""
    rows = prefetched(application, "budget_lines")
    if rows is None:
        rows = list(application.budget_lines.select_related("category").order_by("position"))
    return rows


def application_data(application: Application) -> submission.ApplicationData:
    members = members_of(application)
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
            for line in budget_lines_of(application)
        ),
        plan=application.plan,
    )


def exclusions_of(call: Call) -> tuple[submission.Exclusion, ...]:
    return tuple(
        submission.Exclusion(e.code, tuple(e.keywords_fi) + tuple(e.keywords_sv)) for e in parts.exclusions_of(call)
    )


def check_title(title: str) -> None:
    if len(title) > MAX_TEXT:
        raise Invalid({"title": [texts.limit_message()]})
    if NUL in title:
        raise Invalid({"title": [nul_message()]})


def check_version(version) -> None:
    if isinstance(version, bool) or not isinstance(version, int) or not 0 <= version <= MAX_VERSION:
        # Not a version any draft had: refused before it could be stored with a conflict.
        raise Invalid({"version": [_("The form's version number is not valid; reload the application.")]})


@dataclass(frozen=True)
class DraftChanges:
    """What a save may change; None leaves a part as it is."""

    title: str | None = None
    plan: dict | None = None
    partners: list[str] | None = None  # registry keys
    budget: list[dict] | None = None  # {"category", "amount_vat_free", "vat", "description"}
    amount_applied: str | Decimal | None = None


@dataclass(frozen=True)
class ValidChanges:
    """A save's changes, checked and read into rows: what ``drafts`` writes."""

    changes: DraftChanges
    partners: list[Organisation]
    lines: list[tuple]  # (category, amount VAT-free, VAT, description)
    amount: Decimal | None


def jsonable(changes: DraftChanges) -> dict:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in changes.__dict__.items() if v is not None}


def _amount(value, path: str, errors: dict) -> Decimal | None:
    try:
        amount = parse_euros(value)
    except MoneyError as error:
        if error.kind == MoneyError.DECIMALS:
            errors[path] = [_("Write an amount in euros with at most two decimals, for example 12500,00.")]
        else:  # not a number, NaN or infinity, or beyond any amount a call grants
            errors[path] = [_("Write an amount in euros, for example 12500,00.")]
        return None
    if amount < 0:
        errors[path] = [_("An amount cannot be negative.")]
        return None
    return amount


def _check_plan(call: Call, plan: dict, errors: dict) -> None:
    plan_keys = {f["key"]: f for f in call.plan_fields}
    for key, value in plan.items():
        if key not in plan_keys:
            errors[f"plan.{key}"] = [_("The call's form has no such field.")]
        elif not isinstance(value, str) or len(value) > plan_keys[key].get("max_length", MAX_TEXT):
            errors[f"plan.{key}"] = [texts.limit_message(plan_keys[key].get("max_length", MAX_TEXT))]
        elif NUL in value:
            errors[f"plan.{key}"] = [nul_message()]


def _partners(application: Application, keys: list, errors: dict) -> list[Organisation]:
    if len(keys) > MAX_MEMBERS:
        errors["members"] = [_("At most %(n)s members.") % {"n": MAX_MEMBERS}]
        return []  # refused as it stands: the keys are not read (a long list would be read eight at a time)
    found = organisations_by_key([str(k) for k in keys if NUL not in str(k)])
    lead = next((m for m in members_of(application) if m.role == ConsortiumMember.Role.LEAD), None)
    closes = application.call.closes_at
    on = timezone.localdate(closes) if closes else timezone.localdate()
    named: set[int] = set()
    partners = []
    # Refused on save, not only at submission: a consortium that names a body twice is never stored.
    for i, key in enumerate(keys, start=1):
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
        elif organisation.valid_to is not None and not organisation.valid_on(on):
            # A municipality merged away before the call closes cannot take part in a new project.
            errors[f"members.{i}"] = [
                _("%(name)s merged into %(successor)s after %(date)s and cannot be a partner in this call.")
                % {"name": organisation.name_fi, "date": date_format(organisation.valid_to, "j.n.Y"),
                   "successor": organisation.successor.name_fi if organisation.successor else "—"}
            ]
        else:
            named.add(organisation.pk)
            partners.append(organisation)
    return partners


def _budget(call: Call, budget: list, errors: dict) -> list[tuple]:
    categories = {c.code: c for c in parts.categories_of(call)}
    if len(budget) > MAX_BUDGET_LINES:
        errors["budget"] = [_("At most %(n)s budget lines.") % {"n": MAX_BUDGET_LINES}]
    lines = []
    for i, line in enumerate(budget):
        if not isinstance(line, dict) or line.get("category") not in categories:
            errors[f"budget.{i}.category"] = [_("Choose one of the call's cost categories.")]
            continue
        vat_free = _amount(line.get("amount_vat_free", "0"), f"budget.{i}.amount_vat_free", errors)
        vat = _amount(line.get("vat", "0"), f"budget.{i}.vat", errors)
        description = str(line.get("description", ""))[:500]
        if NUL in description:
            errors[f"budget.{i}.description"] = [nul_message()]
        lines.append((categories[line["category"]], vat_free, vat, description))
    return lines


def validate_changes(application: Application, changes: DraftChanges) -> ValidChanges:
    """Check every part of a save before anything is written; all the problems at once, by field."""
    call = application.call
    errors: dict[str, list[str]] = {}
    if changes.title is not None and len(changes.title) > MAX_TEXT:
        errors["title"] = [texts.limit_message()]
    elif changes.title is not None and NUL in changes.title:
        errors["title"] = [nul_message()]
    _check_plan(call, changes.plan or {}, errors)
    partners = _partners(application, changes.partners, errors) if changes.partners is not None else []
    lines = _budget(call, changes.budget, errors) if changes.budget is not None else []
    amount = None
    if changes.amount_applied is not None:
        amount = _amount(changes.amount_applied, "amount_applied", errors)
    if errors:
        raise Invalid(errors)
    return ValidChanges(changes, partners, lines, amount)
