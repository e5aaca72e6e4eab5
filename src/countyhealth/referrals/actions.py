from django.db import transaction
from django.utils.translation import gettext_lazy as _

from countyhealth.audit import log as audit
from countyhealth.core.errors import ActionError
from countyhealth.orgs.models import Organisation, OrgType
from countyhealth.residents.models import AccessGrant, Resident

from .models import Referral


def county_hospital() -> Organisation:
    hospital = Organisation.objects.filter(org_type=OrgType.COUNTY_HOSPITAL, is_active=True).order_by("path").first()
    if hospital is None:
        raise ActionError(_("No county hospital is configured to receive referrals."), code="no_county_hospital")
    return hospital


@transaction.atomic(savepoint=False)
def create_referral(*, acting_user, resident: Resident, to_org: Organisation, direction: str, urgency: str,
                    reason: str, summary: dict | None = None, source: str = "") -> Referral:
    """Runs inside the caller's action: the referral commits with the record that triggered it."""
    if acting_user.organisation_id is None:
        raise ActionError(_("Your account belongs to no organisation, so it cannot refer."), code="no_organisation")
    referral = Referral.objects.create(
        resident=resident, direction=direction, urgency=urgency, from_org_id=acting_user.organisation_id,
        to_org=to_org, reason=reason[:500], summary=summary or {}, source=source, created_by=acting_user,
    )
    # The receiving institution needs the resident's record to treat them.
    AccessGrant.objects.create(resident=resident, organisation=to_org, reason=AccessGrant.Reason.REFERRAL,
                               note=f"referral:{referral.pk}", granted_by=acting_user)
    audit.record_change(acting_user, "referrals.referral_created", referral, resident_id=resident.pk,
                        detail={"urgency": urgency, "to_org": to_org.pk, "source": source})
    return referral
