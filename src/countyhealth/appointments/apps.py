from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "countyhealth.appointments"
    label = "appointments"
    verbose_name = _("Appointments")

    def ready(self):
        from datetime import timedelta

        from countyhealth.accounts.navigation import NavItem, register
        from countyhealth.accounts.roles import Role
        from countyhealth.core import scheduler

        from .tasks import release_reserved_slots

        scheduler.register("appointments.release_reserved_slots", release_reserved_slots, every=timedelta(minutes=1))
        register(NavItem(_("Appointments"), "appointments:session-list",
                         frozenset({Role.VILLAGE_DOCTOR, Role.TOWNSHIP_DOCTOR, Role.COUNTY_DOCTOR,
                                    Role.CONSORTIUM_ADMIN})), before="orgs:organisation-tree")
