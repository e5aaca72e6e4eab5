"""The programmes' timeline provider (core.timeline): enrolments, follow-ups and child-health visits."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from countyhealth.core.timeline import TimelineEntry

from . import rules
from .models import ChildVisit, Enrolment, FollowUpVisit

KINDS = {
    "enrolment": gettext_lazy("Programme enrolment"),
    "followup": gettext_lazy("Follow-up visit"),
    "child_visit": gettext_lazy("Child health visit"),
}


def provider(resident, user) -> list[TimelineEntry]:
    programmes_url = reverse("publichealth:resident-programmes", args=[resident.pk])
    entries = [
        TimelineEntry(at=e.enrolled_on, kind="enrolment", title=_("Enrolled: %(p)s") % {"p": e.get_programme_display()},
                      summary=e.get_status_display(), organisation=e.catchment_org.name, url=programmes_url)
        for e in Enrolment.objects.filter(resident=resident).select_related("catchment_org")
    ]
    for v in FollowUpVisit.objects.filter(resident=resident).select_related("organisation").order_by("-visit_date")[:200]:
        measures = f"{v.sbp}/{v.dbp} mmHg" if v.sbp else ""
        if v.fpg is not None:
            measures += f"{' · ' if measures else ''}FPG {v.fpg}"
        entries.append(TimelineEntry(
            at=v.visit_date, kind="followup",
            title=_("%(p)s follow-up: %(c)s") % {"p": v.get_programme_display(), "c": v.get_follow_up_class_display()},
            summary=f"{measures} → {v.get_next_action_display()}", organisation=v.organisation.name,
            url=reverse("publichealth:followup-detail", args=[v.pk])))
    for c in ChildVisit.objects.filter(resident=resident).select_related("organisation"):
        message, params = rules.child.SLOT_LABELS[c.slot]
        entries.append(TimelineEntry(at=c.visit_date, kind="child_visit",
                                     title=str(message) % params if params else str(message),
                                     organisation=c.organisation.name, url=programmes_url))
    return entries
