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
