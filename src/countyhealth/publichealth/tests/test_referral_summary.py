"""The referral a follow-up opens carries the resident's recent records: a few of each kind, however long
the history of one kind is."""

import datetime as dt

from django.utils import timezone

from countyhealth.publichealth import actions
from countyhealth.publichealth.models import FollowUpVisit

TODAY = timezone.localdate()


def test_a_long_follow_up_history_does_not_crowd_older_kinds_out_of_the_summary(htn_patient, users):
    resident, _enrolment = htn_patient
    first = actions.do_record_followup(acting_user=users.village_doctor_a1, resident_id=resident.pk,
                                       programme="hypertension",
                                       data={"visit_date": TODAY - dt.timedelta(days=300), "mode": "clinic",
                                             "sbp": 128, "dbp": 80})
    copy = {f.attname: getattr(first, f.attname) for f in FollowUpVisit._meta.concrete_fields
            if f.attname not in ("id", "client_uuid")}
    FollowUpVisit.objects.bulk_create([FollowUpVisit(**{**copy, "visit_date": TODAY - dt.timedelta(days=250 - i)})
                                       for i in range(240)])  # more than a whole timeline page of 200
    visit = actions.do_record_followup(acting_user=users.village_doctor_a1, resident_id=resident.pk,
                                       programme="hypertension",
                                       data={"visit_date": TODAY, "mode": "clinic", "sbp": 182, "dbp": 96})
    kinds = [entry["kind"] for entry in visit.referral.summary["recent"]]
    assert kinds.count("followup") == 3
    assert "enrolment" in kinds  # a year old, behind 240 newer follow-ups
