"""How screens turn a refused action into what the user reads: one way for every view."""

from django.contrib import messages
from django.core.exceptions import ValidationError


def errors_of(exc: ValidationError) -> dict[str, list[str]]:
    """The refusal's messages by field ("__all__" for the whole form)."""
    return exc.message_dict if hasattr(exc, "message_dict") else {"__all__": exc.messages}


def messages_of(exc: Exception) -> list[str]:
    """Every message of a refusal, in order, for a page that shows them together."""
    if isinstance(exc, ValidationError):
        return [m for problems in errors_of(exc).values() for m in problems]
    return [str(exc)]


def flash(request, exc: Exception) -> None:
    """A refusal's reasons as messages on the page the user is sent back to."""
    for message in messages_of(exc):
        messages.error(request, message)
