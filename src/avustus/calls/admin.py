from django.contrib import admin

from avustus.calls.models import Call, CostCategory, Criterion, Exclusion, GrantGroup, Programme


class _Inline(admin.TabularInline):
    extra = 0


class CostCategoryInline(_Inline):
    model = CostCategory


class ExclusionInline(_Inline):
    model = Exclusion


class CriterionInline(_Inline):
    model = Criterion


class GrantGroupInline(_Inline):
    model = GrantGroup


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name_fi", "slug", "budget_item"]


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["title_fi", "slug", "status", "closes_at"]
    list_filter = ["status", "programme"]
    inlines = [GrantGroupInline, CostCategoryInline, ExclusionInline, CriterionInline]
