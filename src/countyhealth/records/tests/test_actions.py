"""Actions: opening a record and its number, personal information edits, status changes, health checks."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from countyhealth.audit.models import AuditLog
from countyhealth.core.errors import ActionError, Conflict, NotVisible
from countyhealth.records import actions
from countyhealth.records.models import (
    AnnualHealthCheck,
    PersonalInfo,
    PersonalInfoChange,
    RecordNumberCounter,
    RecordStatusChange,
)
from countyhealth.records.tests.factories import elderly_check_data, personal_info_data
from countyhealth.residents.models import Resident, ResidentIdentifier


def open_record(user, resident, **changes):
    return actions.do_open_health_record(acting_user=user, resident_id=resident.pk,
                                         personal_info=personal_info_data(**changes))


def test_open_record_assigns_17_digit_number_in_village_sequence(users, county, make_resident):
    first, second = make_resident(county.village_a1), make_resident(county.village_a1)
    other_village = make_resident(county.village_a2)
    vd = users.village_doctor_a1
    info = open_record(vd, first)
    open_record(vd, second)
    open_record(users.township_doctor_a, other_village)
    numbers = list(Resident.objects.order_by("pk").values_list("record_number", flat=True))
    assert numbers == ["43012410120100001", "43012410120100002", "43012410120200001"]
    assert ResidentIdentifier.objects.filter(resident=first, system="record_number",
                                             value="43012410120100001").exists()
    assert info.is_complete and info.opened_org == county.clinic_a1 and info.opened_by == vd
    assert AuditLog.objects.filter(action="records.health_record_opened", resident_id=first.pk).count() == 1


def test_serials_have_no_gaps_after_a_refused_opening(users, county, make_resident):
    a, b = make_resident(county.village_a1), make_resident(county.village_a1)
    with pytest.raises(ActionError):
        open_record(users.village_doctor_a1, a, blood_type="9")
    assert Resident.objects.get(pk=a.pk).record_number is None
    assert not PersonalInfo.objects.exists()
    open_record(users.village_doctor_a1, b)
    assert Resident.objects.get(pk=b.pk).record_number.endswith("00001")


def test_counter_continues_after_numbers_written_elsewhere(users, county, make_resident):
    make_resident(county.village_a1, record_number="43012410120100041")
    fresh = make_resident(county.village_a1)
    open_record(users.village_doctor_a1, fresh)
    assert Resident.objects.get(pk=fresh.pk).record_number == "43012410120100042"
    assert RecordNumberCounter.objects.get(village=county.village_a1).last_serial == 42


def test_resident_with_a_number_keeps_it(users, county, make_resident):
    seeded = make_resident(county.village_a1, record_number="43012410120100007")
    open_record(users.village_doctor_a1, seeded)
    assert Resident.objects.get(pk=seeded.pk).record_number == "43012410120100007"
    assert not RecordNumberCounter.objects.exists()
    with pytest.raises(Conflict):
        open_record(users.village_doctor_a1, seeded)


def test_refuses_past_99999(users, county, make_resident):
    RecordNumberCounter.objects.create(village=county.village_a1, last_serial=99999)
    r = make_resident(county.village_a1)
    with pytest.raises(Conflict) as exc:
        open_record(users.village_doctor_a1, r)
    assert exc.value.code == "record_numbers_exhausted"
    assert Resident.objects.get(pk=r.pk).record_number is None and not PersonalInfo.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_openings_get_distinct_consecutive_serials(county, users, make_resident):
    residents = [make_resident(county.village_a1) for _ in range(2)]
    barrier = threading.Barrier(2)
    failures = []

    def work(resident):
        try:
            barrier.wait(timeout=10)
            open_record(users.village_doctor_a1, resident)
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(r,)) for r in residents]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    numbers = sorted(Resident.objects.values_list("record_number", flat=True))
    assert numbers == ["43012410120100001", "43012410120100002"]
    assert RecordNumberCounter.objects.get(village=county.village_a1).last_serial == 2


def test_out_of_scope_and_roles(users, county, make_resident):
    other = make_resident(county.village_b1)
    with pytest.raises(NotVisible):
        open_record(users.village_doctor_a1, other)
    with pytest.raises(actions.NotAllowed):
        open_record(users.county_doctor, make_resident(county.village_a1))
    assert not PersonalInfo.objects.exists()


def test_personal_info_validation(users, county, make_resident):
    r = make_resident(county.village_a1)
    with pytest.raises(ActionError) as exc:
        open_record(users.village_doctor_a1, r, drug_allergies=["1", "2"], payment_methods=["8"],
                    contact_phone="12", past_diseases=[{"code": "2", "diagnosed": "2099-01"}],
                    operations=[{"name": "", "date": "2001-01-01"}], surprise="x")
    fields = exc.value.fields
    assert {"drug_allergies", "payment_other", "contact_phone", "past_diseases.0.diagnosed",
            "operations.0.name", "surprise"} <= set(fields)
    assert Resident.objects.get(pk=r.pk).record_number is None


def test_update_personal_info_keeps_history(users, county, make_resident):
    r = make_resident(county.village_a1)
    open_record(users.village_doctor_a1, r)
    data = personal_info_data(education="6", fuel="")
    info = actions.do_update_personal_info(acting_user=users.township_doctor_a, resident_id=r.pk, personal_info=data)
    assert info.education == "6" and not info.is_complete and info.updated_by == users.township_doctor_a
    change = PersonalInfoChange.objects.get()
    assert change.fields == ["education", "fuel"] and change.organisation == county.township_a
    assert AuditLog.objects.get(action="records.personal_info_updated").detail == {"fields": ["education", "fuel"]}
    # saving the same again changes nothing and writes no history
    actions.do_update_personal_info(acting_user=users.township_doctor_a, resident_id=r.pk, personal_info=data)
    assert PersonalInfoChange.objects.count() == 1


def test_status_changes(users, county, make_resident):
    r = make_resident(county.village_a1)
    with pytest.raises(Conflict):  # no record yet
        actions.do_change_record_status(acting_user=users.village_doctor_a1, resident_id=r.pk, status="lost",
                                        reason="外出务工")
    open_record(users.village_doctor_a1, r)
    with pytest.raises(ActionError) as exc:
        actions.do_change_record_status(acting_user=users.village_doctor_a1, resident_id=r.pk, status="dead")
    assert set(exc.value.fields) == {"death_date", "death_cause"}
    assert Resident.objects.get(pk=r.pk).status == "active" and not RecordStatusChange.objects.exists()
    yesterday = timezone.localdate() - timedelta(days=1)
    change = actions.do_change_record_status(acting_user=users.village_doctor_a1, resident_id=r.pk, status="dead",
                                             death_date=yesterday, death_cause="脑卒中", destination="ignored")
    assert (change.from_status, change.to_status, change.death_date, change.destination) == (
        "active", "dead", yesterday, "")
    assert Resident.objects.get(pk=r.pk).status == "dead"
    assert AuditLog.objects.get(action="records.record_status_changed").detail == {"from": "active", "to": "dead"}


def record_check(user, resident, **changes):
    data = {**elderly_check_data(date(2026, 3, 1)), **changes}
    return actions.do_record_health_check(acting_user=user, resident_id=resident.pk, data=data)


@pytest.fixture
def elder(users, county, make_resident):
    r = make_resident(county.village_a1, birth_date=date(1950, 5, 1))
    open_record(users.village_doctor_a1, r)
    return r


def test_record_check_computes_columns(users, elder):
    check = record_check(users.village_doctor_a1, elder)
    check.refresh_from_db()
    assert (check.sbp, check.dbp) == (142, 82)
    assert check.bmi == Decimal("25.0") and check.self_care_score == 2
    assert check.is_complete_for_elderly
    assert check.responsible_doctor == users.village_doctor_a1 and check.organisation_id == users.village_doctor_a1.organisation_id
    assert check.medications[0]["drug"] == "氨氯地平"


def test_incomplete_check_is_saved_but_flagged(users, elder):
    check = record_check(users.village_doctor_a1, elder, ecg="", tc=None)
    assert not check.is_complete_for_elderly


@pytest.mark.parametrize("changes,field", [
    ({"sbp_left": 80, "dbp_left": 90}, "sbp_left"),
    ({"sbp_right": 400}, "sbp_right"),
    ({"weight_kg": "-5"}, "weight_kg"),
    ({"temperature": "45"}, "temperature"),
    ({"pulse_rate": 300}, "pulse_rate"),
    ({"height_cm": "10"}, "height_cm"),
    ({"check_date": date(1949, 1, 1)}, "check_date"),
    ({"check_date": date(2099, 1, 1)}, "check_date"),
    ({"symptoms": ["1", "3"]}, "symptoms"),
    ({"lips": "9"}, "lips"),
    ({"temperature": "36.55"}, "temperature"),
    ({"medications": [{"drug": "x", "adherence": "7"}]}, "medications.0.adherence"),
])
def test_each_validation_failure_changes_nothing(users, elder, changes, field):
    before = AuditLog.objects.count()
    with pytest.raises(ActionError) as exc:
        record_check(users.village_doctor_a1, elder, **changes)
    assert field in exc.value.fields
    assert not AnnualHealthCheck.objects.exists() and AuditLog.objects.count() == before


def test_update_check_recomputes_and_validates(users, elder):
    check = record_check(users.village_doctor_a1, elder)
    data = elderly_check_data(date(2026, 3, 1), weight_kg="75.0", ecg="")
    updated = actions.do_update_health_check(acting_user=users.village_doctor_a1, check_id=check.pk, data=data)
    assert updated.bmi == Decimal("27.5") and not updated.is_complete_for_elderly
    assert set(AuditLog.objects.get(action="records.health_check_updated").detail["fields"]) >= {"weight_kg", "ecg"}
    with pytest.raises(ActionError):
        actions.do_update_health_check(acting_user=users.village_doctor_a1, check_id=check.pk,
                                       data={**data, "sbp_left": 70, "dbp_left": 80})
    check.refresh_from_db()
    assert check.weight_kg == Decimal("75.0") and check.sbp == 142


def test_one_check_per_day_and_scope(users, county, elder):
    record_check(users.village_doctor_a1, elder)
    with pytest.raises(Conflict):
        record_check(users.village_doctor_a1, elder)
    with pytest.raises(NotVisible):
        record_check(users.village_doctor_b1, elder, check_date=date(2026, 3, 2))
    with pytest.raises(ActionError) as exc:
        record_check(users.village_doctor_a1, elder, check_date=date(2026, 3, 2),
                     responsible_doctor_id=users.village_doctor_b1.pk)
    assert "responsible_doctor" in exc.value.fields


def test_check_needs_an_open_record(users, county, make_resident):
    r = make_resident(county.village_a1)
    with pytest.raises(Conflict) as exc:
        record_check(users.village_doctor_a1, r)
    assert exc.value.code == "record_not_open"


def test_merge_moves_checks_and_leaves_the_second_form_behind(users, county, make_resident):
    from countyhealth.residents.actions import do_merge_residents

    kept, duplicate = make_resident(county.village_a1), make_resident(county.village_a1)
    open_record(users.village_doctor_a1, kept)
    open_record(users.village_doctor_a1, duplicate, education="3")
    check = record_check(users.village_doctor_a1, duplicate)
    do_merge_residents(acting_user=users.township_doctor_a, survivor_id=kept.pk, merged_id=duplicate.pk,
                       reason="同一人重复建档")
    check.refresh_from_db()
    assert check.resident_id == kept.pk
    # one personal information form per resident: the duplicate's stays on the merged (inactive) record
    assert PersonalInfo.objects.get(resident=kept).education == "7"
    assert PersonalInfo.objects.get(resident=duplicate).education == "3"


def test_seed_builders_match_the_actions(users, county, make_resident):
    from countyhealth.records import seed

    r = make_resident(county.village_a1, birth_date=date(1950, 5, 1), record_number="43012410120100009")
    today = timezone.localdate()
    info = seed.build_personal_info(resident_id=r.pk, birth_date=r.birth_date, values=personal_info_data(),
                                    today=today, opened_org_id=county.clinic_a1.pk)
    check = seed.build_health_check(resident_id=r.pk, birth_date=r.birth_date, today=today,
                                    values=elderly_check_data(date(2026, 3, 1)), organisation_id=county.clinic_a1.pk)
    PersonalInfo.objects.bulk_create([info])
    AnnualHealthCheck.objects.bulk_create([check])
    stored = AnnualHealthCheck.objects.get()
    assert (stored.sbp, stored.bmi, stored.self_care_score, stored.is_complete_for_elderly) == (
        142, Decimal("25.0"), 2, True)
    with pytest.raises(seed.SeedDataError):
        seed.build_health_check(resident_id=r.pk, birth_date=r.birth_date, today=today,
                                values=elderly_check_data(date(2026, 3, 1), sbp_left=60, dbp_left=80))
    assert seed.sync_record_number_counters() == 1
    fresh = make_resident(county.village_a1)
    open_record(users.village_doctor_a1, fresh)
    assert Resident.objects.get(pk=fresh.pk).record_number == "43012410120100010"
