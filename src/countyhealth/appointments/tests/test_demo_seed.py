import datetime as dt

from django.db.models import Count, F, Q
from django.utils import timezone

from countyhealth.appointments import demo_seed
from countyhealth.appointments.models import ACTIVE_BOOKING, Booking, Session, Slot
from countyhealth.referrals import dashboard
from countyhealth.referrals import demo_seed as referral_seed
from countyhealth.referrals.models import Referral


def test_demo_seeds_write_consistent_sessions_bookings_and_referrals(users, county, department, make_resident):
    from countyhealth.orgs.tests.factories import DepartmentFactory

    DepartmentFactory(organisation=county.township_a, code="QK", name="全科门诊")
    for _ in range(30):
        make_resident(county.village_a1)
    summary = demo_seed.seed(seeder=users.admin, seed=1, as_of=timezone.localdate())
    assert "sessions" in summary and Session.objects.exists()
    assert not Slot.objects.filter(booked__gt=F("capacity")).exists()
    counted = Slot.objects.annotate(n=Count("bookings", filter=Q(bookings__status__in=ACTIVE_BOOKING + ("completed", "no_show"))))
    assert all(s.n == s.booked for s in counted)
    assert Booking.objects.filter(status="completed").exists() and Booking.objects.filter(status="booked").exists()
    assert Slot.objects.filter(pool="referral", release_at__isnull=False).exists()

    referral_seed.seed(seeder=users.admin, seed=1, as_of=timezone.localdate())
    down = Referral.objects.filter(direction="down").first()
    assert down.care_plan["next_followup_on"] and down.events.exists()
    assert Referral.objects.order_by("created_at").first().created_at < timezone.now() - dt.timedelta(days=150)
    figures = dashboard.figures(users.admin)
    assert sum(figures["up"]) > 0 and sum(figures["down"]) > 0
    assert any(v is not None for v in figures["accept_hours"]) and any(v for v in figures["first_visit_rate"])
