"""Every write to the health record: open it (with its 17-digit number), edit the personal information, change
the record status, record and correct annual health checks. One transaction each, rules checked first,
an audit row with the resident (architecture §2)."""

import functools
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from countyhealth.accounts.access import scope_for
from countyhealth.accounts.models import User
from countyhealth.accounts.roles import EDITS_RESIDENTS
from countyhealth.audit import log as audit
from countyhealth.core import hooks
from countyhealth.core.errors import ActionError, Conflict, NotVisible
from countyhealth.orgs.models import Village
from countyhealth.residents import rules as resident_rules
from countyhealth.residents.models import Resident, ResidentIdentifier

from . import rows, rules
from .models import (
    AnnualHealthCheck,
    PersonalInfo,
    PersonalInfoChange,
    RecordNumberCounter,
    RecordStatusChange,
    input_fields,
)

STATUS_TEXT_MAX = RecordStatusChange._meta.get_field("reason").max_length


class NotAllowed(ActionError):
    status = 403

    def __init__(self, message=None):
        super().__init__(message or _("Your role does not allow this."), code="forbidden")


def _require_editor(user) -> None:
    if getattr(user, "role", None) not in EDITS_RESIDENTS:
        raise NotAllowed()


def _invalid(errors: dict) -> ActionError:
    return ActionError(_("Please correct the errors below."), code="invalid", fields=errors)


def _lock_resident(acting_user, resident_id: int) -> Resident:
    """Lock the resident row and check scope; merged records are read-only."""
    resident = Resident.objects.select_for_update().filter(pk=resident_id).first()
    if resident is None or not Resident.objects.visible_to(acting_user).filter(pk=resident_id).exists():
        raise NotVisible()
    if not resident.is_active:
        raise Conflict(_("This record was merged into another one; use that record instead."), code="merged")
    return resident


# ---- record numbers ---------------------------------------------------------------------------------

def highest_serial_in_use(prefix: str) -> int:
    """The highest serial already given under a village prefix — on a resident or kept as an identifier of a
    merged or renumbered record — so a counter created after the demo seeder (or an import) continues after
    it and never reuses a number."""
    low, high = f"{prefix}00000", f"{prefix}99999"
    on_residents = (Resident.objects.filter(record_number__gte=low, record_number__lte=high)
                    .order_by("-record_number").values_list("record_number", flat=True).first())
    as_identifiers = (ResidentIdentifier.objects
                      .filter(system=ResidentIdentifier.System.RECORD_NUMBER, value__gte=low, value__lte=high)
                      .order_by("-value").values_list("value", flat=True).first())
    serials = [rules.serial_of(n, prefix) for n in (on_residents, as_identifiers) if n]
    return max([s for s in serials if s is not None], default=0)


@transaction.atomic(savepoint=False)
def allocate_record_number(village: Village) -> str:
    """The next 17-digit record number of a village (§1.2). The counter row is locked for the rest of the
    caller's transaction (`select_for_update`; on SQLite the IMMEDIATE transaction already holds the writer
    lock), so concurrent openings get distinct consecutive serials and a rollback leaves no gap."""
    try:
        prefix = rules.record_number_prefix(village.division_code)
    except rules.RecordNumberError as exc:
        raise Conflict(exc.message, code="no_division_code") from exc
    counter = RecordNumberCounter.objects.select_for_update().filter(village=village).first()
    if counter is None:
        try:
            with transaction.atomic():
                counter = RecordNumberCounter.objects.create(village=village,
                                                             last_serial=highest_serial_in_use(prefix))
        except IntegrityError:
            # Another transaction created it first (PostgreSQL); its row is committed and now ours to lock.
            counter = RecordNumberCounter.objects.select_for_update().get(village=village)
    try:
        number = rules.format_record_number(prefix, counter.last_serial + 1)
    except rules.RecordNumberError as exc:
        raise Conflict(exc.message, code="record_numbers_exhausted") from exc
    counter.last_serial += 1
    counter.save(update_fields=["last_serial"])
    return number


# ---- generic cleaning of the forms' fields ------------------------------------------------------------

def _clean_text(value, field: models.CharField, errors: dict):
    value = " ".join(str(value or "").split())
    if len(value) > field.max_length:
        errors.setdefault(field.name, []).append(
            _("Ensure this value has at most %(max)s characters.") % {"max": field.max_length})
    return value


def _clean_number(value, field: models.Field, errors: dict):
    if value in (None, ""):
        return None
    try:
        if isinstance(field, models.DecimalField):
            value = Decimal(str(value))
            if not value.is_finite():
                raise InvalidOperation
        else:
            if isinstance(value, bool) or (isinstance(value, float | Decimal) and value != int(value)):
                raise ValueError
            value = int(value)
        field.run_validators(value)
    except (InvalidOperation, ValueError, TypeError):
        errors.setdefault(field.name, []).append(_("Enter a number.") if isinstance(field, models.DecimalField)
                                                 else _("Enter a whole number."))
        return None
    except ValidationError as exc:
        errors.setdefault(field.name, []).extend(exc.messages)
        return None
    return value


def _clean_date(value, field: models.Field, errors: dict):
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors.setdefault(field.name, []).append(_("Enter a valid date (YYYY-MM-DD)."))
        return None


@functools.cache
def _input_plan(model) -> tuple[list, frozenset]:
    """The model's plain input fields and every accepted key; fixed per model, and asked for on each form
    (the demo seeder builds tens of thousands of forms)."""
    fields = [f for f in input_fields(model) if not f.is_relation]
    known = {f.name for f in fields} | {f"{f.name}_id" for f in input_fields(model) if f.is_relation}
    return fields, frozenset(known)


def clean_fields(model, data: dict, *, birth_date: date, today: date) -> tuple[dict, dict]:
    """Type, length, code and row checks of every input field of `model` (codes.py / rows.py tables).
    Missing keys take the empty value. Returns (values, errors)."""
    errors: dict[str, list] = {}
    fields, known = _input_plan(model)
    for key in sorted(set(data) - known):
        errors.setdefault(key, []).append(_("This field is not accepted."))
    values: dict = {}
    for f in fields:
        raw = data.get(f.name)
        if hasattr(f, "row_spec"):
            cleaned, row_errors = rows.clean_rows(f.row_spec, raw, birth_date=birth_date, today=today)
            errors.update(row_errors)
            values[f.name] = cleaned
        elif hasattr(f, "code_table") and isinstance(f, models.JSONField):
            raw = list(raw) if isinstance(raw, list | tuple) else ([] if raw in (None, "") else raw)
            rules.check_choices(errors, {f.name: raw}, f.name, f.code_table, multiple=True)
            values[f.name] = list(raw) if f.name not in errors else []
        elif hasattr(f, "code_table"):
            raw = "" if raw is None else str(raw)
            rules.check_choices(errors, {f.name: raw}, f.name, f.code_table, multiple=False)
            values[f.name] = raw
        elif isinstance(f, models.DateField):
            values[f.name] = _clean_date(raw, f, errors)
        elif isinstance(f, models.DecimalField | models.IntegerField):
            values[f.name] = _clean_number(raw, f, errors)
        elif isinstance(f, models.CharField):
            values[f.name] = _clean_text(raw, f, errors)
    rules.check_other_text(errors, values)
    return values, errors


def _changed(obj, values: dict) -> list[str]:
    return [name for name, value in values.items() if getattr(obj, name) != value]


# ---- personal basic information ----------------------------------------------------------------------

def _clean_personal_info(resident: Resident, data: dict) -> dict:
    today = timezone.localdate()
    values, errors = clean_fields(PersonalInfo, data, birth_date=resident.birth_date, today=today)
    if values.get("contact_phone"):
        try:
            values["contact_phone"] = resident_rules.normalise_phone(values["contact_phone"])
        except resident_rules.PhoneError as exc:
            errors.setdefault("contact_phone", []).append(exc.message)
    diseases = [row["code"] for row in values.get("past_diseases", [])]
    if "1" in diseases and len(diseases) > 1:
        errors.setdefault("past_diseases", []).append(_("“None” cannot be combined with diseases."))
    if errors:
        raise _invalid(errors)
    values["is_complete"] = not rules.personal_info_missing(values)
    return values


def _ensure_record_number(resident: Resident) -> bool:
    """Give the resident a record number unless it has one. Returns whether one was given."""
    given = resident.record_number is None
    if given:
        resident.record_number = allocate_record_number(resident.village)
        try:
            with transaction.atomic():
                resident.save(update_fields=["record_number", "updated_at"])
        except IntegrityError as exc:
            raise Conflict(_("This record number is already in use; the numbering of the village needs repair."),
                           code="record_number_taken") from exc
    ResidentIdentifier.objects.get_or_create(resident=resident, system=ResidentIdentifier.System.RECORD_NUMBER,
                                             issuer="", value=resident.record_number)
    return given


@transaction.atomic
def do_open_health_record(*, acting_user, resident_id: int, personal_info: dict) -> PersonalInfo:
    """建档 (PHS3 居民健康档案管理服务规范): the personal basic information form, and the 17-digit record number
    (§1.2) unless the resident already has one."""
    _require_editor(acting_user)
    resident = _lock_resident(acting_user, resident_id)
    if PersonalInfo.objects.filter(resident=resident).exists():
        raise Conflict(_("This resident's health record is already open."), code="record_exists")
    values = _clean_personal_info(resident, personal_info)
    given = _ensure_record_number(resident)
    info = PersonalInfo.objects.create(resident=resident, opened_by=acting_user,
                                       opened_org_id=acting_user.organisation_id, updated_by=acting_user, **values)
    audit.record_change(acting_user, "records.health_record_opened", info, resident_id=resident.pk,
                        detail={"record_number": resident.record_number, "number_given": given})
    return info


@transaction.atomic
def do_update_personal_info(*, acting_user, resident_id: int, personal_info: dict) -> PersonalInfo:
    """Edit the personal basic information in place (§2.1), keeping when, who and which fields."""
    _require_editor(acting_user)
    resident = _lock_resident(acting_user, resident_id)
    info = PersonalInfo.objects.select_for_update().filter(resident=resident).first()
    if info is None:
        raise Conflict(_("Open the health record first."), code="record_not_open")
    values = _clean_personal_info(resident, personal_info)
    changed = _changed(info, values)
    if not changed:
        return info
    for name in changed:
        setattr(info, name, values[name])
    info.updated_by = acting_user
    info.save(update_fields=[*changed, "updated_by", "updated_at"])
    shown = [name for name in changed if name != "is_complete"]
    PersonalInfoChange.objects.create(resident=resident, changed_by=acting_user,
                                      organisation_id=acting_user.organisation_id, fields=shown)
    audit.record_change(acting_user, "records.personal_info_updated", info, resident_id=resident.pk,
                        detail={"fields": shown})
    return info


# ---- record status -----------------------------------------------------------------------------------

@transaction.atomic
def do_change_record_status(*, acting_user, resident_id: int, status: str, reason: str = "",
                            death_date: date | None = None, death_cause: str = "",
                            destination: str = "") -> RecordStatusChange:
    """§2 record status: 失访 (lost) with a reason, 死亡 (dead) with date and cause, 迁出 (moved out) with the
    destination; back to active with the reason for the correction."""
    _require_editor(acting_user)
    resident = _lock_resident(acting_user, resident_id)
    if resident.record_number is None:
        raise Conflict(_("Open the health record first."), code="record_not_open")
    values = {"reason": " ".join((reason or "").split()), "death_cause": " ".join((death_cause or "").split()),
              "destination": " ".join((destination or "").split()), "death_date": death_date}
    errors = rules.validate_status_change(resident.status, status, values, birth_date=resident.birth_date,
                                          today=timezone.localdate())
    for name in ("reason", "death_cause", "destination"):
        if len(values[name]) > STATUS_TEXT_MAX:
            errors.setdefault(name, []).append(
                _("Ensure this value has at most %(max)s characters.") % {"max": STATUS_TEXT_MAX})
    if errors:
        raise _invalid(errors)
    dead, moved = status == Resident.Status.DEAD, status == Resident.Status.MOVED_OUT
    change = RecordStatusChange.objects.create(
        resident=resident, from_status=resident.status, to_status=status, changed_by=acting_user,
        organisation_id=acting_user.organisation_id, reason=values["reason"],
        death_date=values["death_date"] if dead else None, death_cause=values["death_cause"] if dead else "",
        destination=values["destination"] if moved else "",
    )
    resident.status = status
    resident.save(update_fields=["status", "updated_at"])
    audit.record_change(acting_user, "records.record_status_changed", change, resident_id=resident.pk,
                        detail={"from": change.from_status, "to": status})
    return change


# ---- annual health check -----------------------------------------------------------------------------

def _doctor(acting_user, doctor_id) -> User:
    """The responsible doctor: the acting user unless another user of the acting user's organisations is
    named (unknown and out-of-scope users get the same answer)."""
    if doctor_id in (None, ""):
        return acting_user
    try:
        doctor_id = int(doctor_id)
    except (TypeError, ValueError):
        doctor_id = None
    scope = scope_for(acting_user)
    doctor = User.objects.filter(pk=doctor_id, is_active=True).first() if doctor_id else None
    if doctor is None or not (scope.everything or doctor.organisation_id in scope.org_ids):
        raise _invalid({"responsible_doctor": [_("Select a doctor of your organisation.")]})
    return doctor


def derived_check_values(values: dict) -> dict:
    """The computed columns: classified blood pressure, BMI, self-care score and elderly completeness."""
    sbp, dbp = rules.classified_pressure((values.get("sbp_left"), values.get("dbp_left")),
                                         (values.get("sbp_right"), values.get("dbp_right")))
    derived = {
        "sbp": sbp, "dbp": dbp,
        "bmi": rules.bmi(values.get("weight_kg"), values.get("height_cm")),
        "self_care_score": rules.self_care_score(
            {item: values.get(f"self_care_{item}") for item in rules.SELF_CARE_ITEMS}),
    }
    derived["is_complete_for_elderly"] = rules.is_complete_for_elderly({**values, **derived})
    return derived


def _clean_check(resident: Resident, data: dict) -> tuple[dict, object]:
    data = dict(data)
    doctor_id = data.pop("responsible_doctor_id", data.pop("responsible_doctor", None))
    today = timezone.localdate()
    values, errors = clean_fields(AnnualHealthCheck, data, birth_date=resident.birth_date, today=today)
    for name, messages in rules.validate_health_check(
        {k: v for k, v in values.items() if k not in errors}, birth_date=resident.birth_date, today=today
    ).items():
        if name not in errors:
            errors[name] = messages
    if errors:
        raise _invalid(errors)
    values.update(derived_check_values(values))
    return values, doctor_id


def _save_check(check: AnnualHealthCheck, **kwargs) -> None:
    try:
        with transaction.atomic():
            check.save(**kwargs)
    except IntegrityError as exc:
        raise Conflict(_("A health check on this date is already recorded for this resident."),
                       code="duplicate_check", field="check_date") from exc


HEALTH_CHECK_SAVED = "records.health_check_saved"  # programmes that a check fulfils listen (publichealth)


@transaction.atomic
def do_record_health_check(*, acting_user, resident_id: int, data: dict) -> AnnualHealthCheck:
    """健康体检表 (PHS3 §2.2) for a resident with an open record; impossible values refuse the whole form."""
    _require_editor(acting_user)
    resident = _lock_resident(acting_user, resident_id)
    if resident.record_number is None:
        raise Conflict(_("Open the health record first."), code="record_not_open")
    values, doctor_id = _clean_check(resident, data)
    check = AnnualHealthCheck(resident=resident, responsible_doctor=_doctor(acting_user, doctor_id),
                              organisation_id=acting_user.organisation_id, created_by=acting_user,
                              updated_by=acting_user, **values)
    _save_check(check)
    audit.record_change(acting_user, "records.health_check_recorded", check, resident_id=resident.pk,
                        detail={"check_date": check.check_date.isoformat(),
                                "complete_for_elderly": check.is_complete_for_elderly})
    hooks.announce(HEALTH_CHECK_SAVED, check=check, acting_user=acting_user)
    return check


@transaction.atomic
def do_update_health_check(*, acting_user, check_id: int, data: dict) -> AnnualHealthCheck:
    """Correct a recorded health check; the whole form is validated again and the computed columns redone."""
    _require_editor(acting_user)
    check = AnnualHealthCheck.objects.select_for_update().filter(pk=check_id).first()
    if check is None or not AnnualHealthCheck.objects.visible_to(acting_user).filter(pk=check_id).exists():
        raise NotVisible()
    resident = _lock_resident(acting_user, check.resident_id)
    values, doctor_id = _clean_check(resident, data)
    doctor = _doctor(acting_user, doctor_id) if doctor_id not in (None, "") else check.responsible_doctor
    changed = _changed(check, values)
    if doctor != check.responsible_doctor:
        check.responsible_doctor = doctor
        changed.append("responsible_doctor")
    if not changed:
        return check
    for name in changed:
        if name != "responsible_doctor":
            setattr(check, name, values[name])
    check.updated_by = acting_user
    _save_check(check, update_fields=[*changed, "updated_by", "updated_at"])
    audit.record_change(acting_user, "records.health_check_updated", check, resident_id=resident.pk,
                        detail={"fields": changed})
    hooks.announce(HEALTH_CHECK_SAVED, check=check, acting_user=acting_user)
    return check
