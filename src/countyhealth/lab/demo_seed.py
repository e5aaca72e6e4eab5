"""Demo lab data: a year of chronic-disease monitoring (FPG, HbA1c, lipids, creatinine, K⁺) for residents in the
hypertension and diabetes programmes, performed by the county lab or their township centre, a handful of
critical values (open, escalated, acknowledged), recognition decisions and escalation contacts.

Bulk inserts as the demo seeder does (seed.py explains the exception to "writes go through actions"); values
are drawn per resident around a personal baseline so the trend charts look like real follow-up."""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from countyhealth.accounts.roles import Role
from countyhealth.orgs.models import Organisation, OrgType

from . import catalogue, rules
from .models import (
    AlertEvent,
    AlertRecipient,
    CriticalAlert,
    EscalationContact,
    LabOrder,
    LabReport,
    LabResult,
)

MAX_PATIENTS = 4000
BATCH = 2000


def _value(rng, code, base, diabetic):
    """A plausible value for the resident's baseline `base` (0..1) and whether they have diabetes."""
    if code == "fpg":
        return round(rng.gauss(5.4 + (2.6 if diabetic else 0) + base * 1.5, 0.8), 1)
    if code == "hba1c":
        return round(rng.gauss(5.6 + (1.6 if diabetic else 0) + base, 0.4), 1)
    if code == "tc":
        return round(rng.gauss(4.6 + base, 0.5), 2)
    if code == "tg":
        return round(max(0.4, rng.gauss(1.5 + base * 0.8, 0.4)), 2)
    if code == "ldl_c":
        return round(rng.gauss(2.7 + base * 0.8, 0.4), 2)
    if code == "hdl_c":
        return round(rng.gauss(1.25 - base * 0.2, 0.15), 2)
    if code == "creatinine":
        return round(rng.gauss(72 + base * 40, 10))
    return round(rng.gauss(4.2, 0.3), 1)  # potassium


def _panel(month: int) -> tuple[str, ...]:
    """Quarterly FPG and K⁺ with HbA1c; lipids and creatinine twice a year (national chronic-care practice)."""
    codes = ["fpg", "hba1c", "potassium"]
    if month % 6 == 0:
        codes += ["tc", "tg", "ldl_c", "hdl_c", "creatinine"]
    return tuple(codes)


def seed(*, seeder, seed: int, as_of) -> str:
    rng = random.Random(seed * 7919 + 7)
    hospital = Organisation.objects.filter(org_type=OrgType.COUNTY_HOSPITAL).order_by("path").first()
    if hospital is None:
        return "lab: no county hospital, nothing seeded"
    # Demo data only: the programme table is read by name, so lab keeps to its layer (clinical apps never
    # import each other).
    enrolments = apps.get_model("publichealth", "Enrolment")
    patients = list(enrolments.objects.filter(programme__in=["hypertension", "diabetes"], status="active")
                    .order_by("resident_id").values_list("resident_id", "programme", "responsible_doctor_id",
                                                         "catchment_org_id", "resident__sex", "resident__birth_date")
                    [:MAX_PATIENTS * 2])
    people: dict[int, dict] = {}
    for resident_id, programme, doctor_id, org_id, sex, birth in patients:
        person = people.setdefault(resident_id, {"diabetic": False, "doctor": doctor_id, "org": org_id, "sex": sex,
                                                 "birth": birth})
        person["diabetic"] |= programme == "diabetes"
    people = dict(list(people.items())[:MAX_PATIENTS])
    parents = dict(Organisation.objects.values_list("id", "parent_id"))
    types = dict(Organisation.objects.values_list("id", "org_type"))
    tz = timezone.get_current_timezone()
    reports, planned = [], []
    for resident_id, p in people.items():
        base = rng.random()
        township = p["org"] if types.get(p["org"]) == OrgType.TOWNSHIP_CENTRE else parents.get(p["org"]) or hospital.pk
        for quarter in range(4):
            day = as_of - timedelta(days=90 * quarter + rng.randrange(0, 60))
            specimen_at = datetime.combine(day, time(7 + rng.randrange(0, 3), rng.randrange(0, 60)), tz)
            performing = hospital.pk if rng.random() < 0.6 else township
            reports.append(LabReport(
                resident_id=resident_id, ordering_org_id=p["org"], ordering_doctor_id=p["doctor"],
                performing_org_id=performing, report_number=f"D{seed}-{resident_id}-{quarter}",
                specimen_at=specimen_at, reported_at=specimen_at + timedelta(hours=3), qc_status="passed",
                source=LabReport.Source.SEED))
            planned.append((p, base, performing, specimen_at.month))
    LabReport.objects.bulk_create(reports, batch_size=BATCH)
    today = as_of
    results = []
    for report, (p, base, performing, month) in zip(reports, planned, strict=True):
        age_days = rules.age_in_days(p["birth"], today)
        for code in _panel(month):
            test = catalogue.BY_CODE[code]
            value = Decimal(str(_value(rng, code, base, p["diabetic"])))
            results.append(LabResult(
                report=report, resident_id=report.resident_id, test_code=code, value=value, unit=test.unit,
                reported_value=str(value), reported_unit=test.unit,
                reference=rules.reference_text(test, sex=p["sex"], age_days=age_days),
                flag=rules.classify(test, value, sex=p["sex"], age_days=age_days), specimen_at=report.specimen_at,
                performing_org_type=types[performing], qc_passed=True))
    LabResult.objects.bulk_create(results, batch_size=BATCH)
    alerts = _critical_values(rng, seeder, reports[:: max(1, len(reports) // 8)][:8], hospital, types, today)
    orders = _orders(rng, people, results, hospital, types)
    _contacts(hospital)
    return (f"lab: {len(reports)} reports, {len(results)} results for {len(people)} chronic patients, "
            f"{alerts} critical values, {orders} orders with recognition decisions")


def _critical_values(rng, seeder, reports, hospital, types, today) -> int:
    """A few recent critical K⁺ / glucose results: two open (one escalated), the rest acknowledged."""
    now = timezone.now()
    made = 0
    for i, routine in enumerate(reports):
        code, raw = (("potassium", "6.8"), ("fpg", "24.6"), ("potassium", "2.5"))[i % 3]
        test = catalogue.BY_CODE[code]
        notified = now - timedelta(minutes=5 + 37 * i) if i < 2 else now - timedelta(days=i * 9)
        report = LabReport.objects.create(
            resident_id=routine.resident_id, ordering_org_id=routine.ordering_org_id,
            ordering_doctor_id=routine.ordering_doctor_id, performing_org=hospital, report_number=f"CV{i}",
            specimen_at=notified - timedelta(minutes=40), reported_at=notified, qc_status="passed",
            source=LabReport.Source.SEED)
        result = LabResult.objects.create(
            report=report, resident_id=report.resident_id, test_code=code, value=Decimal(raw), unit=test.unit,
            reported_value=raw, reported_unit=test.unit, reference=rules.reference_text(test, sex="1", age_days=20000),
            flag=rules.classify(test, Decimal(raw), sex="1", age_days=20000),
            specimen_at=notified - timedelta(minutes=40), performing_org_type=types[hospital.pk], qc_passed=True)
        open_ = i < 2
        level = 1 if i == 1 else 0
        alert = CriticalAlert.objects.create(
            result=result, resident_id=report.resident_id, test_code=code, value=result.value, unit=test.unit,
            flag=result.flag, ordering_org_id=report.ordering_org_id, ordering_doctor_id=report.ordering_doctor_id,
            performing_org=hospital, notified_at=notified, level=level,
            status="open" if open_ else "acknowledged",
            due_at=notified + timedelta(minutes=10 * (level + 1)) if open_ else None,
            ack_by_id=None if open_ else report.ordering_doctor_id, ack_at=None if open_ else notified + timedelta(minutes=6),
            readback_value="" if open_ else raw, action_taken="" if open_ else "电话通知患者来院复查，已处理")
        AlertEvent.objects.create(alert=alert, step="notified", level=0, at=notified, by=seeder)
        if report.ordering_doctor_id:
            AlertRecipient.objects.create(alert=alert, user_id=report.ordering_doctor_id, level=0)
        if level:
            AlertEvent.objects.create(alert=alert, step="escalated", level=1, at=notified + timedelta(minutes=10),
                                      by=seeder)
        if not open_ and report.ordering_doctor_id:
            AlertEvent.objects.create(alert=alert, step="acknowledged", level=0, at=alert.ack_at,
                                      by_id=report.ordering_doctor_id, note=alert.action_taken)
        made += 1
    return made


def _orders(rng, people, results, hospital, types) -> int:
    """Recognition decisions over the year: most doctors accept a recent HbA1c or lipid result."""
    recent = [r for r in results if r.test_code in ("hba1c", "tc", "creatinine") and people[r.resident_id]["doctor"]]
    rng.shuffle(recent)
    orders = []
    for r in recent[:400]:
        p = people[r.resident_id]
        accept = rng.random() < 0.7
        orders.append(LabOrder(
            resident_id=r.resident_id, test_code=r.test_code, ordering_org_id=p["org"], ordering_doctor_id=p["doctor"],
            decision="recognised" if accept else "ordered", recognised_result=r if accept else None, candidates=1,
            reason="" if accept else "病情变化，需复查", fee_avoided=catalogue.BY_CODE[r.test_code].fee if accept else 0))
    LabOrder.objects.bulk_create(orders, batch_size=BATCH)
    # placed_at is auto_now_add: spread the decisions over the months of the results they concern.
    for order in orders:
        if order.recognised_result is not None:
            LabOrder.objects.filter(pk=order.pk).update(placed_at=order.recognised_result.specimen_at + timedelta(days=3))
    return len(orders)


def _contacts(hospital) -> None:
    """Level 1 for each township centre: its township doctor on duty (the demo has no director account)."""
    users = get_user_model().objects.filter(
        Q(role=Role.TOWNSHIP_DOCTOR) & Q(organisation__org_type=OrgType.TOWNSHIP_CENTRE))
    EscalationContact.objects.bulk_create(
        [EscalationContact(organisation_id=u.organisation_id, level=1, user=u) for u in users], ignore_conflicts=True)
