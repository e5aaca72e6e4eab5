from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "countyhealth.referrals"
    label = "referrals"
    verbose_name = _("Referrals")

    def ready(self):
        from countyhealth.core import timeline

        from . import timeline as referral_timeline

        timeline.register("referrals", referral_timeline.provider, kinds=referral_timeline.KINDS)
