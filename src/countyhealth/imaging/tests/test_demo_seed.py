import datetime as dt

from countyhealth.imaging import demo_seed, transfer
from countyhealth.imaging.models import ImagingStudy


def test_demo_studies_wait_locally_until_the_sweep_sends_them(pacs, users, county, make_resident):
    for i in range(3):
        make_resident(county.village_a1, birth_date=dt.date(1950 + i, 1, 1))
        make_resident(county.village_b1, birth_date=dt.date(1950 + i, 1, 1))
    summary = demo_seed.seed(seeder=users.admin, seed=1, as_of=dt.date(2026, 11, 1))
    assert "6 CT studies" in summary
    assert set(ImagingStudy.objects.values_list("status", flat=True)) == {ImagingStudy.Status.TRANSFERRING}
    assert transfer.sweep(acting_user=users.admin) == 6
    assert ImagingStudy.objects.filter(status=ImagingStudy.Status.AWAITING_READ).count() == 6
