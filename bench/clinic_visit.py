"""Complete village-clinic visits on PostgreSQL: open visit → diagnosis → prescription with review → dispensing
(FEFO stock) → insurance pre-settlement and settlement against the simulator (a real subprocess, five national
transactions: 1101, 2201, 2204, 2206, 2207) → close, each step through the actions, as the doctor's browser calls
them.

    .venv/bin/python bench/clinic_visit.py                  # 400 visits over 8 clinics
    .venv/bin/python bench/clinic_visit.py --visits 2000 --clinics 20
    .venv/bin/python bench/clinic_visit.py --no-settlement  # the clinic steps alone

A throwaway PostgreSQL cluster (tests/support/pg.py) is migrated; each clinic gets a village of insured residents
(half under hypertension management), a doctor and stock. Visits are replayed one after another (one doctor's
desk); printed: visits/s, p50/p95/max per complete visit, and the hours one such process would need for Hunan's
58,000 village-clinic visits a day (target from the issue: p95 < 300 ms per complete visit), with the load
average, since the machine is shared.

Baselines, same run: (1) the same rows a visit writes (visit, status rows, fee lines, prescription, item, the
conditional stock UPDATE, the movement, settlement, its items and history, audit) as bare SQL in one transaction
per visit; (2) five bare HTTP round trips to the simulator (1101, the cheapest transaction) from the same client.
Their sum is what the visit costs without the actions' checks, review, scope and the simulator's own work.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._support import machine, percentiles, setup_django  # noqa: E402

HUNAN_VILLAGE_VISITS_PER_DAY = 58_000
COMPLAINTS = ["头晕", "咳嗽三天", "复诊取药", "咽痛发热", "胃脘不适", "腰腿痛"]
PRESCRIPTIONS = [  # (ICD-10, lines): chronic refills and common acute visits
    ("I10", [{"drug": "EM039", "dose": 5, "frequency": "qd", "days": 7}]),
    ("I10", [{"drug": "EM051", "dose": 150, "frequency": "qd", "days": 7},
             {"drug": "EM059", "dose": 12.5, "frequency": "qd", "days": 7}]),
    ("E11.9", [{"drug": "EM076", "dose": 500, "frequency": "tid", "days": 7}]),
    ("J06.9", [{"drug": "EM029", "dose": 500, "frequency": "prn", "days": 3},
               {"drug": "EM090", "dose": 30, "frequency": "tid", "days": 3}]),
    ("K29.7", [{"drug": "EM104", "dose": 20, "frequency": "qd", "days": 7}]),
]


def _world(clinics: int, residents_per_clinic: int):
    import datetime as dt

    from django.utils import timezone

    from countyhealth.accounts.roles import Role
    from countyhealth.accounts.tests.factories import UserFactory
    from countyhealth.clinic import actions
    from countyhealth.orgs.models import OrgType
    from countyhealth.orgs.tests.factories import OrganisationFactory, VillageFactory
    from countyhealth.publichealth import actions as publichealth
    from countyhealth.residents.tests.factories import ResidentFactory

    hospital = OrganisationFactory(name="县人民医院", org_type=OrgType.COUNTY_HOSPITAL, parent=None)
    township = OrganisationFactory(name="东山镇卫生院", org_type=OrgType.TOWNSHIP_CENTRE, parent=hospital)
    desks = []
    expiry = timezone.localdate() + dt.timedelta(days=700)
    for c in range(clinics):
        clinic = OrganisationFactory(name=f"第{c + 1}村卫生室", parent=township)
        village = VillageFactory(clinic=clinic)
        doctor = UserFactory.with_role(Role.VILLAGE_DOCTOR, clinic, username=f"bench_vd{c}")
        people = [ResidentFactory(village=village, birth_date=dt.date(1950 + i % 30, 1 + i % 12, 1 + i % 28))
                  for i in range(residents_per_clinic)]
        for person in people[::2]:
            publichealth.do_enrol(acting_user=doctor, resident_id=person.pk, programme="hypertension",
                                  enrolled_on=timezone.localdate() - dt.timedelta(days=200),
                                  diagnosis_date=timezone.localdate() - dt.timedelta(days=200))
        for code in {line["drug"] for _, lines in PRESCRIPTIONS for line in lines}:
            for batch in range(2):
                actions.do_receive_stock(acting_user=doctor, drug=code, batch_number=f"B{c}-{code}-{batch}",
                                         expiry_date=expiry - dt.timedelta(days=300 * batch), quantity=20_000)
        desks.append((doctor, [p.pk for p in people]))
    return desks


def replay(desks, visits: int, *, settle: bool = True) -> tuple[float, list[float]]:
    from countyhealth.clinic import actions
    from countyhealth.clinic.models import Visit
    from countyhealth.insurance import actions as insurance

    latencies = []
    started = time.perf_counter()
    for n in range(visits):
        doctor, people = desks[n % len(desks)]
        resident_id = people[(n // len(desks)) % len(people)]
        icd, lines = PRESCRIPTIONS[n % len(PRESCRIPTIONS)]
        t0 = time.perf_counter()
        visit = actions.do_open_visit(acting_user=doctor, resident_id=resident_id,
                                      data={"chief_complaint": COMPLAINTS[n % len(COMPLAINTS)], "sbp": 128 + n % 20,
                                            "dbp": 78 + n % 10, "heart_rate": 72})
        actions.do_add_diagnosis(acting_user=doctor, visit_id=visit.pk, code=icd)
        rx = actions.do_issue_prescription(acting_user=doctor, visit_id=visit.pk, items=lines,
                                           override_reason="bench")
        actions.do_dispense_prescription(acting_user=doctor, prescription_id=rx.pk)
        if settle:  # the cashier's page reads the visit, pre-settles, then settles
            visit = Visit.objects.select_related("resident", "organisation").get(pk=visit.pk)
            draft = insurance.do_presettle_visit(acting_user=doctor, visit=visit)
            insurance.do_settle(acting_user=doctor, settlement_id=draft.pk)
        actions.do_close_visit(acting_user=doctor, visit_id=visit.pk)
        latencies.append((time.perf_counter() - t0) * 1000)
    return time.perf_counter() - started, latencies


BARE = [
    ("INSERT INTO clinic_visit (resident_id, organisation_id, catchment_org_id, doctor_id, visit_date, source, "
     "appointment_ref, status, chief_complaint, present_illness, sbp, dbp, heart_rate, fee_total, settlement_ref, "
     "opened_at, updated_at) SELECT id, catchment_org_id, catchment_org_id, %(doctor)s, CURRENT_DATE, 'walk_in', '', "
     "'closed', '头晕', '', 130, 80, 72, 6.05, '', now(), now() FROM residents_resident WHERE id = %(resident)s "
     "RETURNING id", "visit"),
    ("INSERT INTO clinic_visitstatuschange (visit_id, from_status, to_status, by_id, at, note) "
     "SELECT %(visit)s, s.f, s.t, %(doctor)s, now(), '' FROM (VALUES ('', 'open'), ('open', 'prescribed'), "
     "('prescribed', 'dispensed'), ('dispensed', 'closed')) AS s(f, t)", None),
    ("INSERT INTO clinic_prescription (visit_id, resident_id, organisation_id, doctor_id, kind, status, "
     "override_reason, total, issued_at, dispensed_at, dispensed_by_id) SELECT id, resident_id, organisation_id, "
     "doctor_id, 'ordinary', 'dispensed', '', 1.05, now(), now(), doctor_id FROM clinic_visit WHERE id = %(visit)s "
     "RETURNING id", "rx"),
    ("INSERT INTO clinic_prescriptionitem (prescription_id, drug_id, dose, frequency, days, quantity, unit_price, "
     "amount) VALUES (%(rx)s, %(drug)s, 5, 'qd', 7, 7, 0.15, 1.05)", None),
    ("INSERT INTO clinic_feeline (visit_id, kind, code, name, quantity, unit_price, amount, created_at, drug_id, "
     "prescription_id) VALUES (%(visit)s, 'consultation', 'GZ-V', '一般诊疗费', 1, 5, 5, now(), NULL, NULL), "
     "(%(visit)s, 'drug', 'EM039', '氨氯地平', 7, 0.15, 1.05, now(), %(drug)s, %(rx)s)", None),
    ("UPDATE clinic_stockbatch SET quantity = quantity - 7 WHERE id = %(batch)s AND quantity >= 7", None),
    ("INSERT INTO clinic_stockmovement (organisation_id, batch_id, kind, change, reason, prescription_id, by_id, at) "
     "SELECT organisation_id, id, 'dispense', -7, '', %(rx)s, %(doctor)s, now() FROM clinic_stockbatch "
     "WHERE id = %(batch)s", None),
    ("INSERT INTO audit_auditlog (at, user_id, username, org_id, action, object_type, object_id, "
     "resident_id, detail, client_address) VALUES (now(), %(doctor)s, 'bench', NULL, 'clinic.visit_closed', "
     "'clinic.visit', %(visit)s::text, NULL, '{}', NULL)", None),
]
BARE_SETTLEMENT = [
    ("INSERT INTO insurance_settlement (resident_id, catchment_org_id, organisation_id, visit_ref, msgid, status, "
     "psn_no, mdtrt_id, setl_id, total, deductible, fund_general, fund_two_disease, patient_pays, answer, error, "
     "repaired, reversal_msgid, reversal_reason, settled_on, settled_at, created_by_id, created_at, updated_at) "
     "SELECT resident_id, catchment_org_id, organisation_id, 'clinic.visit:' || id, md5(random()::text), 'settled', "
     "'P', 'M', 'S', 6.05, 0, 3, 1, 2.05, '{}', '', false, '', '', CURRENT_DATE, now(), doctor_id, now(), now() "
     "FROM clinic_visit WHERE id = %(visit)s RETURNING id", "settlement"),
    ("INSERT INTO insurance_settlementitem (settlement_id, sn, code, name, quantity, unit_price, amount, pool) "
     "VALUES (%(settlement)s, 1, 'FGZ-V', '一般诊疗费', 1, 5, 5, 'general'), "
     "(%(settlement)s, 2, 'XC08CA01', '氨氯地平', 7, 0.15, 1.05, 'lb')", None),
    ("INSERT INTO insurance_settlementchange (settlement_id, status, note, by_id, at) SELECT %(settlement)s, s, '', "
     "%(doctor)s, now() FROM unnest(ARRAY['draft', 'pending', 'settled']) AS s", None),
]


def bare_http(desks, visits: int) -> list[float]:
    """Five round trips per visit to the simulator (1101 each), the transport a settlement cannot avoid."""
    from countyhealth.insurance import adapter
    from countyhealth.residents.models import Resident

    certs = {}
    for doctor, people in desks:
        certs[doctor.pk] = list(Resident.objects.filter(pk__in=people).values_list("id_number", flat=True))
    latencies = []
    for n in range(visits):
        doctor, _people = desks[n % len(desks)]
        t0 = time.perf_counter()
        for _ in range(5):
            adapter.query_person(certno=certs[doctor.pk][n % len(certs[doctor.pk])],
                                 institution_code=doctor.organisation.code)
        latencies.append((time.perf_counter() - t0) * 1000)
    return latencies


def bare_sql(desks, visits: int, *, settle: bool = True) -> tuple[float, list[float]]:
    from django.db import connection, transaction

    from countyhealth.clinic.models import Drug, StockBatch

    drug = Drug.objects.get(code="EM039").pk
    batches = {d.organisation_id: StockBatch.objects.filter(organisation_id=d.organisation_id, drug_id=drug)
               .order_by("expiry_date").values_list("pk", flat=True).first() for d, _ in desks}
    latencies = []
    started = time.perf_counter()
    for n in range(visits):
        doctor, people = desks[n % len(desks)]
        params = {"doctor": doctor.pk, "resident": people[n % len(people)], "drug": drug,
                  "batch": batches[doctor.organisation_id]}
        t0 = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            for sql, keep in BARE + (BARE_SETTLEMENT if settle else []):
                cursor.execute(sql, params)
                if keep:
                    params[keep] = cursor.fetchone()[0]
        latencies.append((time.perf_counter() - t0) * 1000)
    return time.perf_counter() - started, latencies


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--visits", type=int, default=400)
    parser.add_argument("--clinics", type=int, default=8)
    parser.add_argument("--residents", type=int, default=40, help="residents per clinic")
    parser.add_argument("--no-settlement", dest="settle", action="store_false",
                        help="clinic steps only (no simulator)")
    args = parser.parse_args()

    from tests.support.pg import throwaway_postgres

    with throwaway_postgres() as url:
        setup_django(url)
        from django.conf import settings

        from countyhealth.insurance.reference import load_simulator
        from countyhealth.insurance.tests.simulator import SimulatorProcess

        sim = SimulatorProcess()
        try:
            settings.INSURANCE_URL = sim.url
            desks = _world(args.clinics, args.residents)
            load_simulator()
            from countyhealth.accounts.system import system_user
            from countyhealth.insurance.actions import do_run_qualification

            replay(desks, len(desks), settle=False)  # an antihypertensive on record: 两病 qualifies (Q3)
            do_run_qualification(acting_user=system_user("bench"))
            replay(desks, min(20, args.visits), settle=args.settle)  # warm-up: first queries, caches
            load_before = load()
            seconds, latencies = replay(desks, args.visits, settle=args.settle)
            load_after = load()
            bare_seconds, bare_latencies = bare_sql(desks, args.visits, settle=args.settle)
            http = bare_http(desks, args.visits) if args.settle else [0.0]
        finally:
            sim.stop()

    p50, p95, worst = percentiles(latencies)
    b50, b95, _ = percentiles(bare_latencies)
    h50, h95, _ = percentiles(http)
    rate = args.visits / seconds
    steps = "visit, diagnosis, review, dispense, " + ("pre-settle + settle, " if args.settle else "") + "close"
    print(f"machine: {machine()}; {load_before} before, {load_after} after the timed replay")
    print(f"{args.visits} complete visits over {args.clinics} clinics ({steps}), PostgreSQL")
    print(f"actions:  {rate:.1f} visits/s; per visit p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {worst:.1f} ms "
          f"(target p95 < 300 ms)")
    print(f"one process for Hunan's {HUNAN_VILLAGE_VISITS_PER_DAY:,} village visits a day: "
          f"{HUNAN_VILLAGE_VISITS_PER_DAY / rate / 3600:.2f} hours")
    print(f"baseline bare SQL (same rows, one transaction per visit): {args.visits / bare_seconds:.1f} visits/s; "
          f"p50 {b50:.2f} ms, p95 {b95:.2f} ms")
    if args.settle:
        print(f"baseline 5 bare simulator round trips per visit: p50 {h50:.2f} ms, p95 {h95:.2f} ms")
    print(f"ratio actions / baselines (p50): {p50 / (b50 + h50):.1f}×")


if __name__ == "__main__":
    main()
