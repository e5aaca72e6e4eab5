"""Reads of the health record. Every read goes through `visible_to(user)` (the models' ResidentScopedQuerySet)
or is made for a resident already fetched with `get_visible_or_404`."""

from countyhealth.residents.models import Resident

from .models import AnnualHealthCheck, PersonalInfo, PersonalInfoChange, RecordStatusChange


def personal_info_of(resident: Resident) -> PersonalInfo | None:
    return (PersonalInfo.objects.select_related("opened_by", "opened_org", "updated_by")
            .filter(resident=resident).first())


def checks_of(resident: Resident):
    """A resident's health checks, newest first (index healthcheck_resident_date)."""
    return (AnnualHealthCheck.objects.filter(resident=resident).select_related("organisation", "responsible_doctor")
            .order_by("-check_date", "-id"))


def status_changes_of(resident: Resident):
    return (RecordStatusChange.objects.filter(resident=resident).select_related("changed_by", "organisation")
            .order_by("-changed_at", "-id"))


def personal_info_changes_of(resident: Resident):
    return (PersonalInfoChange.objects.filter(resident=resident).select_related("changed_by", "organisation")
            .order_by("-changed_at", "-id"))
