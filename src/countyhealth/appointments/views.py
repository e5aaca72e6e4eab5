"""Thin HTTP for appointments: sessions, booking, the doctor's queue screen and the waiting-room display."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from countyhealth.accounts.access import get_visible_or_404, scope_for
from countyhealth.audit import log as audit
from countyhealth.core.errors import ActionError
from countyhealth.core.pagination import paginate
from countyhealth.residents.models import Resident

from . import actions, queries
from .forms import SessionForm, submit
from .models import Booking, Session, Slot


def _session(request, pk) -> Session:
    return get_visible_or_404(Session.objects.select_related("department", "organisation", "doctor"), request.user,
                              what="appointments.session", pk=pk)


def _booking(request, pk) -> Booking:
    return get_visible_or_404(Booking.objects.select_related("session__department", "resident", "organisation"),
                              request.user, what="appointments.booking", pk=pk)


def _resident_from_query(request) -> Resident | None:
    raw = request.GET.get("resident") or request.POST.get("resident")
    if not raw or not str(raw).isdigit():
        return None
    return get_visible_or_404(Resident.objects, request.user, what="appointments.resident", pk=int(raw))


def _is_staff_of(user, organisation_id) -> bool:
    scope = scope_for(user)
    return user.role in actions.STAFF_ROLES and (scope.everything or organisation_id in scope.org_ids)


def _refused(request, error: ActionError):
    messages.error(request, str(error.message))


@login_required
def session_list(request):
    resident = _resident_from_query(request)
    page = paginate(queries.upcoming_sessions(request.user), request.GET.get("page"), size=30)
    free = queries.free_places(s.pk for s in page.items)
    rows = [(s, free.get(s.pk, {"public": 0, "referral": 0})) for s in page.items]
    return render(request, "appointments/session_list.html", {
        "rows": rows, "page": page, "resident": resident,
        "may_publish": request.user.role in actions.STAFF_ROLES and request.user.organisation_id,
        "query": f"resident={resident.pk}" if resident else "",
    })


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request):
    form = SessionForm(request.POST or None, user=request.user)
    session = submit(request, form, lambda f: actions.do_publish_session(acting_user=request.user, **f.cleaned_data))
    if session:
        messages.success(request, _("The session has been published."))
        return redirect("appointments:session-detail", pk=session.pk)
    return render(request, "appointments/session_form.html", {"form": form})


@login_required
def session_detail(request, pk):
    session = _session(request, pk)
    resident = _resident_from_query(request)
    staff = _is_staff_of(request.user, session.organisation_id)
    bookings = queries.queue(session) if staff else []
    if bookings:
        audit.record_access(request.user, [b.resident_id for b in bookings], "appointments.session_bookings")
    reserved_ok = actions.may_use_reserved(request.user, session.organisation)
    slots = queries.session_slots(session)
    return render(request, "appointments/session_detail.html", {
        "session": session, "slots": slots, "resident": resident, "staff": staff, "bookings": bookings,
        "reserved_ok": reserved_ok, "full": not any(
            s.free > 0 and (s.pool == Slot.Pool.PUBLIC or reserved_ok) for s in slots),
        "waitlist": session.waitlist.filter(status="waiting").select_related("resident").order_by("created_at")
        if staff else [],
    })


@login_required
@require_POST
def book(request, pk):
    slot = get_visible_or_404(Slot.objects, request.user, what="appointments.slot", pk=pk)
    resident = _resident_from_query(request)
    if resident is None:
        raise Http404
    try:
        booking = actions.do_book(acting_user=request.user, slot_id=slot.pk, resident_id=resident.pk)
    except ActionError as error:
        _refused(request, error)
        return redirect(f"{session_url(slot.session_id)}?resident={resident.pk}")
    messages.success(request, _("Booked."))
    return redirect("appointments:booking-detail", pk=booking.pk)


@login_required
@require_POST
def waitlist_join(request, pk):
    session = _session(request, pk)
    resident = _resident_from_query(request)
    if resident is None:
        raise Http404
    try:
        actions.do_join_waitlist(acting_user=request.user, session_id=session.pk, resident_id=resident.pk)
        messages.success(request, _("%(name)s is on the waitlist; the booker is notified when a place frees up.")
                         % {"name": resident.name})
    except ActionError as error:
        _refused(request, error)
    return redirect(f"{session_url(session.pk)}?resident={resident.pk}")


def session_url(session_id: int) -> str:
    return reverse("appointments:session-detail", args=[session_id])


@login_required
def booking_detail(request, pk):
    booking = _booking(request, pk)
    audit.record_access(request.user, [booking.resident_id], "appointments.booking")
    return render(request, "appointments/booking_detail.html", {
        "booking": booking, "staff": _is_staff_of(request.user, booking.organisation_id)})


BOOKING_ACTIONS = {
    "check-in": lambda user, pk: actions.do_check_in(acting_user=user, booking_id=pk),
    "cancel": lambda user, pk: actions.do_cancel_booking(acting_user=user, booking_id=pk),
    "completed": lambda user, pk: actions.do_finish_booking(acting_user=user, booking_id=pk, outcome="completed"),
    "no-show": lambda user, pk: actions.do_finish_booking(acting_user=user, booking_id=pk, outcome="no_show"),
    "rebook": lambda user, pk: actions.do_rebook(acting_user=user, booking_id=pk),
}


@login_required
@require_POST
def booking_action(request, pk, action):
    booking = _booking(request, pk)
    if action not in BOOKING_ACTIONS:
        raise Http404
    try:
        result = BOOKING_ACTIONS[action](request.user, booking.pk)
    except ActionError as error:
        _refused(request, error)
        return redirect("appointments:booking-detail", pk=booking.pk)
    if action == "rebook":
        messages.success(request, _("Re-booked with the same doctor."))
        return redirect("appointments:booking-detail", pk=result.pk)
    messages.success(request, _("Saved."))
    target = request.POST.get("next")
    if target == "queue":
        return redirect("appointments:queue", pk=booking.session_id)
    return redirect("appointments:booking-detail", pk=booking.pk)


@login_required
def queue_screen(request, pk):
    """The doctor's screen: who is waiting, who was called, the button that calls the next number."""
    session = _session(request, pk)
    if not _is_staff_of(request.user, session.organisation_id):
        raise Http404
    bookings = queries.queue(session)
    audit.record_access(request.user, [b.resident_id for b in bookings], "appointments.queue")
    return render(request, "appointments/queue.html", {"session": session, "bookings": bookings})


@login_required
@require_POST
def call_next(request, pk):
    session = _session(request, pk)
    try:
        called = actions.do_call_next(acting_user=request.user, session_id=session.pk)
    except ActionError as error:
        _refused(request, error)
        called = None
    else:
        if called is None:
            messages.info(request, _("Nobody is waiting."))
        else:
            messages.success(request, _("Now calling number %(n)s: %(name)s") % {
                "n": called.queue_number, "name": called.resident.name})
    return redirect("appointments:queue", pk=session.pk)


def _display_context(session):
    # Numbers only: the waiting room is public, so no names are shown.
    waiting = list(Booking.objects.filter(session=session, status=Booking.Status.CHECKED_IN)
                   .order_by("queue_number").values_list("queue_number", flat=True)[:12])
    return {"session": session, "waiting": waiting}


@login_required
def display(request, pk):
    """Waiting-room display (large type); the numbers part refreshes itself by htmx polling."""
    session = _session(request, pk)
    return render(request, "appointments/display.html", _display_context(session))


@login_required
def display_numbers(request, pk):
    session = _session(request, pk)
    return render(request, "appointments/_display_numbers.html", _display_context(session))


@login_required
def resident_bookings(request, pk):
    resident = get_visible_or_404(Resident.objects, request.user, what="appointments.resident", pk=pk)
    page = paginate(Booking.objects.visible_to(request.user).filter(resident=resident)
                    .select_related("session__department", "session__doctor", "organisation")
                    .order_by("-starts_at", "-id"), request.GET.get("page"), size=30)
    audit.record_access(request.user, [resident.pk], "appointments.resident_bookings")
    return render(request, "appointments/resident_bookings.html", {"resident": resident, "page": page})
