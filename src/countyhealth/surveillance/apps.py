from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveillanceConfig(AppConfig):
    name = "countyhealth.surveillance"
    label = "surveillance"
    verbose_name = _("Infectious-disease surveillance")

    def ready(self):
        from datetime import time

        from django.db.models.signals import post_migrate

        from countyhealth.accounts.navigation import NavItem, register
        from countyhealth.accounts.roles import Role
        from countyhealth.core import hooks, scheduler

        from .actions import draft_card_for_diagnosis
        from .tasks import evaluate_signals

        hooks.listen("records.diagnosis_recorded", draft_card_for_diagnosis)
        # The disease catalogue is reference data: put back after a flush (live-server tests) as after migrate.
        post_migrate.connect(_restore_catalogue, sender=self, dispatch_uid="surveillance.catalogue")
        scheduler.register("surveillance.evaluate_signals", evaluate_signals, daily_at=time(2, 0))
        register(NavItem(_("Infectious diseases"), "surveillance:home",
                         frozenset({Role.PUBLIC_HEALTH_OFFICER, Role.CONSORTIUM_ADMIN, Role.VILLAGE_DOCTOR,
                                    Role.TOWNSHIP_DOCTOR, Role.COUNTY_DOCTOR})), before="orgs:organisation-tree")


def _restore_catalogue(sender, using="default", **kwargs):
    from importlib import import_module

    from django.apps import apps

    if apps.get_model("surveillance", "NotifiableDisease").objects.using(using).exists():
        return
    import_module("countyhealth.surveillance.migrations.0002_seed_catalogue").seed(apps, None)
