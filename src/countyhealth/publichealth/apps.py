from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicHealthConfig(AppConfig):
    name = "countyhealth.publichealth"
    label = "publichealth"
    verbose_name = _("Public-health programmes")
