"""Break-glass: emergency access to a resident out of scope (architecture §3)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from countyhealth.accounts.roles import MAY_BREAK_GLASS
from countyhealth.audit import log as audit
from countyhealth.core.errors import ActionError, NotVisible

from .. import rules
from ..models import AccessGrant, Resident
from ..queries import id_number_holders
from .common import NotAllowed, clean_reason, require_role


def _holder_of(id_number: str) -> Resident | None:
    """The active record an ID number leads to (its own, carried from a merge, or a merged record's master)."""
    return Resident.objects.filter(is_active=True, pk__in=id_number_holders(id_number)).order_by("id").first()


@transaction.atomic
def do_break_glass(*, acting_user, id_number: str, reason: str) -> tuple[Resident, AccessGrant | None]:
    """Emergency access (architecture §3): a county role that searched an exact ID number of a resident out of
    its scope gets a 3-hour grant for its organisation, with the reason audited. Nothing about the resident is
    shown before this succeeds."""
    require_role(acting_user, MAY_BREAK_GLASS)
    if acting_user.organisation_id is None:
        raise NotAllowed()
    try:
        parsed = rules.parse_id_number(id_number or "", today=timezone.localdate())
    except rules.IdNumberError as exc:
        raise ActionError(exc.message, code=f"id_number_{exc.code}", field="id_number") from exc
    reason = clean_reason(reason)
    resident = _holder_of(parsed.value)
    if resident is None:
        raise NotVisible(_("No resident is registered with this ID number."))
    if Resident.objects.visible_to(acting_user).filter(pk=resident.pk).exists():
        return resident, None
    grant = AccessGrant.objects.create(
        resident=resident, organisation_id=acting_user.organisation_id, reason=AccessGrant.Reason.BREAK_GLASS,
        note=reason, granted_by=acting_user, expires_at=timezone.now() + rules.BREAK_GLASS_DURATION,
    )
    audit.record_change(acting_user, "residents.break_glass_granted", grant, resident_id=resident.pk,
                        detail={"reason": reason, "expires_at": grant.expires_at.isoformat()})
    return resident, grant
