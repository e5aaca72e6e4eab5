"""ECG pre-analysis time per 10 s 12-lead 500 Hz ECG, against plain NeuroKit2 `ecg_process` in the same run.

    .venv/bin/python bench/ecg_analysis.py [--n 30]

Prints median and p95 (ms, wall clock) of: our `analyse()` (all 12 leads, intervals, ST per lead, triage) and its CPU
time (what it costs with the machine to itself, whatever the load); NeuroKit2's
`ecg_process` on lead II only (one lead, no ST, no triage); and `ecg_process` on all 12 leads (what analysing
every lead the plain way costs). Signals are synthesised (ECGSYN) at 50–130 /min, some with ST elevation.
"""

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "countyhealth.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")


def figures(name, seconds):
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    print(f"{name:<38} median {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms   (n={len(ms)})")
    return statistics.median(ms)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=30)
    args = parser.parse_args()
    import django

    django.setup()
    import neurokit2 as nk

    from countyhealth.ecg.analysis import analyse
    from countyhealth.ecg.formats import LEADS
    from countyhealth.ecg.formats.writers import synthesise

    warnings.filterwarnings("ignore")
    records = [synthesise(50 + (i * 17) % 80, st_mv={"V2": 0.3, "V3": 0.3} if i % 4 == 0 else None, seed=i)
               for i in range(args.n)]
    analyse(records[0])  # warm-up: imports and caches
    ours, ours_cpu, single, twelve = [], [], [], []
    for rec in records:
        start, cpu = time.perf_counter(), time.thread_time()
        analyse(rec, sex="M", age=60)
        ours.append(time.perf_counter() - start)
        ours_cpu.append(time.thread_time() - cpu)
        start = time.perf_counter()
        nk.ecg_process(rec.leads["II"], sampling_rate=500)
        single.append(time.perf_counter() - start)
    for rec in records[: max(3, args.n // 5)]:
        start = time.perf_counter()
        for lead in LEADS:
            nk.ecg_process(rec.leads[lead], sampling_rate=500)
        twelve.append(time.perf_counter() - start)
    print("ECG pre-analysis, 10 s × 12 leads × 500 Hz (target ≤ 50 ms per ECG)")
    mine = figures("countyhealth analyse() (12 leads)", ours)
    figures("countyhealth analyse(), CPU time", ours_cpu)
    base = figures("baseline nk.ecg_process (lead II)", single)
    full = figures("baseline nk.ecg_process × 12 leads", twelve)
    print(f"speed-up vs single-lead ecg_process: {base / mine:.1f}×; vs 12-lead ecg_process: {full / mine:.1f}×")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
