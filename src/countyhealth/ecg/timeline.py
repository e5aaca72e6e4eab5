"""The ECG app's entries in the resident's 360° timeline: one per recording, with its latest report."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from countyhealth.core import timeline
from countyhealth.core.choices import display
from countyhealth.core.timeline import Source, TimelineEntry

from . import rules
from .models import Ecg

KINDS = {"ecg": gettext_lazy("ECG")}


def _entry(ecg: Ecg) -> TimelineEntry:
    report = max(ecg.reports.all(), key=lambda r: r.version, default=None)
    summary = ("；".join(report.phrase_labels()) + (f" {report.conclusion}" if report.conclusion else "")
               if report else str(rules.RHYTHM_LABELS.get(ecg.analysis.get("rhythm"), "")))
    return TimelineEntry(at=ecg.uploaded_at, kind="ecg",
                         title=_("Remote ECG (%(status)s)") % {"status": display(ecg, "status")},
                         summary=summary, organisation=ecg.organisation.name)


@timeline.from_sources
def provider(user) -> list[Source]:
    ecgs = Ecg.objects.select_related("organisation").prefetch_related("reports")
    return [Source("ecg", ecgs, "uploaded_at", _entry)]
