"""The family-doctor timeline provider (core.timeline): contracts signed, renewed and terminated."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from countyhealth.core.timeline import TimelineEntry

from .models import Contract

KINDS = {"contract": gettext_lazy("Family-doctor contract")}


def provider(resident, user) -> list[TimelineEntry]:
    url = reverse("familydoctor:resident-contracts", args=[resident.pk])
    entries = []
    contracts = (Contract.objects.filter(resident=resident).select_related("team__organisation", "doctor")
                 .prefetch_related("contract_packages__package").order_by("start_date"))
    for c in contracts:
        packages = "、".join(cp.package.name for cp in c.contract_packages.all())
        title = _("Contract renewed with %(team)s") if c.previous_id else _("Contract signed with %(team)s")
        entries.append(TimelineEntry(
            at=c.start_date, kind="contract", title=title % {"team": c.team.name},
            summary=_("%(start)s – %(end)s · responsible doctor %(doctor)s · %(packages)s") % {
                "start": c.start_date.isoformat(), "end": c.end_date.isoformat(), "doctor": c.doctor.display_name,
                "packages": packages},
            organisation=c.team.organisation.name, url=url,
        ))
        if c.terminated_on is not None:
            entries.append(TimelineEntry(
                at=c.terminated_on, kind="contract",
                title=_("Contract terminated: %(reason)s") % {"reason": c.get_termination_reason_display()},
                summary=c.termination_note, organisation=c.team.organisation.name, url=url,
            ))
    return entries
