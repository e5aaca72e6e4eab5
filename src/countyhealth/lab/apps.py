from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabConfig(AppConfig):
    name = "countyhealth.lab"
    label = "lab"
    verbose_name = _("Laboratory")

    def ready(self):
        from datetime import timedelta

        from countyhealth.accounts import navigation
        from countyhealth.accounts.roles import Role
        from countyhealth.core import chart, scheduler, timeline

        from . import timeline as lab_timeline
        from .tasks import escalate_critical_alerts

        timeline.register("lab", lab_timeline.provider, kinds=lab_timeline.KINDS)
        chart.register("lab:resident-results", _("Lab results"), order=30)
        scheduler.register("lab.escalate_critical_alerts", escalate_critical_alerts, every=timedelta(minutes=1))
        clinical = frozenset({Role.VILLAGE_DOCTOR, Role.TOWNSHIP_DOCTOR, Role.COUNTY_DOCTOR, Role.LAB_TECHNICIAN,
                              Role.CONSORTIUM_ADMIN})
        navigation.register(navigation.NavItem(_("Critical values"), "lab:alert-list", clinical),
                            before="orgs:organisation-tree")
        navigation.register(navigation.NavItem(_("Result recognition"), "lab:recognition", clinical),
                            before="orgs:organisation-tree")
        navigation.register(navigation.NavItem(_("Upload lab results"), "lab:result-upload",
                                               frozenset({Role.LAB_TECHNICIAN, Role.CONSORTIUM_ADMIN})),
                            before="orgs:organisation-tree")
