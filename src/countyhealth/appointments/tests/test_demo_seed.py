from django.db.models import Count, F, Q
from django.utils import timezone

from countyhealth.appointments import demo_seed
from countyhealth.appointments.models import ACTIVE_BOOKING, Booking, Session, Slot


def test_demo_seed_writes_consistent_sessions_and_bookings(users, county, department, make_resident):
    for _ in range(30):
        make_resident(county.village_a1)
    summary = demo_seed.seed(seeder=users.admin, seed=1, as_of=timezone.localdate())
    assert "sessions" in summary and Session.objects.exists()
    assert not Slot.objects.filter(booked__gt=F("capacity")).exists()
    held = ACTIVE_BOOKING + ("completed", "no_show")
    assert all(s.n == s.booked for s in Slot.objects.annotate(n=Count("bookings", filter=Q(bookings__status__in=held))))
    assert Booking.objects.filter(status="completed").exists() and Booking.objects.filter(status="booked").exists()
    assert Slot.objects.filter(pool="referral", release_at__isnull=False).exists()
