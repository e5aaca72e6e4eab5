from datetime import timedelta

import pytest
from django.utils import timezone

from countyhealth.records.diagnoses import do_record_diagnosis
from countyhealth.surveillance.models import CaseReport

COMPLETE = {"population_group": "farmer", "case_classification": "clinical", "residence_category": "local_county"}


@pytest.fixture
def diagnose(county, users, make_resident):
    """Record a diagnosis as township A's doctor for a new resident of village A1; returns (diagnosis, card)."""
    def make(code="J10", *, resident=None, doctor=None, days_ago=0):
        resident = resident or make_resident(county.village_a1)
        diagnosis = do_record_diagnosis(acting_user=doctor or users.township_doctor_a, resident_id=resident.pk,
                                        code=code, diagnosed_on=timezone.localdate() - timedelta(days=days_ago))
        return diagnosis, CaseReport.objects.filter(diagnosis=diagnosis).first()
    return make


@pytest.fixture
def officer_a(county, make_user):
    from countyhealth.accounts.roles import Role

    return make_user(Role.PUBLIC_HEALTH_OFFICER, county.township_a, username="pho_a")
