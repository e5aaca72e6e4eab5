"""Builders for the demo seeder, which writes histories in bulk without going through one action per row.

They apply the same cleaning, rules and computed columns as the actions, so seeded rows look exactly like
rows entered on the pages; the seeder saves them with `bulk_create(batch_size=...)`."""

from datetime import date

from django.db import transaction

from countyhealth.orgs.models import Village

from . import actions, rules
from .models import AnnualHealthCheck, PersonalInfo, RecordNumberCounter


class SeedDataError(ValueError):
    """Generated values the forms would refuse: a bug in the generator, so it stops loudly."""


def _raise_on(errors: dict, what: str) -> None:
    if errors:
        raise SeedDataError(f"{what}: " + "; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in errors.items()))


def build_personal_info(*, resident_id: int, birth_date: date, values: dict, today: date,
                        opened_org_id: int | None = None, opened_by_id: int | None = None) -> PersonalInfo:
    """An unsaved PersonalInfo from field values (codes as in codes.py, rows as in rows.py)."""
    cleaned, errors = actions.clean_fields(PersonalInfo, values, birth_date=birth_date, today=today)
    _raise_on(errors, f"personal info of resident {resident_id}")
    cleaned["is_complete"] = not rules.personal_info_missing(cleaned)
    return PersonalInfo(resident_id=resident_id, opened_org_id=opened_org_id, opened_by_id=opened_by_id,
                        updated_by_id=opened_by_id, **cleaned)


def build_health_check(*, resident_id: int, birth_date: date, values: dict, today: date,
                       organisation_id: int | None = None, doctor_id: int | None = None) -> AnnualHealthCheck:
    """An unsaved AnnualHealthCheck with sbp/dbp (higher arm), BMI, self-care score and
    is_complete_for_elderly computed. `values` must include `check_date`."""
    cleaned, errors = actions.clean_fields(AnnualHealthCheck, values, birth_date=birth_date, today=today)
    errors.update({k: v for k, v in rules.validate_health_check(cleaned, birth_date=birth_date, today=today).items()
                   if k not in errors})
    _raise_on(errors, f"health check of resident {resident_id}")
    cleaned.update(actions.derived_check_values(cleaned))
    return AnnualHealthCheck(resident_id=resident_id, organisation_id=organisation_id,
                             responsible_doctor_id=doctor_id, created_by_id=doctor_id, updated_by_id=doctor_id,
                             **cleaned)


@transaction.atomic
def sync_record_number_counters() -> int:
    """After numbers were written in bulk: set each village's counter to the highest serial in use, so the
    next record opened on the pages continues the sequence. Returns the number of counters written."""
    written = 0
    for village in Village.objects.only("id", "division_code"):
        prefix = village.division_code
        highest = actions.highest_serial_in_use(prefix) if len(prefix) == 12 else 0
        if not highest:
            continue
        counter, created = RecordNumberCounter.objects.select_for_update().get_or_create(
            village=village, defaults={"last_serial": highest})
        if not created and counter.last_serial < highest:
            counter.last_serial = highest
            counter.save(update_fields=["last_serial"])
        written += 1
    return written
