"""Resident search at county scale: a million residents on PostgreSQL, searched as three kinds of user.

    .venv/bin/python bench/resident_search.py                          # 1,000,000 residents, 200 queries
    .venv/bin/python bench/resident_search.py --residents 50000 --queries 50   # a quick run

Starts a throwaway PostgreSQL cluster (tests/support/pg.py), migrates, seeds the demo county (COPY by
default — the bench's own writer, the seeder's rows; `--writer orm` seeds through `bulk_create` as
`seed_demo` does, and reports that rate instead), runs VACUUM ANALYZE, then times

    paginate(search(Resident.objects.visible_to(user).listed(), text), 1, 20)

— the first page of the resident list — for a village doctor, a township doctor and the consortium
administrator, searching by ID number, by full name, by pinyin initials and by mobile phone: `--queries`
queries of each kind with terms drawn at random from residents that user may see. Beside each figure is
a raw-SQL baseline: the same SQL the ORM generated, executed and fetched through the DB-API cursor, so
the ORM's share shows. Then EXPLAIN (ANALYZE, BUFFERS) of one query of each kind — the one that was
slowest in the timed run. Prints figures only;
the target is p95 < 100 ms.
"""

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._support import CopySink, TimedSink, machine, pad, percentiles, setup_django  # noqa: E402

KINDS = ("id_number", "name", "initials", "phone")
TARGET_P95_MS = 100.0
WARM_UP = 20


def _progress(total: int):
    state = {"done": 0, "next": total // 10, "started": time.perf_counter()}

    def report(n: int) -> None:
        state["done"] += n
        report.last = time.perf_counter()
        if state["done"] >= state["next"] or state["done"] == total:
            elapsed = time.perf_counter() - state["started"]
            print(f"  seeded {state['done']:>9,} residents  {elapsed:6.0f} s  "
                  f"{state['done'] / elapsed:,.0f}/s", file=sys.stderr, flush=True)
            state["next"] += max(1, total // 10)

    report.last = time.perf_counter()
    return report


def seed(residents: int, seed_value: int, writer: str) -> None:
    from django.db import connection

    from countyhealth.demo.seed import OrmSink, seed_county

    sink = TimedSink(CopySink() if writer == "copy" else OrmSink())
    print(f"seeding {residents:,} residents ({writer})…", file=sys.stderr, flush=True)
    progress = _progress(residents)
    report = seed_county(residents=residents, seed=seed_value, sink=sink, progress=progress, batch_size=20000)
    # What follows the last batch is mostly COMMIT: Django's foreign keys on PostgreSQL are DEFERRABLE
    # INITIALLY DEFERRED, so every inserted row's checks run then.
    after_last_batch = time.perf_counter() - progress.last
    sink.finish()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    vacuum = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('residents_resident')), "
                       "pg_size_pretty(pg_database_size(current_database()))")
        table_size, database_size = cursor.fetchone()
    c = report.counts
    print(f"\nseed: {c['residents']:,} residents, {c['households']:,} households, {c['identifiers']:,} identifiers, "
          f"{c['duplicate_candidates']:,} duplicate pairs in {report.seconds:,.0f} s "
          f"({report.rate:,.0f} residents/s; {sink.total:,.0f} s inside the {writer} writer, {after_last_batch:,.0f} s "
          f"from the last batch to the end of COMMIT); "
          f"VACUUM ANALYZE {vacuum:.0f} s; residents table with indexes {table_size}, database {database_size}")


def pick_users():
    from django.db.models import Count

    from countyhealth.accounts.models import User
    from countyhealth.accounts.roles import Role
    from countyhealth.orgs.models import Village

    # The village doctor of the median village, the doctor of the largest township, the administrator.
    villages = list(Village.objects.annotate(n=Count("residents")).order_by("n", "division_code"))
    median = villages[len(villages) // 2]
    village_doctor = User.objects.get(role=Role.VILLAGE_DOCTOR, organisation_id=median.clinic_id)
    township_doctor = (User.objects.filter(role=Role.TOWNSHIP_DOCTOR)
                       .annotate(n=Count("organisation__children")).order_by("-n", "username").first())
    admin = User.objects.get(username="admin")
    return [
        (f"village doctor {village_doctor.username} ({median.name}, {median.n:,} residents)", village_doctor),
        (f"township doctor {township_doctor.username} ({township_doctor.organisation.name})", township_doctor),
        ("consortium admin admin (whole county)", admin),
    ]


def terms_for(user, count: int, rng: random.Random) -> dict[str, list[str]]:
    from countyhealth.residents.models import Resident

    visible = Resident.objects.visible_to(user).listed()
    ids = list(visible.values_list("id", flat=True))
    phoned = list(visible.exclude(phone="").values_list("id", flat=True))
    sample = Resident.objects.in_bulk(rng.sample(ids, min(count * 2, len(ids))))
    rows = [sample[pk] for pk in sorted(sample)]
    rng.shuffle(rows)
    with_id = [r for r in rows if r.id_number]
    phones = Resident.objects.in_bulk(rng.sample(phoned, min(count, len(phoned))))
    return {
        "id_number": [r.id_number for r in with_id[:count]],
        "name": [r.name for r in rows[:count]],
        "initials": [r.name_initials for r in rows[:count]],
        "phone": [r.phone for r in sorted(phones.values(), key=lambda r: r.pk)],
    }


def measure(user, terms: list[str]):
    from django.db import connection

    from countyhealth.core.pagination import paginate
    from countyhealth.residents.models import Resident
    from countyhealth.residents.queries import search

    def queryset(term):
        return search(Resident.objects.visible_to(user).listed(), term)

    for term in terms[:WARM_UP]:  # a running server has its caches warm
        paginate(queryset(term), 1, 20)
    orm_ms, raw_ms, found = [], [], 0
    for term in terms:
        started = time.perf_counter()
        page = paginate(queryset(term), 1, 20)
        orm_ms.append((time.perf_counter() - started) * 1000)
        found += len(page.items)
        sql, params = queryset(term)[:21].query.sql_with_params()
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            raw_ms.append((time.perf_counter() - started) * 1000)
    slowest = terms[max(range(len(terms)), key=orm_ms.__getitem__)]
    return orm_ms, raw_ms, found / len(terms), slowest


def explain(user, term: str) -> str:
    from django.db import connection

    from countyhealth.residents.models import Resident
    from countyhealth.residents.queries import search

    sql, params = search(Resident.objects.visible_to(user).listed(), term)[:21].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
        return "\n".join("    " + line for (line,) in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200, help="queries per user and kind")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--writer", choices=("copy", "orm"), default="copy")
    parser.add_argument("--explain", choices=("village", "township", "admin", "all"), default="village",
                        help="whose query plans to print (one per kind)")
    args = parser.parse_args()

    from tests.support.pg import throwaway_postgres

    with throwaway_postgres(shared_buffers="512MB") as url:
        setup_django(url)
        seed(args.residents, args.seed, args.writer)
        rng = random.Random(args.seed)
        users = pick_users()
        print(f"\nresident search, first page of 20 — {args.residents:,} residents, {args.queries} queries per "
              f"row after {WARM_UP} warm-up; PostgreSQL {_server_version()}; {machine()}")
        header = (f"{'user':<58} {'kind':<10} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} │ {'raw p50':>7} "
                  f"{'raw p95':>7} {'raw max':>7} │ {'rows':>5}")
        print(header)
        print("─" * len(header))
        slowest = {}
        for label, user in users:
            terms = terms_for(user, args.queries, rng)
            for kind in KINDS:
                orm, raw, rows, slowest[(label, kind)] = measure(user, terms[kind])
                p50, p95, worst = percentiles(orm)
                r50, r95, rworst = percentiles(raw)
                flag = "" if p95 < TARGET_P95_MS else "  > target"
                print(f"{pad(label, 58)} {kind:<10} {p50:>7.1f} {p95:>7.1f} {worst:>7.1f} │ {r50:>7.1f} {r95:>7.1f} "
                      f"{rworst:>7.1f} │ {rows:>5.1f}{flag}")
        print("\n'raw' runs the SQL the ORM generated straight through the cursor; 'rows' is the mean page size "
              "returned (1 for an ID number, several for a common name).")
        chosen = {"village": users[:1], "township": users[1:2], "admin": users[2:], "all": users}[args.explain]
        for label, user in chosen:
            for kind in KINDS:
                term = slowest[(label, kind)]
                print(f"\nEXPLAIN — {label}, {kind}, the slowest term {term!r}:\n{explain(user, term)}")


def _server_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]


if __name__ == "__main__":
    main()
