"""The lab's entries in the resident's 360° timeline: one per report, one per critical value."""

from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from countyhealth.core import timeline
from countyhealth.core.choices import display
from countyhealth.core.timeline import Source, TimelineEntry

from .models import CriticalAlert, LabReport

KINDS = {"lab_report": gettext_lazy("Lab report"), "critical_value": gettext_lazy("Critical value")}


def _report(r: LabReport) -> TimelineEntry:
    return TimelineEntry(
        at=r.specimen_at, kind="lab_report", title=_("Lab report from %(lab)s") % {"lab": r.performing_org.name},
        summary="; ".join(f"{x.test.name_zh} {x.display_value} {x.unit}" + (f" ({x.flag})" if x.flag != "N" else "")
                          for x in r.results.all()),
        organisation=r.performing_org.name, url=reverse_lazy("lab:report-detail", args=[r.pk]))


def _alert(a: CriticalAlert) -> TimelineEntry:
    return TimelineEntry(
        at=a.notified_at, kind="critical_value",
        title=_("Critical value %(test)s %(value)s %(unit)s") % {
            "test": a.test.name_zh, "value": a.display_value, "unit": a.unit},
        summary=display(a, "status") + (f" · {a.ack_by.full_name or a.ack_by.username}" if a.ack_by else ""),
        organisation=a.ordering_org.name, url=reverse_lazy("lab:alert-detail", args=[a.pk]))


@timeline.from_sources
def provider(user) -> list[Source]:
    # Called only for residents the user may see, whose reports and alerts are all visible to them.
    return [
        Source("lab_report", LabReport.objects.select_related("performing_org").prefetch_related("results"),
               "specimen_at", _report),
        Source("critical_value", CriticalAlert.objects.select_related("ack_by", "ordering_org"), "notified_at", _alert),
    ]
