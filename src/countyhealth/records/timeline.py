"""The records app's timeline provider (core.timeline): record opened, personal information edits, health
checks and record status changes."""

from django.core.exceptions import FieldDoesNotExist
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from countyhealth.core import timeline
from countyhealth.core.choices import display
from countyhealth.core.timeline import Source, TimelineEntry

from .models import AnnualHealthCheck, Diagnosis, PersonalInfo, PersonalInfoChange, RecordStatusChange

TIMELINE_CHECK_COLUMNS = ("id", "resident_id", "check_date", "sbp", "dbp", "bmi", "fpg", "health_evaluation",
                          "organisation__name")
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


@timeline.from_sources
def provider(user) -> list[Source]:
    def record_url(row):
        return reverse_lazy("records:record-detail", args=[row.resident_id])

    def opened(info):
        return TimelineEntry(
            at=info.opened_at, kind="record", title=_("Health record opened"),
            summary=_("Record number %(number)s") % {"number": info.resident.record_number or "—"},
            organisation=info.opened_org.name if info.opened_org else "", url=record_url(info))

    def info_change(change):
        return TimelineEntry(
            at=change.changed_at, kind="record", title=_("Personal information updated"),
            summary=_field_labels(PersonalInfo, change.fields),
            organisation=change.organisation.name if change.organisation else "", url=record_url(change))

    def status_change(change):
        detail = change.reason or change.death_cause or change.destination
        if change.death_date:
            detail = f"{change.death_date:%Y-%m-%d} {detail}"
        return TimelineEntry(
            at=change.changed_at, kind="record",
            title=_("Record status: %(status)s") % {"status": display(change, "to_status")},
            summary=detail, organisation=change.organisation.name if change.organisation else "",
            url=record_url(change))

    def check(c):
        return TimelineEntry(
            at=c.check_date, kind="health_check", title=_("Annual health check"), summary=check_summary(c),
            organisation=c.organisation.name if c.organisation else "",
            url=reverse_lazy("records:check-detail", args=[c.resident_id, c.pk]))

    def diagnosis(d):
        return TimelineEntry(
            at=d.diagnosed_on, kind="diagnosis", title=_("Diagnosis: %(name)s") % {"name": d.code.name_zh},
            summary=" · ".join(filter(None, [d.code_id, d.note])), organisation=d.organisation.name,
            url=reverse_lazy("records:diagnoses", args=[d.resident_id]))

    return [
        Source("record", PersonalInfo.objects.select_related("opened_org", "resident")
               .only("id", "opened_at", "opened_org__name", "resident__record_number"), "opened_at", opened),
        Source("record", PersonalInfoChange.objects.select_related("organisation"), "changed_at", info_change),
        Source("record", RecordStatusChange.objects.select_related("organisation"), "changed_at", status_change),
        Source("health_check", AnnualHealthCheck.objects.select_related("organisation").only(*TIMELINE_CHECK_COLUMNS),
               "check_date", check),
        Source("diagnosis", Diagnosis.objects.select_related("code", "organisation"), "diagnosed_on", diagnosis),
    ]
