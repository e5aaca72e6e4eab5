from django.contrib import admin

from .models import Department, Organisation, Village


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "org_type", "division_code", "path", "is_active"]
    list_filter = ["org_type", "is_active"]
    search_fields = ["name", "code", "division_code"]
    readonly_fields = ["path"]
    inlines = [DepartmentInline]


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ["name", "division_code", "clinic", "population"]
    search_fields = ["name", "division_code"]
    list_select_related = ["clinic"]
    autocomplete_fields = ["clinic"]
