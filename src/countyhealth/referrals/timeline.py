"""The referrals' timeline provider (core.timeline): every referral up or down, with its current status."""

from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from countyhealth.core import timeline
from countyhealth.core.choices import display
from countyhealth.core.timeline import Source, TimelineEntry

from .models import Referral

KINDS = {"referral": gettext_lazy("Referral")}


def _entry(r: Referral) -> TimelineEntry:
    return TimelineEntry(at=r.created_at, kind="referral",
                         title=_("%(direction)s referral to %(org)s (%(urgency)s) · %(status)s") % {
                             "direction": display(r, "direction"), "org": r.to_org.name,
                             "urgency": display(r, "urgency"), "status": display(r, "status")},
                         summary=r.reason, organisation=r.from_org.name, url=reverse_lazy("referrals:detail", args=[r.pk]))


@timeline.from_sources
def provider(user) -> list[Source]:
    return [Source("referral", Referral.objects.select_related("to_org", "from_org"), "created_at", _entry)]
