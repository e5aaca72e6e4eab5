"""Appointment rules: slot split, reserved-share release, booking state machine. Pure functions.

Reserved share and release lead time follow the issue (Beijing's unified platform model: hospitals release a
share of 号源 to primary care for referrals; unused reserved slots return to the public before the session).
Defaults: 30 % reserved, released 3 days before the session; configurable per department (`BookingPolicy`)."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext_lazy as _

from countyhealth.core.errors import ActionError


@dataclass(frozen=True)
class Policy:
    referral_share: int = 30  # per cent of each slot's capacity
    release_days: int = 3


DEFAULT_POLICY = Policy()
MAX_SLOTS_PER_SESSION = 48
MAX_SLOT_CAPACITY = 100


@dataclass(frozen=True)
class PlannedSlot:
    starts_at: datetime
    ends_at: datetime
    public: int
    reserved: int


def split_capacity(capacity: int, share: int) -> tuple[int, int]:
    """(public, reserved) for one time slot. The reserved part rounds up so that a small slot still keeps a
    referral place when any share is configured (capacity 2 at 30 % → 1 reserved)."""
    reserved = min(capacity, math.ceil(capacity * share / 100)) if share else 0
    return capacity - reserved, reserved


def plan_slots(starts_at: datetime, ends_at: datetime, minutes: int, capacity: int, policy: Policy) -> list[PlannedSlot]:
    """The session's time slots (分时段): consecutive `minutes`-long periods from start to end."""
    if ends_at <= starts_at:
        raise ActionError(_("The session must end after it starts."), code="bad_times", field="ends_at")
    if not 5 <= minutes <= 240:
        raise ActionError(_("A time slot lasts between 5 and 240 minutes."), code="bad_slot_minutes",
                          field="slot_minutes")
    if not 1 <= capacity <= MAX_SLOT_CAPACITY:
        raise ActionError(_("Capacity per time slot must be between 1 and %(n)s.") % {"n": MAX_SLOT_CAPACITY},
                          code="bad_capacity", field="capacity")
    public, reserved = split_capacity(capacity, policy.referral_share)
    slots, at, step = [], starts_at, timedelta(minutes=minutes)
    while at + step <= ends_at:
        slots.append(PlannedSlot(at, at + step, public, reserved))
        at += step
    if not slots:
        raise ActionError(_("The session is shorter than one time slot."), code="bad_times", field="ends_at")
    if len(slots) > MAX_SLOTS_PER_SESSION:
        raise ActionError(_("A session has at most %(n)s time slots.") % {"n": MAX_SLOTS_PER_SESSION},
                          code="too_many_slots", field="slot_minutes")
    return slots


def release_time(session_starts_at: datetime, policy: Policy) -> datetime:
    return session_starts_at - timedelta(days=policy.release_days)


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Half-open intervals: a booking ending at 09:00 does not overlap one starting at 09:00."""
    return a_start < b_end and b_start < a_end


# Booking state machine: status → statuses it may move to.
BOOKING_TRANSITIONS = {
    "booked": {"checked_in", "cancelled", "no_show"},
    "checked_in": {"called", "no_show"},
    "called": {"completed", "no_show"},
    "completed": set(),
    "no_show": set(),
    "cancelled": set(),
}

TRANSITION_ERRORS = {
    "checked_in": _("Only a booked, not yet checked-in appointment can be checked in."),
    "called": _("Only a checked-in patient can be called."),
    "completed": _("Only a called patient can be marked seen."),
    "no_show": _("This appointment is already finished."),
    "cancelled": _("Only a booked appointment that has not been checked in can be cancelled."),
}


def check_booking_transition(current: str, new: str) -> None:
    if new not in BOOKING_TRANSITIONS.get(current, set()):
        raise ActionError(TRANSITION_ERRORS.get(new, _("This change is not allowed.")), code="bad_transition")


def sources_from(statuses) -> list[str]:
    """Statuses from which `new` may be reached: the WHERE of a conditional UPDATE."""
    return [s for s, targets in BOOKING_TRANSITIONS.items() if statuses in targets]
