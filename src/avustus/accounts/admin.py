"""Roles in Django's admin, granted and revoked only through the services, so each change is audited."""

from django.contrib import admin

from avustus.accounts.contacts import add_organisation_address, remove_organisation_address
from avustus.accounts.models import ContactDetails, OrganisationAddress, RoleGrant
from avustus.accounts.services import grant_role, revoke_role
from avustus.audit.admin import ReadOnlyAdmin


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


@admin.register(ContactDetails)
class ContactDetailsAdmin(ReadOnlyAdmin):
    """Read-only: a user's address, language and consent are theirs to set (``/my/contact/``)."""

    list_display = ["user", "email", "verified", "language", "electronic_consent", "consent_given_at"]
    list_filter = ["verified", "language", "electronic_consent"]
    search_fields = ["user__username", "email"]


@admin.register(OrganisationAddress)
class OrganisationAddressAdmin(admin.ModelAdmin):
    """An organisation's addresses, added through the service (so each is audited)."""

    list_display = ["organisation", "email", "verified"]
    search_fields = ["organisation__name_fi", "email"]
    raw_id_fields = ["organisation"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        address = add_organisation_address(obj.organisation, obj.email, actor=request.user, verified=obj.verified)
        obj.pk = address.pk

    def delete_model(self, request, obj):
        remove_organisation_address(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for address in queryset.select_related("organisation"):
            remove_organisation_address(address, actor=request.user)
