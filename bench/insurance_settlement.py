"""Insurance settlement against the simulator (a real subprocess): settlements/s and p95 for the whole local
sequence (pending row → 1101, 2201, 2204, 2206 → 2207 → local commit), next to a bare HTTP call to the simulator
(1101) from the same client as the baseline, and the time one machine would need for 58,000 village visits.

    .venv/bin/python bench/insurance_settlement.py [--n 200] [--database-url sqlite:////tmp/x.sqlite3]
"""

import argparse
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _support import machine, percentiles, setup_django  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--database-url", default=f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")
    args = parser.parse_args()
    setup_django(args.database_url)

    from django.conf import settings

    from countyhealth.accounts.roles import Role
    from countyhealth.accounts.tests.factories import UserFactory
    from countyhealth.insurance import actions, adapter
    from countyhealth.insurance.catalogue import counter_line, drug_code
    from countyhealth.insurance.reference import load_simulator
    from countyhealth.insurance.tests.simulator import SimulatorProcess
    from countyhealth.orgs.models import OrgType
    from countyhealth.orgs.tests.factories import OrganisationFactory, VillageFactory
    from countyhealth.residents.tests.factories import ResidentFactory

    sim = SimulatorProcess()
    try:
        settings.INSURANCE_URL = sim.url
        hospital = OrganisationFactory(org_type=OrgType.COUNTY_HOSPITAL, parent=None)
        township = OrganisationFactory(org_type=OrgType.TOWNSHIP_CENTRE, parent=hospital, division_code="430124101")
        clinic = OrganisationFactory(parent=township, division_code="430124101201")
        village = VillageFactory(clinic=clinic, division_code="430124101201")
        doctor = UserFactory.with_role(Role.VILLAGE_DOCTOR, clinic)
        residents = [ResidentFactory(village=village) for _ in range(args.n)]
        load_simulator()
        bill = [counter_line("F110200001", Decimal(1)), counter_line(drug_code("硝苯地平", ""), Decimal(1))]

        bare = []
        for r in residents:
            started = time.perf_counter()
            adapter.query_person(certno=r.id_number, institution_code=clinic.code)
            bare.append((time.perf_counter() - started) * 1000)

        full = []
        started_all = time.perf_counter()
        for n, r in enumerate(residents):
            started = time.perf_counter()
            draft = actions.do_presettle(acting_user=doctor, resident_id=r.pk, organisation_id=clinic.pk,
                                         visit_ref=f"bench-{n}", lines=bill)
            actions.do_settle(acting_user=doctor, settlement_id=draft.pk)
            full.append((time.perf_counter() - started) * 1000)
        wall = time.perf_counter() - started_all
    finally:
        sim.stop()

    b50, b95, _ = percentiles(bare)
    f50, f95, _ = percentiles(full)
    rate = args.n / wall
    print(f"machine: {machine()}  database: {args.database_url.split(':')[0]}  n={args.n}")
    print(f"baseline bare 1101 call      p50 {b50:7.1f} ms  p95 {b95:7.1f} ms")
    print(f"settlement (6 calls + 4 tx)  p50 {f50:7.1f} ms  p95 {f95:7.1f} ms  {rate:6.1f} settlements/s (1 client)")
    print(f"58,000 village visits/day, one client serially: {58000 / rate / 3600:5.2f} h")


if __name__ == "__main__":
    main()
