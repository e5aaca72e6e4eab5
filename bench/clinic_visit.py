"""Complete village-clinic visits on PostgreSQL: open visit → diagnosis → prescription with review → dispensing
(FEFO stock) → close, each step through the clinic's actions, as a doctor's browser or phone would call them.

    .venv/bin/python bench/clinic_visit.py                  # 400 visits over 8 clinics
    .venv/bin/python bench/clinic_visit.py --visits 2000 --clinics 20

A throwaway PostgreSQL cluster (tests/support/pg.py) is migrated; each clinic gets a village of residents (half
under hypertension management), a doctor and stock. Visits are replayed one after another (one doctor's desk);
printed: visits/s, p50/p95/max per complete visit, and the hours one such process would need for Hunan's
58,000 village-clinic visits a day (target from the issue: p95 < 300 ms per complete visit).

Baseline, same run: the same rows a visit writes (visit, status rows, consultation and drug fee lines,
prescription, item, review finding, the conditional stock UPDATE, the movement, audit) as bare SQL in one
transaction per visit, so the ratio shows what the actions' checks, review and scope cost on top of the writes.
"""

import argparse
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
                                  enrolled_on=timezone.localdate() - dt.timedelta(days=200))
        for code in {line["drug"] for _, lines in PRESCRIPTIONS for line in lines}:
            for batch in range(2):
                actions.do_receive_stock(acting_user=doctor, drug=code, batch_number=f"B{c}-{code}-{batch}",
                                         expiry_date=expiry - dt.timedelta(days=300 * batch), quantity=20_000)
        desks.append((doctor, [p.pk for p in people]))
    return desks


def replay(desks, visits: int) -> tuple[float, list[float]]:
    from countyhealth.clinic import actions

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


def bare_sql(desks, visits: int) -> tuple[float, list[float]]:
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
            for sql, keep in BARE:
                cursor.execute(sql, params)
                if keep:
                    params[keep] = cursor.fetchone()[0]
        latencies.append((time.perf_counter() - t0) * 1000)
    return time.perf_counter() - started, latencies


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--visits", type=int, default=400)
    parser.add_argument("--clinics", type=int, default=8)
    parser.add_argument("--residents", type=int, default=40, help="residents per clinic")
    args = parser.parse_args()

    from tests.support.pg import throwaway_postgres

    with throwaway_postgres() as url:
        setup_django(url)
        desks = _world(args.clinics, args.residents)
        replay(desks, min(20, args.visits))  # warm-up: first queries, caches
        seconds, latencies = replay(desks, args.visits)
        bare_seconds, bare_latencies = bare_sql(desks, args.visits)

    p50, p95, worst = percentiles(latencies)
    b50, b95, _ = percentiles(bare_latencies)
    rate, bare_rate = args.visits / seconds, args.visits / bare_seconds
    print(f"machine: {machine()}")
    print(f"{args.visits} complete visits over {args.clinics} clinics (visit, diagnosis, review, dispense, close)")
    print(f"actions:  {rate:.1f} visits/s; per visit p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {worst:.1f} ms "
          f"(target p95 < 300 ms)")
    print(f"one process for Hunan's {HUNAN_VILLAGE_VISITS_PER_DAY:,} village visits a day: "
          f"{HUNAN_VILLAGE_VISITS_PER_DAY / rate / 3600:.2f} hours")
    print(f"baseline bare SQL (same rows, one transaction per visit): {bare_rate:.1f} visits/s; "
          f"p50 {b50:.2f} ms, p95 {b95:.2f} ms")
    print(f"ratio actions / bare SQL: {bare_rate / rate:.1f}× the time per visit")


if __name__ == "__main__":
    main()
