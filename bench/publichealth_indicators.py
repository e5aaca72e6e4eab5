"""County indicators and a village doctor's due list on PostgreSQL with 1,000,000 residents.

    .venv/bin/python bench/publichealth_indicators.py                       # 1,000,000 residents, 200 runs
    .venv/bin/python bench/publichealth_indicators.py --residents 50000 --runs 20
    nice -n 15 .venv/bin/python bench/publichealth_indicators.py --cluster /tmp/ph1m --seed-only   # seed once
    .venv/bin/python bench/publichealth_indicators.py --cluster /tmp/ph1m --runs 50             # then measure

A throwaway PostgreSQL cluster (tests/support/pg.py) gets the demo county (`countyhealth.demo.seed`, written
with COPY) and programme histories generated here: hypertension for ~25 % of adults ≥ 35, type 2 diabetes for
~10 %, ~4 follow-ups per enrolled resident per year over 3 years (about 10 % by phone), some patients lost,
dead or moved out, yearly health checks for most of the elderly, child-health visits, family-doctor
contracts and maternal care (about 8 pregnancies per 1,000 residents a year over two years, with their
registration, antenatal and postpartum visits and deliveries). All of it goes in with COPY. Then, after ANALYZE:

* county indicators — `compute.tally` for all indicators, year to date, whole county, rolled up the tree
  (what the dashboard's cards and bar chart cost), next to the very same SQL statements run raw (the ORM's
  share);
* due list — `publichealth.queries.due_list(bucket="week")` for a village doctor, first page of 50, next to
  the raw SQL of that query on the `enrolment_due` index;
* the county dashboard as a director opens it — the whole page through Django's test client, reading the
  scheduled counts (indicators/snapshots.py) — next to the live count it replaces, and the time the hourly
  and the nightly recount take.

Prints p50/p95/max over the runs. Tests never assert timings; this is where they are measured.
"""

import argparse
import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._support import CopySink, kept_postgres, machine, percentiles, setup_django  # noqa: E402

AS_OF = date(2026, 9, 30)
HISTORY_YEARS = 3


def full_rows(model, rows: list[dict]) -> tuple[tuple[str, ...], list[tuple]]:
    """Columns and row tuples for COPY with every NOT NULL column filled: given values, else the field's
    default (Python-side defaults never reach the database by themselves)."""
    from django.db import models

    now = datetime(AS_OF.year, AS_OF.month, AS_OF.day, 12, tzinfo=UTC)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = tuple(f.attname for f in fields)
    defaults = []
    for f in fields:
        if isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add):
            defaults.append(now)
        elif f.has_default():
            defaults.append(f.get_default())
        elif f.null:
            defaults.append(None)
        elif isinstance(f, models.CharField | models.TextField):
            defaults.append("")
        else:
            defaults.append(None)
    out = [tuple(row.get(c, d) for c, d in zip(columns, defaults, strict=True)) for row in rows]
    return columns, out


class Programmes:
    """Generates and writes the programme histories for the seeded residents."""

    def __init__(self, seed: int, sink):
        self.rng = random.Random(f"{seed}:programmes")
        self.sink = sink
        self.counts = {}

    def write(self, model, rows: list[dict]) -> list[int]:
        if not rows:
            return []
        columns, data = full_rows(model, rows)
        ids = self.sink.insert(model, columns, data)
        self.counts[model._meta.label] = self.counts.get(model._meta.label, 0) + len(rows)
        return ids

    def run(self):
        from django.db import connection

        from countyhealth.accounts.models import User
        from countyhealth.accounts.roles import Role
        from countyhealth.familydoctor.models import Contract, FamilyDoctorTeam
        from countyhealth.orgs.models import Organisation, OrgType
        from countyhealth.publichealth.models import (
            ChildVisit,
            Enrolment,
            FollowUpVisit,
            MaternalVisit,
            Pregnancy,
        )
        from countyhealth.records.models import AnnualHealthCheck
        from countyhealth.residents.rules import age_on

        rng = self.rng
        doctors = {}
        for user in User.objects.filter(role=Role.VILLAGE_DOCTOR):
            doctors.setdefault(user.organisation_id, user.pk)
        any_doctor = next(iter(doctors.values()))
        parent = dict(Organisation.objects.values_list("id", "parent_id"))
        teams = {}
        for org in Organisation.objects.filter(org_type=OrgType.TOWNSHIP_CENTRE):
            teams[org.pk] = FamilyDoctorTeam.objects.create(name=f"{org.name}家庭医生团队", organisation=org).pk
        start = date(AS_OF.year - HISTORY_YEARS, AS_OF.month, AS_OF.day) + timedelta(days=1)

        with connection.cursor() as cursor:
            cursor.execute("SELECT id, birth_date, catchment_org_id, name, sex FROM residents_resident "
                           "WHERE is_active AND status = 'active' ORDER BY id")
            residents = cursor.fetchall()
        batch = {"enrolments": [], "visits": [], "checks": [], "child": [], "contracts": [], "maternal": []}

        def flush(final=False):
            if len(batch["enrolments"]) < 20000 and not final:
                return
            enrolments = batch["enrolments"]
            ids = self.write(Enrolment, [e for e, _ in enrolments])
            visits, child = [], []
            for pk, (_, pending) in zip(ids, enrolments, strict=True):
                for v in pending:
                    v["enrolment_id"] = pk
                    (child if "slot" in v else visits).append(v)
            self.write(FollowUpVisit, visits)
            self.write(ChildVisit, child)
            maternal = batch["maternal"]
            enrolment_ids = self.write(Enrolment, [e for e, _, _ in maternal])
            for pk, (_, pregnancy, _) in zip(enrolment_ids, maternal, strict=True):
                pregnancy["enrolment_id"] = pk
            pregnancy_ids = self.write(Pregnancy, [p for _, p, _ in maternal])
            maternal_visits = []
            for pk, (_, _, pending) in zip(pregnancy_ids, maternal, strict=True):
                for v in pending:
                    v["pregnancy_id"] = pk
                    maternal_visits.append(v)
            self.write(MaternalVisit, maternal_visits)
            self.write(AnnualHealthCheck, batch["checks"])
            self.write(Contract, batch["contracts"])
            for key in batch:
                batch[key] = []

        for rid, birth, org, name, sex in residents:
            age = age_on(birth, AS_OF)
            doctor = doctors.get(org, any_doctor)
            township = parent.get(org)
            key_group = age >= 65 or age < 7
            if rng.random() < (0.6 if key_group else 0.3) and township in teams:
                signed = AS_OF - timedelta(days=rng.randint(0, 500))
                batch["contracts"].append({
                    "resident_id": rid, "team_id": teams[township], "doctor_id": doctor, "start_date": signed,
                    "end_date": signed + timedelta(days=364), "signed_by_name": name})
            if age >= 65:
                for year in range(AS_OF.year - HISTORY_YEARS + 1, AS_OF.year + 1):
                    if rng.random() < 0.7:
                        day = date(year, rng.randint(3, 9), rng.randint(1, 28))
                        batch["checks"].append({"resident_id": rid, "check_date": day, "organisation_id": org,
                                                "is_complete_for_elderly": rng.random() < 0.8})
            if age < 7:
                visits = []
                for months in (0, 1, 3, 6, 8, 12, 18, 24, 30, 36, 48, 60, 72):
                    day = birth + timedelta(days=months * 30 + rng.randint(0, 20))
                    if start <= day <= AS_OF and rng.random() < 0.85:
                        visits.append({"resident_id": rid, "slot": "newborn_home" if months == 0 else f"m{months}",
                                       "visit_date": day, "organisation_id": org, "doctor_id": doctor})
                enrolment = {"resident_id": rid, "programme": "child", "enrolled_on": birth,
                             "catchment_org_id": org, "status": "active"}
                batch["enrolments"].append((enrolment, visits))
            if sex == "2" and 20 <= age < 40 and rng.random() < 0.12:  # ~16 per 1,000 residents in 2 years
                batch["maternal"].append(self._pregnancy(rid, org, doctor))
            if age >= 35:
                for programme, share in (("hypertension", 0.25), ("diabetes", 0.10)):
                    if rng.random() < share:
                        batch["enrolments"].append(self._chronic(rid, birth, org, doctor, programme, start))
            flush()
        flush(final=True)
        self.sink.finish()

    def _pregnancy(self, rid, org, doctor):
        """A pregnancy with its LMP in the last ~2 years: registration (9 in 10 before 13 weeks) with the first
        exam, later antenatal visits, and if delivered by AS_OF the delivery and the postpartum visits."""
        rng = self.rng
        lmp = AS_OF - timedelta(days=rng.randint(100, 730))
        edd = lmp + timedelta(days=280)
        registered = lmp + timedelta(days=rng.randint(42, 96))
        delivery = lmp + timedelta(days=rng.randint(266, 287))
        delivered = delivery < AS_OF - timedelta(days=7)
        base = {"resident_id": rid, "organisation_id": org, "doctor_id": doctor, "next_action": "routine"}
        visits = [{**base, "code": "antenatal_1" if (registered - lmp).days <= 90 else "antenatal_extra",
                   "visit_date": registered, "ga_days": (registered - lmp).days}]
        for code, days in (("antenatal_2", 126), ("antenatal_3", 161), ("antenatal_4", 220), ("antenatal_5", 262)):
            day = lmp + timedelta(days=days + rng.randint(0, 6))
            if day < min(delivery, AS_OF) and rng.random() < 0.85:
                visits.append({**base, "code": code, "visit_date": day, "ga_days": days})
        pregnancy = {"resident_id": rid, "lmp": lmp, "edd": edd, "registered_on": registered,
                     "registered_by_id": doctor, "gravidity": 1, "parity": 0}
        status, ended_on, end_reason = "active", None, ""
        if delivered:
            discharge = delivery + timedelta(days=rng.randint(2, 5))
            pregnancy.update(delivery_date=delivery, discharge_date=discharge, delivery_place="hospital",
                             live_births=2 if rng.random() < 0.01 else 1)
            if rng.random() < 0.85:
                visits.append({**base, "code": "postpartum_home",
                               "visit_date": discharge + timedelta(days=rng.choice([1, 3, 5, 9, 30]))})
            check = delivery + timedelta(days=rng.randint(42, 50))
            if check <= AS_OF and rng.random() < 0.8:
                visits.append({**base, "code": "postpartum_42d", "visit_date": check})
                status, ended_on, end_reason = "ended", check, "completed"
        enrolment = {"resident_id": rid, "programme": "maternal", "enrolled_on": registered, "catchment_org_id": org,
                     "status": status, "ended_on": ended_on, "end_reason": end_reason}
        return enrolment, pregnancy, visits

    def _chronic(self, rid, birth, org, doctor, programme, start):
        rng = self.rng
        earliest = max(date(2012, 1, 1), birth + timedelta(days=36 * 366))
        enrolled_on = earliest + timedelta(days=rng.randint(0, max(0, (AS_OF - earliest).days)))
        status, ended_on, end_reason = "active", None, ""
        roll = rng.random()
        if roll < 0.05:
            status, ended_on = "lost", AS_OF - timedelta(days=rng.randint(0, 700))
        elif roll < 0.08:
            status, end_reason = "ended", rng.choice(["dead", "moved_out"])
            ended_on = AS_OF - timedelta(days=rng.randint(0, 700))
        ended_on = max(ended_on, enrolled_on) if ended_on else None
        visits, day = [], max(start, enrolled_on)
        last_day = ended_on if status == "ended" else AS_OF
        while True:
            day += timedelta(days=rng.randint(60, 120))  # ~4 a year, with gaps
            if day > last_day:
                break
            sbp, dbp = rng.randint(115, 175), rng.randint(70, 105)
            fpg = round(rng.uniform(4.5, 10.5), 1) if programme == "diabetes" else None
            controlled = (fpg < 7.0) if fpg is not None else (sbp < 140 and dbp < 90)
            visits.append({
                "resident_id": rid, "programme": programme, "visit_date": day,
                "mode": rng.choices(["clinic", "home", "phone"], [80, 10, 10])[0],
                "organisation_id": org, "doctor_id": doctor, "sbp": sbp, "dbp": dbp, "fpg": fpg,
                "follow_up_class": "CONTROLLED" if controlled else "UNCONTROLLED", "controlled": controlled,
                "next_action": "ROUTINE" if controlled else "ADJUST_AND_REVISIT",
                "next_due": day + timedelta(days=90 if controlled else 14)})
        next_due = visits[-1]["next_due"] if visits else enrolled_on + timedelta(days=90)
        enrolment = {"resident_id": rid, "programme": programme, "enrolled_on": enrolled_on, "catchment_org_id": org,
                     "status": status, "ended_on": ended_on, "end_reason": end_reason,
                     "next_due": None if status == "ended" else next_due,
                     "last_visit_date": visits[-1]["visit_date"] if visits else None}
        return enrolment, visits


def timed(fn, runs: int) -> tuple[float, float, float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--live-runs", type=int, default=10,
                        help="runs of the live county count (seconds each at 1,000,000 residents)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cluster", type=Path, help="keep the seeded cluster in this directory and reuse it "
                        "(a county seeded by bench/records_360.py --cluster is reused: copy its data directory)")
    parser.add_argument("--seed-only", action="store_true", help="seed the --cluster and stop (run it niced)")
    args = parser.parse_args()

    from tests.support.pg import throwaway_postgres

    wall = time.perf_counter()
    if args.cluster:
        database = kept_postgres(args.cluster, shared_buffers="1GB")
    else:
        database = throwaway_postgres(shared_buffers="1GB")
    with database as url:
        setup_django(url)
        from django.db import connection

        from countyhealth.accounts.models import User
        from countyhealth.accounts.roles import Role
        from countyhealth.demo.seed import seed_county
        from countyhealth.orgs.models import Organisation
        from countyhealth.publichealth import queries
        from countyhealth.publichealth.indicators import compute
        from countyhealth.publichealth.indicators.definitions import INDICATORS
        from countyhealth.publichealth.rules import Period

        started = time.perf_counter()
        county_marker = args.cluster / f"seeded-{args.residents}" if args.cluster else None
        if county_marker and county_marker.exists():
            print(f"reusing the county of {args.residents:,} residents in {args.cluster}", file=sys.stderr)
        else:
            print(f"seeding {args.residents:,} residents…", file=sys.stderr, flush=True)
            seed_county(residents=args.residents, seed=args.seed, as_of=AS_OF, sink=CopySink(),
                        progress=lambda n: None)
            if county_marker:
                county_marker.touch()
        seeded = time.perf_counter() - started
        started = time.perf_counter()
        histories_marker = args.cluster / "programme-histories" if args.cluster else None
        if histories_marker and histories_marker.exists():
            print("reusing the programme histories", file=sys.stderr)
        else:
            print(f"  {seeded:.0f} s; programme histories…", file=sys.stderr, flush=True)
            Programmes(args.seed, CopySink()).run()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            if histories_marker:
                histories_marker.touch()
        generated = time.perf_counter() - started
        if args.seed_only:
            print(f"  {generated:.0f} s; seeded, not timed (--seed-only)", file=sys.stderr)
            return
        from countyhealth.familydoctor.models import Contract
        from countyhealth.publichealth.models import (
            ChildVisit,
            Enrolment,
            FollowUpVisit,
            MaternalVisit,
            Pregnancy,
        )
        from countyhealth.records.models import AnnualHealthCheck

        counted = (Enrolment, FollowUpVisit, AnnualHealthCheck, ChildVisit, Contract, Pregnancy, MaternalVisit)
        print(f"  {generated:.0f} s; timing…", file=sys.stderr, flush=True)

        period = Period(date(AS_OF.year, 1, 1), AS_OF)
        county = Organisation.objects.get(parent__isnull=True)

        def county_indicators():
            tree = compute.OrgTree(county)
            return tree.roll_up(compute.tally(INDICATORS, period, compute.scoped_ids(tree)))

        per_family = {}
        families = {}
        for indicator in INDICATORS:
            families.setdefault(indicator.family.key, []).append(indicator)
        for key, members in families.items():
            per_family[key] = timed(lambda members=members: compute.tally(members, period), 3)
            print(f"  {key}: p50 {per_family[key][0]:.0f} ms", file=sys.stderr, flush=True)

        statements = []
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            county_indicators()
        statements = [q["sql"] for q in captured.captured_queries]

        def raw_indicators():
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
                    if cursor.description is not None:  # BEGIN / SET LOCAL / COMMIT return no rows
                        cursor.fetchall()

        totals = county_indicators()[county.pk]
        indicator_times = timed(county_indicators, args.live_runs)
        baseline_runs = max(3, args.live_runs // 2)
        raw_times = timed(raw_indicators, baseline_runs)
        # PostgreSQL's JIT compiles plans whose estimated cost passes jit_above_cost; on short analytic
        # queries the compilation can cost more than it saves, so the same work is timed without it.
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        no_jit_times = timed(county_indicators, args.live_runs)
        with connection.cursor() as cursor:
            cursor.execute("RESET jit")

        doctor = User.objects.filter(role=Role.VILLAGE_DOCTOR).order_by("id").first()
        week_end = queries.week_end(AS_OF)

        def due_list():
            return list(queries.due_list(doctor, bucket="week", on=AS_OF)[:50])

        def raw_due_list():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT e.id, e.programme, e.next_due, e.next_due_label, r.name, r.birth_date, v.name "
                    "FROM publichealth_enrolment e JOIN residents_resident r ON r.id = e.resident_id "
                    "JOIN orgs_village v ON v.id = r.village_id "
                    "WHERE e.catchment_org_id = %s AND e.status = 'active' AND e.next_due >= %s AND e.next_due <= %s "
                    "ORDER BY e.next_due, e.id LIMIT 50", [doctor.organisation_id, AS_OF, week_end])
                return cursor.fetchall()

        due_rows = len(due_list())
        due_times = timed(due_list, args.runs)
        raw_due_times = timed(raw_due_list, args.runs)

        from django.conf import settings
        from django.test import Client
        from django.urls import reverse

        from countyhealth.publichealth.indicators import snapshots

        started = time.perf_counter()
        snapshots.refresh([period])
        hourly_seconds = time.perf_counter() - started
        started = time.perf_counter()
        nightly_periods = snapshots.standard_periods(AS_OF)
        snapshots.refresh(nightly_periods)
        nightly_seconds = time.perf_counter() - started
        director = User.objects.filter(role=Role.CONSORTIUM_ADMIN, organisation=county).order_by("id").first()
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        browser = Client()
        browser.force_login(director)
        dashboard_url = reverse("indicators:dashboard")
        dashboard_query = {"indicator": "htn_control", "period_start": period.start.isoformat(),
                           "period_end": period.end.isoformat()}

        def dashboard_page():
            response = browser.get(dashboard_url, dashboard_query)
            assert response.status_code == 200 and b"counted-at" in response.content
            return response

        dashboard_times = timed(dashboard_page, args.runs)

        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM residents_resident")
            residents = cursor.fetchone()[0]
        row_counts = {str(model._meta.verbose_name_plural): model.objects.count() for model in counted}

    print(f"\npublic-health indicators — {residents:,} residents (seed {args.seed}), as of {AS_OF}; {machine()}")
    print("rows: " + ", ".join(f"{label} {n:,}" for label, n in row_counts.items()))
    print("load average (1, 5, 15 min): " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(f"seeding {seeded:.0f} s (demo county) + {generated:.0f} s (programme histories, COPY, ANALYZE)\n")
    header = f"{'what':<58} {'runs':>5} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9}"
    print(header)
    print("-" * len(header))
    rows = [
        ("county dashboard page from the hourly counts (HTTP, test client)", args.runs, dashboard_times),
        (f"county indicators counted live, all {len(INDICATORS)} ({len(statements)} queries)", args.live_runs,
         indicator_times),
        ("county indicators — the same SQL, raw cursor", baseline_runs, raw_times),
        ("county indicators — ORM, SET jit = off", args.live_runs, no_jit_times),
        (f"due list this week, village doctor ({due_rows} rows) — ORM", args.runs, due_times),
        ("due list — raw SQL on enrolment_due", args.runs, raw_due_times),
    ]
    for label, runs, (p50, p95, top) in rows:
        print(f"{label:<58} {runs:>5} {p50:>9.1f} {p95:>9.1f} {top:>9.1f}")
    print(f"\nrecount: hourly (year to date) {hourly_seconds:.1f} s; nightly ({len(nightly_periods)} standard periods) "
          f"{nightly_seconds:.1f} s")
    print("\nper family (one grouped query each; 'population' adds the two population queries):")
    for key, (p50, p95, _top) in per_family.items():
        codes = ", ".join(i.code for i in families[key])
        print(f"  {key:<16} p50 {p50:>8.1f} ms  p95 {p95:>8.1f} ms   {codes}")
    print("\ncounty values:")
    for indicator in INDICATORS:
        t = totals.get(indicator.code, compute.Tally())
        print(f"  {indicator.code:<32} {t.numerator:>9,} / {t.denominator:>9,} = {t.rate} %")
    print(f"\ntargets: county indicators (the dashboard page) < 500 ms, due list < 100 ms; "
          f"bench wall time {time.perf_counter() - wall:.0f} s")


if __name__ == "__main__":
    main()
