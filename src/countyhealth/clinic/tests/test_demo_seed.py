from django.utils import timezone

from countyhealth.clinic import demo_seed
from countyhealth.clinic.models import FeeLine, StockBatch, Visit
from countyhealth.records.models import Diagnosis


def test_demo_seed_writes_consistent_visits_and_stock(county, users, make_resident):
    for village in (county.village_a1, county.village_b1):
        for _ in range(3):
            make_resident(village)
    summary = demo_seed.seed(seeder=users.admin, seed=1, as_of=timezone.localdate())
    assert summary.startswith("clinic: ")
    visits = list(Visit.objects.all())
    assert visits and all(v.status == "closed" for v in visits)
    visit = visits[0]
    assert sum(f.amount for f in FeeLine.objects.filter(visit=visit)) == visit.fee_total
    assert Diagnosis.objects.filter(source=visit.diagnosis_source).exists()
    assert StockBatch.objects.filter(organisation=county.clinic_a1).count() == len(demo_seed.STOCKED)
