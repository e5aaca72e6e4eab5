from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EcgConfig(AppConfig):
    name = "countyhealth.ecg"
    label = "ecg"
    verbose_name = _("Remote ECG")

    def ready(self):
        from countyhealth.accounts.navigation import NavItem, register
        from countyhealth.accounts.roles import Role
        from countyhealth.core import chart, timeline

        from . import timeline as ecg_timeline

        timeline.register("ecg", ecg_timeline.provider, kinds=ecg_timeline.KINDS)
        chart.register("ecg:resident-ecgs", _("Remote ECG"), order=40)
        register(NavItem(_("ECG worklist"), "ecg:worklist", frozenset({Role.ECG_READER})),
                 before="orgs:organisation-tree")
        register(NavItem(_("Sent ECGs"), "ecg:uploads", frozenset({Role.TOWNSHIP_DOCTOR, Role.VILLAGE_DOCTOR})),
                 before="orgs:organisation-tree")
        register(NavItem(_("ECG turnaround"), "ecg:turnaround",
                         frozenset({Role.ECG_READER, Role.CONSORTIUM_ADMIN})),
                 before="orgs:organisation-tree")
