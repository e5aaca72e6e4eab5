"""A village doctor settles a hypertension patient's dispensed visit with insurance: the 两病 benefit applies to the
listed drug, the patient pays only their share, and the printable receipt shows the split. The simulator runs
as a real subprocess (countyhealth.insurance.tests.simulator)."""

import pytest

from countyhealth.insurance import actions
from countyhealth.insurance.reference import load_simulator
from countyhealth.insurance.tests.factories import dispensed_visit, hypertension_patient
from countyhealth.insurance.tests.simulator import SimulatorProcess


@pytest.fixture(scope="module")
def sim():
    process = SimulatorProcess()
    yield process
    process.stop()


def test_village_doctor_settles_a_visit_with_the_two_disease_benefit(page, log_in, sim, settings, county, users,
                                                                     make_resident):
    settings.INSURANCE_URL = sim.url
    doctor = users.village_doctor_a1
    patient = make_resident(county.village_a1, name="王建国")
    load_simulator()
    hypertension_patient(patient, doctor)
    actions.do_run_qualification(acting_user=users.township_doctor_a)
    dispensed_visit(doctor, patient)

    page.context.set_default_timeout(30_000)  # slow shared machines
    page.goto(page.base_url + "/accounts/login/", timeout=90_000)  # the first request imports every app's URLs
    log_in(doctor.username)
    page.goto(page.base_url + "/insurance/")
    page.get_by_role("row", name="王建国").get_by_role("button", name="预结算").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("status").inner_text() == "已预结算"
    assert page.get_by_test_id("lb-pay").inner_text() != "¥0.00"
    assert page.get_by_text("两病待遇").first.is_visible()

    page.get_by_role("button", name="结算", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_test_id("status").inner_text() == "已结算"
    assert page.get_by_text("已结算。患者只需支付个人部分。").is_visible()
    patient_pays = page.get_by_test_id("patient-pays").inner_text()

    page.get_by_role("link", name="结算单").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="门诊医保结算单").is_visible()
    assert page.get_by_test_id("patient-pays").inner_text() == patient_pays
    assert page.get_by_text("两病用药保障支付").is_visible()
    assert page.get_by_text("门诊统筹支付").is_visible()
