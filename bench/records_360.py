"""The resident's 360° timeline (records:timeline) on PostgreSQL with a large county (issue 7: p95 < 150 ms at
1,000,000 residents).

    .venv/bin/python bench/records_360.py                                # 1,000,000 residents
    .venv/bin/python bench/records_360.py --residents 100000 --runs 100  # quicker

A throwaway PostgreSQL cluster (tests/support/pg.py) gets the demo county written with COPY
(`countyhealth.demo.seed.seed_county`), then lab histories for a third of the residents, also with COPY:
four reports of five results a year over two years (≈ 40 results per resident in the lab tables). After
VACUUM ANALYZE, for random residents with lab data, a township doctor of their catchment opens the timeline:

* `core.timeline.entries_for` — every registered provider (records, programmes, referrals, lab, …);
* the whole page through Django's test client (scope check, access audit row, template);
* baseline: the lab provider's two queries as raw SQL through the cursor.

Prints p50/p95/max. Tests never assert timings.
"""

import argparse
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._support import CopySink, machine, percentiles, setup_django  # noqa: E402

START = datetime(2024, 10, 1, 8, tzinfo=UTC)


def seed(residents: int) -> None:
    from django.db import connection

    from countyhealth.demo.seed import seed_county

    started = time.perf_counter()
    print(f"seeding {residents:,} residents (COPY)…", file=sys.stderr, flush=True)
    sink = CopySink()
    seed_county(residents=residents, seed=1, sink=sink, batch_size=20000)
    sink.finish()
    print(f"county in {time.perf_counter() - started:,.0f} s; lab histories…", file=sys.stderr, flush=True)
    lab_histories(residents)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"seeded in {time.perf_counter() - started:,.0f} s", file=sys.stderr, flush=True)


def lab_histories(residents: int) -> None:
    from countyhealth.lab.models import LabReport, LabResult
    from countyhealth.orgs.models import Organisation, OrgType
    from countyhealth.residents.models import Resident

    rng = random.Random(7)
    hospital = Organisation.objects.filter(org_type=OrgType.COUNTY_HOSPITAL).order_by("path").first()
    sink = CopySink()
    ids = list(Resident.objects.values_list("id", "catchment_org_id").order_by("id"))[::3]  # a third of them
    report_cols = ("resident_id", "order_id", "ordering_org_id", "ordering_department_id", "ordering_doctor_id",
                   "performing_org_id", "report_number", "specimen_at", "reported_at", "qc_status", "source",
                   "message_id", "created_at")
    result_cols = ("report_id", "resident_id", "test_code", "value", "unit", "reported_value", "reported_unit",
                   "reference", "flag", "specimen_at", "performing_org_type", "qc_passed")
    panel = (("fpg", "mmol/L", 6.5), ("hba1c", "%", 6.8), ("potassium", "mmol/L", 4.2), ("tc", "mmol/L", 4.8),
             ("creatinine", "µmol/L", 80.0))
    for chunk_start in range(0, len(ids), 20000):
        chunk = ids[chunk_start:chunk_start + 20000]
        reports, specimen = [], []
        for resident_id, org_id in chunk:
            for k in range(8):
                at = START + timedelta(days=91 * k + rng.randrange(30), minutes=rng.randrange(600))
                reports.append((resident_id, None, org_id, None, None, hospital.pk, "", at, at, "passed", "seed",
                                None, at))
                specimen.append((resident_id, at))
        report_ids = sink.insert(LabReport, report_cols, reports)
        results = []
        for report_id, (resident_id, at) in zip(report_ids, specimen, strict=True):
            for code, unit, mean in panel:
                value = round(rng.gauss(mean, mean * 0.1), 2)
                results.append((report_id, resident_id, code, value, unit, str(value), unit, "", "N", at,
                                hospital.org_type, True))
        sink.insert(LabResult, result_cols, results)
    sink.finish()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()

    from tests.support.pg import throwaway_postgres

    with throwaway_postgres(shared_buffers="512MB") as url:
        setup_django(url)
        seed(args.residents)
        measure(args)


def measure(args) -> None:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from countyhealth.accounts.models import User
    from countyhealth.accounts.roles import Role
    from countyhealth.core import timeline
    from countyhealth.lab.models import LabReport
    from countyhealth.residents.models import Resident

    rng = random.Random(1)
    with_lab = list(LabReport.objects.values_list("resident_id", flat=True).distinct().order_by("resident_id")[:50000])
    picks = [rng.choice(with_lab) for _ in range(args.runs)]
    doctors = {u.organisation_id: u for u in User.objects.filter(role=Role.TOWNSHIP_DOCTOR)}
    parents = dict(Resident.objects.filter(pk__in=picks).values_list("id", "catchment_org__parent_id"))
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # Django's test client's host name
    client = Client()
    providers, pages, raw = [], [], []
    for i, resident_id in enumerate(picks):
        user = doctors.get(parents[resident_id]) or next(iter(doctors.values()))
        resident = Resident.objects.get(pk=resident_id)
        started = time.perf_counter()
        entries = timeline.entries_for(resident, user)
        providers.append((time.perf_counter() - started) * 1000)
        client.force_login(user)
        started = time.perf_counter()
        response = client.get(reverse("records:timeline", args=[resident_id]))
        pages.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SELECT r.id, o.name FROM lab_labreport r JOIN orgs_organisation o ON o.id = r.performing_org_id "
                           "WHERE r.resident_id = %s ORDER BY r.specimen_at DESC LIMIT 100", [resident_id])
            report_ids = [row[0] for row in cursor.fetchall()]
            cursor.execute("SELECT * FROM lab_labresult WHERE report_id = ANY(%s)", [report_ids])
            cursor.fetchall()
        raw.append((time.perf_counter() - started) * 1000)
        if i == 0:
            print(f"first resident: {len(entries)} timeline entries", file=sys.stderr)
    residents = Resident.objects.count()
    print(f"\n360° timeline — {residents:,} residents, {LabReport.objects.count():,} lab reports, {args.runs} runs; "
          f"PostgreSQL; {machine()}")
    for label, samples in (("entries_for (all providers)", providers), ("records:timeline page (test client)", pages),
                           ("baseline: lab provider's SQL raw", raw)):
        p50, p95, worst = percentiles(samples)
        print(f"  {label:<40} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  max {worst:7.1f} ms")
    p95 = percentiles(pages)[1]
    print(f"  target p95 < 150 ms for the page: {'met' if p95 < 150 else 'MISSED'}")


if __name__ == "__main__":
    main()
