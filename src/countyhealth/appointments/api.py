"""/api/appointments/: sessions, bookings, waitlist and queue, through the same actions and scope as the pages."""

from datetime import date

from ninja import Router
from ninja.responses import Status

from countyhealth.accounts.access import get_visible_or_404
from countyhealth.audit import log as audit
from countyhealth.core.pagination import paginate
from countyhealth.residents.models import Resident

from . import actions, queries
from .models import Booking, Session, Slot
from .schemas import (
    BookingIn,
    BookingOut,
    FinishIn,
    QueueOut,
    SessionDetailOut,
    SessionIn,
    SessionOut,
    WaitlistIn,
    WaitlistOut,
)

router = Router(tags=["appointments"])


def _session(request, session_id: int) -> Session:
    return get_visible_or_404(Session.objects.select_related("department"), request.user,
                              what="appointments.session", pk=session_id)


def _booking(request, booking_id: int) -> Booking:
    return get_visible_or_404(Booking.objects, request.user, what="appointments.booking", pk=booking_id)


def _check_resident(request, resident_id: int) -> None:
    get_visible_or_404(Resident.objects, request.user, what="appointments.resident", pk=resident_id)


@router.get("/sessions", response=list[SessionOut], summary="Open sessions the user may book, soonest first")
def list_sessions(request, on: date | None = None, department_code: str | None = None, page: int = 1):
    sessions = queries.upcoming_sessions(request.user, on=on)
    if department_code:
        sessions = sessions.filter(department__code=department_code)
    return paginate(sessions, page, size=50).items


@router.post("/sessions", response={201: SessionDetailOut}, summary="Publish a session split into time slots")
def publish_session(request, payload: SessionIn):
    session = actions.do_publish_session(acting_user=request.user, **payload.dict())
    return Status(201, session)


@router.get("/sessions/{session_id}", response=SessionDetailOut, summary="A session with its slots")
def get_session(request, session_id: int):
    return _session(request, session_id)


@router.post("/sessions/{session_id}/cancel", response=SessionOut, summary="Cancel a session (bookers notified)")
def cancel_session(request, session_id: int):
    _session(request, session_id)
    return actions.do_cancel_session(acting_user=request.user, session_id=session_id)


@router.post("/sessions/{session_id}/waitlist", response={201: WaitlistOut}, summary="Join a full session's waitlist")
def join_waitlist(request, session_id: int, payload: WaitlistIn):
    _session(request, session_id)
    _check_resident(request, payload.resident_id)
    return Status(201, actions.do_join_waitlist(acting_user=request.user, session_id=session_id,
                                                resident_id=payload.resident_id))


@router.post("/sessions/{session_id}/call-next", response={200: BookingOut, 204: None},
             summary="Call the next checked-in patient")
def call_next(request, session_id: int):
    _session(request, session_id)
    booking = actions.do_call_next(acting_user=request.user, session_id=session_id)
    return booking if booking is not None else Status(204, None)


@router.get("/sessions/{session_id}/queue", response=QueueOut, summary="Waiting-room numbers")
def session_queue(request, session_id: int):
    session = _session(request, session_id)
    waiting = list(Booking.objects.filter(session=session, status=Booking.Status.CHECKED_IN)
                   .order_by("queue_number").values_list("queue_number", flat=True))
    return {"session_id": session.pk, "current_number": session.current_number, "waiting": waiting}


@router.post("/bookings", response={201: BookingOut}, summary="Book a time slot for a resident")
def book(request, payload: BookingIn):
    _check_resident(request, payload.resident_id)
    get_visible_or_404(Slot.objects, request.user, what="appointments.slot", pk=payload.slot_id)
    return Status(201, actions.do_book(acting_user=request.user, **payload.dict()))


@router.get("/bookings/{booking_id}", response=BookingOut, summary="One booking")
def get_booking(request, booking_id: int):
    booking = _booking(request, booking_id)
    audit.record_access(request.user, [booking.resident_id], "appointments.api.booking")
    return booking


@router.post("/bookings/{booking_id}/cancel", response=BookingOut, summary="Cancel; the slot goes to the waitlist")
def cancel_booking(request, booking_id: int):
    _booking(request, booking_id)
    return actions.do_cancel_booking(acting_user=request.user, booking_id=booking_id)


@router.post("/bookings/{booking_id}/check-in", response=BookingOut, summary="Arrival: gives the queue number")
def check_in(request, booking_id: int):
    _booking(request, booking_id)
    return actions.do_check_in(acting_user=request.user, booking_id=booking_id)


@router.post("/bookings/{booking_id}/finish", response=BookingOut, summary="Seen (completed) or no-show")
def finish(request, booking_id: int, payload: FinishIn):
    _booking(request, booking_id)
    return actions.do_finish_booking(acting_user=request.user, booking_id=booking_id, outcome=payload.outcome)


@router.post("/bookings/{booking_id}/rebook", response={201: BookingOut},
             summary="One-click re-booking: the same doctor's next available slot")
def rebook(request, booking_id: int):
    _booking(request, booking_id)
    return Status(201, actions.do_rebook(acting_user=request.user, booking_id=booking_id))


@router.get("/residents/{resident_id}/bookings", response=list[BookingOut], summary="A resident's bookings")
def resident_bookings(request, resident_id: int, page: int = 1):
    resident = get_visible_or_404(Resident.objects, request.user, what="appointments.resident", pk=resident_id)
    rows = paginate(Booking.objects.filter(resident=resident).order_by("-starts_at", "-id"), page, size=50).items
    audit.record_access(request.user, [resident.pk], "appointments.api.bookings")
    return rows

