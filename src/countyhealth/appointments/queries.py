"""Reads of the appointments app: sessions one may book, a session's slots, queues."""

from django.db.models import F, Sum
from django.utils import timezone

from countyhealth.orgs.models import Organisation

from .models import Booking, Session, Slot


def bookable_organisations(user):
    """The user's institution and those above it (a referral goes up the tree)."""
    own = user.organisation
    if own is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(path__in=ancestor_paths(own))


def ancestor_paths(org) -> list[str]:
    """"001.003.042" → ["001", "001.003", "001.003.042"]."""
    return [org.path[:i] for i in range(3, len(org.path) + 1, 4)]


def upcoming_sessions(user, *, department_id=None, on=None):
    """Open future sessions at institutions the user books at, with free places summed per pool."""
    sessions = (Session.objects.bookable().filter(organisation__in=bookable_organisations(user),
                                                  ends_at__gt=timezone.now())
                .select_related("department", "doctor", "organisation").order_by("starts_at", "id"))
    if department_id:
        sessions = sessions.filter(department_id=department_id)
    if on:
        sessions = sessions.filter(date=on)
    return sessions


def free_places(session_ids) -> dict[int, dict[str, int]]:
    """{session_id: {"public": n, "referral": n}} in one grouped query (no N+1 on the list)."""
    out: dict[int, dict[str, int]] = {}
    rows = (Slot.objects.filter(session_id__in=list(session_ids), starts_at__gt=timezone.now())
            .values("session_id", "pool").annotate(free=Sum(F("capacity") - F("booked"))))
    for row in rows:
        out.setdefault(row["session_id"], {"public": 0, "referral": 0})[row["pool"]] = row["free"] or 0
    return out


def session_slots(session):
    return list(session.slots.order_by("starts_at", "pool"))


def queue(session):
    return list(Booking.objects.filter(session=session).exclude(status=Booking.Status.CANCELLED)
                .select_related("resident").order_by(F("queue_number").asc(nulls_last=True), "starts_at", "id"))
