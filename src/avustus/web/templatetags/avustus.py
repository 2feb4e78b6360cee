"""Template filters for money, outcomes and the rules' names, so that templates show them one way everywhere."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django import template
from django.utils.formats import number_format

from avustus.decisions.vocabulary.base import date_text
from avustus.rules.money import format_amount
from avustus.web import labels

if TYPE_CHECKING:  # django-stubs-ext is a development dependency, needed only by the type checker
    from django_stubs_ext import StrOrPromise

register = template.Library()


@register.filter
def euros(value) -> str:
    """``24 574 065,00 €``; empty for None, so that a missing amount is not shown as zero."""
    if value is None or value == "":
        return ""
    return f"{format_amount(Decimal(value))}\u00a0€"


@register.filter
def day(value) -> str:
    """A day as Finland writes it (``15.7.2020``), from a date or the ISO text a stored snapshot holds (a settlement's
    payments, an interest computation's lines); empty for none."""
    if not value:
        return ""
    return date_text(date.fromisoformat(value) if isinstance(value, str) else value)


@register.filter
def rate(value) -> str:
    """A rate in percent as a snapshot stores it (``3.00``) with the decimal comma the page's amounts have: ``3,00``."""
    return "" if value is None or value == "" else str(value).replace(".", ",")


@register.filter
def score(value) -> str:
    """A score in the reader's locale with at most two decimals (``74,29``, ``80``); "–" when there is none.

    Means come out of the database and the rules with many decimals (``74.2900000000000``); shown whole
    they look like a precision nobody measured.
    """
    if value is None or value == "":
        return "–"
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return str(value)
    exponent = number.normalize().as_tuple().exponent
    # A finite number's exponent is an int; a NaN's is a letter ("n", "N"), and it has no decimals to show.
    decimals = max(0, -exponent) if isinstance(exponent, int) and number != number.to_integral() else 0
    return number_format(number, decimal_pos=decimals, use_l10n=True)


@register.filter
def outcome_label(kind: str | None) -> str:
    """The outcome's name in the reader's language."""
    return labels.outcome_label(kind)


@register.filter
def in_language(obj, lang: str) -> str:
    """A call's title or a body's name in the reader's language, falling back to Finnish."""
    if hasattr(obj, "title") and callable(obj.title):
        return obj.title(lang)
    if hasattr(obj, "text") and callable(obj.text):
        return obj.text(lang)
    return obj.name(lang)


@register.filter
def localised(obj, field: str) -> str:
    """``group|localised:"name"``: a row's ``name_sv`` when the page is in Swedish and it has one, else ``name_fi``.

    For anything with ``<field>_fi`` and ``<field>_sv`` (groups and their conditions, bodies and their
    regions), so that a Swedish page shows Swedish names wherever the data has them.
    """
    from django.utils.translation import get_language

    lang = (get_language() or "fi")[:2]
    value = getattr(obj, f"{field}_{lang}", "") if lang != "fi" else ""
    return value or getattr(obj, f"{field}_fi", "") or ""


@register.filter
def get(mapping: dict, key: str):
    """``errors|get:"title"``: a value of a dict by a key that is not a valid template name."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def plain(text: str) -> str:
    """A quoted source line without its markdown bold markers, for reading."""
    return str(text).replace("**", "")


@register.simple_tag(takes_context=True)
def programme_roles(context) -> set[str]:
    """The roles the signed-in user holds over any programme: the menu shows officials' and reviewers' pages by them."""
    from avustus.accounts.models import Role, RoleGrant

    request = context["request"]
    if hasattr(request, "avustus_menu_roles"):  # asked already, with the round (web.officials.common.official_call)
        return request.avustus_menu_roles
    user = request.user
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return set(Role.values)
    return set(RoleGrant.objects.filter(user=user, programme__isnull=False).values_list("role", flat=True))


@register.simple_tag(takes_context=True)
def official_of(context, project) -> bool:
    """Whether the signed-in user is one of the project's programme's officials: the project's crumbs lead them
    to the officials' list of the call's projects, and recipients to their own projects."""
    from avustus.accounts.permissions import OFFICIAL_ROLES, has_programme_role

    return has_programme_role(context["request"].user, project.call.programme, OFFICIAL_ROLES)


@register.simple_tag(takes_context=True)
def kept(context, path: str, *name: object, **match: str) -> str:
    """What the user typed in a field of the form posted to ``path`` before it was refused
    (``web.feedback.kept_form``): ``value="{% kept url "reasons" %}"``, or between a textarea's tags. The field's
    name is the parts given, joined: ``{% kept url "reject." cost.pk ".amount" %}``; ``part="content"`` and the
    like tell apart the forms posted to one address."""
    from avustus.web.feedback import kept_form

    return kept_form(context["request"], path, **match).get("".join(str(part) for part in name), "")


@register.simple_tag(takes_context=True)
def kept_errors(context, path: str, **match: str) -> dict[str, str]:
    """The messages of a refused form's fields, to show beside them: ``{% kept_errors url as errors %}`` then
    ``errors.reasons`` (``web.feedback.kept_errors``)."""
    from avustus.web.feedback import kept_errors as errors_kept

    return errors_kept(context["request"], path, **match)


@register.simple_tag(takes_context=True)
def kept_error(context, path: str, *name: object, **match: str) -> str:
    """The message of one field of a refused form whose name is made of parts, as ``kept``'s:
    ``{% kept_error url "reject." cost.pk ".amount" as error %}``."""
    return kept_errors(context, path, **match).get("".join(str(part) for part in name), "")


@register.filter
def works_as_staff(roles: set[str]) -> bool:
    from avustus.accounts.permissions import OFFICIAL_ROLES

    return bool(roles & set(OFFICIAL_ROLES))


@register.filter
def label(code: str, vocabulary: str) -> "StrOrPromise":
    """``mode|label:"rounding"``: a code's name in the reader's language; the code itself if unknown."""
    return labels.label(code, vocabulary)


@register.simple_tag
def collective_decision_of(call):
    """The round's collective decision once it is signed (its notifications are a step of the round), else None."""
    from avustus.decisions.models import Decision
    from avustus.decisions.selectors import collective_decision

    if hasattr(call, "collective_pk"):  # found with the round (web.officials.common.official_call)
        return Decision(pk=call.collective_pk) if call.collective_status == Decision.Status.SIGNED else None
    decision = collective_decision(call)
    return decision if decision is not None and decision.status == Decision.Status.SIGNED else None


@register.filter
def decision_status(decision) -> "StrOrPromise":
    """A decision's status as readers need it: "signed, documents pending" until the task has stored them."""
    from avustus.decisions.signing import documents_pending

    if documents_pending(decision):
        return labels.DOCUMENTS_PENDING
    return decision.get_status_display()


@register.filter
def documents_pending(decision) -> bool:
    from avustus.decisions.signing import documents_pending as pending

    return pending(decision)
