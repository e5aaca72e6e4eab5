"""Critical values: notified at once, escalated by the sweep when not acknowledged, closed by a read-back."""

from datetime import timedelta

import pytest
from django.utils import timezone

from countyhealth.accounts.roles import Role
from countyhealth.accounts.system import system_user
from countyhealth.audit.models import AuditLog
from countyhealth.core import scheduler
from countyhealth.core.errors import ActionError
from countyhealth.lab import actions
from countyhealth.lab.models import AlertEvent, CriticalAlert, EscalationContact
from countyhealth.notifications.models import Notification
from countyhealth.orgs.tests.factories import DepartmentFactory

from .factories import critical_potassium


@pytest.fixture
def patient(county, make_resident):
    return make_resident(county.village_a1, name="王建国", sex="1")


@pytest.fixture
def ladder(county, make_user):
    """Township A's director (level 1) and the county hospital's medical-affairs office (level 2)."""
    director = make_user(Role.CONSORTIUM_ADMIN, county.township_a, username="director_a", full_name="东山院长")
    EscalationContact.objects.create(organisation=county.township_a, level=1, user=director)
    office = DepartmentFactory(organisation=county.hospital, code="YWK", name="医务科", kind="medical_affairs")
    affairs = make_user(Role.CONSORTIUM_ADMIN, county.hospital, username="affairs", department=office)
    return director, affairs


def sweep(minutes, start):
    return actions.do_escalate_overdue_alerts(acting_user=system_user("critical-values"),
                                              now=start + timedelta(minutes=minutes))


def test_critical_result_notifies_the_ordering_doctor_urgently(users, patient):
    alert = critical_potassium(users.lab_technician, patient, users.township_doctor_a)
    assert (alert.status, alert.level, alert.flag) == ("open", 0, "HH")
    assert alert.due_at == alert.notified_at + timedelta(minutes=10)
    note = Notification.objects.get(recipient=users.township_doctor_a)
    assert note.urgent and "6.9" in note.title and note.url.endswith(f"/lab/critical/{alert.pk}/")
    assert not Notification.objects.filter(recipient=users.township_doctor_b).exists()
    assert AlertEvent.objects.get(alert=alert).step == "notified"
    assert AuditLog.objects.filter(action="lab.critical_value_detected").exists()


def test_village_order_also_notifies_the_township_doctors(users, patient):
    critical_potassium(users.lab_technician, patient, users.village_doctor_a1)
    assert Notification.objects.filter(recipient=users.village_doctor_a1, urgent=True).exists()
    assert Notification.objects.filter(recipient=users.township_doctor_a, urgent=True).exists()


def test_sweep_escalates_every_ten_minutes_until_acknowledged(users, patient, ladder):
    director, affairs = ladder
    alert = critical_potassium(users.lab_technician, patient, users.township_doctor_a)
    start = alert.notified_at
    assert sweep(9, start) == 0
    assert sweep(10, start) == 1
    alert.refresh_from_db()
    assert alert.level == 1 and alert.due_at == start + timedelta(minutes=20)
    assert Notification.objects.filter(recipient=director, urgent=True).count() == 1
    assert Notification.objects.filter(recipient=users.township_doctor_a).count() == 2  # re-notified
    assert sweep(10, start) == 0  # the same minute again: nothing twice
    assert sweep(20, start) == 1
    alert.refresh_from_db()
    assert alert.level == 2
    assert Notification.objects.filter(recipient=affairs, urgent=True).count() == 1
    assert sweep(30, start) == 1  # repeated until handled
    assert Notification.objects.filter(recipient=affairs).count() == 2
    assert list(alert.events.values_list("step", "level")) == [
        ("notified", 0), ("escalated", 1), ("escalated", 2), ("escalated", 2)]
    # The medical-affairs officer was called, so they may open and acknowledge it.
    assert CriticalAlert.objects.visible_to(affairs).filter(pk=alert.pk).exists()


def test_wrong_readback_is_logged_and_the_alert_stays_open(users, patient):
    alert = critical_potassium(users.lab_technician, patient, users.township_doctor_a)
    with pytest.raises(ActionError) as caught:
        actions.do_acknowledge_alert(acting_user=users.township_doctor_a, alert_id=alert.pk, readback_value="6.8",
                                     action_taken="复查")
    assert caught.value.code == "readback_mismatch"
    alert.refresh_from_db()
    assert alert.status == "open"
    assert alert.events.filter(step="readback_rejected", note="6.8").exists()


def test_acknowledgement_closes_the_alert_and_stops_escalation(users, patient):
    alert = critical_potassium(users.lab_technician, patient, users.township_doctor_a)
    now = alert.notified_at + timedelta(minutes=4)
    done = actions.do_acknowledge_alert(acting_user=users.township_doctor_a, alert_id=alert.pk,
                                        readback_value="6.9", action_taken="停用补钾，急查心电图，转县医院", now=now)
    assert (done.status, done.ack_by, done.ack_at, done.due_at) == ("acknowledged", users.township_doctor_a, now, None)
    assert sweep(60, alert.notified_at) == 0
    with pytest.raises(ActionError):
        actions.do_acknowledge_alert(acting_user=users.township_doctor_a, alert_id=alert.pk, readback_value="6.9",
                                     action_taken="again")


def test_lab_technician_cannot_acknowledge(users, patient):
    alert = critical_potassium(users.lab_technician, patient, users.township_doctor_a)
    with pytest.raises(ActionError):
        actions.do_acknowledge_alert(acting_user=users.lab_technician, alert_id=alert.pk, readback_value="6.9",
                                     action_taken="x")


def test_sweep_is_scheduled_every_minute():
    job = scheduler.JOBS["lab.escalate_critical_alerts"]
    assert job.every == timedelta(minutes=1)


def test_scheduled_task_runs_the_sweep(users, patient):
    from countyhealth.lab.tasks import escalate_critical_alerts

    alert = critical_potassium(users.lab_technician, patient, users.township_doctor_a)
    CriticalAlert.objects.filter(pk=alert.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    escalate_critical_alerts.call()
    alert.refresh_from_db()
    assert alert.level == 1
    assert AuditLog.objects.filter(action="lab.critical_value_escalated", username="system:critical-values").exists()
