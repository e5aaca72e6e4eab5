"""Referrals in batches (a phone's push, issue #10): the many-resident timeline gives each resident exactly
what the one-resident one gives, and `create_referrals` / `refer_followups` write what as many single calls
write, in a number of queries that does not grow with the batch. Cross-app: the seven apps' timeline sources
(records, programmes, family doctor, referrals, ECG, lab, imaging) all take part."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from countyhealth.audit.models import AuditLog
from countyhealth.core import timeline
from countyhealth.core.timeline import TimelineEntry
from countyhealth.ecg.models import Ecg
from countyhealth.imaging.models import ImagingStudy
from countyhealth.lab.tests.factories import ingest
from countyhealth.notifications.models import Notification
from countyhealth.publichealth import actions as publichealth
from countyhealth.publichealth.models import Enrolment
from countyhealth.referrals import actions as referrals
from countyhealth.referrals.models import Referral, ReferralEvent
from countyhealth.residents.models import AccessGrant

TODAY = timezone.localdate()
LEFT_OUT = {"referral"}


def _ecg(resident, user, n):
    return Ecg.objects.create(resident=resident, organisation=user.organisation, uploaded_by=user,
                              file=f"ecg/{resident.pk}-{n}.csv", original_name="ecg.csv", sha256=f"{n:064d}", size=1,
                              source_format="csv", sampling_rate=500, duration_s=10, analysis={"rhythm": "sinus"})


def _study(resident, user, county, n):
    return ImagingStudy.objects.create(resident=resident, from_org=user.organisation, to_org=county.hospital,
                                       uploaded_by=user, clinical_question="咳嗽两周", modality="CT",
                                       study_instance_uid=f"1.2.826.0.1.{resident.pk}.{n}")


def _followup(user, resident, days_ago, sbp, dbp):
    return publichealth.do_record_followup(
        acting_user=user, resident_id=resident.pk, programme="hypertension",
        data={"visit_date": TODAY - dt.timedelta(days=days_ago), "mode": "clinic", "sbp": sbp, "dbp": dbp})


@pytest.fixture
def residents(county, users, make_resident):
    """Five residents of village a1: `full` has a row in every kind of source (and the most rows), the others
    a few kinds each, `empty` nothing."""
    doctor = users.village_doctor_a1
    full, enrolled, lab_only, empty, imaged = (
        make_resident(county.village_a1, birth_date=dt.date(1950 + i, 3, 1), sex="1") for i in range(5))
    for resident in (full, enrolled):
        publichealth.do_enrol(acting_user=doctor, resident_id=resident.pk, programme="hypertension",
                              enrolled_on=TODAY - dt.timedelta(days=400))
    for days_ago, sbp in ((200, 132), (120, 128), (60, 135), (30, 130), (0, 182)):  # the last one refers
        _followup(doctor, full, days_ago, sbp, 96 if sbp > 170 else 82)
    _followup(doctor, enrolled, 10, 184, 98)  # refers: a referral, left out of the summaries
    for n, resident in enumerate((full, lab_only, full)):
        outcome = ingest(users.lab_technician, resident, control_id=f"L{n}",
                         specimen_at=timezone.now() - dt.timedelta(days=n),
                         observations=(("2823-3", "4.1", "mmol/L"), ("2823-3", f"4.{n + 2}", "mmol/L")))
        assert outcome.accepted, outcome.reason
    for n in range(4):
        _ecg(full, doctor, n)
    Ecg.objects.filter(resident=full).update(uploaded_at=timezone.now())  # a tie: the higher id goes first
    for n, resident in enumerate((full, imaged, imaged)):
        _study(resident, doctor, county, n)
    return [full, enrolled, lab_only, empty, imaged]


def _exact(entries):
    """Entries with the fields equality leaves out (their place among ties)."""
    return [(entry, entry.source, entry.pk) for entry in entries]


@pytest.mark.parametrize(("count", "leave_out"), [(3, LEFT_OUT), (1, ()), (50, ())])
def test_each_residents_newest_of_each_source_are_the_one_resident_answer(residents, users, count, leave_out):
    kinds = {e.kind for e in timeline.newest_of_each_source(residents[0], users.village_doctor_a1, count=50)}
    assert {"enrolment", "followup", "lab_report", "ecg", "imaging", "referral"} <= kinds  # the history is varied
    for user in (users.village_doctor_a1, users.county_doctor):
        batch = timeline.newest_of_each_source_by_resident(residents + residents[:2], user, count=count,
                                                           leave_out=leave_out)
        assert list(batch) == [r.pk for r in residents]
        for resident in residents:
            one = timeline.newest_of_each_source(resident, user, count=count, leave_out=leave_out)
            assert _exact(batch[resident.pk]) == _exact(one)
    assert timeline.newest_of_each_source_by_resident([], users.village_doctor_a1, count=3) == {}


def test_a_plain_provider_is_asked_for_each_resident(residents, users):
    timeline.register("test-note", lambda resident, user: [
        TimelineEntry(at=TODAY - dt.timedelta(days=1), kind="note", title=f"note {resident.pk}")])
    try:
        batch = timeline.newest_of_each_source_by_resident(residents, users.village_doctor_a1, count=3)
        for resident in residents:
            assert _exact(batch[resident.pk]) == _exact(
                timeline.newest_of_each_source(resident, users.village_doctor_a1, count=3))
            assert f"note {resident.pk}" in [entry.title for entry in batch[resident.pk]]
    finally:
        timeline.unregister("test-note")


def _queries(fn):
    with CaptureQueriesContext(connection) as captured:
        result = fn()
    return len(captured), result


def test_the_batch_timeline_costs_the_same_queries_for_two_residents_as_for_five(residents, users):
    user = users.village_doctor_a1
    few, _ = _queries(lambda: timeline.newest_of_each_source_by_resident(
        [residents[0], residents[-1]], user, count=3, leave_out=LEFT_OUT))
    many, _ = _queries(lambda: timeline.newest_of_each_source_by_resident(residents, user, count=3,
                                                                         leave_out=LEFT_OUT))
    sources = sum(len(r.provider.sources(user)) for r in timeline._registry.values())
    assert few == many <= 1 + sources


def _requests(residents, county, urgencies):
    return [referrals.ReferralRequest(resident=resident, to_org=county.hospital, direction=Referral.Direction.UP,
                                      urgency=urgency, reason=f"血压控制不佳 {n}", summary={"n": n},
                                      source=f"test:{n}")
            for n, (resident, urgency) in enumerate(zip(residents, urgencies, strict=True))]


def _written(referral_ids):
    """What the referrals wrote, without ids and times, in the order of `referral_ids`."""
    rows = {r.pk: r for r in Referral.objects.filter(pk__in=referral_ids)}
    written = []
    for pk in referral_ids:
        r = rows[pk]
        written.append({
            "referral": (r.resident_id, r.direction, r.urgency, r.status, r.from_org_id, r.to_org_id, r.reason,
                         r.summary, r.source, r.created_by_id),
            "grants": list(AccessGrant.objects.filter(note=f"referral:{pk}").values_list(
                "resident_id", "organisation_id", "reason", "granted_by_id")),
            "events": list(ReferralEvent.objects.filter(referral_id=pk).values_list("status", "by_id")),
            "audit": list(AuditLog.objects.filter(object_type="referrals.referral", object_id=str(pk)).values_list(
                "action", "user_id", "org_id", "resident_id", "detail")),
            "notifications": sorted(Notification.objects.filter(url=f"/referrals/{pk}/").values_list(
                "recipient_id", "kind", "title", "body", "urgent", "resident_id")),
        })
    return written


def test_create_referrals_writes_what_single_calls_write_in_the_queries_of_one(residents, users, county,
                                                                                make_user):
    from countyhealth.accounts.roles import Role

    make_user(Role.COUNTY_DOCTOR, county.hospital, username="county_doc_2")
    doctor = users.village_doctor_a1
    urgencies = ["routine", "emergency", "routine", "urgent", "routine"]
    singles = [referrals.create_referral(acting_user=doctor, **vars(request))
               for request in _requests(residents, county, urgencies)]
    one, _ = _queries(lambda: referrals.create_referrals(acting_user=doctor,
                                                         requests=_requests(residents[:1], county, urgencies[:1])))
    many, batch = _queries(lambda: referrals.create_referrals(acting_user=doctor,
                                                              requests=_requests(residents, county, urgencies)))
    assert one == many
    assert _written([r.pk for r in batch]) == _written([r.pk for r in singles])
    assert [r.summary["recent"] for r in batch] == [
        referrals.recent_summaries([resident], doctor)[resident.pk] for resident in residents]
    assert batch[0].summary["recent"] and not batch[3].summary["recent"]  # `empty` has nothing to summarise
    emergency = Notification.objects.filter(url=f"/referrals/{batch[1].pk}/")
    assert emergency.count() == 3 and all(n.urgent for n in emergency)  # the admin and both county doctors


class _Undo(Exception):
    pass


def test_refer_followups_refers_as_many_single_calls_do(residents, users):
    doctor = users.village_doctor_a1
    enrolments = {e.resident_id: e for e in Enrolment.objects.filter(resident__in=residents[:2])}
    items = []
    for resident, sbp in ((residents[0], 186), (residents[1], 190), (residents[0], 200)):
        enrolment = enrolments[resident.pk]
        facts, decision = publichealth.decide_followup(enrolment, {"visit_date": TODAY, "mode": "clinic",
                                                                   "sbp": sbp, "dbp": 100})
        visit = publichealth.followup_row(enrolment, facts, decision, {}, doctor)
        visit.save()
        assert decision.next_action.is_referral
        items.append((enrolment, visit, decision))
    with pytest.raises(_Undo), transaction.atomic():  # the single calls' rows, then undone
        expected = _written([publichealth.refer_followup(doctor, *item).pk for item in items])
        raise _Undo
    batch = publichealth.refer_followups(doctor, items)
    assert _written([r.pk for r in batch]) == expected
    assert [r.source for r in batch] == [f"publichealth.followupvisit:{visit.pk}" for _e, visit, _d in items]
    assert publichealth.refer_followups(doctor, []) == []
