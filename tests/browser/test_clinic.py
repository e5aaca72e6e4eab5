"""The clinic issue's end-to-end path: a village doctor opens a visit for a hypertension patient, is prompted for
the due follow-up and records it with the visit's vitals, diagnoses, prescribes (one rule warns, one blocks until
corrected) and dispenses from stock."""

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from countyhealth.clinic import actions as clinic
from countyhealth.clinic.models import StockBatch
from countyhealth.publichealth import actions as publichealth
from countyhealth.publichealth.models import FollowUpVisit

from .conftest import artifact


def test_village_doctor_sees_the_due_follow_up_prescribes_through_review_and_dispenses(
        page, log_in, users, county, make_resident):
    today = timezone.localdate()
    doctor = users.village_doctor_a1
    patient = make_resident(county.village_a1, name="钱血压", birth_date=dt.date(1961, 3, 2), sex="1")
    publichealth.do_enrol(acting_user=doctor, resident_id=patient.pk, programme="hypertension",
                          enrolled_on=today - dt.timedelta(days=400))
    expiry = today + dt.timedelta(days=365)
    clinic.do_receive_stock(acting_user=doctor, drug="EM039", batch_number="AML-1", expiry_date=expiry, quantity=300)
    clinic.do_receive_stock(acting_user=doctor, drug="EM041", batch_number="NIF-1", expiry_date=expiry, quantity=300)

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

    due = page.locator("#due-services")
    expect(due).to_contain_text("高血压")
    expect(due).to_contain_text("尚未建立健康档案")
    due.get_by_role("link", name="诊间完成").click()
    expect(page.locator("h1")).to_contain_text("诊间随访")
    expect(page.locator("#id_sbp")).to_have_value("152")
    expect(page.locator("#id_heart_rate")).to_have_value("76")
    page.get_by_role("button", name="保存并评估").click()
    expect(page.locator(".messages")).to_contain_text("随访已记录")
    assert FollowUpVisit.objects.get(resident=patient).sbp == 152
    expect(page.locator("#due-services")).not_to_contain_text("高血压")

    page.locator("#id_code").press_sequentially("gxy", delay=50)
    expect(page.locator("#icd10-options option[value='I10']")).to_have_count(1)
    page.fill("#id_code", "I10")
    page.get_by_role("button", name="添加诊断").click()
    expect(page.locator("#diagnoses")).to_contain_text("原发性高血压")

    page.fill("#id_drug_1", "EM039")
    page.fill("#id_dose_1", "10")
    page.select_option("#id_frequency_1", "tid")
    page.fill("#id_days_1", "7")
    page.get_by_role("button", name="审核并开具").click()
    findings = page.locator("#review-findings")
    expect(findings).to_contain_text("拦截")
    expect(findings).to_contain_text("超过最大日剂量 10 mg")

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
