"""Named system users that background jobs act as, so the audit log says who did it (`system:escalation`)."""

from .models import User
from .roles import Role


def system_user(name: str) -> User:
    """A consortium-wide, login-less user `system:<name>` at the root organisation."""
    from countyhealth.orgs.models import Organisation

    username = f"system:{name}"
    user = User.objects.filter(username=username).first()
    if user is None:
        root = Organisation.objects.filter(parent__isnull=True).order_by("path").first()
        user = User(username=username, full_name=username, role=Role.CONSORTIUM_ADMIN, organisation=root,
                    is_system=True)
        user.set_unusable_password()
        user.save()
    return user
