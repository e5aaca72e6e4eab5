"""Settling a clinic visit: its own fee lines, the 两病 benefit on the listed drug, the visit marked settled."""

import pytest

from countyhealth.clinic.models import Drug, Visit
from countyhealth.core.errors import ActionError
from countyhealth.insurance import actions
from countyhealth.insurance.catalogue import ATC_BY_INGREDIENT

from .factories import dispensed_visit, hypertension_patient, insured

pytestmark = pytest.mark.django_db


def test_every_listed_clinic_drug_is_matched_to_its_atc_group():
    from insurance_simulator.policy import POLICY

    groups = POLICY["two_disease"]["listed_atc"]
    for drug in Drug.objects.filter(antihypertensive=True):
        assert ATC_BY_INGREDIENT[drug.ingredient].startswith(groups["hypertension"]), drug.code
    for drug in Drug.objects.filter(antidiabetic=True):
        assert ATC_BY_INGREDIENT[drug.ingredient].startswith(groups["diabetes"]), drug.code


def test_settle_a_dispensed_visit_with_the_benefit(simulator, make_resident, users, county):
    doctor = users.village_doctor_a1
    patient = insured(make_resident, county.village_a1)
    hypertension_patient(patient, doctor)
    actions.do_run_qualification(acting_user=users.township_doctor_a)
    visit = dispensed_visit(doctor, patient)

    draft = actions.do_presettle_visit(acting_user=doctor, visit=visit)
    assert draft.fund_two_disease > 0 and {i.pool for i in draft.items.all()} >= {"lb"}
    settled = actions.do_settle(acting_user=doctor, settlement_id=draft.pk)
    visit.refresh_from_db()
    assert visit.status == "settled" and visit.settlement_ref == f"insurance:{settled.pk}"
    assert settled.total == visit.fee_total

    actions.do_reverse_settlement(acting_user=doctor, settlement_id=settled.pk, reason="退费")
    visit.refresh_from_db()
    assert visit.status == "dispensed"


def test_a_visit_still_open_cannot_be_settled(simulator, make_resident, users, county):
    patient = insured(make_resident, county.village_a1)
    from countyhealth.clinic import actions as clinic

    visit = clinic.do_open_visit(acting_user=users.village_doctor_a1, resident_id=patient.pk,
                                 data={"chief_complaint": "咳嗽"})
    with pytest.raises(ActionError) as error:
        actions.do_presettle_visit(acting_user=users.village_doctor_a1, visit=Visit.objects.get(pk=visit.pk))
    assert error.value.code == "visit_not_ready"


def test_a_clinic_prescription_counts_as_on_medication(simulator, make_resident, users, county):
    """Q3: no follow-up recording drugs, but an antihypertensive prescribed at the clinic → qualified."""
    doctor = users.village_doctor_a1
    patient = insured(make_resident, county.village_a1)
    hypertension_patient(patient, doctor, medications=())
    assert actions.do_run_qualification(acting_user=users.township_doctor_a)["changed"] == 0
    dispensed_visit(doctor, patient)
    counts = actions.do_run_qualification(acting_user=users.township_doctor_a)
    assert counts["changed"] == 1 and counts["sent"] == 1
