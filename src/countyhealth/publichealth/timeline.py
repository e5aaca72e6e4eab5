"""The programmes' timeline provider (core.timeline): enrolments, follow-ups, child-health and maternal visits."""

from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from countyhealth.core import timeline
from countyhealth.core.choices import display
from countyhealth.core.timeline import Source, TimelineEntry

from . import rules
from .models import ChildVisit, Enrolment, FollowUpVisit, MaternalVisit

KINDS = {
    "enrolment": gettext_lazy("Programme enrolment"),
    "followup": gettext_lazy("Follow-up visit"),
    "child_visit": gettext_lazy("Child health visit"),
    "maternal_visit": gettext_lazy("Maternal visit"),
}


@timeline.from_sources
def provider(user) -> list[Source]:
    def programmes_url(row):
        return reverse_lazy("publichealth:resident-programmes", args=[row.resident_id])

    def enrolment(e):
        return TimelineEntry(at=e.enrolled_on, kind="enrolment",
                             title=_("Enrolled: %(p)s") % {"p": display(e, "programme")},
                             summary=display(e, "status"), organisation=e.catchment_org.name, url=programmes_url(e))

    def followup(v):
        measures = f"{v.sbp}/{v.dbp} mmHg" if v.sbp else ""
        if v.fpg is not None:
            measures += f"{' · ' if measures else ''}FPG {v.fpg}"
        return TimelineEntry(
            at=v.visit_date, kind="followup",
            title=_("%(p)s follow-up: %(c)s") % {"p": display(v, "programme"), "c": display(v, "follow_up_class")},
            summary=f"{measures} → {display(v, 'next_action')}", organisation=v.organisation.name,
            url=reverse_lazy("publichealth:followup-detail", args=[v.pk]))

    def child_visit(c):
        message, params = rules.child.SLOT_LABELS[c.slot]
        return TimelineEntry(at=c.visit_date, kind="child_visit", title=str(message) % params if params else str(message),
                             organisation=c.organisation.name, url=programmes_url(c))

    def maternal_visit(m):
        findings = "; ".join(f["label"] for f in m.findings)
        return TimelineEntry(at=m.visit_date, kind="maternal_visit", title=m.label,
                             summary=" · ".join(filter(None, [m.ga_label, findings])),
                             organisation=m.organisation.name, url=programmes_url(m))

    return [
        Source("enrolment", Enrolment.objects.select_related("catchment_org"), "enrolled_on", enrolment),
        Source("followup", FollowUpVisit.objects.select_related("organisation")
               .only("id", "visit_date", "programme", "follow_up_class", "sbp", "dbp", "fpg", "next_action",
                     "organisation__name"), "visit_date", followup),
        Source("child_visit", ChildVisit.objects.select_related("organisation"), "visit_date", child_visit),
        Source("maternal_visit", MaternalVisit.objects.select_related("organisation"), "visit_date", maternal_visit),
    ]
