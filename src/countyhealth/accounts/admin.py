from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "role", "organisation", "is_active", "last_login"]
    list_filter = ["role", "is_active", "organisation__org_type"]
    search_fields = ["username", "full_name"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Consortium"), {"fields": ("full_name", "organisation", "department", "role", "is_system")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("Consortium"), {"fields": ("full_name", "organisation", "department", "role")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    list_select_related = ["user"]
