import datetime as dt

import pytest
from django.utils import timezone

from countyhealth.audit.models import AuditLog
from countyhealth.core.errors import ActionError, NotVisible
from countyhealth.publichealth import actions
from countyhealth.publichealth.models import ChildVisit, Enrolment, FollowUpVisit
from countyhealth.referrals.models import Referral
from countyhealth.residents.models import AccessGrant

TODAY = timezone.localdate()


def record(user, resident, **data):
    data.setdefault("visit_date", TODAY)
    data.setdefault("mode", "clinic")
    return actions.do_record_followup(acting_user=user, resident_id=resident.pk, programme="hypertension",
                                      data=data)


def test_controlled_visit_schedules_routine_follow_up_in_three_months(htn_patient, users):
    resident, enrolment = htn_patient
    visit = record(users.village_doctor_a1, resident, sbp=132, dbp=84)
    assert (visit.follow_up_class, visit.next_action) == ("CONTROLLED", "ROUTINE")
    enrolment.refresh_from_db()
    assert enrolment.next_due == visit.next_due > TODAY + dt.timedelta(days=85)
    assert enrolment.last_class == "CONTROLLED"
    assert AuditLog.objects.filter(action="publichealth.followup_recorded", resident_id=resident.pk).exists()


def test_two_consecutive_uncontrolled_visits_refer_to_the_county_hospital(htn_patient, users, county):
    resident, enrolment = htn_patient
    first = record(users.village_doctor_a1, resident, sbp=150, dbp=92, visit_date=TODAY - dt.timedelta(days=14))
    assert first.next_action == "ADJUST_AND_REVISIT"
    assert first.next_due == first.visit_date + dt.timedelta(days=14)
    second = record(users.village_doctor_a1, resident, sbp=146, dbp=88)
    assert second.next_action == "REFERRAL"
    assert second.referral.to_org == county.hospital
    assert second.referral.urgency == Referral.Urgency.ROUTINE
    assert [r["code"] for r in second.reasons] == ["R3"]


def test_emergency_bp_creates_an_emergency_referral_and_grants_the_hospital_access(htn_patient, users, county):
    resident, _enrolment = htn_patient
    visit = record(users.village_doctor_a1, resident, sbp=180, dbp=95)
    assert visit.next_action == "EMERGENCY_REFERRAL"
    referral = visit.referral
    assert (referral.urgency, referral.direction, referral.from_org) == ("emergency", "up", county.clinic_a1)
    assert AccessGrant.objects.filter(resident=resident, organisation=county.hospital, reason="referral").exists()
    # The county doctor can now open the resident's record.
    from countyhealth.residents.models import Resident
    assert Resident.objects.visible_to(users.county_doctor).filter(pk=resident.pk).exists()


@pytest.mark.parametrize("data, field", [
    ({"sbp": 80, "dbp": 120}, "sbp"),
    ({"sbp": 400, "dbp": 90}, "sbp"),
    ({"sbp": 130, "dbp": 80, "weight_kg": -3}, "weight_kg"),
    ({"sbp": 130, "dbp": 80, "visit_date": TODAY + dt.timedelta(days=1)}, "visit_date"),
    ({"sbp": 130, "dbp": 80, "visit_date": dt.date(1960, 1, 1)}, "visit_date"),
    ({"dbp": 80}, "sbp"),
])
def test_impossible_input_is_refused_and_nothing_is_saved(htn_patient, users, data, field):
    resident, _ = htn_patient
    with pytest.raises(ActionError) as caught:
        record(users.village_doctor_a1, resident, **data)
    assert field in caught.value.fields
    assert not FollowUpVisit.objects.exists()
    assert not Referral.objects.exists()


def test_a_visit_for_a_programme_the_resident_is_not_in_is_refused(htn_patient, users):
    resident, _ = htn_patient
    with pytest.raises(ActionError) as caught:
        actions.do_record_followup(acting_user=users.village_doctor_a1, resident_id=resident.pk,
                                   programme="diabetes", data={"visit_date": TODAY, "fpg": 6.2})
    assert caught.value.code == "not_enrolled"
    assert not FollowUpVisit.objects.exists()


def test_out_of_scope_resident_looks_nonexistent(htn_patient, users):
    resident, _ = htn_patient
    with pytest.raises(NotVisible):
        record(users.village_doctor_b1, resident, sbp=130, dbp=80)


def test_repeated_client_uuid_returns_the_first_visit(htn_patient, users):
    import uuid

    resident, _ = htn_patient
    key = uuid.uuid4()
    first = actions.do_record_followup(acting_user=users.village_doctor_a1, resident_id=resident.pk,
                                       programme="hypertension", data={"visit_date": TODAY, "sbp": 130, "dbp": 80},
                                       client_uuid=key)
    again = actions.do_record_followup(acting_user=users.village_doctor_a1, resident_id=resident.pk,
                                       programme="hypertension", data={"visit_date": TODAY, "sbp": 130, "dbp": 80},
                                       client_uuid=key)
    assert first.pk == again.pk
    assert FollowUpVisit.objects.count() == 1


def test_enrolment_rules(county, users, make_resident):
    young = make_resident(county.village_a1, birth_date=TODAY.replace(year=TODAY.year - 30))
    with pytest.raises(ActionError) as caught:
        actions.do_enrol(acting_user=users.village_doctor_a1, resident_id=young.pk, programme="hypertension",
                         enrolled_on=TODAY)
    assert caught.value.code == "not_eligible"
    adult = make_resident(county.village_a1, birth_date=dt.date(1970, 1, 1))
    actions.do_enrol(acting_user=users.village_doctor_a1, resident_id=adult.pk, programme="diabetes",
                     enrolled_on=TODAY)
    with pytest.raises(ActionError) as caught:
        actions.do_enrol(acting_user=users.village_doctor_a1, resident_id=adult.pk, programme="diabetes",
                         enrolled_on=TODAY)
    assert caught.value.code == "already_enrolled"
    with pytest.raises(ActionError):
        actions.do_enrol(acting_user=users.village_doctor_a1, resident_id=adult.pk, programme="hypertension",
                         enrolled_on=TODAY + dt.timedelta(days=2))
    assert Enrolment.objects.count() == 1


def test_a_resident_in_both_programmes_is_checked_against_both_emergency_lists(htn_patient, users):
    resident, _ = htn_patient
    actions.do_enrol(acting_user=users.village_doctor_a1, resident_id=resident.pk, programme="diabetes",
                     enrolled_on=TODAY - dt.timedelta(days=100))
    visit = record(users.village_doctor_a1, resident, sbp=130, dbp=80, heart_rate=120)
    assert visit.next_action == "EMERGENCY_REFERRAL"
    assert "D5" in [r["code"] for r in visit.reasons]


def test_lost_patient_seen_again_becomes_active(htn_patient, users):
    resident, enrolment = htn_patient
    actions.do_end_enrolment(acting_user=users.village_doctor_a1, enrolment_id=enrolment.pk, reason="lost",
                             ended_on=TODAY)
    enrolment.refresh_from_db()
    assert enrolment.status == "lost"
    record(users.village_doctor_a1, resident, sbp=130, dbp=80)
    enrolment.refresh_from_db()
    assert enrolment.status == "active"


def test_child_visits_fill_the_schedule_in_order(county, users, make_resident):
    baby = make_resident(county.village_a1, birth_date=TODAY - dt.timedelta(days=95), id_number=None)
    actions.do_enrol(acting_user=users.village_doctor_a1, resident_id=baby.pk, programme="child",
                     enrolled_on=baby.birth_date)
    visit = actions.do_record_child_visit(acting_user=users.village_doctor_a1, resident_id=baby.pk,
                                          data={"visit_date": TODAY, "weight_kg": 6})
    assert visit.slot == "m3"
    enrolment = Enrolment.objects.get(resident=baby)
    assert enrolment.next_due > TODAY and "6" in enrolment.next_due_label
    with pytest.raises(ActionError):
        actions.do_record_child_visit(acting_user=users.village_doctor_a1, resident_id=baby.pk,
                                      data={"visit_date": TODAY})
    assert ChildVisit.objects.count() == 1


def test_age_programmes_enrol_the_elderly_and_children_once(county, users, make_resident):
    from countyhealth.core import scheduler
    from countyhealth.core.models import ScheduledRun

    elder = make_resident(county.village_a1, birth_date=dt.date(TODAY.year - 65, 12, 31))
    not_yet = make_resident(county.village_a1, birth_date=dt.date(TODAY.year - 64, 1, 1))
    baby = make_resident(county.village_b1, birth_date=TODAY - dt.timedelta(days=10), id_number=None)
    now = timezone.now()  # one instant for both calls: every-minute jobs must not meet a new minute between them
    assert set(scheduler.enqueue_due(now)) >= {"publichealth.enrol_age_programmes"}  # immediate backend runs it
    assert scheduler.enqueue_due(now) == []  # the same slot is not enqueued twice
    assert ScheduledRun.objects.filter(job="publichealth.enrol_age_programmes").count() == 1
    enrolled = dict(Enrolment.objects.values_list("resident_id", "programme"))
    assert enrolled == {elder.pk: "elderly", baby.pk: "child"}
    assert not_yet.pk not in enrolled
    assert Enrolment.objects.get(resident=baby).next_due_label
    assert AuditLog.objects.filter(action="publichealth.age_programmes_enrolled", username="system:age-programmes").exists()
