"""The lab's entries in the resident's 360° timeline: one per report, one per critical value."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from countyhealth.core.timeline import TimelineEntry

from .models import CriticalAlert, LabReport

KINDS = {"lab_report": gettext_lazy("Lab report"), "critical_value": gettext_lazy("Critical value")}


def provider(resident, user) -> list[TimelineEntry]:
    # Called only for a resident the user may see, whose reports and alerts are all visible to them.
    reports = (LabReport.objects.filter(resident=resident).select_related("performing_org")
               .prefetch_related("results").order_by("-specimen_at")[:100])
    entries = [
        TimelineEntry(at=r.specimen_at, kind="lab_report", title=_("Lab report from %(lab)s") % {"lab": r.performing_org.name},
                      summary="; ".join(f"{x.test.name_zh} {x.display_value} {x.unit}"
                                        + (f" ({x.flag})" if x.flag != "N" else "") for x in r.results.all()),
                      organisation=r.performing_org.name, url=reverse("lab:report-detail", args=[r.pk]))
        for r in reports
    ]
    alerts = (CriticalAlert.objects.filter(resident=resident).select_related("ack_by", "ordering_org")
              .order_by("-notified_at")[:50])
    entries += [
        TimelineEntry(at=a.notified_at, kind="critical_value",
                      title=_("Critical value %(test)s %(value)s %(unit)s") % {
                          "test": a.test.name_zh, "value": a.display_value, "unit": a.unit},
                      summary=a.get_status_display() + (f" · {a.ack_by.full_name or a.ack_by.username}" if a.ack_by else ""),
                      organisation=a.ordering_org.name, url=reverse("lab:alert-detail", args=[a.pk]))
        for a in alerts
    ]
    return entries
