import datetime as dt

import pytest
from django.utils import timezone

from countyhealth.appointments import actions
from countyhealth.appointments.models import Booking, BookingPolicy, Slot, WaitlistEntry
from countyhealth.audit.models import AuditLog
from countyhealth.core.errors import ActionError, Conflict, NotVisible
from countyhealth.notifications.models import Notification
from countyhealth.residents.models import AccessGrant

from .factories import publish


def test_publish_splits_reserved_share(users, department):
    session = publish(users.county_doctor, department, capacity=10)
    slots = list(session.slots.order_by("starts_at", "pool"))
    assert [(s.pool, s.capacity) for s in slots] == [("public", 7), ("referral", 3)] * 2
    referral = [s for s in slots if s.pool == "referral"][0]
    assert referral.release_at == session.starts_at - dt.timedelta(days=3)
    assert AuditLog.objects.filter(action="appointments.session_published").exists()


def test_department_policy_and_release_inside_window(users, department):
    BookingPolicy.objects.create(department=department, referral_share=50, release_days=7)
    session = publish(users.county_doctor, department, capacity=4, days=5)
    # 5 days ahead is inside the 7-day window: the reserved half is public at once.
    assert set(session.slots.values_list("pool", "capacity", "release_at")) == {("public", 2, None)}


def test_township_doctor_cannot_publish_at_the_hospital(users, department):
    with pytest.raises(NotVisible):
        publish(users.township_doctor_a, department)


def test_publish_in_the_past_is_refused(users, department):
    with pytest.raises(ActionError) as error:
        publish(users.county_doctor, department, days=-1)
    assert error.value.code == "session_in_past"


def test_township_doctor_books_reserved_slot_and_hospital_gets_access(users, county, department, make_resident):
    session = publish(users.county_doctor, department)
    slot = session.slots.get(pool="referral", starts_at=session.starts_at)
    patient = make_resident(county.village_a1)
    booking = actions.do_book(acting_user=users.township_doctor_a, slot_id=slot.pk, resident_id=patient.pk)
    assert booking.status == "booked" and booking.organisation == county.hospital
    assert Slot.objects.get(pk=slot.pk).booked == 1
    assert AccessGrant.objects.filter(resident=patient, organisation=county.hospital, reason="appointment").exists()


def test_county_doctor_cannot_take_reserved_slot_for_the_public(users, county, department, make_resident):
    session = publish(users.county_doctor, department)
    slot = session.slots.get(pool="referral", starts_at=session.starts_at)
    with pytest.raises(ActionError) as error:
        actions.do_book(acting_user=users.county_doctor, slot_id=slot.pk,
                        resident_id=make_resident(county.village_a1).pk)
    assert error.value.code == "slot_reserved"
    assert Slot.objects.get(pk=slot.pk).booked == 0


def test_slot_of_another_township_cannot_be_booked(users, county, make_resident):
    from countyhealth.orgs.tests.factories import DepartmentFactory

    clinic_b = DepartmentFactory(organisation=county.township_b, code="GP", name="全科")
    session = publish(users.township_doctor_b, clinic_b)
    slot = session.slots.filter(pool="public").first()
    with pytest.raises(ActionError) as error:
        actions.do_book(acting_user=users.township_doctor_a, slot_id=slot.pk,
                        resident_id=make_resident(county.village_a1).pk)
    assert error.value.code == "not_bookable_here"
    assert not Booking.objects.exists()


def test_full_slot_overlap_and_cancelled_session(users, county, department, make_resident):
    session = publish(users.county_doctor, department, capacity=1)
    slot = session.slots.get(starts_at=session.starts_at)  # capacity 1 at 30 %: one reserved place
    first, second = make_resident(county.village_a1), make_resident(county.village_a1)
    actions.do_book(acting_user=users.township_doctor_a, slot_id=slot.pk, resident_id=first.pk)
    with pytest.raises(Conflict) as error:
        actions.do_book(acting_user=users.township_doctor_a, slot_id=slot.pk, resident_id=second.pk)
    assert error.value.code == "slot_full"
    other = publish(users.county_doctor, department, capacity=1, start=dt.time(8, 15), end=dt.time(9, 15))
    with pytest.raises(Conflict) as error:  # 08:15–08:45 overlaps the first booking (08:00–08:30)
        actions.do_book(acting_user=users.township_doctor_a, slot_id=other.slots.first().pk, resident_id=first.pk)
    assert error.value.code == "overlapping_booking"
    actions.do_cancel_session(acting_user=users.county_doctor, session_id=other.pk)
    with pytest.raises(ActionError) as error:
        actions.do_book(acting_user=users.township_doctor_a, slot_id=other.slots.first().pk, resident_id=second.pk)
    assert error.value.code == "session_cancelled"
    assert Booking.objects.count() == 1


def test_past_slot_is_refused(users, county, department, make_resident):
    session = publish(users.county_doctor, department)
    slot = session.slots.first()
    Slot.objects.filter(pk=slot.pk).update(starts_at=timezone.now() - dt.timedelta(hours=1))
    with pytest.raises(ActionError) as error:
        actions.do_book(acting_user=users.township_doctor_a, slot_id=slot.pk,
                        resident_id=make_resident(county.village_a1).pk)
    assert error.value.code == "slot_past"


def test_cancellation_promotes_first_waitlisted_and_notifies(users, county, department, make_resident):
    session = publish(users.county_doctor, department, capacity=1, end=dt.time(8, 30))
    slot = session.slots.get()
    holder, first, second = (make_resident(county.village_a1) for _ in range(3))
    booking = actions.do_book(acting_user=users.township_doctor_a, slot_id=slot.pk, resident_id=holder.pk)
    actions.do_join_waitlist(acting_user=users.township_doctor_a, session_id=session.pk, resident_id=first.pk)
    actions.do_join_waitlist(acting_user=users.township_doctor_a, session_id=session.pk, resident_id=second.pk)
    actions.do_cancel_booking(acting_user=users.township_doctor_a, booking_id=booking.pk)
    promoted = Booking.objects.get(resident=first, status="booked")
    assert promoted.source == "waitlist" and Slot.objects.get(pk=slot.pk).booked == 1
    assert WaitlistEntry.objects.get(resident=first).status == "promoted"
    assert WaitlistEntry.objects.get(resident=second).status == "waiting"
    assert Notification.objects.filter(recipient=users.township_doctor_a, kind="appointments.waitlist_promoted").exists()


def test_waitlist_refused_while_slots_are_free(users, county, department, make_resident):
    session = publish(users.county_doctor, department)
    with pytest.raises(ActionError) as error:
        actions.do_join_waitlist(acting_user=users.township_doctor_a, session_id=session.pk,
                                 resident_id=make_resident(county.village_a1).pk)
    assert error.value.code == "slots_free"


def test_check_in_queue_call_next_and_no_show(users, county, department, make_resident):
    session = publish(users.county_doctor, department)
    slot = session.slots.get(pool="referral", starts_at=session.starts_at)
    a, b = (make_resident(county.village_a1) for _ in range(2))
    ba = actions.do_book(acting_user=users.township_doctor_a, slot_id=slot.pk, resident_id=a.pk)
    bb = actions.do_book(acting_user=users.township_doctor_a, slot_id=slot.pk, resident_id=b.pk)
    with pytest.raises(NotVisible):
        actions.do_check_in(acting_user=users.township_doctor_a, booking_id=bb.pk)
    assert actions.do_check_in(acting_user=users.county_doctor, booking_id=bb.pk).queue_number == 1
    assert actions.do_check_in(acting_user=users.county_doctor, booking_id=ba.pk).queue_number == 2
    with pytest.raises(ActionError) as error:
        actions.do_check_in(acting_user=users.county_doctor, booking_id=ba.pk)
    assert error.value.code == "bad_transition"
    called = actions.do_call_next(acting_user=users.county_doctor, session_id=session.pk)
    assert called.pk == bb.pk and called.status == "called"
    assert session.__class__.objects.get(pk=session.pk).current_number == 1
    actions.do_finish_booking(acting_user=users.county_doctor, booking_id=bb.pk, outcome="completed")
    assert actions.do_call_next(acting_user=users.county_doctor, session_id=session.pk).pk == ba.pk
    actions.do_finish_booking(acting_user=users.county_doctor, booking_id=ba.pk, outcome="no_show")
    assert Booking.objects.get(pk=ba.pk).status == "no_show"
    assert actions.do_call_next(acting_user=users.county_doctor, session_id=session.pk) is None


def test_no_show_before_the_time_is_refused(users, county, department, make_resident):
    session = publish(users.county_doctor, department)
    booking = actions.do_book(acting_user=users.township_doctor_a, slot_id=session.slots.first().pk,
                              resident_id=make_resident(county.village_a1).pk)
    with pytest.raises(ActionError) as error:
        actions.do_finish_booking(acting_user=users.county_doctor, booking_id=booking.pk, outcome="no_show")
    assert error.value.code == "too_early"


def test_rebook_takes_the_same_doctors_next_slot(users, county, department, make_resident):
    past = publish(users.county_doctor, department, doctor=users.county_doctor, days=1)
    later = publish(users.county_doctor, department, doctor=users.county_doctor, days=8)
    publish(users.county_doctor, department, days=3)  # another doctor's (none) session is not chosen
    patient = make_resident(county.village_a1)
    visit = actions.do_book(acting_user=users.township_doctor_a, slot_id=past.slots.first().pk, resident_id=patient.pk)
    rebooked = actions.do_rebook(acting_user=users.township_doctor_a, booking_id=visit.pk)
    assert rebooked.session_id == later.pk and rebooked.source == "rebook"


def test_release_sweep_moves_unused_reserved_slots_to_public(users, department):
    session = publish(users.county_doctor, department, days=5)
    released = actions.do_release_reserved_slots(acting_user=users.admin,
                                                 now=session.starts_at - dt.timedelta(days=3))
    assert released == 2
    assert not session.slots.filter(pool="referral").exists()
    assert actions.do_release_reserved_slots(acting_user=users.admin, now=session.starts_at) == 0


def test_release_job_is_registered_with_the_scheduler():
    from countyhealth.core.scheduler import JOBS

    assert JOBS["appointments.release_reserved_slots"].every == dt.timedelta(minutes=1)
