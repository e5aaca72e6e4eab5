"""Zero oversell: many threads, each with its own connection, compete for the last places of one slot. The
PostgreSQL run (`--db=postgres`) is the proof; on SQLite the IMMEDIATE writer lock serialises the same code."""

import threading

import pytest
from django.db import connection

from countyhealth.appointments import actions
from countyhealth.appointments.models import Booking, Slot
from countyhealth.core.errors import Conflict

from .factories import cardiology, publish

THREADS = 12
CAPACITY = 3


def _compete(users, county, make_resident):
    department = cardiology(county)
    session = publish(users.county_doctor, department, capacity=CAPACITY, end=__import__("datetime").time(8, 30))
    slot = session.slots.get(pool="public")  # capacity 3 at 30 %: 2 public places
    patients = [make_resident(county.village_a1) for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    outcomes, unexpected = [], []

    def work(resident_id):
        try:
            barrier.wait(timeout=20)
            actions.do_book(acting_user=users.county_doctor, slot_id=slot.pk, resident_id=resident_id)
            outcomes.append("booked")
        except Conflict as error:
            outcomes.append(error.code)
        except Exception as error:  # noqa: BLE001 - reported below
            unexpected.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(p.pk,)) for p in patients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert unexpected == []
    slot.refresh_from_db()
    assert outcomes.count("booked") == slot.capacity == 2
    assert outcomes.count("slot_full") == THREADS - slot.capacity
    assert Booking.objects.filter(slot=slot).count() == slot.booked == slot.capacity
    assert not Slot.objects.filter(booked__gt=models_capacity()).exists()


def models_capacity():
    from django.db.models import F

    return F("capacity")


@pytest.mark.django_db(transaction=True)
def test_no_oversell_under_contention(users, county, make_resident):
    _compete(users, county, make_resident)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_no_oversell_under_contention_postgres(users, county, make_resident):
    assert connection.vendor == "postgresql"
    _compete(users, county, make_resident)


@pytest.mark.django_db(transaction=True)
def test_one_resident_racing_for_two_overlapping_sessions_gets_one(users, county, make_resident):
    department = cardiology(county)
    sessions = [publish(users.county_doctor, department, capacity=5, end=__import__("datetime").time(8, 30)) for _ in range(2)]
    slots = [s.slots.get(pool="public") for s in sessions]
    patient = make_resident(county.village_a1)
    barrier = threading.Barrier(len(slots) * 3)
    outcomes = []

    def work(slot_id):
        try:
            barrier.wait(timeout=20)
            actions.do_book(acting_user=users.county_doctor, slot_id=slot_id, resident_id=patient.pk)
            outcomes.append("booked")
        except Conflict as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(s.pk,)) for s in slots * 3]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("booked") == 1
    assert Booking.objects.filter(resident=patient).count() == 1
