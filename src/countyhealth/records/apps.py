from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "countyhealth.records"
    label = "records"
    verbose_name = _("Health records")

    def ready(self):
        from django.db.models.signals import post_migrate

        from countyhealth.core import chart, timeline

        from . import icd10
        from . import timeline as records_timeline

        post_migrate.connect(icd10.on_post_migrate, sender=self, dispatch_uid="records.icd10")
        timeline.register("records", records_timeline.provider, kinds=records_timeline.KINDS)
        chart.register("records:record-detail", _("Health record"), order=10)
        chart.register("records:timeline", _("Timeline"), order=90)
        chart.register("records:diagnoses", _("Diagnoses"), order=20)
