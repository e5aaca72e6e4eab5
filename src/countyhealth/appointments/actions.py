"""Every write of the appointments app. Booking is decided by one conditional UPDATE of the slot's own columns
plus a partial unique constraint (architecture §4), so no slot is ever booked beyond its capacity."""

from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from countyhealth.accounts.access import scope_for
from countyhealth.accounts.roles import Role
from countyhealth.audit import log as audit
from countyhealth.core.errors import ActionError, Conflict, NotVisible
from countyhealth.notifications.actions import notify_users
from countyhealth.orgs.models import Department, OrgType
from countyhealth.residents.models import AccessGrant, Resident

from . import rules
from .models import ACTIVE_BOOKING, Booking, BookingPolicy, Session, Slot, WaitlistEntry

PRIMARY_CARE = {OrgType.TOWNSHIP_CENTRE, OrgType.VILLAGE_CLINIC}
STAFF_ROLES = {Role.COUNTY_DOCTOR, Role.TOWNSHIP_DOCTOR, Role.VILLAGE_DOCTOR, Role.CONSORTIUM_ADMIN}
GRANT_DAYS_AFTER_VISIT = 30


def policy_for(department_id: int) -> rules.Policy:
    row = BookingPolicy.objects.filter(department_id=department_id).first()
    return rules.Policy(row.referral_share, row.release_days) if row else rules.DEFAULT_POLICY


def _require_staff(user, organisation_id: int) -> None:
    """Staff work (publishing, check-in, calling) happens at the user's own institution."""
    scope = scope_for(user)
    if user.role not in STAFF_ROLES or not (scope.everything or organisation_id in scope.org_ids):
        raise NotVisible()


def may_book_at(user, organisation) -> bool:
    """A user books at their own institution or one above it (a township doctor at the county hospital); the
    self-booking page acts as a consortium-wide system user."""
    own = user.organisation
    if own is None or user.role not in STAFF_ROLES:
        return False
    return own.path.startswith(organisation.path) or scope_for(user).everything


def may_use_reserved(user, organisation) -> bool:
    """Reserved slots are for referrals from primary care into another (higher) institution."""
    own = user.organisation
    return (own is not None and own.org_type in PRIMARY_CARE and own.pk != organisation.pk
            and user.role in {Role.TOWNSHIP_DOCTOR, Role.VILLAGE_DOCTOR})


@transaction.atomic
def do_publish_session(*, acting_user, department_id: int, date, start, end, slot_minutes: int, capacity: int,
                       doctor_id: int | None = None) -> Session:
    department = Department.objects.select_related("organisation").filter(pk=department_id).first()
    if department is None:
        raise ActionError(_("Choose a department."), code="bad_department", field="department_id")
    _require_staff(acting_user, department.organisation_id)
    tz = timezone.get_current_timezone()
    starts_at = timezone.make_aware(datetime.combine(date, start), tz)
    ends_at = timezone.make_aware(datetime.combine(date, end), tz)
    if starts_at <= timezone.now():
        raise ActionError(_("A session can only be published for the future."), code="session_in_past", field="date")
    if doctor_id is not None and not department.users.filter(pk=doctor_id, is_active=True).exists() \
            and not department.organisation.users.filter(pk=doctor_id, is_active=True).exists():
        raise ActionError(_("The doctor does not work at this institution."), code="bad_doctor", field="doctor_id")
    policy = policy_for(department.pk)
    planned = rules.plan_slots(starts_at, ends_at, slot_minutes, capacity, policy)
    session = Session.objects.create(organisation=department.organisation, department=department,
                                     doctor_id=doctor_id, date=date, starts_at=starts_at, ends_at=ends_at,
                                     created_by=acting_user)
    release_at = rules.release_time(starts_at, policy)
    slots = []
    for p in planned:
        if p.public:
            slots.append(Slot(session=session, starts_at=p.starts_at, ends_at=p.ends_at,
                              pool=Slot.Pool.PUBLIC, capacity=p.public))
        if p.reserved:
            released = release_at <= timezone.now()  # published inside the release window: public at once
            slots.append(Slot(session=session, starts_at=p.starts_at, ends_at=p.ends_at,
                              pool=Slot.Pool.PUBLIC if released else Slot.Pool.REFERRAL, capacity=p.reserved,
                              release_at=None if released else release_at))
    Slot.objects.bulk_create(slots)
    audit.record_change(acting_user, "appointments.session_published", session,
                        detail={"slots": len(planned), "capacity": capacity, "share": policy.referral_share})
    return session


def _explain_refusal(slot: Slot | None, pools, now) -> ActionError:
    """The UPDATE took nothing: say why, from the row as it is now."""
    if slot is None:
        return NotVisible()
    if not slot.is_open:
        return ActionError(_("This session has been cancelled."), code="session_cancelled", field="slot_id")
    if slot.starts_at <= now:
        return ActionError(_("This time slot is in the past."), code="slot_past", field="slot_id")
    if slot.pool not in pools:
        return ActionError(_("This time slot is reserved for referrals from primary care."), code="slot_reserved",
                           field="slot_id")
    return Conflict(_("This time slot is full."), code="slot_full", field="slot_id")


@transaction.atomic(savepoint=False)
def book_slot(*, acting_user, slot_id: int, resident_id: int, source: str, pools: tuple[str, ...] | None = None) -> Booking:
    """Book one place; runs inside the caller's action (booking, a referral's acceptance, waitlist promotion).
    `pools` limits the slot pools the booker may take; by default what the user's institution allows."""
    slot = Slot.objects.select_related("session__organisation").filter(pk=slot_id).first()
    if slot is None:
        raise NotVisible()
    session = slot.session
    if not may_book_at(acting_user, session.organisation):
        raise ActionError(_("You cannot book appointments at %(org)s.") % {"org": session.organisation.name},
                          code="not_bookable_here", field="slot_id")
    if pools is None:
        pools = ((Slot.Pool.PUBLIC, Slot.Pool.REFERRAL) if may_use_reserved(acting_user, session.organisation)
                 else (Slot.Pool.PUBLIC,))
    # One booking at a time per resident: the row lock (the writer lock on SQLite) serialises the overlap check.
    resident = Resident.objects.select_for_update().filter(pk=resident_id, is_active=True).first()
    if resident is None:
        raise ActionError(_("Choose a resident."), code="bad_resident", field="resident_id")
    clash = (Booking.objects.filter(resident_id=resident_id, status__in=ACTIVE_BOOKING,
                                    starts_at__lt=slot.ends_at, ends_at__gt=slot.starts_at)
             .select_related("session__department").first())
    if clash is not None:
        raise Conflict(_("%(name)s already has an appointment at that time (%(when)s, %(dept)s).") % {
            "name": resident.name, "when": timezone.localtime(clash.starts_at).strftime("%Y-%m-%d %H:%M"),
            "dept": clash.session.department.name}, code="overlapping_booking", field="resident_id")
    now = timezone.now()
    taken = (Slot.objects.filter(pk=slot_id, pool__in=pools, is_open=True, booked__lt=F("capacity"),
                                 starts_at__gt=now)
             .update(booked=F("booked") + 1))
    if not taken:
        raise _explain_refusal(Slot.objects.filter(pk=slot_id).first(), pools, now)
    try:
        booking = Booking.objects.create(
            slot_id=slot_id, session=session, resident=resident, organisation=session.organisation,
            starts_at=slot.starts_at, ends_at=slot.ends_at, source=source, booked_by=acting_user,
            booked_by_org_id=acting_user.organisation_id)
    except IntegrityError as error:  # the partial unique index: a second booking in the same session
        raise Conflict(_("%(name)s is already booked in this session.") % {"name": resident.name},
                       code="already_booked", field="resident_id") from error
    if resident.catchment_org_id != session.organisation_id:
        AccessGrant.objects.create(resident=resident, organisation=session.organisation,
                                   reason=AccessGrant.Reason.APPOINTMENT, note=f"booking:{booking.pk}",
                                   granted_by=acting_user,
                                   expires_at=slot.ends_at + timedelta(days=GRANT_DAYS_AFTER_VISIT))
    audit.record_change(acting_user, "appointments.booking_created", booking, resident_id=resident_id,
                        detail={"slot": slot_id, "pool": slot.pool, "source": source})
    return booking


@transaction.atomic
def do_book(*, acting_user, slot_id: int, resident_id: int, source: str = Booking.Source.DOCTOR) -> Booking:
    return book_slot(acting_user=acting_user, slot_id=slot_id, resident_id=resident_id, source=source)


def _claim(queryset):
    """First row of a worklist, claimed: SKIP LOCKED on PostgreSQL, plain (writer-locked) read on SQLite."""
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True).first()
    return queryset.first()


def _set_status(booking_id: int, new: str, **fields) -> int:
    """Conditional UPDATE: only from a status the transition table allows; returns rows changed (0 or 1)."""
    return Booking.objects.filter(pk=booking_id, status__in=rules.sources_from(new)).update(status=new, **fields)


def _booking(booking_id: int) -> Booking:
    booking = Booking.objects.select_related("session", "resident").filter(pk=booking_id).first()
    if booking is None:
        raise NotVisible()
    return booking


@transaction.atomic
def do_cancel_booking(*, acting_user, booking_id: int) -> Booking:
    booking = _booking(booking_id)
    if not (may_book_at(acting_user, booking.session.organisation) or
            (acting_user.organisation_id and acting_user.organisation_id == booking.booked_by_org_id)):
        raise NotVisible()
    if not _set_status(booking.pk, Booking.Status.CANCELLED, cancelled_at=timezone.now()):
        rules.check_booking_transition(Booking.objects.get(pk=booking.pk).status, Booking.Status.CANCELLED)
    Slot.objects.filter(pk=booking.slot_id, booked__gt=0).update(booked=F("booked") - 1)
    audit.record_change(acting_user, "appointments.booking_cancelled", booking, resident_id=booking.resident_id)
    promote_from_waitlist(acting_user=acting_user, session_id=booking.session_id, slot_id=booking.slot_id)
    booking.refresh_from_db()
    return booking


@transaction.atomic(savepoint=False)
def promote_from_waitlist(*, acting_user, session_id: int, slot_id: int) -> Booking | None:
    """A freed place goes to the first resident waiting for the session (候补), who is booked into it and whose
    booker is notified. Residents who cannot take it (an overlapping booking meanwhile) are skipped."""
    waiting = WaitlistEntry.objects.filter(session_id=session_id, status=WaitlistEntry.Status.WAITING)
    for _attempt in range(5):
        entry = _claim(waiting.order_by("created_at", "id"))
        if entry is None:
            return None
        try:
            with transaction.atomic():  # a savepoint: a failed attempt leaves the cancellation intact
                booking = book_slot(acting_user=entry.booked_by, slot_id=slot_id, resident_id=entry.resident_id,
                                    source=Booking.Source.WAITLIST, pools=(Slot.Pool.PUBLIC, Slot.Pool.REFERRAL))
        except ActionError:
            WaitlistEntry.objects.filter(pk=entry.pk).update(status=WaitlistEntry.Status.CANCELLED)
            continue
        WaitlistEntry.objects.filter(pk=entry.pk).update(status=WaitlistEntry.Status.PROMOTED, booking=booking)
        when = timezone.localtime(booking.starts_at).strftime("%Y-%m-%d %H:%M")
        notify_users([entry.booked_by_id], kind="appointments.waitlist_promoted",
                     title=_("Waitlist: %(name)s now has an appointment") % {"name": booking.resident.name},
                     body=_("%(dept)s, %(when)s.") % {"dept": booking.session.department.name, "when": when},
                     url=f"/appointments/bookings/{booking.pk}/", resident_id=booking.resident_id)
        audit.record_change(acting_user, "appointments.waitlist_promoted", booking,
                            resident_id=booking.resident_id, detail={"entry": entry.pk})
        return booking
    return None


@transaction.atomic
def do_join_waitlist(*, acting_user, session_id: int, resident_id: int) -> WaitlistEntry:
    session = Session.objects.select_related("organisation").filter(pk=session_id).first()
    if session is None:
        raise NotVisible()
    if not may_book_at(acting_user, session.organisation):
        raise ActionError(_("You cannot book appointments at %(org)s.") % {"org": session.organisation.name},
                          code="not_bookable_here")
    if session.status != Session.Status.OPEN or session.ends_at <= timezone.now():
        raise ActionError(_("This session is no longer open for booking."), code="session_closed")
    pools = ([Slot.Pool.PUBLIC, Slot.Pool.REFERRAL] if may_use_reserved(acting_user, session.organisation)
             else [Slot.Pool.PUBLIC])
    if session.slots.filter(pool__in=pools, booked__lt=F("capacity"), starts_at__gt=timezone.now()).exists():
        raise ActionError(_("This session still has free slots: book one instead."), code="slots_free")
    if not Resident.objects.filter(pk=resident_id, is_active=True).exists():
        raise ActionError(_("Choose a resident."), code="bad_resident", field="resident_id")
    try:
        with transaction.atomic():
            entry = WaitlistEntry.objects.create(session=session, resident_id=resident_id,
                                                 organisation=session.organisation, booked_by=acting_user,
                                                 booked_by_org_id=acting_user.organisation_id)
    except IntegrityError as error:
        raise Conflict(_("This resident is already on the waitlist."), code="already_waiting") from error
    audit.record_change(acting_user, "appointments.waitlist_joined", entry, resident_id=resident_id)
    return entry


@transaction.atomic
def do_check_in(*, acting_user, booking_id: int) -> Booking:
    """Arrival: the next queue number of the session (候诊排队)."""
    booking = _booking(booking_id)
    _require_staff(acting_user, booking.organisation_id)
    session = Session.objects.select_for_update().get(pk=booking.session_id)
    number = session.last_queue_number + 1
    if not _set_status(booking.pk, Booking.Status.CHECKED_IN, queue_number=number, checked_in_at=timezone.now()):
        rules.check_booking_transition(Booking.objects.get(pk=booking.pk).status, Booking.Status.CHECKED_IN)
    Session.objects.filter(pk=session.pk).update(last_queue_number=number)
    audit.record_change(acting_user, "appointments.checked_in", booking, resident_id=booking.resident_id,
                        detail={"queue_number": number})
    booking.refresh_from_db()
    return booking


@transaction.atomic
def do_call_next(*, acting_user, session_id: int) -> Booking | None:
    """The doctor's screen: the lowest waiting queue number is called; None when nobody is waiting."""
    session = Session.objects.filter(pk=session_id).first()
    if session is None:
        raise NotVisible()
    _require_staff(acting_user, session.organisation_id)
    waiting = Booking.objects.filter(session_id=session_id, status=Booking.Status.CHECKED_IN).order_by("queue_number")
    for _attempt in range(3):
        booking = _claim(waiting)
        if booking is None:
            return None
        if _set_status(booking.pk, Booking.Status.CALLED, called_at=timezone.now()):
            break
    else:
        return None
    Session.objects.filter(pk=session_id).update(current_number=booking.queue_number)
    audit.record_change(acting_user, "appointments.patient_called", booking, resident_id=booking.resident_id,
                        detail={"queue_number": booking.queue_number})
    booking.refresh_from_db()
    return booking


@transaction.atomic
def do_finish_booking(*, acting_user, booking_id: int, outcome: str) -> Booking:
    """The visit ended: seen (`completed`) or the patient did not come (`no_show`)."""
    if outcome not in (Booking.Status.COMPLETED, Booking.Status.NO_SHOW):
        raise ActionError(_("Unknown outcome."), code="bad_outcome", field="outcome")
    booking = _booking(booking_id)
    _require_staff(acting_user, booking.organisation_id)
    if outcome == Booking.Status.NO_SHOW and booking.status == Booking.Status.BOOKED \
            and booking.starts_at > timezone.now():
        raise ActionError(_("A no-show can only be recorded once the appointment time has come."),
                          code="too_early")
    if not _set_status(booking.pk, outcome):
        rules.check_booking_transition(Booking.objects.get(pk=booking.pk).status, outcome)
    audit.record_change(acting_user, f"appointments.booking_{outcome}", booking, resident_id=booking.resident_id)
    booking.refresh_from_db()
    return booking


def next_available_slot(booking: Booking, pools) -> Slot | None:
    session = booking.session
    same = {"session__doctor_id": session.doctor_id} if session.doctor_id else {"session__department_id": session.department_id}
    return (Slot.objects.filter(**same, pool__in=pools, is_open=True, booked__lt=F("capacity"),
                                starts_at__gt=timezone.now())
            .exclude(session_id=booking.session_id).order_by("starts_at", "id").first())


@transaction.atomic
def do_rebook(*, acting_user, booking_id: int) -> Booking:
    """一键再次挂号: the same doctor's (or department's) next available slot."""
    booking = _booking(booking_id)
    pools = ((Slot.Pool.PUBLIC, Slot.Pool.REFERRAL) if may_use_reserved(acting_user, booking.session.organisation)
             else (Slot.Pool.PUBLIC,))
    for _attempt in range(5):  # another booker may take the slot we found: try the next one
        slot = next_available_slot(booking, pools)
        if slot is None:
            raise ActionError(_("No free slot with this doctor in the published sessions."), code="no_slot")
        try:
            with transaction.atomic():
                return book_slot(acting_user=acting_user, slot_id=slot.pk, resident_id=booking.resident_id,
                                 source=Booking.Source.REBOOK, pools=pools)
        except Conflict as error:
            if error.code != "slot_full":
                raise
    raise Conflict(_("This time slot is full."), code="slot_full")


@transaction.atomic
def do_cancel_session(*, acting_user, session_id: int) -> Session:
    session = Session.objects.select_for_update().filter(pk=session_id).first()
    if session is None:
        raise NotVisible()
    _require_staff(acting_user, session.organisation_id)
    if session.status == Session.Status.CANCELLED:
        raise ActionError(_("This session has been cancelled."), code="session_cancelled")
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CANCELLED)
    Slot.objects.filter(session=session).update(is_open=False)
    booked = list(Booking.objects.filter(session=session, status=Booking.Status.BOOKED).select_related("resident"))
    Booking.objects.filter(pk__in=[b.pk for b in booked]).update(status=Booking.Status.CANCELLED,
                                                               cancelled_at=timezone.now())
    WaitlistEntry.objects.filter(session=session, status=WaitlistEntry.Status.WAITING).update(
        status=WaitlistEntry.Status.CANCELLED)
    for b in booked:
        notify_users([b.booked_by_id], kind="appointments.session_cancelled",
                     title=_("Session cancelled: %(name)s's appointment") % {"name": b.resident.name},
                     body=str(session), resident_id=b.resident_id)
    audit.record_change(acting_user, "appointments.session_cancelled", session, detail={"bookings": len(booked)})
    session.refresh_from_db()
    return session


@transaction.atomic
def do_release_reserved_slots(*, acting_user, now: datetime | None = None) -> int:
    """Reserved places still unused at `release_at` go to the public pool; one indexed UPDATE (the sweep)."""
    count = (Slot.objects.filter(release_at__lte=now or timezone.now(), pool=Slot.Pool.REFERRAL)
             .update(pool=Slot.Pool.PUBLIC, release_at=None))
    if count:
        audit.record_change(acting_user, "appointments.reserved_released", None, detail={"slots": count})
    return count
