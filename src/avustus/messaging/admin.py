from django.contrib import admin

from avustus.audit.admin import ReadOnlyAdmin
from avustus.messaging.models import OutboundMessage


@admin.register(OutboundMessage)
class OutboundMessageAdmin(ReadOnlyAdmin):
    """Read-only for operators: a message changes state only through the worker and ``avustus outbox``
    (a resend by hand is a person's decision there, with the same Message-ID)."""

    list_display = ["id", "created_at", "event", "to", "language", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status", "event", "language"]
    search_fields = ["to", "subject", "message_id"]
    readonly_fields = [field.name for field in OutboundMessage._meta.fields]
