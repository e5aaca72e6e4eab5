from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from countyhealth.core.timeline import TimelineEntry

from . import rules
from .models import Ecg

KINDS = {"ecg": gettext_lazy("ECG")}


def provider(resident, user) -> list[TimelineEntry]:
    entries = []
    for ecg in (Ecg.objects.filter(resident=resident).select_related("organisation")
                .prefetch_related("reports").order_by("-uploaded_at")[:100]):
        report = max(ecg.reports.all(), key=lambda r: r.version, default=None)
        summary = ("；".join(report.phrase_labels()) + (f" {report.conclusion}" if report.conclusion else "")
                   if report else str(rules.RHYTHM_LABELS.get(ecg.analysis.get("rhythm"), "")))
        entries.append(TimelineEntry(at=ecg.uploaded_at, kind="ecg",
                                     title=_("Remote ECG (%(status)s)") % {"status": ecg.get_status_display()},
                                     summary=summary, organisation=ecg.organisation.name))
    return entries
