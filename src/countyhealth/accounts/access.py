"""The one rule that decides what a user may see, and the one way views and the API fetch by id."""

from dataclasses import dataclass

from django.http import Http404

from countyhealth.audit import log as audit
from countyhealth.orgs.models import Organisation

from .roles import ROLE_REACH, Reach


@dataclass(frozen=True)
class Scope:
    everything: bool  # the user's organisation is the root: the whole consortium
    org_ids: frozenset  # organisations covered (own and below)
    reach: Reach | None  # how resident rows are reached; None: no access at all

    @property
    def sees_residents(self) -> bool:
        return self.reach in (Reach.SUBTREE, Reach.GRANTED)


NO_SCOPE = Scope(everything=False, org_ids=frozenset(), reach=None)


def scope_for(user) -> Scope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_SCOPE
    cached = getattr(user, "_countyhealth_scope", None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    user._countyhealth_scope = scope
    return scope


def _compute_scope(user) -> Scope:
    reach = ROLE_REACH.get(user.role)
    org = user.organisation
    if reach is None or org is None:
        return NO_SCOPE
    everything = org.parent_id is None
    org_ids = frozenset(Organisation.objects.subtree_of(org).values_list("id", flat=True))
    return Scope(everything=everything, org_ids=org_ids, reach=reach)


def get_visible_or_404(manager, user, *, what: str, **lookup):
    """Fetch one row through `manager.visible_to(user)`; out of scope looks nonexistent and is audited.

    The unscoped manager is consulted only to tell whether the attempt reached a real row; the audit row
    carries the resident the row belongs to (`audit_resident_id` on the model).
    """
    obj = manager.visible_to(user).filter(**lookup).first()
    if obj is not None:
        return obj
    hidden = manager.filter(**lookup).first()
    if hidden is not None:
        audit.record_denied(user, what, lookup, resident_id=getattr(hidden, "audit_resident_id", None))
    raise Http404
