"""Every write of the lab besides result intake (`ingest.py` for HL7, `entry.py` for forms and CSV files):
critical-value notification, escalation and acknowledgement, and orders with the recognition decision."""

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from countyhealth.accounts.roles import Role
from countyhealth.audit import log as audit
from countyhealth.core.errors import ActionError, Conflict
from countyhealth.notifications.actions import notify_users
from countyhealth.residents.models import Resident

from . import catalogue, queries, rules
from .models import AlertEvent, AlertRecipient, CriticalAlert, LabOrder, LabReport, LabResult
from .recipients import MAY_ACKNOWLEDGE, level_users

MAY_ORDER = {Role.VILLAGE_DOCTOR, Role.TOWNSHIP_DOCTOR, Role.COUNTY_DOCTOR, Role.CONSORTIUM_ADMIN}


# ---- critical values ------------------------------------------------------------------------------------


@transaction.atomic(savepoint=False)
def raise_alert(*, acting_user, report: LabReport, result: LabResult, now: datetime) -> CriticalAlert:
    """Runs inside the storing action: the result, its alert and the urgent notifications commit together."""
    alert = CriticalAlert.objects.create(
        result=result, resident_id=report.resident_id, test_code=result.test_code, value=result.value,
        unit=result.unit, flag=result.flag, ordering_org=report.ordering_org,
        ordering_department_id=report.ordering_department_id, ordering_doctor_id=report.ordering_doctor_id,
        performing_org=report.performing_org, notified_at=now, due_at=now + timedelta(minutes=rules.ACK_MINUTES))
    _call(alert, level=0, by=acting_user, now=now, step=AlertEvent.Step.NOTIFIED)
    audit.record_change(acting_user, "lab.critical_value_detected", alert, resident_id=alert.resident_id,
                        detail={"test": alert.test_code, "value": str(result.value), "flag": result.flag})
    return alert


def _call(alert: CriticalAlert, *, level: int, by, now: datetime, step: str) -> list[int]:
    """Notify the level's people (and, on escalation, the clinicians again), remember them, log the step."""
    ids = level_users(alert, level)
    if level > 0:
        ids = list(dict.fromkeys(ids + level_users(alert, 0)))
    AlertRecipient.objects.bulk_create([AlertRecipient(alert=alert, user_id=i, level=level) for i in ids],
                                       ignore_conflicts=True)
    test = alert.test
    resident_name = Resident.objects.filter(pk=alert.resident_id).values_list("name", flat=True).first() or ""
    title = (_("Critical value: %(resident)s %(test)s %(value)s %(unit)s") if level == 0 else
             _("Critical value NOT acknowledged (escalation %(level)s): %(resident)s %(test)s %(value)s %(unit)s")) % {
        "resident": resident_name, "test": test.name_zh, "value": alert.display_value, "unit": alert.unit,
        "level": level}
    notify_users(ids, kind="lab_critical_value", title=title, urgent=True, resident_id=alert.resident_id,
                 url=reverse("lab:alert-detail", args=[alert.pk]),
                 body=_("Acknowledge within %(minutes)s minutes with a read-back of the value.")
                 % {"minutes": rules.ACK_MINUTES})
    names = list(get_user_model().objects.filter(pk__in=ids).values_list("full_name", "username"))
    AlertEvent.objects.create(alert=alert, step=step, level=level, at=now, by=by,
                              recipients=[full or username for full, username in names])
    return ids


def do_escalate_overdue_alerts(*, acting_user, now: datetime | None = None, limit: int = 500) -> int:
    """The every-minute sweep: each open alert past `due_at` climbs one level (capped at 2, repeated every 10
    minutes until acknowledged) and is re-notified. One transaction per alert; a conditional update on the
    alert's own columns claims it, so two sweeps never escalate the same alert twice."""
    now = now or timezone.now()
    overdue = list(CriticalAlert.objects.open().filter(due_at__lte=now).order_by("due_at")
                   .values_list("pk", "level", "due_at")[:limit])
    escalated = 0
    for pk, level, due_at in overdue:
        with transaction.atomic():
            step = rules.next_escalation(level, now)
            claimed = CriticalAlert.objects.filter(pk=pk, status=rules.AlertStatus.OPEN, due_at=due_at).update(
                level=step.level, due_at=step.due_at, escalated_at=now)
            if not claimed:
                continue
            alert = CriticalAlert.objects.select_related("ordering_org").get(pk=pk)
            _call(alert, level=step.level, by=acting_user, now=now, step=AlertEvent.Step.ESCALATED)
            audit.record_change(acting_user, "lab.critical_value_escalated", alert, resident_id=alert.resident_id,
                                detail={"level": step.level, "overdue_since": due_at.isoformat()})
            escalated += 1
    return escalated


def do_acknowledge_alert(*, acting_user, alert_id: int, readback_value: str, action_taken: str,
                         now: datetime | None = None) -> CriticalAlert:
    """Read-back (critical-values.md §2): the typed value must equal the stored one; a mismatch is logged and
    the alert stays open. A match records who, when and the action taken, and closes the alert."""
    if acting_user.role not in MAY_ACKNOWLEDGE and not acting_user.is_superuser:
        raise ActionError(_("Only a doctor may acknowledge a critical value."), code="not_allowed")
    if not (action_taken or "").strip():
        raise ActionError(_("Say what was done for the patient."), code="required", field="action_taken")
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        alert = CriticalAlert.objects.select_for_update().get(pk=alert_id)
        rules.check_alert_transition(alert.status, rules.AlertStatus.ACKNOWLEDGED)
        matches = rules.readback_matches(alert.test, alert.value, readback_value)
        if not matches:
            AlertEvent.objects.create(alert=alert, step=AlertEvent.Step.READBACK_REJECTED, level=alert.level, at=now,
                                      by=acting_user, note=str(readback_value)[:500])
            audit.record_change(acting_user, "lab.critical_value_readback_rejected", alert,
                                resident_id=alert.resident_id, detail={"typed": str(readback_value)[:40]})
        else:
            done = CriticalAlert.objects.filter(pk=alert.pk, status=rules.AlertStatus.OPEN).update(
                status=rules.AlertStatus.ACKNOWLEDGED, ack_by=acting_user, ack_at=now, due_at=None,
                readback_value=str(readback_value).strip()[:40], action_taken=action_taken.strip()[:500])
            if not done:
                raise Conflict(_("Someone else acknowledged this critical value first."), code="already_acknowledged")
            AlertEvent.objects.create(alert=alert, step=AlertEvent.Step.ACKNOWLEDGED, level=alert.level, at=now,
                                      by=acting_user, note=action_taken.strip()[:500])
            audit.record_change(acting_user, "lab.critical_value_acknowledged", alert, resident_id=alert.resident_id,
                                detail={"level": alert.level, "minutes": round((now - alert.notified_at).total_seconds() / 60, 1)})
    if not matches:
        raise ActionError(_("The read-back value does not match the reported value; check it and type it again."),
                          code="readback_mismatch", field="readback_value")
    alert.refresh_from_db()
    return alert


# ---- orders and result recognition ------------------------------------------------------------------------


@transaction.atomic(durable=True)
def do_place_order(*, acting_user, resident_id: int, test_code: str, accept_result_id: int | None = None,
                   reason: str = "") -> LabOrder:
    """Order a test, or accept a recognisable result instead (互认). When recognisable results exist and the
    doctor orders anyway, the reason is required and recorded."""
    if acting_user.role not in MAY_ORDER and not acting_user.is_superuser:
        raise ActionError(_("Your role may not order lab tests."), code="not_allowed")
    if acting_user.organisation_id is None:
        raise ActionError(_("Your account belongs to no organisation."), code="no_organisation")
    test = catalogue.BY_CODE.get(test_code)
    if test is None:
        raise ActionError(_("Unknown test."), code="unknown_test", field="test_code")
    resident = Resident.objects.visible_to(acting_user).filter(pk=resident_id).first()
    if resident is None:
        raise ActionError(_("Resident not found."), code="not_found")
    candidates = queries.recognisable_results(resident.pk, test.code)
    order = LabOrder(resident=resident, test_code=test.code, ordering_org_id=acting_user.organisation_id,
                     ordering_department_id=acting_user.department_id, ordering_doctor=acting_user,
                     candidates=len(candidates))
    if accept_result_id is not None:
        chosen = next((r for r in candidates if r.pk == accept_result_id), None)
        if chosen is None:
            raise ActionError(_("That result is not recognisable for this order."), code="not_recognisable",
                              field="accept_result_id")
        order.decision, order.recognised_result, order.fee_avoided = LabOrder.Decision.RECOGNISED, chosen, test.fee
    else:
        reason = (reason or "").strip()
        if candidates and not reason:
            raise ActionError(_("A recognisable result exists: give the reason for repeating the test."),
                              code="reason_required", field="reason")
        order.decision, order.reason = LabOrder.Decision.ORDERED, reason[:300]
    order.save()
    audit.record_change(acting_user, "lab.order_placed", order, resident_id=resident.pk,
                        detail={"test": test.code, "decision": order.decision, "candidates": len(candidates),
                                "accepted_result": accept_result_id})
    return order
