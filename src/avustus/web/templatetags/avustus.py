"""Template filters for money and outcomes, so that templates show figures one way everywhere."""

from decimal import Decimal

from django import template

from avustus.rules.money import format_amount

register = template.Library()


@register.filter
def euros(value) -> str:
    """``24 574 065,00 €``; empty for None, so that a missing amount is not shown as zero."""
    if value is None or value == "":
        return ""
    return f"{format_amount(Decimal(value))}\u00a0€"


@register.filter
def outcome_label(kind: str | None) -> str:
    """The outcome's name in the reader's language."""
    from avustus.decisions.models import Outcome

    if kind not in Outcome.Kind.values:
        return ""
    return str(Outcome.Kind(kind).label).capitalize()


@register.filter
def in_language(obj, lang: str) -> str:
    """A call's title or a body's name in the reader's language, falling back to Finnish."""
    if hasattr(obj, "title") and callable(obj.title):
        return obj.title(lang)
    if hasattr(obj, "text") and callable(obj.text):
        return obj.text(lang)
    return obj.name(lang)


@register.filter
def get(mapping: dict, key: str):
    """``errors|get:"title"``: a value of a dict by a key that is not a valid template name."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def plain(text: str) -> str:
    """A quoted source line without its markdown bold markers, for reading."""
    return str(text).replace("**", "")
