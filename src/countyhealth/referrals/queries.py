"""Reads of referrals: the incoming and outgoing lists, and the dashboard's figures."""

from django.db.models import Q

from countyhealth.accounts.access import scope_for

from .models import Referral

BOXES = ("incoming", "outgoing")


def box(user, which: str, *, status: str | None = None):
    """Incoming: sent to the user's institutions; outgoing: sent from them. Consortium-wide users (root
    organisation) see every referral in both."""
    scope = scope_for(user)
    rows = Referral.objects.visible_to(user)
    if not scope.everything:
        field = "to_org_id__in" if which == "incoming" else "from_org_id__in"
        rows = rows.filter(Q(**{field: scope.org_ids}))
    elif user.organisation_id is not None:
        field = "to_org_id" if which == "incoming" else "from_org_id"
        rows = rows.filter(Q(**{field: user.organisation_id}))
    if status:
        rows = rows.filter(status=status)
    return rows.select_related("resident", "from_org", "to_org", "department").order_by("-created_at", "-id")
