from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicHealthConfig(AppConfig):
    name = "countyhealth.publichealth"
    label = "publichealth"
    verbose_name = _("Public-health programmes")

    def ready(self):
        from datetime import time, timedelta
        from functools import partial

        from countyhealth.core import chart, hooks, scheduler, timeline
        from countyhealth.familydoctor import queries as familydoctor_queries
        from countyhealth.records.actions import HEALTH_CHECK_SAVED

        from . import care_plans, elderly_checks
        from . import timeline as programme_timeline
        from .queries import managed_members
        from .rules import Programme
        from .rules.facts import PROGRAMME_LABELS
        from .tasks import (
            enrol_age_programmes,
            refresh_indicator_snapshots,
            refresh_indicator_snapshots_today,
        )

        hooks.listen("referrals.downward_referral_created", care_plans.apply_downward_care_plan)
        hooks.listen(HEALTH_CHECK_SAVED, elderly_checks.apply_health_check)
        timeline.register("publichealth", programme_timeline.provider, kinds=programme_timeline.KINDS)
        chart.register("publichealth:resident-programmes", _("Programmes and follow-ups"), order=20)
        for programme in (Programme.HYPERTENSION, Programme.DIABETES):
            familydoctor_queries.register_key_group(programme.value, PROGRAMME_LABELS[programme],
                                                    partial(managed_members, programme))
        scheduler.register("publichealth.enrol_age_programmes", enrol_age_programmes, daily_at=time(1, 0))
        scheduler.register("publichealth.indicator_snapshots", refresh_indicator_snapshots, daily_at=time(2, 0))
        scheduler.register("publichealth.indicator_snapshots_today", refresh_indicator_snapshots_today,
                           every=timedelta(hours=1))
