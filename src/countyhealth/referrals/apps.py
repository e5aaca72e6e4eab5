from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "countyhealth.referrals"
    label = "referrals"
    verbose_name = _("Referrals")

    def ready(self):
        from countyhealth.accounts.navigation import NavItem, register
        from countyhealth.accounts.roles import Role
        from countyhealth.core import chart, timeline

        from . import timeline as referral_timeline

        timeline.register("referrals", referral_timeline.provider, kinds=referral_timeline.KINDS)
        chart.register("referrals:resident", _("Referrals"), order=40)
        chart.register("appointments:resident-bookings", _("Appointments"), order=41)
        clinical = frozenset({Role.VILLAGE_DOCTOR, Role.TOWNSHIP_DOCTOR, Role.COUNTY_DOCTOR, Role.CONSORTIUM_ADMIN})
        register(NavItem(_("Referrals"), "referrals:list", clinical), before="orgs:organisation-tree")
        register(NavItem(_("Referral dashboard"), "referrals:dashboard",
                         clinical | {Role.BUREAU_VIEWER, Role.PUBLIC_HEALTH_OFFICER}), before="orgs:organisation-tree")
