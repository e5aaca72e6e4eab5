"""The demo county's maternal care is what the maternal actions write, in realistic numbers."""

from datetime import timedelta

import pytest
from django.utils import timezone

from countyhealth.accounts.system import system_user
from countyhealth.demo.seed import SYSTEM_NAME, seed_county
from countyhealth.publichealth import demo_seed, maternal
from countyhealth.publichealth.models import Enrolment, MaternalVisit, Pregnancy

pytestmark = pytest.mark.django_db


def test_demo_pregnancies_are_as_many_as_a_county_has_and_each_is_on_schedule():
    as_of = timezone.localdate() - timedelta(days=1)
    seed_county(residents=1500, seed=3, as_of=as_of, programmes=False)
    summary = demo_seed.seed(seeder=system_user(SYSTEM_NAME), seed=3, as_of=as_of)
    pregnancies = list(Pregnancy.objects.select_related("enrolment", "resident"))
    assert 6 <= len(pregnancies) <= 12, summary  # 8 per 1,000 residents, a few registered after as_of skipped
    assert all(p.resident.sex == maternal.FEMALE for p in pregnancies)
    assert any(p.delivery_date for p in pregnancies) and any(not p.delivery_date for p in pregnancies)
    assert MaternalVisit.objects.count() >= len(pregnancies)
    for pregnancy in pregnancies:
        visits = list(pregnancy.visits.all())
        if pregnancy.enrolment.status == Enrolment.Status.ENDED:
            assert pregnancy.enrolment.end_reason == "completed"
            assert any(v.code == "postpartum_42d" for v in visits)
            continue
        last = max(visits, key=lambda v: v.visit_date, default=None)
        if last and (pregnancy.delivery_date is None or last.visit_date >= pregnancy.delivery_date):
            assert pregnancy.enrolment.next_due == last.next_due  # the last write decided it
        else:
            assert pregnancy.enrolment.next_due == maternal.next_due(pregnancy, visits, timezone.localdate())[0]
