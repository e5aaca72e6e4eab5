from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveillanceConfig(AppConfig):
    name = "countyhealth.surveillance"
    label = "surveillance"
    verbose_name = _("Infectious-disease surveillance")
