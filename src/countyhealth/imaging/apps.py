from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImagingConfig(AppConfig):
    name = "countyhealth.imaging"
    label = "imaging"
    verbose_name = _("Remote imaging")

    def ready(self):
        from datetime import timedelta

        from countyhealth.accounts.navigation import ALL_CLINICAL, NavItem, register
        from countyhealth.accounts.roles import Role
        from countyhealth.core import chart, scheduler, timeline

        from . import timeline as imaging_timeline
        from .tasks import sweep_transfers

        timeline.register("imaging", imaging_timeline.provider, kinds=imaging_timeline.KINDS)
        chart.register("imaging:resident-studies", _("Imaging studies"), order=40)
        register(NavItem(_("Imaging worklist"), "imaging:worklist", frozenset({Role.RADIOLOGIST})),
                 before="orgs:organisation-tree")
        register(NavItem(_("Imaging studies"), "imaging:study-list",
                         frozenset(ALL_CLINICAL - {Role.RADIOLOGIST, Role.LAB_TECHNICIAN, Role.ECG_READER})),
                 before="orgs:organisation-tree")
        # Uploads kept while Orthanc was unreachable are retried every minute (with per-study backoff).
        scheduler.register("imaging.sweep_transfers", sweep_transfers, every=timedelta(minutes=1))
