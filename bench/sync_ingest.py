"""Phone sync (issue 10): server ingest of queued mutations (target ≥ 2,000/s) and the first catchment
download of a 2,000-resident village (target < 5 s).

    .venv/bin/python bench/sync_ingest.py                    # SQLite
    .venv/bin/python bench/sync_ingest.py --postgres --mutations 4000

PostgreSQL runs durable, as in production: fsync and full-page writes on, a WAL flush at each push's commit
(`--fsync-off` for the tests' setting). The seeded county is vacuumed and checkpointed before the measures.

A fresh database gets the demo county with programmes (`seed_county(programmes=True)`); 2,000 residents are
gathered into one village doctor's clinic. Then:

* first download — `GET /api/sync/catchment` pages of 500 with the device's bearer token (Django's test
  client: the whole HTTP stack minus the socket), until the last page. Baseline: one raw query reading the
  same residents' rows.
* ingest — hypertension and diabetes follow-ups queued on the phone (a round a week over the village's
  chronic patients), pushed as `POST /api/sync/push` batches of 200 (`--batch`: the phone app's size while
  its pushes are answered; it halves after one that is not): one transaction per push, follow-ups validated
  and classified by the publichealth rules and written in bulk (`sync/ingest.py`: visits, enrolment
  updates, audit rows, change log, mutation rows), then the referrals of the visits the rules refer,
  together (their summaries from one query per timeline source for all the push's residents). Then the
  following weeks' queues with routine follow-ups only (every visit at target), which isolates the
  referrals' share. Then the first queue replayed (answered from the stored results).
  Each ingest figure is the median of `--repeats` queues, one after another in time; every run is printed,
  as this machine's figures vary by a fifth from run to run. Baseline: the same number of follow-up rows
  written with one bulk_create. `--profile` prints cProfile's top costs of one extra push of a queue.
* ingest at once — `--phones` doctors of other villages push their own queues at the same moment, each from
  its own process (the server runs as many gunicorn workers as cores, `bin/demo`): the server's throughput
  when several phones come back online together, wall time from the first push to the last answer. This is
  the figure the target is for: one phone waits for each answer before its next push, so it keeps at most
  one core busy, its own server process and PostgreSQL taking turns.
"""

import argparse
import json
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._support import machine, run_on_chosen_database  # noqa: E402

VILLAGE_SIZE = 2000


def gather_villages(count: int):
    """Move residents into the `count` largest clinics until each holds VILLAGE_SIZE; one village doctor of
    each, with the clinic's id."""
    from django.db.models import Count

    from countyhealth.accounts.models import User
    from countyhealth.accounts.roles import Role
    from countyhealth.orgs.models import Village
    from countyhealth.publichealth.models import Enrolment
    from countyhealth.residents.models import Resident

    clinics = [row["catchment_org_id"] for row in Resident.objects.filter(is_active=True)
               .values("catchment_org_id").annotate(n=Count("id")).order_by("-n")[:count]]
    doctors = []
    for clinic_id in clinics:
        village = Village.objects.filter(clinic_id=clinic_id).order_by("pk").first()
        missing = VILLAGE_SIZE - Resident.objects.filter(catchment_org_id=clinic_id, is_active=True).count()
        if missing > 0:
            movers = list(Resident.objects.exclude(catchment_org_id__in=clinics).filter(is_active=True)
                          .values_list("pk", flat=True)[:missing])
            if len(movers) < missing:
                raise SystemExit(f"not enough residents for {count} villages of {VILLAGE_SIZE}; raise --residents")
            Resident.objects.filter(pk__in=movers).update(catchment_org_id=clinic_id, village=village)
            Enrolment.objects.filter(resident_id__in=movers).update(catchment_org_id=clinic_id)
        doctors.append((User.objects.filter(role=Role.VILLAGE_DOCTOR, organisation_id=clinic_id).first(), clinic_id))
    return doctors


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def first_download(client, token):
    pages, after, residents, size = 0, "", 0, 0
    started = time.perf_counter()
    while True:
        response = client.get(f"/api/sync/catchment?after={after}", HTTP_AUTHORIZATION=f"Bearer {token}")
        data = response.json()
        pages, residents, size = pages + 1, residents + len(data["residents"]), size + len(response.content)
        if not data["next_after"]:
            break
        after = data["next_after"]
    return time.perf_counter() - started, residents, pages, size


def raw_read(clinic_id):
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SELECT id, name, sex, birth_date, id_number, phone, village_id, status, name_pinyin, "
                    "name_initials, updated_at FROM residents_resident WHERE catchment_org_id = %s AND is_active",
                    [clinic_id])
        rows = cur.fetchall()
    return time.perf_counter() - started, len(rows)


def followup_mutations(doctor, count, uncontrolled_every=9, weeks_ago=0):
    """A queue of routine follow-ups: every chronic patient of the village in turn, a round a week (the last
    round `weeks_ago` weeks before today, so that queues pushed one after the other follow each other in
    time, as a phone's do: each push finds only earlier visits of its patients), blood pressure controlled
    but for one patient in nine, who stays above target at every round; the rules refer such a patient after
    two uncontrolled visits in a row, and then count again, so about one visit in eighteen after the first
    round is referred."""
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    people = list(chronic(doctor).values_list("resident_id", "programme", "enrolled_on"))
    if not people:
        raise SystemExit("no chronic enrolments in the village; seed more residents")
    rounds = -(-count // len(people))
    queue = []
    for i in range(count):
        resident, programme, enrolled_on = people[i % len(people)]
        day = max(today - timedelta(weeks=weeks_ago + rounds - 1 - i // len(people)), enrolled_on)
        high = bool(uncontrolled_every) and i % len(people) % uncontrolled_every == 0
        data = {"visit_date": day.isoformat(), "mode": "home", "sbp": 150 if high else 112 + i % 25,
                "dbp": 95 if high else 70 + i % 15}
        if programme == "diabetes":
            data["fpg"] = "8.1" if high else f"{5.2 + (i % 10) / 10:.1f}"
        queue.append({"id": str(uuid.uuid4()), "kind": "followup", "payload": {
            "resident": resident, "programme": programme, "client_id": str(uuid.uuid4()), "data": data}})
    return queue, len(people)


def chronic(doctor):
    from countyhealth.publichealth.models import Enrolment

    return Enrolment.objects.current().filter(catchment_org_id=doctor.organisation_id,
                                              programme__in=["hypertension", "diabetes"])


def rated(rates: list[float]) -> str:
    """Mutations/s of repeated runs: the median, then every run in order."""
    ordered = sorted(rates)
    return (f"median {ordered[len(ordered) // 2]:,.0f} mutations/s "
            f"(runs: {', '.join(f'{rate:,.0f}' for rate in rates)})")


def push_all(client, token, mutations, batch=200):
    started, statuses = time.perf_counter(), {}
    for i in range(0, len(mutations), batch):
        response = client.post("/api/sync/push", json.dumps({"mutations": mutations[i:i + batch]}),
                               content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
        for r in response.json()["results"]:
            statuses[r["status"]] = statuses.get(r["status"], 0) + 1
    return time.perf_counter() - started, statuses


def referrals_made() -> int:
    """Referrals the follow-ups have made so far (a pushed follow-up's referral names its visit as source)."""
    from countyhealth.referrals.models import Referral

    return Referral.objects.filter(source__startswith="publichealth.followupvisit:").count()


def pushed_at_once(queues, batch=200) -> tuple[float, dict]:
    """Each (token, queue) pushed by its own forked process, started together; the wall time from the first
    start to the last finish, and the answers' statuses."""
    import multiprocessing

    from django.db import connections
    from django.test import Client

    connections.close_all()  # each process opens its own connection
    context = multiprocessing.get_context("fork")
    start, results = context.Barrier(len(queues)), context.Queue()

    def phone(token, queue):
        client = Client()  # warm as a serving worker is: its connection open, the push's code run once
        client.post("/api/sync/push", '{"mutations": []}', content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {token}")
        start.wait()
        began = time.time()
        _seconds, statuses = push_all(client, token, queue, batch)
        results.put((began, time.time(), statuses))

    processes = [context.Process(target=phone, args=item) for item in queues]
    for process in processes:
        process.start()
    answers = [results.get() for _ in processes]
    for process in processes:
        process.join()
    statuses = {}
    for _began, _ended, counts in answers:
        for status, n in counts.items():
            statuses[status] = statuses.get(status, 0) + n
    return max(a[1] for a in answers) - min(a[0] for a in answers), statuses


def bulk_baseline(count):
    from django.db import transaction

    from countyhealth.publichealth.models import FollowUpVisit

    template = FollowUpVisit.objects.order_by("-pk").first()
    rows = []
    for _ in range(count):
        row = FollowUpVisit(**{f.attname: getattr(template, f.attname) for f in FollowUpVisit._meta.concrete_fields
                               if f.attname not in ("id", "client_uuid", "referral_id")})
        rows.append(row)
    started = time.perf_counter()
    with transaction.atomic():
        FollowUpVisit.objects.bulk_create(rows, batch_size=1000)
    return time.perf_counter() - started


def profiled(fn, top=30) -> None:
    """cProfile of one push of the whole queue, top costs by own time and by cumulative time (stderr)."""
    import cProfile
    import pstats

    profile = cProfile.Profile()
    profile.runcall(fn)
    stats = pstats.Stats(profile, stream=sys.stderr).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def run(args, engine: str) -> None:
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from countyhealth.demo.seed import seed_county
    from countyhealth.sync import actions

    print(f"seeding {args.residents:,} residents with programmes…", file=sys.stderr, flush=True)
    seed_county(residents=args.residents, seed=1, programmes=True)
    (doctor, clinic_id), *others = gather_villages(1 + args.phones)
    if engine == "PostgreSQL":  # vacuumed, with planner statistics and the seed's pages on disk, as a live
        with connection.cursor() as cursor:  # database is (and no autovacuum of the seed during the measures)
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("CHECKPOINT")
    _device, token = actions.do_register_device(acting_user=doctor, name="bench")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # Django's test client's host name
    # Boot as a gunicorn worker does (`countyhealth.wsgi`): every URLconf imported, the URL tables built, the
    # boot's objects frozen out of the garbage collector; then a first request.
    import countyhealth.wsgi  # noqa: F401
    client = Client()
    client.get("/api/sync/rules")
    durability = "" if engine != "PostgreSQL" else " (fsync off)" if args.fsync_off else " (durable: fsync on)"
    print(f"sync bench · {engine}{durability} · {machine()}")
    seconds, residents, pages, size = first_download(client, token)
    raw_seconds, raw_rows = raw_read(clinic_id)
    print(f"  first download: {residents:,} residents in {pages} pages, {size / 1e6:.1f} MB: {seconds:.2f} s "
          f"(target < 5 s) · load {load()}")
    print(f"  baseline raw read of the same residents' rows: {raw_rows:,} in {raw_seconds * 1000:.0f} ms")
    rounds = -(-args.mutations // chronic(doctor).count())  # the weeks a queue covers
    runs = args.repeats
    if args.profile:
        profiled(lambda: push_all(client, token, followup_mutations(
            doctor, args.mutations, weeks_ago=(2 * runs) * rounds)[0], args.batch))

    def one_phone(uncontrolled_every: int, weeks_ago_first: int):
        """`runs` queues of the doctor's phone, each the weeks after the one before: their rates, the referrals
        made, the last answers' statuses, the first queue and the village's enrolments."""
        rates, referred, first_queue = [], 0, None
        for run_number in range(runs):
            mutations, people = followup_mutations(doctor, args.mutations, uncontrolled_every,
                                                   weeks_ago=(weeks_ago_first - run_number) * rounds)
            first_queue = first_queue or mutations
            before = referrals_made()
            seconds, statuses = push_all(client, token, mutations, args.batch)
            referred += referrals_made() - before
            rates.append(len(mutations) / seconds)
        return rates, referred, statuses, first_queue, people

    rates, referred, statuses, first_queue, people = one_phone(9, 2 * runs - 1)
    print(f"  ingest, one phone: {args.mutations:,} follow-up mutations ({people} enrolments) in pushes of "
          f"{args.batch}: {rated(rates)} {statuses}, {referred / runs:.0f} referred "
          f"({referred / runs / args.mutations:.1%}) · load {load()}")
    rates, referred, statuses, _queue, _people = one_phone(0, runs - 1)
    print(f"  ingest, one phone, routine follow-ups only (every visit at target: {referred} referred): "
          f"{rated(rates)} {statuses} · load {load()}")
    seconds, statuses = push_all(client, token, first_queue, args.batch)
    print(f"  replay of the first queue: {len(first_queue) / seconds:,.0f} mutations/s {statuses} · load {load()}")
    if args.phones > 1:
        tokens = [actions.do_register_device(acting_user=other, name="bench")[1] for other, _clinic in others]
        rates, referred = [], 0
        for run_number in range(runs):
            queues = [(other_token, followup_mutations(other, args.mutations, weeks_ago=(runs - 1 - run_number) * rounds)[0])
                      for (other, _clinic), other_token in zip(others, tokens, strict=True)]
            before = referrals_made()
            seconds, statuses = pushed_at_once(queues, args.batch)
            referred += referrals_made() - before
            total = sum(len(queue) for _token, queue in queues)
            rates.append(total / seconds)
        print(f"  ingest by the server, {args.phones} phones of other villages pushing at once (one server process "
              f"each, as gunicorn's workers, one a core): {total:,} mutations a time: {rated(rates)} (target ≥ 2,000) "
              f"{statuses}, {referred / runs:.0f} referred · load {load()}")
    bulk = bulk_baseline(args.mutations)
    print(f"  baseline bulk_create of {args.mutations:,} follow-up rows: {args.mutations / bulk:,.0f} rows/s · load {load()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mutations", type=int, default=2000)
    parser.add_argument("--residents", type=int, default=7000)
    parser.add_argument("--phones", type=int, default=2, help="phones pushing at once in the concurrent phase")
    parser.add_argument("--batch", type=int, default=200,
                        help="mutations a push (the server takes up to 200, the phone app's size until a push goes unanswered)")
    parser.add_argument("--repeats", type=int, default=5, help="queues measured for each ingest figure")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--profile", action="store_true", help="profile one extra push of the queue first")
    parser.add_argument("--fsync-off", action="store_true",
                        help="PostgreSQL without fsync, as the tests run it (and as this bench's figures before 2026-11-23)")
    args = parser.parse_args()
    run_on_chosen_database(args.postgres, lambda database: run(args, database), "sync", durable=not args.fsync_off)


if __name__ == "__main__":
    main()
