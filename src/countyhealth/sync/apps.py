from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SyncConfig(AppConfig):
    name = "countyhealth.sync"
    label = "sync"
    verbose_name = _("Phone sync")

    def ready(self):
        from countyhealth.accounts.navigation import NavItem, register
        from countyhealth.accounts.roles import Role
        from countyhealth.core import hooks

        from . import changes

        hooks.listen("audit.change_recorded", changes.record)
        hooks.listen("audit.changes_recorded", changes.record_many)
        register(NavItem(_("Phones"), "sync:device-list",
                         frozenset({Role.VILLAGE_DOCTOR, Role.TOWNSHIP_DOCTOR, Role.CONSORTIUM_ADMIN})),
                 before="orgs:organisation-tree")
