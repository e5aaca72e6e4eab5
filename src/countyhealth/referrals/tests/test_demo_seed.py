import datetime as dt

from django.utils import timezone

from countyhealth.appointments import demo_seed as appointment_seed
from countyhealth.appointments.tests.factories import cardiology
from countyhealth.orgs.tests.factories import DepartmentFactory
from countyhealth.referrals import dashboard
from countyhealth.referrals import demo_seed as referral_seed
from countyhealth.referrals.models import Referral


def test_demo_referrals_have_timelines_care_plans_and_fill_the_dashboard(users, county, make_resident):
    cardiology(county)
    DepartmentFactory(organisation=county.township_a, code="QK", name="全科门诊")
    for _ in range(30):
        make_resident(county.village_a1)
    appointment_seed.seed(seeder=users.admin, seed=1, as_of=timezone.localdate())
    referral_seed.seed(seeder=users.admin, seed=1, as_of=timezone.localdate())
    down = Referral.objects.filter(direction="down").first()
    assert down.care_plan["next_followup_on"] and down.events.exists()
    assert Referral.objects.order_by("created_at").first().created_at < timezone.now() - dt.timedelta(days=150)
    figures = dashboard.figures(users.admin)
    assert sum(figures["up"]) > 0 and sum(figures["down"]) > 0
    assert any(v is not None for v in figures["accept_hours"])
    assert any(v for v in figures["first_visit_rate"])
