"""Demo clinic data: drug stock (two batches of each common drug) at every village clinic and township centre,
and three weeks of outpatient visits there — complaint, vitals, an ICD-10 diagnosis on the health record,
the consultation fee, a reviewed prescription dispensed from stock, closed — as the clinic's actions write them.
Bulk inserts; deterministic for the seed."""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from countyhealth.accounts.models import User
from countyhealth.orgs.models import Organisation, OrgType
from countyhealth.records.models import Diagnosis, Icd10Code
from countyhealth.residents.models import Resident

from .models import (
    Drug,
    FeeItem,
    FeeLine,
    Prescription,
    PrescriptionItem,
    StockBatch,
    StockMovement,
    Visit,
    VisitStatusChange,
)
from .rules import review

DAYS = 21
VISITS_PER_DAY = (3, 9)  # per institution
STOCKED = ("EM001", "EM010", "EM029", "EM030", "EM032", "EM039", "EM041", "EM042", "EM045", "EM046", "EM049",
           "EM050", "EM051", "EM054", "EM056", "EM059", "EM060", "EM070", "EM076", "EM078", "EM079", "EM082",
           "EM090", "EM092", "EM100", "EM104", "EM112", "EM114", "EM149", "EM150")
# (weight, complaint, ICD-10, [(drug, dose, frequency, days)])
CASES = (
    (30, "复诊取药", "I10", [("EM039", 5, "qd", 7)]),
    (10, "头晕，血压偏高", "I10", [("EM051", 150, "qd", 7), ("EM059", 12.5, "qd", 7)]),
    (15, "复诊取药", "E11.9", [("EM076", 500, "tid", 7)]),
    (20, "咽痛、发热一天", "J06.9", [("EM029", 500, "prn", 3), ("EM150", 4, "tid", 3)]),
    (10, "咳嗽三天", "J06.9", [("EM090", 30, "tid", 3)]),
    (8, "胃脘胀痛", "K29.7", [("EM104", 20, "qd", 7)]),
    (7, "腹泻两天", "A09", [("EM112", 3, "tid", 3), ("EM114", 1, "tid", 2)]),
)


def _fee_for(org_type, fees):
    return fees.get("GZ-V" if org_type == OrgType.VILLAGE_CLINIC else "GZ-T")


def seed(*, seeder, seed: int, as_of) -> str:
    rng = random.Random(seed * 7919 + 9)
    orgs = list(Organisation.objects.filter(org_type__in=[OrgType.VILLAGE_CLINIC, OrgType.TOWNSHIP_CENTRE],
                                            is_active=True).order_by("path"))
    doctors = {}
    for user in User.objects.filter(is_active=True, role__in=["village_doctor", "township_doctor"]).order_by("pk"):
        doctors.setdefault(user.organisation_id, user)
    drugs = {d.code: d for d in Drug.objects.filter(code__in=STOCKED)}
    fees = {f.code: f for f in FeeItem.objects.filter(kind=FeeItem.Kind.CONSULTATION)}
    known_icd = set(Icd10Code.objects.filter(code__in={c[2] for c in CASES}).values_list("code", flat=True))
    patients = {}
    for resident_id, org_id in Resident.objects.filter(is_active=True, status="active").values_list(
            "id", "catchment_org_id"):
        patients.setdefault(org_id, []).append(resident_id)
    tz = timezone.get_current_timezone()

    visits, plans = [], []
    for org in orgs:
        doctor = doctors.get(org.pk)
        local = patients.get(org.pk)
        if doctor is None or not local:
            continue
        for day in range(DAYS, -1, -1):
            date = as_of - timedelta(days=day)
            for _ in range(rng.randint(*VISITS_PER_DAY)):
                _w, complaint, icd, lines = rng.choices(CASES, weights=[c[0] for c in CASES])[0]
                opened = timezone.make_aware(datetime.combine(date, time(8)), tz) + timedelta(
                    minutes=rng.randint(0, 9 * 60))
                sbp = rng.randint(118, 165) if icd == "I10" else rng.randint(105, 138)
                visits.append(Visit(
                    resident_id=rng.choice(local), organisation=org, catchment_org=org, doctor=doctor,
                    visit_date=date, status="closed", chief_complaint=complaint, sbp=sbp,
                    dbp=min(sbp - 30, rng.randint(68, 98)), heart_rate=rng.randint(62, 96),
                    temperature=Decimal("37.8") if icd == "J06.9" else Decimal("36.6"), closed_at=opened + timedelta(
                        minutes=rng.randint(8, 25))))
                plans.append((opened, icd, lines))
    if not visits:
        return "clinic: no clinics with doctors and residents"
    Visit.objects.bulk_create(visits, batch_size=2000)

    changes, fee_lines, prescriptions, diagnoses = [], [], [], []
    for visit, (_opened, icd, _lines) in zip(visits, plans, strict=True):
        steps = (("", "open"), ("open", "prescribed"), ("prescribed", "dispensed"), ("dispensed", "closed"))
        changes += [VisitStatusChange(visit=visit, from_status=a, to_status=b, by_id=visit.doctor_id) for a, b in steps]
        fee = _fee_for(visit.organisation.org_type, fees)
        if fee:
            fee_lines.append(FeeLine(visit=visit, kind=fee.kind, code=fee.code, name=fee.name_zh, quantity=1,
                                     unit_price=fee.price, amount=fee.price))
        prescriptions.append(Prescription(visit=visit, resident_id=visit.resident_id,
                                          organisation_id=visit.organisation_id, doctor_id=visit.doctor_id,
                                          status="dispensed", dispensed_at=visit.closed_at,
                                          dispensed_by_id=visit.doctor_id))
        if icd in known_icd:
            diagnoses.append(Diagnosis(resident_id=visit.resident_id, organisation_id=visit.organisation_id,
                                       code_id=icd, diagnosed_on=visit.visit_date, diagnosed_by_id=visit.doctor_id,
                                       source=visit.diagnosis_source))
    VisitStatusChange.objects.bulk_create(changes, batch_size=5000)
    Prescription.objects.bulk_create(prescriptions, batch_size=2000)
    Diagnosis.objects.bulk_create(diagnoses, batch_size=2000)

    items, used = [], {}
    for visit, rx, (_opened, _icd, lines) in zip(visits, prescriptions, plans, strict=True):
        total = Decimal("0")
        for code, dose, frequency, days in lines:
            drug = drugs[code]
            facts = review.ItemFacts(drug=review.DrugFacts(code, drug.name_zh, drug.ingredient, drug.therapeutic_class,
                                                           drug.allergy_class, drug.unit_amount, drug.dose_unit,
                                                           drug.chronic), dose=Decimal(str(dose)),
                                     frequency=frequency, days=days)
            quantity = review.quantity_needed(facts)
            amount = drug.price * quantity
            total += amount
            items.append(PrescriptionItem(prescription=rx, drug=drug, dose=facts.dose, frequency=frequency, days=days,
                                          quantity=quantity, unit_price=drug.price, amount=amount))
            fee_lines.append(FeeLine(visit=visit, kind=FeeItem.Kind.DRUG, code=code, name=str(drug), quantity=quantity,
                                     unit_price=drug.price, amount=amount, drug=drug, prescription=rx))
            used[(visit.organisation_id, code)] = used.get((visit.organisation_id, code), 0) + quantity
        rx.total = total
    PrescriptionItem.objects.bulk_create(items, batch_size=5000)
    FeeLine.objects.bulk_create(fee_lines, batch_size=5000)
    Prescription.objects.bulk_update(prescriptions, ["total"], batch_size=2000)
    consult = {v.pk: (_fee_for(v.organisation.org_type, fees).price if _fee_for(v.organisation.org_type, fees) else 0)
               for v in visits}
    totals = {}
    for rx in prescriptions:
        totals[rx.visit_id] = consult[rx.visit_id] + rx.total
    for visit in visits:
        visit.fee_total = totals[visit.pk]
    Visit.objects.bulk_update(visits, ["fee_total"], batch_size=2000)

    batches, receipts = [], []
    for org in orgs:
        doctor = doctors.get(org.pk)
        if doctor is None:
            continue
        for code, drug in drugs.items():
            dispensed = used.get((org.pk, code), 0)
            left = rng.choice([0, drug.reorder_level // 2]) if rng.random() < 0.04 else rng.randint(
                drug.reorder_level + 20, drug.reorder_level * 6)
            expiry = as_of + timedelta(days=rng.randint(120, 900))
            batches.append(StockBatch(organisation=org, drug=drug, batch_number=f"{code}-{org.pk}-{seed}",
                                      expiry_date=expiry, quantity=left))
            receipts.append((doctor, left + dispensed))
    StockBatch.objects.bulk_create(batches, batch_size=5000)
    StockMovement.objects.bulk_create([
        StockMovement(organisation_id=b.organisation_id, batch=b, kind=StockMovement.Kind.RECEIVE, change=n,
                      reason="期初入库", by=doctor) for b, (doctor, n) in zip(batches, receipts, strict=True)],
        batch_size=5000)
    return (f"clinic: {len(batches)} stock batches, {len(visits)} visits over {DAYS + 1} days, "
            f"{len(prescriptions)} prescriptions, {len(diagnoses)} diagnoses")
