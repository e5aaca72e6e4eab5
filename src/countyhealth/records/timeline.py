"""The records app's timeline provider (core.timeline): record opened, personal information edits, health
checks and record status changes."""

from django.core.exceptions import FieldDoesNotExist
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from countyhealth.core.timeline import TimelineEntry

from . import diagnoses, queries
from .models import AnnualHealthCheck, PersonalInfo

TIMELINE_CHECK_COLUMNS = ("id", "resident_id", "check_date", "sbp", "dbp", "bmi", "fpg", "health_evaluation",
                          "organisation__name", "responsible_doctor__full_name",
                          "responsible_doctor__username")
KINDS = {
    "record": gettext_lazy("Health record"),
    "health_check": gettext_lazy("Health check"),
    "diagnosis": gettext_lazy("Diagnosis"),
}


def _field_labels(model, names) -> str:
    labels = []
    for name in names:
        try:
            labels.append(str(model._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:  # a field renamed since the change was recorded still shows by its name
            labels.append(name)
    return "、".join(labels)


def check_summary(check: AnnualHealthCheck) -> str:
    parts = []
    if check.sbp is not None:
        parts.append(_("BP %(sbp)s/%(dbp)s mmHg") % {"sbp": check.sbp, "dbp": check.dbp})
    if check.bmi is not None:
        parts.append(_("BMI %(bmi)s") % {"bmi": check.bmi})
    if check.fpg is not None:
        parts.append(_("FPG %(fpg)s mmol/L") % {"fpg": check.fpg})
    if check.health_evaluation == "2":
        parts.append(_("abnormal findings"))
    return " · ".join(parts)


def provider(resident, user) -> list[TimelineEntry]:
    entries = []
    info = queries.personal_info_of(resident)
    record_url = reverse("records:record-detail", args=[resident.pk])
    if info is not None:
        entries.append(TimelineEntry(
            at=info.opened_at, kind="record", title=_("Health record opened"),
            summary=_("Record number %(number)s") % {"number": resident.record_number or "—"},
            organisation=info.opened_org.name if info.opened_org else "", url=record_url,
        ))
    for change in queries.personal_info_changes_of(resident):
        entries.append(TimelineEntry(
            at=change.changed_at, kind="record", title=_("Personal information updated"),
            summary=_field_labels(PersonalInfo, change.fields),
            organisation=change.organisation.name if change.organisation else "", url=record_url,
        ))
    for change in queries.status_changes_of(resident):
        detail = change.reason or change.death_cause or change.destination
        if change.death_date:
            detail = f"{change.death_date:%Y-%m-%d} {detail}"
        entries.append(TimelineEntry(
            at=change.changed_at, kind="record",
            title=_("Record status: %(status)s") % {"status": change.get_to_status_display()},
            summary=detail, organisation=change.organisation.name if change.organisation else "", url=record_url,
        ))
    for check in queries.checks_of(resident).only(*TIMELINE_CHECK_COLUMNS):
        entries.append(TimelineEntry(
            at=check.check_date, kind="health_check", title=_("Annual health check"), summary=check_summary(check),
            organisation=check.organisation.name if check.organisation else "",
            url=reverse("records:check-detail", args=[resident.pk, check.pk]),
        ))
    for diagnosis in diagnoses.diagnoses_of(resident)[:200]:
        entries.append(TimelineEntry(
            at=diagnosis.diagnosed_on, kind="diagnosis",
            title=_("Diagnosis: %(name)s") % {"name": diagnosis.code.name_zh},
            summary=" · ".join(filter(None, [diagnosis.code_id, diagnosis.note])),
            organisation=diagnosis.organisation.name, url=reverse("records:diagnoses", args=[resident.pk]),
        ))
    return entries
