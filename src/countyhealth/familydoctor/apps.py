from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamilyDoctorConfig(AppConfig):
    name = "countyhealth.familydoctor"
    label = "familydoctor"
    verbose_name = _("Family-doctor contracts")
