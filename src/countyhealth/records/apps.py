from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "countyhealth.records"
    label = "records"
    verbose_name = _("Health records")

    def ready(self):
        from countyhealth.core import chart, timeline

        from . import timeline as records_timeline

        timeline.register("records", records_timeline.provider, kinds=records_timeline.KINDS)
        chart.register("records:record-detail", _("Health record"), order=10)
        chart.register("records:timeline", _("Timeline"), order=90)
