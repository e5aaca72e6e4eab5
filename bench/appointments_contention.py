"""Booking contention over HTTP on PostgreSQL: many clients racing for the few places of one session.

    .venv/bin/python bench/appointments_contention.py                 # 32 clients, 20 rounds
    .venv/bin/python bench/appointments_contention.py --clients 64 --rounds 10 --places 3

A throwaway PostgreSQL cluster (tests/support/pg.py) is migrated; the app is served by Django's threaded WSGI
server on loopback (no ORM pooling: one connection per request, as with CONN_MAX_AGE=0). Each round publishes a
new session — two time slots of `--places` each, no reserved share — and `--clients` HTTP clients (bearer
tokens, one thread each, each with its own resident) POST /api/appointments/bookings at the same moment,
moving to the next slot on 409 until they hold a place or every slot is full. Printed: booking requests/s,
bookings/s, p50/p95 latency, oversold places (must be 0: bookings beyond a slot's capacity, or a slot's
counter disagreeing with its bookings).

Ceiling, same run, same concurrency: the bare conditional UPDATE the action is built on (one statement per
attempt, psycopg, autocommit), clients racing over fresh slots the same way. The ratio HTTP/bare shows what
the whole stack (HTTP, auth, scope check, resident lock, overlap check, audit, grant) costs per attempt.
"""

import argparse
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._support import machine, percentiles, setup_django  # noqa: E402

SLOTS_PER_SESSION = 2


def _world(clients: int):
    import datetime as dt

    from django.utils import timezone

    from countyhealth.accounts.actions import do_issue_api_token
    from countyhealth.accounts.roles import Role
    from countyhealth.accounts.tests.factories import UserFactory
    from countyhealth.appointments.models import BookingPolicy
    from countyhealth.orgs.models import OrgType
    from countyhealth.orgs.tests.factories import DepartmentFactory, OrganisationFactory, VillageFactory
    from countyhealth.residents.tests.factories import ResidentFactory

    hospital = OrganisationFactory(name="县人民医院", org_type=OrgType.COUNTY_HOSPITAL, parent=None)
    township = OrganisationFactory(name="东山镇卫生院", org_type=OrgType.TOWNSHIP_CENTRE, parent=hospital)
    clinic = OrganisationFactory(name="东山村卫生室", parent=township)
    village = VillageFactory(clinic=clinic)
    department = DepartmentFactory(organisation=hospital, code="CARD", name="心血管内科", kind="cardiology")
    BookingPolicy.objects.create(department=department, referral_share=0)
    doctor = UserFactory.with_role(Role.COUNTY_DOCTOR, hospital, username="bench_county")
    bookers = [UserFactory.with_role(Role.TOWNSHIP_DOCTOR, township, username=f"bench_td{i}") for i in range(clients)]
    tokens = [do_issue_api_token(acting_user=u, name="bench",
                                 expires_at=timezone.now() + dt.timedelta(days=1))[1] for u in bookers]
    residents = [ResidentFactory(village=village).pk for _ in range(clients)]
    return department, doctor, tokens, residents


def _serve():
    from django.core.servers.basehttp import (
        ThreadedWSGIServer,
        WSGIRequestHandler,
        get_internal_wsgi_application,
    )

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet)
    server.set_app(get_internal_wsgi_application())
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def _race(n: int, attempt) -> tuple[float, list[float]]:
    """n threads start together; each calls attempt(i, record) which records one latency per request."""
    barrier = threading.Barrier(n + 1)
    samples: list[float] = []
    lock = threading.Lock()

    def record(ms: float) -> None:
        with lock:
            samples.append(ms)

    def run(i):
        barrier.wait()
        attempt(i, record)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    return time.perf_counter() - started, samples


def http_rounds(args, base, department, doctor, tokens, residents):
    import datetime as dt

    import httpx
    from django.utils import timezone

    from countyhealth.appointments import actions

    clients = [httpx.Client(base_url=base, headers={"Authorization": f"Bearer {t}"}, timeout=60) for t in tokens]
    total_s, latencies, booked, attempts, sessions = 0.0, [], 0, 0, []
    for r in range(args.rounds):
        session = actions.do_publish_session(
            acting_user=doctor, department_id=department.pk, date=timezone.localdate() + dt.timedelta(days=4 + r),
            start=dt.time(8, 0), end=dt.time(8, 30), slot_minutes=15, capacity=args.places)
        sessions.append(session)
        slot_ids = list(session.slots.order_by("starts_at").values_list("pk", flat=True))
        outcome = {"booked": 0, "attempts": 0}
        lock = threading.Lock()

        def attempt(i, record, slot_ids=slot_ids, outcome=outcome, lock=lock):
            for slot_id in slot_ids[i % len(slot_ids):] + slot_ids[:i % len(slot_ids)]:
                t0 = time.perf_counter()
                response = clients[i].post("/api/appointments/bookings",
                                           json={"slot_id": slot_id, "resident_id": residents[i]})
                record((time.perf_counter() - t0) * 1000)
                with lock:
                    outcome["attempts"] += 1
                if response.status_code == 201:
                    with lock:
                        outcome["booked"] += 1
                    return
                if response.status_code != 409:
                    raise RuntimeError(f"unexpected {response.status_code}: {response.text[:200]}")

        seconds, samples = _race(len(clients), attempt)
        total_s += seconds
        latencies += samples
        booked += outcome["booked"]
        attempts += outcome["attempts"]
    for c in clients:
        c.close()
    return total_s, latencies, booked, attempts, sessions


def oversold(sessions) -> int:
    from django.db.models import Count, Q

    from countyhealth.appointments.models import ACTIVE_BOOKING, Slot

    bad = 0
    for slot in Slot.objects.filter(session__in=sessions).annotate(
            n=Count("bookings", filter=Q(bookings__status__in=ACTIVE_BOOKING))):
        bad += max(0, slot.n - slot.capacity) + (slot.n != slot.booked)
    return bad


def bare_sql_rounds(args, url, sessions):
    """The same race on the bare statement: reset the slots, then each client UPDATEs until it wins or all fail."""
    import psycopg

    slot_rounds = [list(s.slots.order_by("starts_at").values_list("pk", flat=True)) for s in sessions]
    conns = [psycopg.connect(url, autocommit=True) for _ in range(args.clients)]
    with conns[0].cursor() as cur:
        cur.execute("UPDATE appointments_slot SET booked = 0 WHERE session_id = ANY(%s)", ([s.pk for s in sessions],))
    sql = ("UPDATE appointments_slot SET booked = booked + 1 WHERE id = %s AND pool = ANY(%s) AND is_open "
           "AND booked < capacity AND starts_at > now()")
    total_s, latencies, statements = 0.0, [], 0
    for slot_ids in slot_rounds:
        count = {"n": 0}
        lock = threading.Lock()

        def attempt(i, record, slot_ids=slot_ids, count=count, lock=lock):
            with conns[i].cursor() as cur:
                for slot_id in slot_ids[i % len(slot_ids):] + slot_ids[:i % len(slot_ids)]:
                    t0 = time.perf_counter()
                    cur.execute(sql, (slot_id, ["public", "referral"]))
                    record((time.perf_counter() - t0) * 1000)
                    with lock:
                        count["n"] += 1
                    if cur.rowcount:
                        return

        seconds, samples = _race(args.clients, attempt)
        total_s += seconds
        latencies += samples
        statements += count["n"]
    for c in conns:
        c.close()
    return total_s, latencies, statements


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--places", type=int, default=3, help="places per time slot (two slots per session)")
    args = parser.parse_args()

    from tests.support.pg import throwaway_postgres

    with throwaway_postgres() as url:
        setup_django(url)
        from django.db import connection

        department, doctor, tokens, residents = _world(args.clients)
        server, base = _serve()
        try:
            seconds, latencies, booked, attempts, sessions = http_rounds(args, base, department, doctor, tokens,
                                                                         residents)
        finally:
            server.shutdown()
        bad = oversold(sessions)
        connection.close()
        sql_s, sql_lat, statements = bare_sql_rounds(args, url, sessions)

    places = len(sessions) * SLOTS_PER_SESSION * args.places
    p50, p95, worst = percentiles(latencies)
    s50, s95, _ = percentiles(sql_lat)
    http_rate, sql_rate = attempts / seconds, statements / sql_s
    print(f"machine: {machine()}")
    print(f"{args.clients} clients × {args.rounds} rounds, {places} places in all ({SLOTS_PER_SESSION} slots × "
          f"{args.places} per session)")
    print(f"HTTP booking:  {attempts} requests in {seconds:.2f} s = {http_rate:.0f} requests/s, "
          f"{booked / seconds:.0f} bookings/s; latency p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {worst:.1f} ms")
    print(f"booked {booked} of {places} places; oversold: {bad}")
    print(f"bare SQL UPDATE (psycopg, same race): {statements} statements in {sql_s:.2f} s = {sql_rate:.0f}/s; "
          f"p50 {s50:.2f} ms, p95 {s95:.2f} ms")
    print(f"ratio HTTP / bare SQL: {http_rate / sql_rate:.3f} ({sql_rate / http_rate:.0f}× the cost per attempt)")
    if bad:
        sys.exit("OVERSOLD")


if __name__ == "__main__":
    main()
