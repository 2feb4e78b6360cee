"""Roles in Django's admin, granted and revoked only through the services, so each change is audited."""

from django.contrib import admin

from avustus.accounts.models import RoleGrant
from avustus.accounts.services import grant_role, revoke_role


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    """Add and remove roles; a grant is never edited in place (revoke it and grant another)."""

    list_display = ["user", "role", "programme", "organisation"]
    list_filter = ["role", "programme"]
    search_fields = ["user__username", "organisation__name_fi"]
    autocomplete_fields = []
    raw_id_fields = ["organisation"]

    def has_change_permission(self, request, obj=None):
        # Viewing an existing grant is fine; changing one would bypass the audit of grant and revoke.
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        grant = grant_role(obj.user, obj.role, actor=request.user, programme=obj.programme,
                           organisation=obj.organisation)
        obj.pk = grant.pk

    def delete_model(self, request, obj):
        revoke_role(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for grant in queryset:
            revoke_role(grant, actor=request.user)
