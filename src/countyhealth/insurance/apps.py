from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsuranceConfig(AppConfig):
    name = "countyhealth.insurance"
    label = "insurance"
    verbose_name = _("Medical insurance")

    def ready(self):
        from datetime import time, timedelta

        from countyhealth.accounts import navigation
        from countyhealth.accounts.roles import Role
        from countyhealth.core import chart, scheduler

        from .tasks import qualify_two_disease, reconcile_yesterday, repair_pending_settlements

        scheduler.register("insurance.qualify_two_disease", qualify_two_disease, daily_at=time(2, 0))
        scheduler.register("insurance.repair_pending", repair_pending_settlements, every=timedelta(minutes=10))
        scheduler.register("insurance.reconcile_yesterday", reconcile_yesterday, daily_at=time(1, 30))
        chart.register("insurance:resident-bill", _("Insurance settlement"), order=60)
        roles = frozenset({Role.VILLAGE_DOCTOR, Role.TOWNSHIP_DOCTOR, Role.COUNTY_DOCTOR, Role.PUBLIC_HEALTH_OFFICER,
                           Role.CONSORTIUM_ADMIN})
        navigation.register(navigation.NavItem(_("Insurance settlement"), "insurance:settlement-list", roles),
                            before="orgs:organisation-tree")
