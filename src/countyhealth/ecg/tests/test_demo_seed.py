import pytest
from django.utils import timezone

from countyhealth.ecg import demo_seed
from countyhealth.ecg.models import Ecg


@pytest.mark.django_db
def test_demo_seed_writes_reported_and_urgent_ecgs(users, county, make_resident, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(demo_seed, "COUNT", 30)
    monkeypatch.setattr(demo_seed, "TEMPLATES", demo_seed.TEMPLATES[:1] + demo_seed.TEMPLATES[6:7] * 7)
    for _ in range(20):
        make_resident(county.village_a1)
    summary = demo_seed.seed(seeder=users.admin, seed=1, as_of=timezone.localdate())
    assert "remote ECGs" in summary
    assert Ecg.objects.filter(reported_at__isnull=False).exists()
    assert all(e.uploaded_at <= timezone.now() for e in Ecg.objects.all())
