"""Remote-imaging upload throughput: township upload → kept on disk → sent to Orthanc with DICOMweb STOW-RS →
checked with QIDO-RS → in the radiologists' worklist, for N studies of S CT slices each, against a throwaway
Orthanc with its DICOMweb plugin started here (Debian's orthanc and orthanc-dicomweb).

Baseline in the same run: a bare STOW-RS of each study (all its slices in one multipart/related request, as the
platform sends them) straight to Orthanc with one httpx client — what Orthanc alone costs; the difference is
the platform's validation, checksums, local copy, QIDO-RS check, Orthanc id lookup, database rows, audit,
grant and notification. The load average is printed with the figures (the machine may be shared).

    .venv/bin/python bench/imaging_upload.py [--studies 20] [--slices 10]
"""

import argparse
import math
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "src"), str(REPO)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=20)
    parser.add_argument("--slices", type=int, default=10)
    args = parser.parse_args()

    from tests.support.orthanc import start

    orthanc = start()
    try:
        run(orthanc, args.studies, args.slices)
    finally:
        orthanc.stop()


def run(orthanc, n_studies: int, n_slices: int) -> None:
    os.environ.update(ORTHANC_URL=orthanc.url, ORTHANC_USERNAME=orthanc.username, ORTHANC_PASSWORD=orthanc.password,
                      TASK_BACKEND="django_tasks.backends.immediate.ImmediateBackend")
    data_dir = tempfile.mkdtemp(prefix="countyhealth-bench-imaging-")
    from bench._support import setup_django

    setup_django(f"sqlite:///{data_dir}/bench.sqlite3", data_dir)

    import httpx

    from countyhealth.accounts.roles import Role
    from countyhealth.accounts.tests.factories import UserFactory
    from countyhealth.imaging import actions, dicomweb, queries
    from countyhealth.imaging.samples import ct_study, matching_study
    from countyhealth.orgs.models import OrgType
    from countyhealth.orgs.tests.factories import OrganisationFactory, VillageFactory
    from countyhealth.residents.tests.factories import ResidentFactory

    hospital = OrganisationFactory(name="县人民医院", org_type=OrgType.COUNTY_HOSPITAL, parent=None)
    township = OrganisationFactory(name="东山镇卫生院", org_type=OrgType.TOWNSHIP_CENTRE, parent=hospital,
                                   division_code="430124101")
    clinic = OrganisationFactory(name="东山村卫生室", parent=township, division_code="430124101201")
    village = VillageFactory(name="东山村", clinic=clinic, division_code="430124101201")
    doctor = UserFactory.with_role(Role.TOWNSHIP_DOCTOR, township, username="td_bench")
    radiologist = UserFactory.with_role(Role.RADIOLOGIST, hospital, username="rad_bench")
    residents = [ResidentFactory(village=village) for _ in range(n_studies + 1)]
    # One untimed upload first: the first call imports the task machinery and warms Orthanc's index.
    warm_up = residents.pop()
    actions.do_upload_study(acting_user=doctor, resident_id=warm_up.pk, uploads=matching_study(warm_up, slices=1),
                            clinical_question="warm-up", urgency="routine")

    baseline_sets = [ct_study(f"baseline-{i}", slices=n_slices) for i in range(n_studies)]
    platform_sets = [matching_study(r, key=f"bench-{i}", slices=n_slices) for i, r in enumerate(residents)]
    size = sum(len(d) for files in platform_sets for _, d in files) / 1e6

    baseline = []
    with httpx.Client(base_url=orthanc.url, auth=(orthanc.username, orthanc.password), timeout=30) as http:
        for files in baseline_sets:
            t0 = time.perf_counter()
            boundary = uuid.uuid4().hex
            response = http.post("dicom-web/studies", content=dicomweb.multipart([d for _, d in files], boundary),
                                 headers={"Content-Type": f'multipart/related; type="application/dicom"; '
                                                          f"boundary={boundary}", "Accept": "application/dicom+json"})
            response.raise_for_status()
            assert len(dicomweb.stow_result(response.json()).stored) == n_slices
            baseline.append(time.perf_counter() - t0)

    platform = []
    for resident, files in zip(residents, platform_sets, strict=True):
        t0 = time.perf_counter()
        study, _ = actions.do_upload_study(acting_user=doctor, resident_id=resident.pk, uploads=files,
                                           clinical_question="bench", urgency="routine")
        assert queries.worklist(radiologist).filter(pk=study.pk).exists(), "the study did not reach the worklist"
        platform.append(time.perf_counter() - t0)

    def line(name, times):
        total = sum(times)
        p95 = sorted(times)[max(0, math.ceil(len(times) * 0.95) - 1)]
        print(f"{name:<50} {len(times)} studies × {n_slices} slices: mean {statistics.mean(times) * 1000:7.1f} ms/study, "
              f"p95 {p95 * 1000:7.1f} ms, {len(times) * n_slices / total:6.1f} instances/s")

    print(f"imaging upload bench: {n_studies} studies, {n_slices} CT slices each ({size:.1f} MB), Orthanc "
          f"{httpx.get(orthanc.url + 'system', auth=(orthanc.username, orthanc.password)).json()['Version']}, SQLite")
    line("baseline: bare STOW-RS to Orthanc", baseline)
    line("platform: upload → kept → STOW → QIDO → worklist", platform)
    print(f"platform overhead: {statistics.mean(platform) / statistics.mean(baseline):.2f}× the bare STOW-RS; "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
