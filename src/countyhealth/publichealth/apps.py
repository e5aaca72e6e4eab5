from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicHealthConfig(AppConfig):
    name = "countyhealth.publichealth"
    label = "publichealth"
    verbose_name = _("Public-health programmes")

    def ready(self):
        from datetime import time

        from countyhealth.core import scheduler

        from .tasks import enrol_age_programmes

        scheduler.register("publichealth.enrol_age_programmes", enrol_age_programmes, daily_at=time(1, 0))
