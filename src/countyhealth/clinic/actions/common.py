"""Shared checks of the clinic's actions: who may act, and the visit's status transitions with history."""

from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from countyhealth.accounts.roles import Role
from countyhealth.core.errors import ActionError, NotVisible
from countyhealth.orgs.models import OrgType

from ..models import FeeLine, Visit, VisitStatusChange
from ..rules import status

CLINICIANS = {Role.VILLAGE_DOCTOR, Role.TOWNSHIP_DOCTOR}
CLINIC_ORG_TYPES = {OrgType.VILLAGE_CLINIC, OrgType.TOWNSHIP_CENTRE}


def check_clinician(user) -> None:
    """Outpatient work is done by village and township doctors at their own institution."""
    org = getattr(user, "organisation", None)
    if user.role not in CLINICIANS or org is None or org.org_type not in CLINIC_ORG_TYPES:
        raise ActionError(_("Only village and township doctors at a clinic can do this."), code="forbidden")


def locked_visit(user, visit_id: int) -> Visit:
    """The visit, locked, if it belongs to the user's own institution (only there is it worked on)."""
    visit = (Visit.objects.visible_to(user).select_for_update().select_related("resident")
             .filter(pk=visit_id).first())
    if visit is None or visit.organisation_id != user.organisation_id:
        raise NotVisible()
    return visit


def move(visit: Visit, target: str, user, note: str = "", also: tuple[str, ...] = ()) -> None:
    """Change the status with its history row; `also` names other fields the caller changed, saved in the same
    UPDATE."""
    status.check_transition(visit.status, target)
    VisitStatusChange.objects.create(visit=visit, from_status=visit.status, to_status=target, by=user, note=note[:200])
    visit.status = target
    fields = ["status", "updated_at", *also]
    if target in (status.VisitStatus.CLOSED, status.VisitStatus.CANCELLED):
        visit.closed_at = timezone.now()
        fields.append("closed_at")
    visit.save(update_fields=fields)


def refresh_total(visit: Visit) -> None:
    visit.fee_total = FeeLine.objects.filter(visit=visit).aggregate(t=Sum("amount"))["t"] or Decimal("0")
    visit.save(update_fields=["fee_total", "updated_at"])
