"""The clinic issue's Done-means path in one browser session: a village doctor opens a visit for a hypertension
patient, is prompted for the due follow-up and records it with the visit's vitals, diagnoses, prescribes (one
rule warns, one blocks until corrected), dispenses from stock, settles with insurance showing the 两病 benefit, and
prints the receipt with the split. The insurance simulator runs as a real subprocess."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from countyhealth.clinic import actions as clinic
from countyhealth.clinic.models import StockBatch, Visit
from countyhealth.insurance import actions as insurance
from countyhealth.insurance.models import Qualification, Settlement
from countyhealth.insurance.reference import load_simulator
from countyhealth.insurance.tests.simulator import SimulatorProcess
from countyhealth.publichealth import actions as publichealth
from countyhealth.publichealth.models import Enrolment, FollowUpVisit

from .conftest import artifact


@pytest.fixture(scope="module")
def sim():
    process = SimulatorProcess()
    yield process
    process.stop()


def _hypertension_patient_on_medication(doctor, patient, today):
    """In management for a year, last follow-up three months ago on amlodipine (so the follow-up is due now), and
    qualified for 两病 by the nightly run."""
    publichealth.do_enrol(acting_user=doctor, resident_id=patient.pk, programme="hypertension",
                          enrolled_on=today - dt.timedelta(days=400), diagnosis_date=today - dt.timedelta(days=400))
    enrolment = Enrolment.objects.get(resident=patient)
    FollowUpVisit.objects.create(  # history before this test: a direct insert, as the insurance factories do
        resident=patient, enrolment=enrolment, programme="hypertension", visit_date=today - dt.timedelta(days=95),
        mode="clinic", organisation=patient.catchment_org, doctor=doctor, sbp=136, dbp=84,
        adherence=FollowUpVisit.Adherence.REGULAR, medications=["苯磺酸氨氯地平片 5mg qd"],
        follow_up_class="CONTROLLED", controlled=True, next_action="ROUTINE", next_due=today - dt.timedelta(days=5))


def test_village_doctor_visit_follow_up_prescription_review_dispensing_and_insurance_settlement(
        page, log_in, users, county, make_resident, sim, settings):
    settings.INSURANCE_URL = sim.url
    today = timezone.localdate()
    doctor = users.village_doctor_a1
    patient = make_resident(county.village_a1, name="钱血压", birth_date=dt.date(1961, 3, 2), sex="1")
    load_simulator()
    _hypertension_patient_on_medication(doctor, patient, today)
    insurance.do_run_qualification(acting_user=users.township_doctor_a)
    assert Qualification.objects.get(resident=patient).qualified
    expiry = today + dt.timedelta(days=365)
    clinic.do_receive_stock(acting_user=doctor, drug="EM039", batch_number="AML-1", expiry_date=expiry, quantity=300)
    clinic.do_receive_stock(acting_user=doctor, drug="EM041", batch_number="NIF-1", expiry_date=expiry, quantity=300)

    page.context.set_default_timeout(30_000)  # slow shared machines
    page.goto(page.base_url + "/accounts/login/", timeout=90_000)  # the first request imports every app's URLs
    log_in("vd_a1")
    page.locator("nav.mainnav").get_by_role("link", name="门诊").click()
    page.fill("input[name=q]", "钱血压")
    page.get_by_role("button", name="查找患者").click()
    page.locator("tbody tr", has_text="钱血压").get_by_role("link", name="接诊").click()

    page.fill("#id_chief_complaint", "头晕三天，来复诊取药")
    page.fill("#id_sbp", "80")
    page.fill("#id_dbp", "120")
    page.get_by_role("button", name="开始就诊").click()
    expect(page.locator(".field.has-error .errorlist").first).to_contain_text("舒张压必须低于收缩压")
    page.fill("#id_sbp", "152")
    page.fill("#id_dbp", "94")
    page.fill("#id_heart_rate", "76")
    page.get_by_role("button", name="开始就诊").click()

    # In-visit public health: the due follow-up, completed with the visit's vitals already filled in.
    due = page.locator("#due-services")
    expect(due).to_contain_text("高血压")
    expect(due).to_contain_text("尚未建立健康档案")
    due.get_by_role("link", name="诊间完成").click()
    expect(page.locator("h1")).to_contain_text("诊间随访")
    expect(page.locator("#id_sbp")).to_have_value("152")
    expect(page.locator("#id_heart_rate")).to_have_value("76")
    page.get_by_role("button", name="保存并评估").click()
    expect(page.locator(".messages")).to_contain_text("随访已记录")
    assert FollowUpVisit.objects.filter(resident=patient).latest("visit_date").sbp == 152
    expect(page.locator("#due-services")).not_to_contain_text("高血压")

    page.locator("#id_code").press_sequentially("gxy", delay=50)
    expect(page.locator("#icd10-options option[value='I10']")).to_have_count(1)
    page.fill("#id_code", "I10")
    page.get_by_role("button", name="添加诊断").click()
    expect(page.locator("#diagnoses")).to_contain_text("原发性高血压")

    # Review: over the maximum daily dose blocks; once corrected, duplicate therapy warns and needs a reason.
    page.fill("#id_drug_1", "EM039")
    page.fill("#id_dose_1", "10")
    page.select_option("#id_frequency_1", "tid")
    page.fill("#id_days_1", "7")
    page.get_by_role("button", name="审核并开具").click()
    findings = page.locator("#review-findings")
    expect(findings).to_contain_text("拦截")
    expect(findings).to_contain_text("超过最大日剂量 10 mg")
    assert not Visit.objects.get(resident=patient).prescriptions.exists()

    page.fill("#id_dose_1", "5")
    page.select_option("#id_frequency_1", "qd")
    page.fill("#id_drug_2", "EM041")
    page.fill("#id_dose_2", "20")
    page.select_option("#id_frequency_2", "bid")
    page.fill("#id_days_2", "7")
    page.get_by_role("button", name="审核并开具").click()
    expect(page.locator("#review-findings")).to_contain_text("警示")
    expect(page.locator("#review-findings")).to_contain_text("重复用药")
    page.fill("#id_override_reason", "晨峰血压高，短期加用")
    page.get_by_role("button", name="审核并开具").click()
    expect(page.locator(".messages")).to_contain_text("处方已开具")
    expect(page.locator(".findings")).to_contain_text("晨峰血压高")

    page.get_by_role("button", name="发药").click()
    expect(page.locator(".messages")).to_contain_text("已发药")
    expect(page.locator("#visit-status")).to_have_text("已发药")
    expect(page.locator("#fees tfoot")).to_contain_text("¥8.85")  # 5.00 + 7 × 0.15 + 14 × 0.20
    assert StockBatch.objects.get(batch_number="AML-1").quantity == 293
    page.screenshot(path=str(artifact("clinic-visit-dispensed")), full_page=True)

    # Real-time settlement: pre-settlement shows the split with the 两病 benefit, then settle, then the receipt.
    page.get_by_role("button", name="医保结算").click()
    expect(page.get_by_test_id("status")).to_have_text("已预结算")
    expect(page.get_by_text("两病待遇").first).to_be_visible()
    lb_pay = page.get_by_test_id("lb-pay").inner_text()
    assert lb_pay != "¥0.00"
    page.get_by_role("button", name="结算", exact=True).click()
    expect(page.get_by_test_id("status")).to_have_text("已结算")
    expect(page.get_by_text("已结算。患者只需支付个人部分。")).to_be_visible()
    settlement = Settlement.objects.get(resident=patient, status="settled")
    assert settlement.total == settlement.fund_general + settlement.fund_two_disease + settlement.patient_pays
    assert settlement.fund_two_disease > 0 and settlement.patient_pays < settlement.total
    assert Visit.objects.get(resident=patient).status == "settled"

    page.get_by_role("link", name="结算单").click()
    expect(page.get_by_role("heading", name="门诊医保结算单")).to_be_visible()
    expect(page.get_by_test_id("patient-pays")).to_have_text(f"¥{settlement.patient_pays}")
    expect(page.get_by_test_id("lb-pay")).to_have_text(lb_pay)
    expect(page.get_by_text("两病用药保障支付")).to_be_visible()
    expect(page.get_by_text("门诊统筹支付")).to_be_visible()
    page.screenshot(path=str(artifact("clinic-visit-receipt")), full_page=True)
