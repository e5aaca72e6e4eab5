"""Who may do what at the insurance counter: doctors settle at their institutions; managers run the checks."""

from django.utils.translation import gettext_lazy as _

from countyhealth.accounts.roles import Role
from countyhealth.core.errors import ActionError

SETTLES = frozenset({Role.VILLAGE_DOCTOR, Role.TOWNSHIP_DOCTOR, Role.COUNTY_DOCTOR})
MANAGES = frozenset({Role.TOWNSHIP_DOCTOR, Role.PUBLIC_HEALTH_OFFICER, Role.CONSORTIUM_ADMIN})


class NotAllowed(ActionError):
    status = 403

    def __init__(self):
        super().__init__(_("Your role may not do this."), code="forbidden")


def may(user, roles) -> bool:
    return user.role in roles or user.is_superuser


def require(user, roles) -> None:
    if not may(user, roles):
        raise NotAllowed()
