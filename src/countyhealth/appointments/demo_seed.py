"""Demo appointments: sessions of the county hospital's clinical departments and the township clinics for the
past 13 weeks and the next 2 weeks, with bookings (past ones seen or no-show, checked in in order), written in
bulk as `actions.do_publish_session` and `book_slot` would write them. Deterministic for the seed."""

import random
from datetime import datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from countyhealth.accounts.models import User
from countyhealth.orgs.models import Department, DepartmentKind, OrgType
from countyhealth.residents.models import AccessGrant, Resident

from . import rules
from .models import Booking, Session, Slot

PAST_DAYS, FUTURE_DAYS = 91, 14
HALF_DAYS = ((time(8, 0), time(11, 30)), (time(14, 0), time(17, 0)))
SLOT_MINUTES, CAPACITY = 30, 4
CLINICAL = (DepartmentKind.CLINICAL, DepartmentKind.CARDIOLOGY)


def seed(*, seeder, seed: int, as_of) -> str:
    rng = random.Random(seed * 7919 + 6)
    tz = timezone.get_current_timezone()
    now = timezone.now()
    departments = list(Department.objects.filter(kind__in=CLINICAL, organisation__is_active=True,
                                                 organisation__org_type__in=[OrgType.COUNTY_HOSPITAL,
                                                                             OrgType.TOWNSHIP_CENTRE])
                       .select_related("organisation"))
    doctors = {}
    for user in User.objects.filter(department__in=departments, is_active=True):
        doctors.setdefault(user.department_id, user.pk)
    booker_by_org = {}
    for user in User.objects.filter(Q(organisation__org_type__in=[OrgType.TOWNSHIP_CENTRE, OrgType.VILLAGE_CLINIC])
                                    | Q(organisation__org_type=OrgType.COUNTY_HOSPITAL), is_active=True,
                                    is_system=False).exclude(role=""):
        booker_by_org.setdefault(user.organisation_id, user.pk)
    residents = list(Resident.objects.filter(is_active=True, status="active").values_list("id", "catchment_org_id"))
    if not departments or not residents:
        return "appointments: nothing to seed (no clinical departments or residents)"

    sessions = []
    for day in range(-PAST_DAYS, FUTURE_DAYS + 1):
        date = as_of + timedelta(days=day)
        if date.weekday() >= 5:
            continue
        for department in departments:
            hospital = department.organisation.org_type == OrgType.COUNTY_HOSPITAL
            for start, end in HALF_DAYS if hospital else HALF_DAYS[:1]:
                sessions.append(Session(
                    organisation=department.organisation, department=department,
                    doctor_id=doctors.get(department.pk), date=date,
                    starts_at=timezone.make_aware(datetime.combine(date, start), tz),
                    ends_at=timezone.make_aware(datetime.combine(date, end), tz), created_by=seeder))
    Session.objects.bulk_create(sessions, batch_size=1000)

    slots = []
    for session in sessions:
        hospital = session.organisation.org_type == OrgType.COUNTY_HOSPITAL
        policy = rules.DEFAULT_POLICY if hospital else rules.Policy(referral_share=0)
        release_at = rules.release_time(session.starts_at, policy)
        for p in rules.plan_slots(session.starts_at, session.ends_at, SLOT_MINUTES, CAPACITY, policy):
            slots.append(Slot(session=session, starts_at=p.starts_at, ends_at=p.ends_at, pool="public",
                              capacity=p.public))
            if p.reserved:
                released = release_at <= now
                slots.append(Slot(session=session, starts_at=p.starts_at, ends_at=p.ends_at,
                                  pool="public" if released else "referral", capacity=p.reserved,
                                  release_at=None if released else release_at))
    Slot.objects.bulk_create(slots, batch_size=2000)

    bookings, grants, taken = [], [], set()
    queue_numbers: dict[int, int] = {}
    for slot in slots:
        session = slot.session
        past = slot.starts_at < now
        fill = rng.random() * (0.9 if past else 0.6)
        hospital = session.organisation.org_type == OrgType.COUNTY_HOSPITAL
        for _ in range(round(slot.capacity * fill)):
            resident_id, catchment = residents[rng.randrange(len(residents))]
            key = (resident_id, session.date)
            if key in taken:
                continue
            taken.add(key)
            slot.booked += 1
            source = (Booking.Source.REFERRAL if slot.pool == "referral" else
                      rng.choices([Booking.Source.DOCTOR, Booking.Source.SELF, Booking.Source.REBOOK],
                                  weights=(55, 35, 10))[0])
            status, number, checked_in = Booking.Status.BOOKED, None, None
            if past:
                status = Booking.Status.NO_SHOW if rng.random() < 0.06 else Booking.Status.COMPLETED
                if status == Booking.Status.COMPLETED:
                    number = queue_numbers[session.pk] = queue_numbers.get(session.pk, 0) + 1
                    checked_in = slot.starts_at - timedelta(minutes=rng.randint(5, 40))
            booker_org = catchment if source == Booking.Source.REFERRAL or not hospital else session.organisation_id
            bookings.append(Booking(
                slot=slot, session=session, resident_id=resident_id, organisation=session.organisation,
                starts_at=slot.starts_at, ends_at=slot.ends_at, status=status, source=source,
                booked_by_id=booker_by_org.get(booker_org, seeder.pk), booked_by_org_id=booker_org,
                queue_number=number, checked_in_at=checked_in,
                called_at=checked_in + timedelta(minutes=rng.randint(5, 50)) if checked_in else None))
            if not past and catchment != session.organisation_id:
                grants.append(AccessGrant(resident_id=resident_id, organisation=session.organisation,
                                          reason=AccessGrant.Reason.APPOINTMENT, note="booking:demo",
                                          granted_by=seeder, expires_at=slot.ends_at + timedelta(days=30)))
    Slot.objects.bulk_update([s for s in slots if s.booked], ["booked"], batch_size=2000)
    Booking.objects.bulk_create(bookings, batch_size=2000)
    AccessGrant.objects.bulk_create(grants, batch_size=2000)
    for session in sessions:
        if session.pk in queue_numbers:
            session.last_queue_number = queue_numbers[session.pk]
    Session.objects.bulk_update([s for s in sessions if s.pk in queue_numbers], ["last_queue_number"],
                                batch_size=1000)
    upcoming = sum(1 for b in bookings if b.status == Booking.Status.BOOKED)
    return (f"appointments: {len(sessions):,} sessions, {len(slots):,} slots, {len(bookings):,} bookings "
            f"({upcoming:,} upcoming)")
