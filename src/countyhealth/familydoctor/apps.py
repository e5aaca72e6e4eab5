from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamilyDoctorConfig(AppConfig):
    name = "countyhealth.familydoctor"
    label = "familydoctor"
    verbose_name = _("Family-doctor contracts")

    def ready(self):
        from datetime import time

        from countyhealth.core import chart, reference_data, scheduler, timeline

        from . import timeline as contract_timeline
        from .tasks import expire_contracts

        # The service packages are reference data: put back after a flush (live-server tests) as after migrate.
        reference_data.restore_after_flush(self, "ServicePackage", "0002_service_packages", "add_packages")
        # Just after midnight, so the stored status agrees with the dates for the whole working day.
        scheduler.register("familydoctor.expire_contracts", expire_contracts, daily_at=time(0, 20))
        timeline.register("familydoctor", contract_timeline.provider, kinds=contract_timeline.KINDS)
        chart.register("familydoctor:resident-contracts", _("Family-doctor contract"), order=30)

