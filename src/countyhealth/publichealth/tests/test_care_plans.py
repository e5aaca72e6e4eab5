"""A downward referral's care plan puts the patient on the village doctor's due list."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from countyhealth.core.errors import ActionError
from countyhealth.publichealth import queries
from countyhealth.publichealth.models import Enrolment
from countyhealth.referrals import actions as referrals
from countyhealth.referrals.models import Referral


def _refer_down(users, county, patient, plan):
    referrals.do_refer_up(acting_user=users.township_doctor_a, resident_id=patient.pk, reason="血压控制不佳",
                          urgency="urgent")
    return referrals.do_refer_down(acting_user=users.county_doctor, resident_id=patient.pk,
                                   to_org_id=county.clinic_a1.pk, reason="病情稳定，转回基层",
                                   discharge_summary="血压达标，继续氨氯地平", care_plan=plan)


def test_care_plan_enrols_and_the_patient_is_due_in_the_village(client, users, county, make_resident):
    patient = make_resident(county.village_a1, birth_date=dt.date(1956, 3, 1))
    today = timezone.localdate()
    _refer_down(users, county, patient, {"programme": "hypertension", "next_followup_on": today.isoformat()})

    enrolment = Enrolment.objects.get(resident=patient, programme="hypertension")
    assert enrolment.next_due == today and county.hospital.name in enrolment.next_due_label
    assert enrolment in queries.due_list(users.village_doctor_a1, bucket="week", on=today)
    client.force_login(users.village_doctor_a1)
    page = client.get(reverse("publichealth:due-list"), {"bucket": "week"}).content.decode()
    assert patient.name in page and county.hospital.name in page


def test_care_plan_moves_the_next_visit_of_an_existing_enrolment(users, county, make_resident):
    from countyhealth.publichealth.actions import do_enrol

    patient = make_resident(county.village_a1, birth_date=dt.date(1956, 3, 1))
    today = timezone.localdate()
    do_enrol(acting_user=users.village_doctor_a1, resident_id=patient.pk, programme="diabetes",
             enrolled_on=today - dt.timedelta(days=400))
    later = today + dt.timedelta(days=10)
    _refer_down(users, county, patient, {"programme": "diabetes", "next_followup_on": later.isoformat()})
    enrolments = Enrolment.objects.filter(resident=patient, programme="diabetes")
    assert enrolments.count() == 1 and enrolments.get().next_due == later


def test_an_ineligible_care_plan_refuses_the_referral_whole(users, county, make_resident):
    child = make_resident(county.village_a1, birth_date=timezone.localdate() - dt.timedelta(days=3000))
    with pytest.raises(ActionError):
        _refer_down(users, county, child, {"programme": "hypertension",
                                           "next_followup_on": timezone.localdate().isoformat()})
    assert not Referral.objects.filter(direction="down").exists()
    assert not Enrolment.objects.filter(resident=child).exists()
