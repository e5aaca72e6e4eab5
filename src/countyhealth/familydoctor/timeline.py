"""The family-doctor timeline provider (core.timeline): contracts signed, renewed and terminated."""

from django.db.models import Prefetch
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from countyhealth.core import timeline
from countyhealth.core.choices import display
from countyhealth.core.timeline import Source, TimelineEntry

from .models import Contract, ContractPackage

KINDS = {"contract": gettext_lazy("Family-doctor contract")}


@timeline.from_sources
def provider(user) -> list[Source]:
    def url(c):
        return reverse_lazy("familydoctor:resident-contracts", args=[c.resident_id])

    def signed(c):
        packages = "、".join(cp.package.name for cp in c.contract_packages.all())
        title = _("Contract renewed with %(team)s") if c.previous_id else _("Contract signed with %(team)s")
        return TimelineEntry(
            at=c.start_date, kind="contract", title=title % {"team": c.team.name},
            summary=_("%(start)s – %(end)s · responsible doctor %(doctor)s · %(packages)s") % {
                "start": c.start_date.isoformat(), "end": c.end_date.isoformat(), "doctor": c.doctor.display_name,
                "packages": packages},
            organisation=c.team.organisation.name, url=url(c))

    def terminated(c):
        return TimelineEntry(
            at=c.terminated_on, kind="contract",
            title=_("Contract terminated: %(reason)s") % {"reason": display(c, "termination_reason")},
            summary=c.termination_note, organisation=c.team.organisation.name, url=url(c))

    contracts = Contract.objects.select_related("team__organisation")
    packages = Prefetch("contract_packages", ContractPackage.objects.select_related("package"))
    return [
        Source("contract", contracts.select_related("doctor").prefetch_related(packages), "start_date", signed),
        Source("contract", contracts.filter(terminated_on__isnull=False), "terminated_on", terminated),
    ]
