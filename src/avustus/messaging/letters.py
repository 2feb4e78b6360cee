"""What a decision letter says about one application's outcome: the facts its templates
(``messaging/decision_letter.<lang>.txt``) put in words."""

from django.urls import reverse

from avustus.registry.languages import document_language
from avustus.rules.money import format_amount


def decision_kind(decision, outcome) -> str:
    """``collective`` (the round's decision), ``later`` (an application deferred before is decided now) or
    ``amending`` (a decision changes an earlier one: a rectification, a correction)."""
    if decision.kind == decision.Kind.COLLECTIVE or decision.amends_id is None:
        return "collective"
    before = decision.amends.outcomes.filter(application=outcome.application).first()
    return "later" if before is not None and before.kind == before.Kind.DEFERRED else "amending"


def letter_context(decision, outcome, language: str) -> dict:
    from avustus.messaging.receivers import site_url

    programme = decision.call.programme
    return {
        "kind": decision_kind(decision, outcome),
        "outcome": outcome.kind,
        "amount": format_amount(outcome.amount_granted, cents=False) if outcome.amount_granted is not None else "",
        "decided_on": (f"{decision.decided_on.day}.{decision.decided_on.month}.{decision.decided_on.year}"
                       if decision.decided_on else ""),
        "programme": getattr(programme, f"name_{language}", "") or programme.name_fi,
        "letter_link": site_url(reverse("letter", args=[outcome.application.reference, document_language(language),
                                                        "pdf"])),
    }
