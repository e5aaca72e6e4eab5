"""How fast the demo seeder writes residents, on SQLite and PostgreSQL, next to raw-SQL baselines.

    .venv/bin/python bench/seed_rate.py                      # 20,000 residents
    .venv/bin/python bench/seed_rate.py --residents 100000 --skip-postgres

Every writer gets the very same rows from `countyhealth.demo.seed` (same seed): the ORM's `bulk_create`
(what `manage.py seed_demo` uses), a DB-API `executemany` of one parameterised INSERT, and on PostgreSQL
`COPY FROM STDIN`. "generation only" runs the seeder with a writer that inserts nothing, so the rest of
each total is the writing. Each writer runs in its own process on a fresh database (a SQLite file in a
temporary directory; a database in one throwaway PostgreSQL cluster with fsync off). Prints figures only.
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from itertools import count
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._support import (  # noqa: E402
    CopySink,
    ExecutemanySink,
    TimedSink,
    machine,
    setup_django,
)

WRITERS = {
    "none": "generation only (no resident rows)",
    "orm": "ORM bulk_create (seed_demo)",
    "executemany": "raw executemany INSERT",
    "copy": "COPY FROM STDIN",
}


class _NoWrites:
    def __init__(self):
        self._ids = count(1)

    def insert(self, model, columns, rows):
        return [next(self._ids) for _ in rows]


def child(writer: str, database_url: str, residents: int, seed: int) -> None:
    setup_django(database_url)
    from countyhealth.demo.seed import OrmSink, seed_county
    from countyhealth.residents.models import Resident

    sink = TimedSink({"none": _NoWrites, "orm": OrmSink, "executemany": ExecutemanySink, "copy": CopySink}[writer]())
    report = seed_county(residents=residents, seed=seed, sink=sink)
    sink.finish()
    written = Resident.objects.count()
    if writer != "none" and written != residents:
        raise SystemExit(f"{writer}: {written} residents written, {residents} expected")
    print(json.dumps({"seconds": report.seconds, "write_seconds": sink.total, "tables": sink.seconds,
                      "counts": report.counts}))


def run(writer: str, database_url: str, residents: int, seed: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", writer, "--database-url", database_url, "--residents", str(residents),
         "--seed", str(seed)],
        check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _pg_database(base_url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return base_url.rsplit("/", 1)[0] + "/" + name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--residents", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--child", choices=WRITERS, help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.database_url, args.residents, args.seed)
        return

    results = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="countyhealth-seed-rate-") as tmp:
        for writer in ("none", "orm", "executemany"):
            print(f"SQLite {writer}…", file=sys.stderr, flush=True)
            results.append(("SQLite", writer, run(writer, f"sqlite:///{tmp}/{writer}.sqlite3", args.residents,
                                                  args.seed)))
    if not args.skip_postgres:
        from tests.support.pg import throwaway_postgres

        with throwaway_postgres() as base_url:
            for writer in ("orm", "executemany", "copy"):
                print(f"PostgreSQL {writer}…", file=sys.stderr, flush=True)
                url = _pg_database(base_url, f"bench_{writer}")
                results.append(("PostgreSQL", writer, run(writer, url, args.residents, args.seed)))

    counts = results[0][2]["counts"]
    print(f"\nseed rate — {args.residents:,} residents, {counts['households']:,} households, "
          f"{counts['identifiers']:,} identifiers, {counts['duplicate_candidates']:,} duplicate pairs "
          f"(seed {args.seed}); {machine()}")
    header = f"{'database':<11} {'writer':<36} {'total s':>8} {'residents/s':>12} {'writing s':>10} {'rows/s written':>15}"
    print(header)
    print("-" * len(header))
    rows = counts["households"] + counts["residents"] + counts["identifiers"] + counts["duplicate_candidates"]
    for database, writer, r in results:
        rate = args.residents / r["seconds"]
        written = f"{rows / r['write_seconds']:>15,.0f}" if writer != "none" else f"{'—':>15}"
        writing = f"{r['write_seconds']:>10.2f}" if writer != "none" else f"{'—':>10}"
        print(f"{database:<11} {WRITERS[writer]:<36} {r['seconds']:>8.2f} {rate:>12,.0f} {writing} {written}")
    print(f"\n'writing s' is the time inside the writer (all four tables); the rest of 'total s' is generating the "
          f"county, names and search keys, and the organisations and accounts.\nbench wall time "
          f"{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
