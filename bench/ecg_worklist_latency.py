"""Remote ECG: time from a township's upload to the ECG appearing on a county reader's open worklist.

    .venv/bin/python bench/ecg_worklist_latency.py [--uploads 30] [--workers 2]

Everything goes through the real HTTP path: gunicorn (gthread, as bin/demo serves) on a scratch SQLite
database; the reader is Debian's Chromium driven by Playwright with /ecg/ open (its htmx polls the worklist's
version every `views.WORKLIST_POLL_MS`); the township doctor uploads 10 s 12-lead DICOM ECGs through
`POST /api/ecg/uploads` with a bearer token, at random moments so the poll's phase is sampled evenly. A
MutationObserver in the page stamps when each row first appears.

Figures (median, p95, max in ms): the upload request alone (decode, pre-analysis, commit: the floor, the ECG
cannot show before it), upload → row on the reader's screen (the figure the target is about, < 1 s), and what
the live update adds (row − upload response), which the poll interval bounds. The poll's own cost is shown as
well: the 204 "nothing changed" answer against a full redraw of the rows, in the same run.
"""

import argparse
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "src"), str(REPO)]

OBSERVER = """() => {
  window.__seen = {};
  const stamp = () => document.querySelectorAll('#worklist-rows tr[data-ecg]').forEach(row => {
    if (!(row.dataset.ecg in window.__seen)) window.__seen[row.dataset.ecg] = Date.now();
  });
  stamp();
  new MutationObserver(stamp).observe(document.body, {childList: true, subtree: true});
}"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def world(n: int):
    from countyhealth.accounts.actions import do_issue_api_token
    from countyhealth.accounts.roles import Role
    from countyhealth.accounts.tests.factories import TEST_PASSWORD, UserFactory
    from countyhealth.orgs.models import OrgType
    from countyhealth.orgs.tests.factories import OrganisationFactory, VillageFactory
    from countyhealth.residents.tests.factories import ResidentFactory

    hospital = OrganisationFactory(name="县人民医院", org_type=OrgType.COUNTY_HOSPITAL, parent=None)
    township = OrganisationFactory(name="东山镇卫生院", org_type=OrgType.TOWNSHIP_CENTRE, parent=hospital,
                                   division_code="430124101")
    clinic = OrganisationFactory(name="东山村卫生室", parent=township, division_code="430124101201")
    village = VillageFactory(name="东山村", clinic=clinic, division_code="430124101201")
    doctor = UserFactory.with_role(Role.TOWNSHIP_DOCTOR, township, username="td_bench")
    UserFactory.with_role(Role.ECG_READER, hospital, username="reader_bench")
    _token, raw = do_issue_api_token(acting_user=doctor, name="bench")
    residents = [ResidentFactory(village=village) for _ in range(n + 1)]
    return raw, residents, TEST_PASSWORD


def files(n: int) -> list[bytes]:
    """Distinct DICOM files (different bytes, hence different SHA-256) from one synthesised ECG."""
    from countyhealth.ecg.formats import Recording
    from countyhealth.ecg.formats.writers import synthesise, to_dicom

    base = synthesise(72, seed=7)
    out = []
    for i in range(n):
        leads = {name: values + 0.001 * (i + 1) for name, values in base.leads.items()}
        out.append(to_dicom(Recording(leads=leads, sampling_rate=base.sampling_rate, source_format="synthetic")))
    return out


def figures(name: str, ms: list[float]) -> None:
    from bench._support import percentiles

    median, p95, top = percentiles(ms)
    print(f"{name:<46} median {median:7.1f}   p95 {p95:7.1f}   max {top:7.1f} ms   (n={len(ms)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="countyhealth-bench-ecg-latency-")
    try:
        run(args, data_dir)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def run(args, data_dir: str) -> None:
    from bench._support import machine, setup_django

    url = f"sqlite:///{data_dir}/bench.sqlite3"
    setup_django(url, data_dir)
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    token, residents, password = world(args.uploads)
    uploads = files(args.uploads + 1)
    from countyhealth.ecg.views import WORKLIST_POLL_MS

    port = free_port()
    env = os.environ | {"DATABASE_URL": url, "COUNTYHEALTH_DATA_DIR": data_dir}
    server = subprocess.Popen(
        [str(REPO / ".venv/bin/gunicorn"), "countyhealth.wsgi:application", "--pythonpath", str(REPO / "src"),
         "--bind", f"127.0.0.1:{port}", "--worker-class", "gthread", "--workers", str(args.workers),
         "--threads", "4", "--log-level", "warning"], env=env)
    try:
        measure(f"http://127.0.0.1:{port}", token, residents, uploads, password, args, WORKLIST_POLL_MS)
    finally:
        server.terminate()
        server.wait(timeout=20)
    print(f"machine: {machine()}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def wait_for(base: str) -> None:
    import httpx

    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            httpx.get(base + "/accounts/login/", timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within 180 s")


def upload(http, resident, data: bytes) -> int:
    response = http.post("/api/ecg/uploads", data={"resident_id": str(resident.pk)},
                         files={"file": ("ecg.dcm", data, "application/dicom")})
    response.raise_for_status()
    return response.json()["ecg"]["id"]


def measure(base, token, residents, uploads, password, args, poll_ms) -> None:
    import httpx
    from playwright.sync_api import sync_playwright
    from tests.browser.conftest import CHROMIUM_ARGS

    wait_for(base)
    rng = random.Random(5)
    http = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    upload(http, residents.pop(), uploads.pop())  # warm-up: the workers import NeuroKit2 on their first ECG
    request_ms, screen_ms, added_ms = [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        page = browser.new_context(locale="zh-CN").new_page()
        page.goto(base + "/accounts/login/")
        page.fill("#id_username", "reader_bench")
        page.fill("#id_password", password)
        page.click("button[type=submit].primary")
        page.wait_for_load_state()
        page.goto(base + "/ecg/")
        page.evaluate(OBSERVER)
        for resident, data in zip(residents, uploads, strict=False):
            time.sleep(rng.uniform(0.2, 0.2 + 2 * poll_ms / 1000))
            started = time.time() * 1000
            ecg_id = upload(http, resident, data)
            answered = time.time() * 1000
            page.wait_for_selector(f'#worklist-rows tr[data-ecg="{ecg_id}"]', state="attached", timeout=10_000)
            seen = page.evaluate(f"window.__seen['{ecg_id}']")
            request_ms.append(answered - started)
            screen_ms.append(seen - started)
            added_ms.append(seen - answered)
        cookies = {c["name"]: c["value"] for c in page.context.cookies()}
        browser.close()
    poll_cost = poll_costs(base, cookies)
    print(f"ECG worklist latency: {len(screen_ms)} uploads (10 s × 12-lead DICOM) through gunicorn "
          f"({args.workers} workers × 4 threads, SQLite), reader's worklist open in Chromium, "
          f"poll every {poll_ms} ms (target < 1000 ms)")
    figures("upload request alone (the floor)", request_ms)
    figures("upload → row on the reader's worklist", screen_ms)
    figures("added by the live update (bound: poll + redraw)", added_ms)
    for name, ms in poll_cost:
        figures(name, ms)


def poll_costs(base, cookies) -> list[tuple[str, list[float]]]:
    """Server cost of one poll with the reader's session: unchanged (204) against a full redraw (200)."""
    import re

    import httpx

    with httpx.Client(base_url=base, cookies=cookies, timeout=30) as http:
        page = http.get("/ecg/").text
        poll = re.search(r'hx-get="(/ecg/worklist/rows/\?v=[^"&]+)"', page).group(1)
        out = {"poll answered 204 (nothing changed)": [], "baseline: full redraw of the rows (200)": []}
        for _ in range(40):
            for name, path in zip(out, (poll, "/ecg/worklist/rows/"), strict=True):
                started = time.perf_counter()
                http.get(path)
                out[name].append((time.perf_counter() - started) * 1000)
    return list(out.items())


if __name__ == "__main__":
    main()
