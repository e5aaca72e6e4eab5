from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveillanceConfig(AppConfig):
    name = "countyhealth.surveillance"
    label = "surveillance"
    verbose_name = _("Infectious-disease surveillance")

    def ready(self):
        from datetime import time, timedelta

        from countyhealth.accounts.navigation import NavItem, register
        from countyhealth.accounts.roles import Role
        from countyhealth.core import hooks, reference_data, scheduler

        from .actions import draft_card_for_diagnosis
        from .tasks import evaluate_signals, evaluate_syndromes, warn_overdue_cards

        hooks.listen("records.diagnosis_recorded", draft_card_for_diagnosis)
        # The disease catalogue is reference data: put back after a flush (live-server tests) as after migrate.
        reference_data.restore_after_flush(self, "NotifiableDisease", "0002_seed_catalogue", "seed")
        scheduler.register("surveillance.evaluate_signals", evaluate_signals, daily_at=time(2, 0))
        scheduler.register("surveillance.evaluate_syndromes", evaluate_syndromes, daily_at=time(1, 30))
        scheduler.register("surveillance.warn_overdue_cards", warn_overdue_cards, every=timedelta(minutes=5))
        register(NavItem(_("Infectious diseases"), "surveillance:home",
                         frozenset({Role.PUBLIC_HEALTH_OFFICER, Role.CONSORTIUM_ADMIN, Role.VILLAGE_DOCTOR,
                                    Role.TOWNSHIP_DOCTOR, Role.COUNTY_DOCTOR})), before="orgs:organisation-tree")

