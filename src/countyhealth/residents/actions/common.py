"""What every resident action shares: its errors, the role check, reasons, locking and the unique save."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from countyhealth.core.errors import ActionError, Conflict, NotVisible

from .. import matching
from ..masking import mask_id_number, mask_phone
from ..models import Resident, ResidentLink

REASON_MAX = ResidentLink._meta.get_field("reason").max_length


class NotAllowed(ActionError):
    status = 403

    def __init__(self, message=None):
        super().__init__(message or _("Your role does not allow this."), code="forbidden")


class DuplicateIdNumber(Conflict):
    """Certain band: the ID number is already held by an active record. `existing_id` only if visible."""

    def __init__(self, existing_id: int | None):
        if existing_id is not None:
            message = _("This ID number is already registered to another resident.")
        else:
            message = _("This ID number is already registered in the consortium, outside your area.")
        super().__init__(message, code="duplicate_id_number", field="id_number")
        self.existing_id = existing_id

    def as_dict(self) -> dict:
        return {**super().as_dict(), "existing_id": self.existing_id}


class ProbableDuplicates(Conflict):
    """Probable band: shown before saving. `matches` are the ones the user may see, `hidden_count` the rest."""

    def __init__(self, matches: list[matching.Match], hidden_count: int):
        super().__init__(
            _("Similar residents are already registered. Check them; if this is a different person, confirm "
              "and save again."),
            code="probable_duplicate",
        )
        self.matches = matches
        self.hidden_count = hidden_count

    def as_dict(self) -> dict:
        return {
            **super().as_dict(),
            "candidates": [
                {
                    "id": m.resident.pk,
                    "name": m.resident.name,
                    "sex": m.resident.sex,
                    "birth_date": m.resident.birth_date.isoformat(),
                    "village": m.resident.village.name,
                    "id_number": mask_id_number(m.resident.id_number),
                    "phone": mask_phone(m.resident.phone),
                    "score": m.score,
                    "reasons": m.reasons,
                }
                for m in self.matches
            ],
            "hidden_count": self.hidden_count,
        }


def require_role(user, roles) -> None:
    if user.role not in roles:
        raise NotAllowed()


def save_unique(resident: Resident, **kwargs) -> None:
    """Save in a savepoint: a concurrent registration of the same ID number trips the unique constraint."""
    try:
        with transaction.atomic():
            resident.save(**kwargs)
    except IntegrityError as exc:
        if resident.id_number and Resident.objects.filter(id_number=resident.id_number, is_active=True).exclude(
            pk=resident.pk
        ).exists():
            raise DuplicateIdNumber(None) from exc
        raise


def clean_reason(reason: str, field_name: str = "reason") -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ActionError(_("Give a reason."), code="reason_required", field=field_name)
    if len(reason) > REASON_MAX:
        raise ActionError(_("The reason may have at most %(max)d characters.") % {"max": REASON_MAX},
                          code="reason_too_long", field=field_name)
    return reason


def lock_pair(acting_user, first_id: int, second_id: int) -> dict[int, Resident]:
    """Lock both records in pk order (architecture §4) and check the user may see both."""
    ids = sorted({first_id, second_id})
    rows = {r.pk: r for r in Resident.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    visible = set(Resident.objects.visible_to(acting_user).filter(pk__in=ids).values_list("id", flat=True))
    if set(rows) != set(ids) or visible != set(ids):
        raise NotVisible()
    return rows
