from django.contrib import admin

from avustus.registry.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name_fi", "name_sv", "kind", "code", "region_name_fi", "language"]
    list_filter = ["kind", "language", "region_name_fi"]
    search_fields = ["name_fi", "name_sv", "code", "key"]
