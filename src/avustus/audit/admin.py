from django.contrib import admin

from avustus.audit.models import AuditEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin page that shows rows and changes none: for what only services write (the audit log here, the
    outbox, a user's own contact details)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: the log is appended to by services, never edited by hand."""

    list_display = ["at", "actor_kind", "actor_label", "action", "target_type", "target_id"]
    list_filter = ["actor_kind", "action", "target_type"]
    search_fields = ["actor_label", "target_id"]
