import datetime as dt

import pytest
from django.utils import timezone

from countyhealth.clinic import actions
from countyhealth.publichealth import actions as publichealth


@pytest.fixture
def htn_patient(county, users, make_resident):
    """A 60-year-old in village a1 under hypertension management for a year, first follow-up due now."""
    resident = make_resident(county.village_a1, birth_date=dt.date(1966, 5, 1), sex="1")
    publichealth.do_enrol(acting_user=users.village_doctor_a1, resident_id=resident.pk, programme="hypertension",
                          enrolled_on=timezone.localdate() - dt.timedelta(days=365))
    return resident


@pytest.fixture
def stocked(users):
    """Clinic a1 holds amlodipine in two batches (the earlier one expiring first) and nifedipine."""
    doctor = users.village_doctor_a1
    soon = timezone.localdate() + dt.timedelta(days=60)
    later = timezone.localdate() + dt.timedelta(days=400)
    actions.do_receive_stock(acting_user=doctor, drug="EM039", batch_number="A-LATE", expiry_date=later, quantity=200)
    actions.do_receive_stock(acting_user=doctor, drug="EM039", batch_number="A-SOON", expiry_date=soon, quantity=10)
    actions.do_receive_stock(acting_user=doctor, drug="EM041", batch_number="N-1", expiry_date=later, quantity=300)
    return doctor


@pytest.fixture
def open_visit(htn_patient, users):
    return actions.do_open_visit(acting_user=users.village_doctor_a1, resident_id=htn_patient.pk,
                                 data={"chief_complaint": "头晕三天", "sbp": 152, "dbp": 94, "heart_rate": 78})


def line(drug, dose, frequency="qd", days=7):
    return {"drug": drug, "dose": dose, "frequency": frequency, "days": days}
