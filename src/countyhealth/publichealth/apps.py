from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicHealthConfig(AppConfig):
    name = "countyhealth.publichealth"
    label = "publichealth"
    verbose_name = _("Public-health programmes")

    def ready(self):
        from datetime import time

        from countyhealth.core import scheduler, timeline

        from . import timeline as programme_timeline
        from .tasks import enrol_age_programmes

        timeline.register("publichealth", programme_timeline.provider, kinds=programme_timeline.KINDS)
        scheduler.register("publichealth.enrol_age_programmes", enrol_age_programmes, daily_at=time(1, 0))
