"""Back office, read only. Personal information and health checks are not here: patient data is read through
`visible_to` and the access log, which the admin bypasses; the record pages serve that purpose."""

from django.contrib import admin

from .models import RecordNumberCounter


@admin.register(RecordNumberCounter)
class RecordNumberCounterAdmin(admin.ModelAdmin):
    list_display = ["village", "last_serial"]
    list_select_related = ["village"]
    search_fields = ["village__division_code", "village__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
