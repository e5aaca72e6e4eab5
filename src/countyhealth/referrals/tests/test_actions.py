import datetime as dt

import pytest
from django.utils import timezone
from django.utils.translation import gettext

from countyhealth.appointments.models import Booking, Slot
from countyhealth.appointments.tests.factories import cardiology, publish
from countyhealth.audit.models import AuditLog
from countyhealth.core import hooks
from countyhealth.core.errors import ActionError, Conflict, NotVisible
from countyhealth.notifications.models import Notification
from countyhealth.referrals import actions
from countyhealth.referrals.models import Referral, ReferralEvent

from .factories import refer_up


def test_upward_referral_books_a_reserved_slot_and_notifies_the_hospital(users, county, make_resident):
    department = cardiology(county)
    session = publish(users.county_doctor, department)
    slot = session.slots.get(pool="referral", starts_at=session.starts_at)
    referral = refer_up(users, county, make_resident, department=department, slot_id=slot.pk)
    assert referral.status == "sent" and referral.to_org == county.hospital
    assert referral.booking.slot_id == slot.pk and Slot.objects.get(pk=slot.pk).booked == 1
    assert "recent" in referral.summary
    assert list(referral.events.values_list("status", flat=True)) == ["sent"]
    assert Notification.objects.filter(recipient=users.county_doctor, kind="referrals.sent").exists()


def test_summary_gathers_timeline_entries_of_upper_apps(users, county, make_resident):
    from countyhealth.core import timeline
    from countyhealth.core.timeline import TimelineEntry

    timeline.register("test-ecg", lambda resident, user: [TimelineEntry(at=timezone.now(), kind="ecg",
                                                                       title="心电图报告", summary="ST段抬高")])
    try:
        referral = refer_up(users, county, make_resident)
    finally:
        timeline.unregister("test-ecg")
    assert {"kind": "ecg", "title": "心电图报告"}.items() <= referral.summary["recent"][0].items()


def test_accept_then_double_accept_and_decline_are_refused(users, county, make_resident):
    department = cardiology(county)
    session = publish(users.county_doctor, department)
    referral = refer_up(users, county, make_resident, department=department)
    slot = session.slots.get(pool="referral", starts_at=session.starts_at)
    accepted = actions.do_accept_referral(acting_user=users.county_doctor, referral_id=referral.pk, slot_id=slot.pk)
    assert accepted.status == "accepted" and accepted.booking.source == "referral"
    assert Notification.objects.filter(recipient=users.township_doctor_a, kind="referrals.accepted").exists()
    other_slot = session.slots.exclude(pk=slot.pk).filter(pool="referral").first()
    with pytest.raises(Conflict) as error:
        actions.do_accept_referral(acting_user=users.county_doctor, referral_id=referral.pk, slot_id=other_slot.pk)
    assert error.value.code == "referral_accepted"
    assert str(error.value.message) == gettext("This referral has already been accepted.") == "该转诊已被接收。"
    assert Booking.objects.count() == 1 and Slot.objects.get(pk=other_slot.pk).booked == 0
    with pytest.raises(Conflict):
        actions.do_decline_referral(acting_user=users.county_doctor, referral_id=referral.pk, reason="床位已满")
    assert ReferralEvent.objects.filter(referral=referral).count() == 2


def test_accepting_a_declined_referral_changes_nothing(users, county, make_resident):
    referral = refer_up(users, county, make_resident)
    admission = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(ActionError) as error:
        actions.do_decline_referral(acting_user=users.county_doctor, referral_id=referral.pk, reason=" ")
    assert error.value.code == "no_reason"
    actions.do_decline_referral(acting_user=users.county_doctor, referral_id=referral.pk, reason="建议转市级医院")
    with pytest.raises(Conflict) as error:
        actions.do_accept_referral(acting_user=users.county_doctor, referral_id=referral.pk, admission_at=admission)
    assert error.value.code == "referral_declined"
    referral.refresh_from_db()
    assert referral.status == "declined" and referral.admission_at is None
    assert Notification.objects.filter(recipient=users.township_doctor_a, kind="referrals.declined").exists()


def test_sender_cannot_accept_its_own_referral(users, county, make_resident):
    referral = refer_up(users, county, make_resident)
    with pytest.raises(NotVisible):
        actions.do_accept_referral(acting_user=users.township_doctor_a, referral_id=referral.pk,
                                   admission_at=timezone.now() + dt.timedelta(days=1))
    assert Referral.objects.get(pk=referral.pk).status == "sent"


def test_accept_needs_slot_or_admission(users, county, make_resident):
    referral = refer_up(users, county, make_resident)
    with pytest.raises(ActionError) as error:
        actions.do_accept_referral(acting_user=users.county_doctor, referral_id=referral.pk)
    assert error.value.code == "no_slot_or_admission"


def test_full_journey_with_feedback_and_history(users, county, make_resident):
    referral = refer_up(users, county, make_resident)
    actions.do_accept_referral(acting_user=users.county_doctor, referral_id=referral.pk,
                               admission_at=timezone.now() + dt.timedelta(hours=3))
    actions.do_mark_arrived(acting_user=users.county_doctor, referral_id=referral.pk)
    with pytest.raises(ActionError):
        actions.do_complete_referral(acting_user=users.county_doctor, referral_id=referral.pk, feedback="")
    done = actions.do_complete_referral(acting_user=users.county_doctor, referral_id=referral.pk,
                                        feedback="已调整降压方案，建议社区随访")
    assert done.feedback.startswith("已调整")
    assert list(done.events.order_by("at", "id").values_list("status", flat=True)) == [
        "sent", "accepted", "arrived", "completed"]
    assert AuditLog.objects.filter(action="referrals.referral_completed").exists()


def test_downward_referral_with_care_plan_announces_the_hook(users, county, make_resident):
    heard = []
    with hooks.listening("referrals.downward_referral_created", lambda **kw: heard.append(kw)):
        patient = refer_up(users, county, make_resident).resident
        plan = {"programme": "hypertension", "next_followup_on": (timezone.localdate() + dt.timedelta(days=14)).isoformat(),
                "notes": "氨氯地平 5mg qd"}
        down = actions.do_refer_down(acting_user=users.county_doctor, resident_id=patient.pk,
                                     to_org_id=county.clinic_a1.pk, reason="病情稳定，转回基层管理",
                                     discharge_summary="血压控制达标", care_plan=plan)
    assert down.direction == "down" and down.care_plan == plan
    assert heard and heard[0]["referral"].pk == down.pk
    assert Notification.objects.filter(recipient=users.village_doctor_a1, kind="referrals.sent").exists()


def test_downward_referral_bad_input(users, county, make_resident):
    patient = make_resident(county.village_a1)
    actions.do_refer_up(acting_user=users.township_doctor_a, resident_id=patient.pk, reason="x", urgency="urgent")
    with pytest.raises(ActionError) as error:
        actions.do_refer_down(acting_user=users.county_doctor, resident_id=patient.pk, to_org_id=county.hospital.pk,
                              reason="x", discharge_summary="y")
    assert error.value.code == "bad_to_org"
    with pytest.raises(ActionError) as error:
        actions.do_refer_down(acting_user=users.county_doctor, resident_id=patient.pk, to_org_id=county.clinic_a1.pk,
                              reason="x", discharge_summary="y", care_plan={"programme": "diabetes"})
    assert error.value.code == "bad_care_plan"
    assert not Referral.objects.filter(direction="down").exists()


def test_refer_up_out_of_scope_resident(users, county, make_resident):
    with pytest.raises(NotVisible):
        refer_up(users, county, make_resident, resident=make_resident(county.village_b1))
    with pytest.raises(ActionError) as error:
        actions.do_refer_up(acting_user=users.county_doctor, resident_id=make_resident(county.village_a1).pk,
                            reason="x", urgency="routine")
    assert error.value.code == "not_primary_care"
