"""A push's follow-ups written in bulk are the rows `publichealth.do_record_followup` writes, one by one."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from countyhealth.audit.models import AuditLog
from countyhealth.publichealth import actions as publichealth
from countyhealth.publichealth.models import Enrolment, FollowUpVisit
from countyhealth.referrals.models import Referral
from countyhealth.sync.models import ChangeLog, Mutation

from .conftest import followup

COMPARED = [f.attname for f in FollowUpVisit._meta.concrete_fields
            if f.attname not in ("id", "resident_id", "enrolment_id", "client_uuid", "recorded_at", "referral_id")]
ENROLMENT = ("status", "ended_on", "next_due", "next_due_label", "last_visit_date", "last_class")


@pytest.fixture
def twins(county, users, make_resident):
    """Two residents with the same birth date and the same enrolments (hypertension and diabetes)."""
    today = timezone.localdate()
    pair = []
    for name in ("甲", "乙"):
        r = make_resident(county.village_a1, name=name, birth_date=dt.date(1958, 6, 1), sex="2")
        for programme in ("hypertension", "diabetes"):
            publichealth.do_enrol(acting_user=users.village_doctor_a1, resident_id=r.pk, programme=programme,
                                  enrolled_on=today - dt.timedelta(days=300))
        pair.append(r)
    return pair


def day(n):
    return timezone.localdate() - dt.timedelta(days=n)


VISITS = [  # (programme, days ago, data)
    ("hypertension", 200, {"mode": "clinic", "sbp": 150, "dbp": 95, "weight_kg": "70.5", "height_cm": "165"}),
    ("hypertension", 100, {"mode": "home", "sbp": 128, "dbp": 82, "salt": "light", "notes": "好"}),
    ("diabetes", 100, {"mode": "home", "sbp": 130, "dbp": 80, "fpg": "8.2", "adr": True}),
    ("hypertension", 100, {"mode": "phone", "sbp": 145, "dbp": 92}),
    ("hypertension", 10, {"mode": "home", "sbp": 146, "dbp": 91, "heart_rate": 72}),
    ("hypertension", 10, {"mode": "home", "sbp": 190, "dbp": 100}),  # emergency: a referral
    ("hypertension", 2, {"mode": "home", "sbp": 132, "dbp": 84}),
    ("diabetes", 1, {"mode": "clinic", "fpg": "6.5", "sbp": 128, "dbp": 80, "cigarettes_per_day": 3}),
]


def test_bulk_follow_ups_equal_the_action_row_by_row(phone, users, twins):
    one, bulk = twins
    for programme, ago, data in VISITS:
        publichealth.do_record_followup(acting_user=users.village_doctor_a1, resident_id=one.pk, programme=programme,
                                        data={**data, "visit_date": day(ago)}, client_uuid=uuid.uuid4())
    pushed = []
    for programme, ago, data in VISITS:
        m = followup(bulk.pk, day=day(ago), **data)
        m["payload"]["programme"] = programme
        pushed.append(m)
    results = phone.push(*pushed).json()["results"]
    assert [r["status"] for r in results] == ["applied"] * len(VISITS)

    def rows(resident):
        return [tuple(getattr(v, f) for f in COMPARED) for v in
                FollowUpVisit.objects.filter(resident=resident).order_by("visit_date", "id")]

    assert rows(bulk) == rows(one)
    for programme in ("hypertension", "diabetes"):
        a, b = (Enrolment.objects.get(resident=r, programme=programme) for r in (one, bulk))
        assert [getattr(b, f) for f in ENROLMENT] == [getattr(a, f) for f in ENROLMENT]
    assert Referral.objects.filter(resident=bulk).count() == Referral.objects.filter(resident=one).count() >= 1
    for visit in FollowUpVisit.objects.filter(resident=bulk, next_action__in=["REFERRAL", "EMERGENCY_REFERRAL"]):
        assert visit.referral.source == f"publichealth.followupvisit:{visit.pk}"
    assert [r["follow_up_class"] for r in results] == [
        FollowUpVisit.objects.get(pk=r["server_id"]).follow_up_class for r in results]
    assert AuditLog.objects.filter(action="publichealth.followup_recorded", resident_id=bulk.pk).count() == len(VISITS)
    assert AuditLog.objects.filter(action="sync.mutation_applied", resident_id=bulk.pk).count() == len(VISITS)
    assert ChangeLog.objects.filter(resident_id=bulk.pk, action="publichealth.followup_recorded").count() == len(VISITS)


def test_a_bad_follow_up_in_a_batch_is_refused_alone_and_a_replay_is_answered_once(phone, county, hypertensive,
                                                                                      make_resident):
    stranger = make_resident(county.village_b1)
    good = [followup(hypertensive.pk, sbp=120 + i, dbp=80, day=day(5 - i)) for i in range(3)]
    batch = [good[0], followup(hypertensive.pk, sbp=90, dbp=120), followup(stranger.pk), good[1],
             followup(hypertensive.pk, day=day(400)), good[1], good[2]]
    results = phone.push(*batch).json()["results"]
    assert [r["status"] for r in results] == ["applied", "rejected", "rejected", "applied", "rejected", "applied",
                                              "applied"]
    assert [r.get("code") for r in results[1:5:1]] == ["invalid", "not_found", None, "invalid"]
    assert results[5]["replayed"] and results[5]["server_id"] == results[3]["server_id"]
    assert FollowUpVisit.objects.filter(resident=hypertensive).count() == 3
    assert Mutation.objects.count() == 3
    assert AuditLog.objects.filter(action="sync.mutation_rejected").count() == 3
    again = phone.push(*good).json()["results"]
    assert all(r["replayed"] for r in again) and FollowUpVisit.objects.count() == 3


def test_a_push_of_many_follow_ups_takes_a_fixed_number_of_queries(phone, hypertensive,
                                                                   django_assert_max_num_queries):
    batch = [followup(hypertensive.pk, sbp=120 + i % 20, dbp=80) for i in range(100)]
    with django_assert_max_num_queries(30):
        results = phone.push(*batch).json()["results"]
    assert {r["status"] for r in results} == {"applied"}
    assert FollowUpVisit.objects.filter(resident=hypertensive).count() == 100


def test_a_referral_that_cannot_be_made_refuses_its_follow_up_alone(phone, county, hypertensive):
    """With no county hospital to receive it, the emergency follow-up is refused with the referral's reason and
    the routine ones of the same push are kept (the push is applied again one mutation at a time)."""
    county.hospital.is_active = False
    county.hospital.save(update_fields=["is_active"])
    batch = [followup(hypertensive.pk, sbp=128, dbp=80, day=day(3)), followup(hypertensive.pk, sbp=190, dbp=100,
                                                                                 day=day(2)),
             followup(hypertensive.pk, sbp=126, dbp=78, day=day(1))]
    results = phone.push(*batch).json()["results"]
    assert [r["status"] for r in results] == ["applied", "rejected", "applied"]
    assert results[1]["code"] == "no_county_hospital"
    assert FollowUpVisit.objects.filter(resident=hypertensive).count() == 2
    assert not Referral.objects.exists() and Mutation.objects.count() == 2
