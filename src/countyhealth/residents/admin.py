"""Back office, read only. Residents themselves are not here: every read of patient data goes through
`visible_to` and the access log, which the admin bypasses; the resident pages serve that purpose."""

from django.contrib import admin

from .models import AccessGrant, DuplicateCandidate, Household, ResidentLink


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ["number", "village"]
    list_select_related = ["village"]
    search_fields = ["number"]


@admin.register(AccessGrant)
class AccessGrantAdmin(ReadOnlyAdmin):
    list_display = ["granted_at", "reason", "resident_id", "organisation", "granted_by", "expires_at"]
    list_filter = ["reason"]
    list_select_related = ["organisation", "granted_by"]
    date_hierarchy = "granted_at"


@admin.register(ResidentLink)
class ResidentLinkAdmin(ReadOnlyAdmin):
    list_display = ["merged_at", "survivor_id", "merged_id", "merged_by", "reason", "unmerged_at"]
    list_select_related = ["merged_by"]
    date_hierarchy = "merged_at"


@admin.register(DuplicateCandidate)
class DuplicateCandidateAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "resident_a_id", "resident_b_id", "score", "status", "reviewed_by"]
    list_filter = ["status"]
    list_select_related = ["reviewed_by"]
