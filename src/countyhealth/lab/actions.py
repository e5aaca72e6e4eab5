"""Every write of the lab: HL7 result ingest, critical-value notification, escalation and acknowledgement,
and orders with the recognition decision."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from countyhealth.accounts.access import scope_for
from countyhealth.accounts.roles import Role
from countyhealth.audit import log as audit
from countyhealth.core.errors import ActionError, Conflict
from countyhealth.notifications.actions import notify_users
from countyhealth.orgs.models import Organisation
from countyhealth.residents.models import Resident, ResidentIdentifier
from countyhealth.residents.queries import id_number_holders

from . import catalogue, hl7in, queries, rules
from .models import AlertEvent, AlertRecipient, CriticalAlert, Hl7Message, LabOrder, LabReport, LabResult
from .recipients import MAY_ACKNOWLEDGE, level_users

MAY_SEND_RESULTS = {Role.LAB_TECHNICIAN, Role.CONSORTIUM_ADMIN}
MAY_ORDER = {Role.VILLAGE_DOCTOR, Role.TOWNSHIP_DOCTOR, Role.COUNTY_DOCTOR, Role.CONSORTIUM_ADMIN}


@dataclass
class IngestOutcome:
    ack: str
    code: str  # AA, AE, AR
    reason: str = ""
    error_code: str = ""
    replay: bool = False
    report_ids: tuple = ()

    @property
    def accepted(self) -> bool:
        return self.code == "AA"


# ---- HL7 ORU^R01 ingest --------------------------------------------------------------------------------


def do_ingest_hl7(*, acting_user, raw: str) -> IngestOutcome:
    """One ORU^R01 message: everything stored in one transaction and answered AA, or nothing stored (only the
    rejected message itself, for the record) and answered AE/AR with the reason. A repeated MSH-10 from the
    same sender is answered AA without storing anything again (architecture §8)."""
    message = None
    control_id = ""
    try:
        message, oru = hl7in.parse(raw)
        control_id = oru.control_id
        if Hl7Message.objects.filter(sender=oru.sender, control_id=control_id, status="accepted").exists():
            return IngestOutcome(hl7in.ack(message, "AA", control_id=control_id), "AA", replay=True)
        plan = _plan(acting_user, oru)
    except hl7in.Rejected as rejected:
        message = getattr(rejected, "hl7_message", message)
        return _reject(acting_user, raw, message, control_id, rejected)
    except ActionError as error:
        return _reject(acting_user, raw, message, control_id,
                       hl7in.Rejected(str(error.message), code=error.code, ack_code="AE"))
    ack = hl7in.ack(message, "AA", control_id=control_id)
    try:
        reports = _store(acting_user, raw, ack, oru, plan)
    except IntegrityError:  # the same message committed by a concurrent delivery
        return IngestOutcome(ack, "AA", replay=True)
    return IngestOutcome(ack, "AA", report_ids=tuple(r.pk for r in reports))


def _reject(acting_user, raw, message, control_id, rejected: hl7in.Rejected) -> IngestOutcome:
    text = hl7in.ack(message, rejected.ack_code, rejected.message, control_id=control_id)
    sender = ""
    if message is not None:
        sender = hl7in.component(message.segment("MSH"), 4, 0, 0)
    with transaction.atomic():
        Hl7Message.objects.create(sender=sender[:64], control_id=control_id[:64], status="rejected", raw=raw,
                                  ack=text, error_code=rejected.code, error=rejected.message[:500],
                                  received_by=acting_user)
    return IngestOutcome(text, rejected.ack_code, rejected.message, rejected.code)


@dataclass
class _PlannedReport:
    request: hl7in.Request
    order: LabOrder | None
    ordering_org: Organisation
    ordering_doctor_id: int | None
    ordering_department_id: int | None
    results: list[LabResult]


@dataclass
class _Plan:
    resident: Resident
    performing_org: Organisation
    reports: list[_PlannedReport]


def _reject_with(message: str, code: str, ack_code: str = "AE"):
    raise hl7in.Rejected(message, code=code, ack_code=ack_code)


def _plan(acting_user, oru: hl7in.OruMessage) -> _Plan:
    """Resolve and validate everything before writing anything: a bad OBX anywhere rejects the message."""
    if acting_user.role not in MAY_SEND_RESULTS and not acting_user.is_superuser:
        _reject_with(_("Your account may not send lab results."), "not_allowed", "AR")
    performing = Organisation.objects.filter(code=oru.sender, is_active=True).first()
    if performing is None:
        _reject_with(_("Unknown sending facility “%(code)s” (MSH-4).") % {"code": oru.sender}, "unknown_sender", "AR")
    scope = scope_for(acting_user)
    if not scope.everything and performing.pk not in scope.org_ids:
        _reject_with(_("You may not send results for %(org)s.") % {"org": performing.name}, "not_allowed", "AR")
    resident = _match_patient(oru)
    now = timezone.now()
    age_days = rules.age_in_days(resident.birth_date, timezone.localdate())
    reports = []
    for request in oru.requests:
        order, doctor_id, department_id, ordering_org = _ordering(oru, request, resident)
        specimen_at = request.specimen_at or next((o.observed_at for o in request.observations if o.observed_at), None)
        if specimen_at is None:
            _reject_with(_("OBR-7 (specimen collection time) is missing."), "no_specimen_time")
        if specimen_at > now + timedelta(minutes=5):
            _reject_with(_("The specimen time lies in the future."), "future_specimen")
        results = [_result(obs, resident, performing, specimen_at, age_days) for obs in request.observations]
        reports.append(_PlannedReport(request, order, ordering_org, doctor_id, department_id, results))
    return _Plan(resident, performing, reports)


def _match_patient(oru: hl7in.OruMessage) -> Resident:
    """Through the MPI: the ID number (old numbers lead to the master record), else a hospital MRN."""
    candidates: set[int] = set()
    for ident in oru.identifiers:
        if ident.type_code in hl7in.ID_TYPES or (len(ident.value) == 18 and not ident.type_code):
            candidates |= set(id_number_holders(ident.value.upper()))
        elif ident.type_code == "MR" and ident.authority:
            candidates |= set(ResidentIdentifier.objects.filter(
                system=ResidentIdentifier.System.MRN, issuer=ident.authority, value=ident.value)
                .values_list("resident_id", flat=True))
    residents = list(Resident.objects.filter(pk__in=candidates, is_active=True))
    if not residents:  # a merged record's identifiers lead to the master
        masters = Resident.objects.filter(pk__in=candidates).exclude(master=None).values("master_id")
        residents = list(Resident.objects.filter(pk__in=masters, is_active=True))
    if not residents:
        _reject_with(_("Unknown patient: no resident matches the identifiers in PID-3."), "unknown_patient")
    if len(residents) > 1:
        _reject_with(_("The identifiers in PID-3 lead to more than one resident."), "ambiguous_patient")
    resident = residents[0]
    sent_name = f"{oru.family_name}{oru.given_name}".replace(" ", "")
    if sent_name and sent_name != resident.name.replace(" ", ""):
        _reject_with(_("Patient name in PID-5 does not match the resident matched by the identifiers."),
                     "patient_mismatch")
    return resident


def _ordering(oru, request, resident):
    order = None
    if request.placer.upper().startswith("LO") and request.placer[2:].isdigit():
        order = LabOrder.objects.filter(pk=int(request.placer[2:]), resident=resident).first()
        if order is None:
            _reject_with(_("Placer order %(number)s is not an order of this patient.") % {"number": request.placer},
                         "unknown_order")
        return order, order.ordering_doctor_id, order.ordering_department_id, order.ordering_org
    doctor = None
    username = request.ordering_doctor or oru.ordering_doctor
    if username:
        doctor = get_user_model().objects.filter(username=username, is_active=True).select_related("organisation").first()
    facility = None
    if oru.ordering_facility:
        facility = Organisation.objects.filter(code=oru.ordering_facility, is_active=True).first()
        if facility is None:
            _reject_with(_("Unknown ordering facility “%(code)s”.") % {"code": oru.ordering_facility}, "unknown_facility")
    org = facility or (doctor.organisation if doctor and doctor.organisation else resident.catchment_org)
    return None, doctor.pk if doctor else None, doctor.department_id if doctor else None, org


def _result(obs: hl7in.Observation, resident, performing, specimen_at: datetime, age_days: int) -> LabResult:
    test = catalogue.find(obs.code)
    if test is None:
        _reject_with(_("Unknown test code “%(code)s” in OBX %(n)s.") % {"code": obs.code, "n": obs.set_id},
                     "unknown_test")
    if obs.value_type not in ("NM", "SN", ""):
        _reject_with(_("OBX %(n)s: only numeric results (NM) are accepted.") % {"n": obs.set_id}, "unsupported_value")
    if obs.status not in ("F", "C"):
        _reject_with(_("OBX %(n)s: only final or corrected results (OBX-11 F or C) are stored.") % {"n": obs.set_id},
                     "not_final")
    value = rules.normalise(test, rules.parse_value(obs.value), obs.unit)
    return LabResult(
        resident=resident, test_code=test.code, value=value, unit=test.unit, reported_value=obs.value[:40],
        reported_unit=obs.unit[:20], reference=rules.reference_text(test, sex=resident.sex, age_days=age_days),
        flag=rules.classify(test, value, sex=resident.sex, age_days=age_days), specimen_at=specimen_at,
        performing_org_type=performing.org_type, qc_passed=obs.status in ("F", "C"),
    )


@transaction.atomic(durable=True)
def _store(acting_user, raw, ack, oru, plan: _Plan) -> list[LabReport]:
    message = Hl7Message.objects.create(sender=oru.sender, control_id=oru.control_id, status="accepted", raw=raw,
                                        ack=ack, received_by=acting_user)
    now = timezone.now()
    reports = []
    for planned in plan.reports:
        report = LabReport.objects.create(
            resident=plan.resident, order=planned.order, ordering_org=planned.ordering_org,
            ordering_department_id=planned.ordering_department_id, ordering_doctor_id=planned.ordering_doctor_id,
            performing_org=plan.performing_org, report_number=planned.request.filler[:64],
            specimen_at=planned.results[0].specimen_at, reported_at=planned.request.reported_at or now,
            qc_status=LabReport.QC.PASSED, source=LabReport.Source.HL7, message=message)
        for result in planned.results:
            result.report = report
        LabResult.objects.bulk_create(planned.results)
        for result in planned.results:
            if rules.is_critical(result.flag):
                raise_alert(acting_user=acting_user, report=report, result=result, now=now)
        reports.append(report)
    audit.record_change(acting_user, "lab.results_received", message, resident_id=plan.resident.pk,
                        detail={"control_id": oru.control_id, "reports": [r.pk for r in reports],
                                "results": sum(len(p.results) for p in plan.reports)})
    return reports


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
