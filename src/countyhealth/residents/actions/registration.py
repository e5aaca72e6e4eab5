"""Registering and editing residents (public-health-rules.md §1.1; architecture §6)."""

from dataclasses import dataclass, fields, replace
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from countyhealth.accounts.roles import EDITS_RESIDENTS
from countyhealth.audit import log as audit
from countyhealth.core.codes import ETHNICITY, SEX
from countyhealth.core.errors import ActionError, Conflict, NotVisible
from countyhealth.orgs.models import Village

from .. import matching, rules
from ..models import DuplicateCandidate, Household, Resident, ResidentIdentifier
from ..names import search_keys
from ..queries import villages_for
from .common import DuplicateIdNumber, ProbableDuplicates, require_role, save_unique

NAME_MAX = Resident._meta.get_field("name").max_length
ADDRESS_MAX = Household._meta.get_field("address").max_length


@dataclass(frozen=True)
class ResidentData:
    """What a user enters about a resident; actions validate it. Empty birth date or sex: taken from the ID."""

    name: str
    village_id: int | None
    sex: str = ""
    birth_date: date | None = None
    id_number: str = ""
    phone: str = ""
    ethnicity: str = "01"
    residence_type: str = Resident.ResidenceType.REGISTERED
    household_id: int | None = None
    # A new household is created with this address when no existing household is chosen.
    household_address: str = ""

    @classmethod
    def of(cls, resident: Resident) -> "ResidentData":
        return cls(
            name=resident.name, village_id=resident.village_id, sex=resident.sex, birth_date=resident.birth_date,
            id_number=resident.id_number or "", phone=resident.phone, ethnicity=resident.ethnicity,
            residence_type=resident.residence_type, household_id=resident.household_id,
        )

    def updated(self, **changes) -> "ResidentData":
        known = {f.name for f in fields(self)}
        return replace(self, **{k: v for k, v in changes.items() if k in known})


@dataclass
class _Clean:
    name: str
    sex: str
    birth_date: date
    id_number: str | None
    phone: str
    ethnicity: str
    residence_type: str
    village: Village
    household: Household | None
    household_address: str


def _clean(acting_user, data: ResidentData) -> _Clean:
    """Validate everything at once so a form shows every error; raise one ActionError with all fields."""
    errors: dict[str, list] = {}
    codes: list[str] = []

    def fail(field_name, message, code):
        errors.setdefault(field_name, []).append(message)
        codes.append(code)

    today = timezone.localdate()
    name = " ".join((data.name or "").split())
    if not name:
        fail("name", _("Enter the resident's name."), "name_required")
    elif len(name) > NAME_MAX:
        fail("name", _("The name may have at most %(max)d characters.") % {"max": NAME_MAX}, "name_too_long")

    parsed = None
    id_number = rules.normalise_id_number(data.id_number or "")
    if id_number:
        try:
            parsed = rules.parse_id_number(id_number, today=today)
        except rules.IdNumberError as exc:
            fail("id_number", exc.message, f"id_number_{exc.code}")

    birth_date = data.birth_date
    if birth_date is None and parsed is not None:
        birth_date = parsed.birth_date
    if birth_date is None:
        if not id_number:
            fail("birth_date", _("Enter the date of birth, or an ID number to take it from."), "birth_date_required")
    elif problem := rules.check_birth_date(birth_date, today=today):
        fail("birth_date", problem, "birth_date_invalid")

    sex = data.sex or (parsed.sex if parsed else "")
    if not sex:
        if not id_number:
            fail("sex", _("Select the sex, or enter an ID number to take it from."), "sex_required")
    elif sex not in SEX:
        fail("sex", _("Select a valid sex."), "sex_invalid")

    if parsed is not None and "birth_date" not in errors and "sex" not in errors:
        try:
            rules.check_id_matches(parsed, birth_date=birth_date, sex=sex)
        except rules.IdNumberError as exc:
            fail("id_number", exc.message, "id_number_mismatch")

    phone = ""
    if (data.phone or "").strip():
        try:
            phone = rules.normalise_phone(data.phone)
        except rules.PhoneError as exc:
            fail("phone", exc.message, "phone_invalid")

    if data.ethnicity not in ETHNICITY:
        fail("ethnicity", _("Select a valid ethnicity."), "ethnicity_invalid")
    if data.residence_type not in Resident.ResidenceType.values:
        fail("residence_type", _("Select a valid residence type."), "residence_type_invalid")

    # Unknown and out-of-scope villages get the same answer: the user learns nothing about other areas.
    village = None
    if data.village_id is None:
        fail("village_id", _("Select the village."), "village_required")
    else:
        village = villages_for(acting_user).filter(pk=data.village_id).select_related("clinic").first()
        if village is None:
            fail("village_id", _("Select a village in your area."), "village_invalid")

    household = None
    address = " ".join((data.household_address or "").split())
    if data.household_id is not None and village is not None:
        household = Household.objects.filter(pk=data.household_id, village=village).first()
        if household is None:
            fail("household_id", _("Select a household of this village."), "household_invalid")
    if len(address) > ADDRESS_MAX:
        fail("household_address", _("The address may have at most %(max)d characters.") % {"max": ADDRESS_MAX},
             "address_too_long")

    if errors:
        code = codes[0] if len(codes) == 1 else "invalid"
        raise ActionError(_("Please correct the errors below."), code=code, fields=errors)
    return _Clean(name=name, sex=sex, birth_date=birth_date, id_number=parsed.value if parsed else None,
                  phone=phone, ethnicity=data.ethnicity, residence_type=data.residence_type, village=village,
                  household=household, household_address=address)


def _check_duplicates(acting_user, clean: _Clean, *, confirm: bool, resident: Resident | None = None):
    """Refuse the certain band; show the probable band unless confirmed. Returns the matches to queue."""
    exclude_id = resident.pk if resident is not None else None
    existing = matching.find_certain(clean.id_number, exclude_id=exclude_id)
    if existing is not None:
        visible = Resident.objects.visible_to(acting_user).filter(pk=existing.pk).exists()
        raise DuplicateIdNumber(existing.pk if visible else None)
    names = search_keys(clean.name)
    person = matching.Person(
        name_normalised=names[0], name_pinyin=names[1], sex=clean.sex, birth_date=clean.birth_date,
        village_id=clean.village.pk, phone=clean.phone, household_id=clean.household.pk if clean.household else None,
    )
    matches = matching.find_probable(person, exclude_id=exclude_id)
    if matches and not confirm:
        ids = [m.resident.pk for m in matches]
        visible = set(Resident.objects.visible_to(acting_user).filter(pk__in=ids).values_list("id", flat=True))
        shown = [m for m in matches if m.resident.pk in visible]
        raise ProbableDuplicates(shown, hidden_count=len(matches) - len(shown))
    return matches


def _queue_candidates(resident: Resident, matches: list[matching.Match]) -> list[int]:
    queued = []
    for m in matches:
        a, b = matching.ordered_pair(resident.pk, m.resident.pk)
        _row, created = DuplicateCandidate.objects.get_or_create(
            resident_a_id=a, resident_b_id=b, defaults={"score": max(0, m.score), "reasons": m.reasons}
        )
        if created:
            queued.append(m.resident.pk)
    return queued


def _new_household(village: Village, address: str) -> Household:
    """Household numbers are the village's 12-digit division code and a serial; the village row is locked so
    two registrations in the same village do not draw the same serial."""
    village = Village.objects.select_for_update().get(pk=village.pk)
    prefix = village.division_code
    last = (Household.objects.filter(village=village, number__startswith=prefix)
            .order_by("-number").values_list("number", flat=True).first())
    serial = int(last[len(prefix):]) + 1 if last and last[len(prefix):].isdigit() else 1
    while Household.objects.filter(number=f"{prefix}{serial:04d}").exists():
        serial += 1
    return Household.objects.create(number=f"{prefix}{serial:04d}", village=village, address=address)


def _household_for(clean: _Clean) -> Household | None:
    if clean.household is not None:
        return clean.household
    if clean.household_address:
        return _new_household(clean.village, clean.household_address)
    return None


@transaction.atomic
def do_register_resident(*, acting_user, data: ResidentData, confirm_not_duplicate: bool = False) -> Resident:
    """Register a resident (public-health-rules.md §1.1; architecture §6). Probable duplicates are raised as
    `ProbableDuplicates` unless confirmed, and then queued for review."""
    require_role(acting_user, EDITS_RESIDENTS)
    clean = _clean(acting_user, data)
    matches = _check_duplicates(acting_user, clean, confirm=confirm_not_duplicate)
    normalised, pinyin, initials = search_keys(clean.name)
    resident = Resident(
        name=clean.name, sex=clean.sex, birth_date=clean.birth_date, id_number=clean.id_number, phone=clean.phone,
        ethnicity=clean.ethnicity, residence_type=clean.residence_type, village=clean.village,
        catchment_org_id=clean.village.clinic_id, household=_household_for(clean),
        name_normalised=normalised, name_pinyin=pinyin, name_initials=initials, created_by=acting_user,
    )
    save_unique(resident)
    if resident.id_number:
        ResidentIdentifier.objects.create(resident=resident, system=ResidentIdentifier.System.ID_NUMBER,
                                          value=resident.id_number)
    queued = _queue_candidates(resident, matches)
    audit.record_change(acting_user, "residents.resident_registered", resident, resident_id=resident.pk,
                        detail={"duplicates_queued": queued} if queued else None)
    return resident


def _lock_visible(acting_user, resident_id: int) -> Resident:
    resident = Resident.objects.select_for_update().filter(pk=resident_id).first()
    if resident is None or not Resident.objects.visible_to(acting_user).filter(pk=resident_id).exists():
        raise NotVisible()
    return resident


@transaction.atomic
def do_update_resident(*, acting_user, resident_id: int, data: ResidentData,
                       confirm_not_duplicate: bool = False) -> Resident:
    """Edit a resident with the registration rules. Changing who the record describes (name, birth date, sex,
    village, phone, household) runs duplicate matching again, skipping pairs already queued or decided."""
    require_role(acting_user, EDITS_RESIDENTS)
    resident = _lock_visible(acting_user, resident_id)
    if not resident.is_active:
        raise Conflict(_("This record was merged into another one; edit that record instead."), code="merged")
    clean = _clean(acting_user, data)
    identity = ("name", "sex", "birth_date", "phone", "village_id", "household_id")
    before = {f: getattr(resident, f) for f in (*identity, "id_number", "ethnicity", "residence_type")}
    household = _household_for(clean)
    after = {
        "name": clean.name, "sex": clean.sex, "birth_date": clean.birth_date, "phone": clean.phone,
        "village_id": clean.village.pk, "household_id": household.pk if household else None,
        "id_number": clean.id_number, "ethnicity": clean.ethnicity, "residence_type": clean.residence_type,
    }
    changed = [f for f in after if after[f] != before[f]]
    if not changed:
        return resident
    matches = []
    if any(f in identity or f == "id_number" for f in changed):
        matches = _check_duplicates(acting_user, clean, confirm=confirm_not_duplicate, resident=resident)
    for f, value in after.items():
        setattr(resident, f, value)
    resident.catchment_org_id = clean.village.clinic_id
    resident.name_normalised, resident.name_pinyin, resident.name_initials = search_keys(clean.name)
    update_fields = [*after, "catchment_org_id", "name_normalised", "name_pinyin", "name_initials", "updated_at"]
    save_unique(resident, update_fields=[f.removesuffix("_id") for f in update_fields])
    if "id_number" in changed:
        _replace_id_identifier(resident, old=before["id_number"], new=clean.id_number)
    queued = _queue_candidates(resident, matches)
    detail = {"fields": [f.removesuffix("_id") for f in changed]}
    if queued:
        detail["duplicates_queued"] = queued
    audit.record_change(acting_user, "residents.resident_updated", resident, resident_id=resident.pk, detail=detail)
    return resident


def _replace_id_identifier(resident: Resident, *, old: str | None, new: str | None) -> None:
    """A corrected ID number replaces the record's own identifier; numbers carried over from merged records
    stay, so they keep leading here."""
    if old and not Resident.objects.filter(master=resident, id_number=old).exists():
        ResidentIdentifier.objects.filter(resident=resident, system=ResidentIdentifier.System.ID_NUMBER,
                                          value=old).delete()
    if new:
        ResidentIdentifier.objects.get_or_create(resident=resident, system=ResidentIdentifier.System.ID_NUMBER,
                                                 issuer="", value=new)
