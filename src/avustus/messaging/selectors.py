"""Reads of the outbox for screens: the messages about one application, newest first."""

from avustus.messaging.models import OutboundMessage

SHOWN = 200  # an application has a handful; the bound keeps a page's size fixed whatever happens


def messages_about(application) -> list[OutboundMessage]:
    """What was sent (or is to be sent) about ``application``: event, recipient, when, status, attempts."""
    return list(OutboundMessage.objects.filter(application=application).select_related("notification")
                .order_by("-created_at", "-id")[:SHOWN])
