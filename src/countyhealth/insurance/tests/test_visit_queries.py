"""A complete visit's round trips stay fixed per step (the bench measures time; this guards the counts): visit,
diagnosis, prescription with review, dispensing, pre-settlement, settlement, close. Dispensing more drugs costs one
conditional UPDATE per batch taken from and nothing per drug besides."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from countyhealth.clinic import actions as clinic
from countyhealth.clinic.models import Visit
from countyhealth.insurance import actions

from .factories import hypertension_patient, insured

pytestmark = pytest.mark.django_db

DRUGS = ["EM039", "EM041", "EM051"]  # amlodipine, nifedipine, irbesartan: one batch each


def _stock(doctor):
    for code in DRUGS:
        clinic.do_receive_stock(acting_user=doctor, drug=code, batch_number=f"Q-{code}",
                                expiry_date=timezone.localdate() + timedelta(days=300), quantity=500)


def _dispense_queries(doctor, patient, codes) -> int:
    visit = clinic.do_open_visit(acting_user=doctor, resident_id=patient.pk, data={"chief_complaint": "复诊取药"})
    dose = {"EM039": 5, "EM041": 20, "EM051": 150}
    rx = clinic.do_issue_prescription(acting_user=doctor, visit_id=visit.pk, override_reason="test",
                                      items=[{"drug": c, "dose": dose[c], "frequency": "qd", "days": 7} for c in codes])
    with CaptureQueriesContext(connection) as queries:
        clinic.do_dispense_prescription(acting_user=doctor, prescription_id=rx.pk)
    return len(queries)


def test_dispensing_three_drugs_costs_only_their_stock_updates_more_than_one(users, county, make_resident):
    doctor = users.village_doctor_a1
    _stock(doctor)
    patient = make_resident(county.village_a1)
    one = _dispense_queries(doctor, patient, DRUGS[:1])
    three = _dispense_queries(doctor, patient, DRUGS)
    assert three == one + 2


def test_a_complete_visit_holds_its_query_budget_per_step(simulator, users, county, make_resident,
                                                           django_assert_max_num_queries):
    doctor = users.village_doctor_a1
    _stock(doctor)
    patient = insured(make_resident, county.village_a1)
    hypertension_patient(patient, doctor)
    with django_assert_max_num_queries(10):
        visit = clinic.do_open_visit(acting_user=doctor, resident_id=patient.pk,
                                     data={"chief_complaint": "复诊取药", "sbp": 136, "dbp": 84})
    with django_assert_max_num_queries(13):
        clinic.do_add_diagnosis(acting_user=doctor, visit_id=visit.pk, code="I10")
    with django_assert_max_num_queries(14):
        rx = clinic.do_issue_prescription(acting_user=doctor, visit_id=visit.pk, override_reason="test", items=[
            {"drug": "EM039", "dose": 5, "frequency": "qd", "days": 7},
            {"drug": "EM051", "dose": 150, "frequency": "qd", "days": 7}])
    with django_assert_max_num_queries(16):
        clinic.do_dispense_prescription(acting_user=doctor, prescription_id=rx.pk)
    visit = Visit.objects.select_related("resident", "organisation").get(pk=visit.pk)
    with django_assert_max_num_queries(14):
        draft = actions.do_presettle_visit(acting_user=doctor, visit=visit)
    with django_assert_max_num_queries(18):  # in tests the two durable transactions are savepoints (4 statements)
        settled = actions.do_settle(acting_user=doctor, settlement_id=draft.pk)
    with django_assert_max_num_queries(8):
        clinic.do_close_visit(acting_user=doctor, visit_id=visit.pk)
    assert settled.status == "settled" and Visit.objects.get(pk=visit.pk).status == "closed"
