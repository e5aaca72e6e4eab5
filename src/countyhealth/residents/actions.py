"""Every write to the master patient index: registration, edits, duplicate review, merge and unmerge,
break-glass access. Each action checks the role, validates the rules, writes in one transaction and audits."""

from dataclasses import dataclass, fields, replace
from datetime import date

from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from countyhealth.accounts.roles import EDITS_RESIDENTS, MAY_BREAK_GLASS, MERGES_RESIDENTS, UNMERGES_RESIDENTS
from countyhealth.audit import log as audit
from countyhealth.core.codes import ETHNICITY, SEX
from countyhealth.core.errors import ActionError, Conflict, NotVisible
from countyhealth.orgs.models import Village

from . import matching, rules
from .masking import mask_id_number, mask_phone
from .models import AccessGrant, DuplicateCandidate, Household, Resident, ResidentIdentifier, ResidentLink
from .names import search_keys
from .queries import id_number_holders, villages_for

NAME_MAX = Resident._meta.get_field("name").max_length
ADDRESS_MAX = Household._meta.get_field("address").max_length
REASON_MAX = ResidentLink._meta.get_field("reason").max_length
# Rows moved in chunks: SQLite caps the number of parameters of one statement.
MOVE_CHUNK = 500


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


def _require(user, roles) -> None:
    if user.role not in roles:
        raise NotAllowed()


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


def _save_unique(resident: Resident, **kwargs) -> None:
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


@transaction.atomic
def do_register_resident(*, acting_user, data: ResidentData, confirm_not_duplicate: bool = False) -> Resident:
    """Register a resident (public-health-rules.md §1.1; architecture §6). Probable duplicates are raised as
    `ProbableDuplicates` unless confirmed, and then queued for review."""
    _require(acting_user, EDITS_RESIDENTS)
    clean = _clean(acting_user, data)
    matches = _check_duplicates(acting_user, clean, confirm=confirm_not_duplicate)
    normalised, pinyin, initials = search_keys(clean.name)
    resident = Resident(
        name=clean.name, sex=clean.sex, birth_date=clean.birth_date, id_number=clean.id_number, phone=clean.phone,
        ethnicity=clean.ethnicity, residence_type=clean.residence_type, village=clean.village,
        catchment_org_id=clean.village.clinic_id, household=_household_for(clean),
        name_normalised=normalised, name_pinyin=pinyin, name_initials=initials, created_by=acting_user,
    )
    _save_unique(resident)
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
    _require(acting_user, EDITS_RESIDENTS)
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
    _save_unique(resident, update_fields=[f.removesuffix("_id") for f in update_fields])
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


def _clean_reason(reason: str, field_name: str = "reason") -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ActionError(_("Give a reason."), code="reason_required", field=field_name)
    if len(reason) > REASON_MAX:
        raise ActionError(_("The reason may have at most %(max)d characters.") % {"max": REASON_MAX},
                          code="reason_too_long", field=field_name)
    return reason


def _lock_pair(acting_user, first_id: int, second_id: int) -> dict[int, Resident]:
    """Lock both records in pk order (architecture §4) and check the user may see both."""
    ids = sorted({first_id, second_id})
    rows = {r.pk: r for r in Resident.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    visible = set(Resident.objects.visible_to(acting_user).filter(pk__in=ids).values_list("id", flat=True))
    if set(rows) != set(ids) or visible != set(ids):
        raise NotVisible()
    return rows


# Relations that describe the merge itself rather than the person's data: never re-pointed.
_NOT_MOVED = {("residents", "residentlink"), ("residents", "duplicatecandidate")}


def resident_relations():
    """Every (model, foreign key) pointing at Resident, found generically so that apps added later (records,
    follow-ups, ECGs…) are merged without being listed here. `_meta.related_objects` hides relations declared
    with related_name="+", so the fields are read with include_hidden; the self-reference `master` is skipped."""
    for rel in Resident._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)):
            continue
        model = rel.related_model
        if (model._meta.app_label, model._meta.model_name) in _NOT_MOVED or model is Resident:
            continue
        if model._meta.proxy or not model._meta.managed:
            continue
        yield model, rel.field


def _relation_key(model, field) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}.{field.name}"


def _move_rows(manager, field_name: str, pks: list, survivor: Resident) -> list:
    """Re-point rows to the survivor; returns those moved. A row that would break a uniqueness rule (a
    one-to-one record, or an identifier, booking… the survivor already has) stays on the merged record,
    where it remains reachable, rather than blocking the merge."""
    try:
        with transaction.atomic():
            for i in range(0, len(pks), MOVE_CHUNK):
                manager.filter(pk__in=pks[i:i + MOVE_CHUNK]).update(**{field_name: survivor})
        return pks
    except IntegrityError:
        pass
    moved = []
    for pk in pks:
        try:
            with transaction.atomic():
                manager.filter(pk=pk).update(**{field_name: survivor})
            moved.append(pk)
        except IntegrityError:
            continue
    return moved


def _move_related(merged: Resident, survivor: Resident) -> tuple[dict[str, list], dict[str, int]]:
    """Move every row about the merged record to the survivor: (moved pks by relation, rows left behind)."""
    moved: dict[str, list] = {}
    left: dict[str, int] = {}
    for model, fk in resident_relations():
        manager = model._base_manager
        pks = list(manager.filter(**{fk.name: merged}).order_by("pk").values_list("pk", flat=True))
        if not pks:
            continue
        key = _relation_key(model, fk)
        done = _move_rows(manager, fk.name, pks, survivor)
        if done:
            moved[key] = done
        if len(done) < len(pks):
            left[key] = len(pks) - len(done)
    return moved, left


@transaction.atomic
def do_merge_residents(*, acting_user, survivor_id: int, merged_id: int, reason: str) -> ResidentLink:
    """Merge a duplicate into the record kept (architecture §6 "link, don't destroy"): the duplicate stays as
    an inactive row pointing at its master; every row about the person moves to the survivor and is listed in
    the link, so that `do_unmerge_residents` can move exactly those back."""
    _require(acting_user, MERGES_RESIDENTS)
    reason = _clean_reason(reason)
    if survivor_id == merged_id:
        raise ActionError(_("Choose two different records."), code="same_record", field="merged_id")
    rows = _lock_pair(acting_user, survivor_id, merged_id)
    survivor, merged = rows[survivor_id], rows[merged_id]
    if not survivor.is_active or not merged.is_active:
        raise Conflict(_("One of these records has already been merged."), code="already_merged")
    moved, left = _move_related(merged, survivor)
    merged.master, merged.is_active = survivor, False
    merged.save(update_fields=["master", "is_active", "updated_at"])
    link = ResidentLink.objects.create(survivor=survivor, merged=merged, reason=reason, moved=moved,
                                       merged_by=acting_user)
    a, b = matching.ordered_pair(survivor.pk, merged.pk)
    DuplicateCandidate.objects.filter(resident_a_id=a, resident_b_id=b).update(
        status=DuplicateCandidate.Status.MERGED, reviewed_by=acting_user, reviewed_at=timezone.now()
    )
    audit.record_change(acting_user, "residents.resident_merged", link, resident_id=survivor.pk,
                        detail={"survivor_id": survivor.pk, "merged_id": merged.pk,
                                "moved": {key: len(pks) for key, pks in moved.items()}, "left": left})
    return link


@transaction.atomic
def do_unmerge_residents(*, acting_user, link_id: int, reason: str) -> ResidentLink:
    """Undo a merge: the rows the link lists move back, the duplicate is active again, and the pair is marked
    "not the same person" so it is not proposed again."""
    _require(acting_user, UNMERGES_RESIDENTS)
    reason = _clean_reason(reason)
    link = ResidentLink.objects.select_for_update().filter(pk=link_id).first()
    if link is None:
        raise NotVisible()
    rows = _lock_pair(acting_user, link.survivor_id, link.merged_id)
    survivor, merged = rows[link.survivor_id], rows[link.merged_id]
    if link.unmerged_at is not None:
        raise Conflict(_("This merge has already been undone."), code="already_unmerged")
    if not survivor.is_active:
        raise Conflict(_("The record kept has since been merged into another one; undo that merge first."),
                       code="survivor_merged")
    for key, pks in link.moved.items():
        app_label, model_name, field_name = key.split(".")
        manager = apps.get_model(app_label, model_name)._base_manager
        for i in range(0, len(pks), MOVE_CHUNK):
            manager.filter(pk__in=pks[i:i + MOVE_CHUNK], **{field_name: survivor}).update(**{field_name: merged})
    merged.master, merged.is_active = None, True
    _save_unique(merged, update_fields=["master", "is_active", "updated_at"])
    link.unmerged_by, link.unmerged_at, link.unmerge_reason = acting_user, timezone.now(), reason
    link.save(update_fields=["unmerged_by", "unmerged_at", "unmerge_reason"])
    a, b = matching.ordered_pair(survivor.pk, merged.pk)
    DuplicateCandidate.objects.update_or_create(
        resident_a_id=a, resident_b_id=b,
        defaults={"status": DuplicateCandidate.Status.NOT_DUPLICATE, "reviewed_by": acting_user,
                  "reviewed_at": timezone.now()},
        create_defaults={"status": DuplicateCandidate.Status.NOT_DUPLICATE, "reviewed_by": acting_user,
                         "reviewed_at": timezone.now(), "score": 0, "reasons": []},
    )
    audit.record_change(acting_user, "residents.resident_unmerged", link, resident_id=survivor.pk,
                        detail={"survivor_id": survivor.pk, "merged_id": merged.pk})
    return link


@transaction.atomic
def do_mark_not_duplicate(*, acting_user, candidate_id: int) -> DuplicateCandidate:
    """A reviewer's "not the same person": kept for good, so matching never proposes the pair again."""
    _require(acting_user, MERGES_RESIDENTS)
    candidate = DuplicateCandidate.objects.select_for_update().filter(pk=candidate_id).first()
    if candidate is None:
        raise NotVisible()
    _lock_pair(acting_user, candidate.resident_a_id, candidate.resident_b_id)
    if candidate.status != DuplicateCandidate.Status.OPEN:
        raise Conflict(_("This pair has already been reviewed."), code="already_reviewed")
    candidate.status = DuplicateCandidate.Status.NOT_DUPLICATE
    candidate.reviewed_by, candidate.reviewed_at = acting_user, timezone.now()
    candidate.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    audit.record_change(acting_user, "residents.duplicate_dismissed", candidate, resident_id=candidate.resident_a_id,
                        detail={"resident_a": candidate.resident_a_id, "resident_b": candidate.resident_b_id})
    return candidate


def _holder_of(id_number: str) -> Resident | None:
    """The active record an ID number leads to (its own, carried from a merge, or a merged record's master)."""
    return Resident.objects.filter(is_active=True, pk__in=id_number_holders(id_number)).order_by("id").first()


@transaction.atomic
def do_break_glass(*, acting_user, id_number: str, reason: str) -> tuple[Resident, AccessGrant | None]:
    """Emergency access (architecture §3): a county role that searched an exact ID number of a resident out of
    its scope gets a 3-hour grant for its organisation, with the reason audited. Nothing about the resident is
    shown before this succeeds."""
    _require(acting_user, MAY_BREAK_GLASS)
    if acting_user.organisation_id is None:
        raise NotAllowed()
    try:
        parsed = rules.parse_id_number(id_number or "", today=timezone.localdate())
    except rules.IdNumberError as exc:
        raise ActionError(exc.message, code=f"id_number_{exc.code}", field="id_number") from exc
    reason = _clean_reason(reason)
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

