from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClinicConfig(AppConfig):
    name = "countyhealth.clinic"
    label = "clinic"
    verbose_name = _("Primary-care clinic")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import catalogue

        post_migrate.connect(catalogue.on_post_migrate, sender=self, dispatch_uid="clinic.catalogue")
        from countyhealth.accounts import navigation
        from countyhealth.accounts.roles import Role
        from countyhealth.core import chart
        from countyhealth.surveillance import syndromic

        from .queries import visits_for_syndromic_counts

        syndromic.register_visit_source(visits_for_syndromic_counts)
        chart.register("clinic:visit-open", _("Start an outpatient visit"), order=15)
        navigation.register(navigation.NavItem(_("Outpatient clinic"), "clinic:visit-list",
                                               frozenset({Role.VILLAGE_DOCTOR, Role.TOWNSHIP_DOCTOR})),
                            before="orgs:organisation-tree")
