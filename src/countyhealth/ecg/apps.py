from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EcgConfig(AppConfig):
    name = "countyhealth.ecg"
    label = "ecg"
    verbose_name = _("Remote ECG")
