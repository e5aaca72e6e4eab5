"""Back office. Service packages are a code table the consortium maintains here (fees change yearly); each save is
audited. Teams are managed on the family-doctor pages and shown read only; contracts are patient data and are not
here (their reads go through `visible_to` and the access log)."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms import ModelForm
from django.utils.translation import gettext_lazy as _

from countyhealth.audit import log as audit

from .models import FamilyDoctorTeam, ServicePackage, TeamMember


class ServicePackageForm(ModelForm):
    class Meta:
        model = ServicePackage
        fields = ["code", "name_zh", "name_en", "target_group", "content_zh", "content_en", "annual_fee",
                  "insurance_amount", "public_funds_amount", "resident_amount", "is_active", "sort_order"]

    def clean(self):
        data = super().clean()
        shares = [data.get(f) for f in ("insurance_amount", "public_funds_amount", "resident_amount")]
        fee = data.get("annual_fee")
        if fee is not None and None not in shares and sum(shares) != fee:
            raise ValidationError(_("The annual fee must equal the insurance, public-funds and resident shares "
                                    "added up."))
        return data


@admin.register(ServicePackage)
class ServicePackageAdmin(admin.ModelAdmin):
    form = ServicePackageForm
    list_display = ["code", "name_zh", "target_group", "annual_fee", "resident_amount", "is_active", "sort_order"]
    list_filter = ["target_group", "is_active"]
    search_fields = ["code", "name_zh", "name_en"]

    def has_delete_permission(self, request, obj=None):
        return False  # signed contracts refer to packages; withdraw one by unticking "offered"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record_change(request.user, "familydoctor.package_saved", obj,
                            detail={"changed": form.changed_data, "created": not change})


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    fields = ["user", "role", "is_lead", "phone"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FamilyDoctorTeam)
class FamilyDoctorTeamAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "is_active"]
    list_select_related = ["organisation"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    inlines = [TeamMemberInline]
    readonly_fields = ["name", "organisation", "villages", "phone", "is_active", "created_at", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return request.method in ("GET", "HEAD") and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False
