from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from countyhealth.core.timeline import TimelineEntry

from .models import ImagingStudy

KINDS = {"imaging": gettext_lazy("Imaging")}


def provider(resident, user) -> list[TimelineEntry]:
    studies = (ImagingStudy.objects.visible_to(user).filter(resident=resident).select_related("from_org")
               .prefetch_related("reports").order_by("-created_at")[:100])
    entries = []
    for s in studies:
        reports = sorted(s.reports.all(), key=lambda r: r.version)
        title = _("%(modality)s study %(description)s: %(status)s") % {
            "modality": s.modality or _("Imaging"), "description": s.study_description, "status": s.get_status_display()}
        entries.append(TimelineEntry(at=reports[-1].signed_at if reports else s.created_at, kind="imaging",
                                     title=title, summary=reports[-1].impression if reports else s.clinical_question,
                                     organisation=s.from_org.name,
                                     url=reverse("imaging:study-detail", args=[s.pk])))
    return entries
