"""The imaging entries of the resident's 360° timeline: one per study, at its latest report's signing (or
its upload while unreported)."""

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from countyhealth.core import timeline
from countyhealth.core.choices import display
from countyhealth.core.timeline import Source, TimelineEntry

from .models import ImagingReport, ImagingStudy

KINDS = {"imaging": gettext_lazy("Imaging")}


def _entry(s: ImagingStudy) -> TimelineEntry:
    reports = sorted(s.reports.all(), key=lambda r: r.version)
    title = _("%(modality)s study %(description)s: %(status)s") % {
        "modality": s.modality or _("Imaging"), "description": s.study_description, "status": display(s, "status")}
    return TimelineEntry(at=s.shown_at, kind="imaging", title=title,
                         summary=reports[-1].impression if reports else s.clinical_question,
                         organisation=s.from_org.name, url=reverse_lazy("imaging:study-detail", args=[s.pk]))


@timeline.from_sources
def provider(user) -> list[Source]:
    latest_signing = ImagingReport.objects.filter(study=OuterRef("pk")).order_by("-version").values("signed_at")[:1]
    # Called only for residents the user may see, and every study of a visible resident is visible to them
    # (ImagingStudy.objects.visible_to adds studies of residents they may not see, never removes one).
    studies = (ImagingStudy.objects
               .annotate(shown_at=Coalesce(Subquery(latest_signing), "created_at"))
               .select_related("from_org").prefetch_related("reports"))
    return [Source("imaging", studies, "shown_at", _entry)]
