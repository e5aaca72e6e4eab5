"""Scope matrix cases (tests/test_scope_matrix.py): township-A sessions and bookings asked for by township B."""


from tests.support.scope import Case


def township_session(world):
    """A session at township A's own clinic: township B neither books there nor sees it."""
    from countyhealth.appointments.tests.factories import publish
    from countyhealth.orgs.tests.factories import DepartmentFactory

    department = DepartmentFactory(organisation=world.county.township_a, code="GP", name="全科门诊")
    return publish(world.township_doctor_a, department, capacity=2)


def slot(world):
    return township_session(world).slots.order_by("pool").first()


def booking(world):
    """A township-A resident booked at township A."""
    from countyhealth.appointments.actions import do_book

    session = township_session(world)
    resident = world.make_resident(world.county.village_a1)
    return do_book(acting_user=world.township_doctor_a, slot_id=session.slots.filter(pool="public").first().pk,
                   resident_id=resident.pk)


def booking_action(world):
    b = booking(world)
    return b, {"pk": b.pk, "action": "check-in"}


def resident(world):
    return world.make_resident(world.county.village_a1)


URL_CASES = {
    "appointments:session-detail": Case(township_session),
    "appointments:waitlist-join": Case(township_session, method="post"),
    "appointments:queue": Case(township_session),
    "appointments:call-next": Case(township_session, method="post"),
    "appointments:display": Case(township_session),
    "appointments:display-numbers": Case(township_session),
    "appointments:book": Case(slot, method="post"),
    "appointments:booking-detail": Case(booking),
    "appointments:booking-action": Case(booking_action, method="post"),
    "appointments:resident-bookings": Case(resident),
}


API_CASES = {
    "GET /api/appointments/sessions/{session_id}": Case(township_session),
    "POST /api/appointments/sessions/{session_id}/cancel": Case(township_session),
    "POST /api/appointments/sessions/{session_id}/waitlist": Case(township_session, body={"resident_id": 1}),
    "POST /api/appointments/sessions/{session_id}/call-next": Case(township_session),
    "GET /api/appointments/sessions/{session_id}/queue": Case(township_session),
    "GET /api/appointments/bookings/{booking_id}": Case(booking),
    "POST /api/appointments/bookings/{booking_id}/cancel": Case(booking),
    "POST /api/appointments/bookings/{booking_id}/check-in": Case(booking),
    "POST /api/appointments/bookings/{booking_id}/finish": Case(booking, body={"outcome": "no_show"}),
    "POST /api/appointments/bookings/{booking_id}/rebook": Case(booking),
    "GET /api/appointments/residents/{resident_id}/bookings": Case(resident),
}
