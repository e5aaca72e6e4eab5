import datetime as dt

import pytest
from django.utils import timezone

from countyhealth.publichealth import actions


@pytest.fixture
def htn_patient(county, users, make_resident):
    """A 60-year-old in village a1 enrolled in hypertension management a year ago."""
    resident = make_resident(county.village_a1, birth_date=dt.date(1966, 5, 1), sex="1")
    enrolment = actions.do_enrol(acting_user=users.village_doctor_a1, resident_id=resident.pk,
                                 programme="hypertension", enrolled_on=timezone.localdate() - dt.timedelta(days=365))
    return resident, enrolment


@pytest.fixture
def county_hospital_root(county):
    return county.hospital
