"""The public-health issue's end-to-end path: a village doctor opens the due list, records a hypertension
follow-up, sees the next step the national rules decide, and sees it in the indicators."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from countyhealth.publichealth import actions
from countyhealth.publichealth.rules import add_months

from .conftest import artifact


def test_village_doctor_records_a_follow_up_from_the_due_list_and_sees_the_indicator(
        page, log_in, users, county, make_resident):
    today = timezone.localdate()
    patient = make_resident(county.village_a1, name="赵高血", birth_date=dt.date(1962, 4, 9), sex="1")
    enrolment = actions.do_enrol(acting_user=users.village_doctor_a1, resident_id=patient.pk,
                                 programme="hypertension", enrolled_on=dt.date(today.year - 1, 6, 1))
    enrolment.next_due = today - dt.timedelta(days=5)
    enrolment.save(update_fields=["next_due"])

    log_in("vd_a1")
    page.locator("nav.mainnav").get_by_role("link", name="指标").click()
    control = page.locator("#ind-htn_control .ind-rate")
    expect(control).to_have_text("0.0%")  # managed this year, no follow-up yet: not controlled (§8.1)

    page.locator("nav.mainnav").get_by_role("link", name="任务清单").click()
    page.get_by_role("link", name="逾期").click()
    row = page.locator("tbody tr", has_text="赵高血")
    expect(row).to_contain_text("高血压")
    row.get_by_role("link", name="登记随访").click()

    expect(page.locator("h1")).to_contain_text("登记随访")
    page.fill("#id_sbp", "400")
    page.fill("#id_dbp", "90")
    page.get_by_role("button", name="保存并评估").click()
    expect(page.locator(".field.has-error .errorlist").first).to_contain_text("收缩压")

    page.fill("#id_sbp", "136")
    page.fill("#id_dbp", "84")
    page.get_by_role("button", name="保存并评估").click()
    decision = page.locator(".decision")
    expect(decision).to_contain_text("控制满意")
    expect(decision).to_contain_text("常规随访")
    expect(decision).to_contain_text(f"下次随访应在 {add_months(today, 3):%Y-%m-%d} 之前完成")
    page.screenshot(path=str(artifact("followup-decision")), full_page=True)

    page.get_by_role("link", name="返回任务清单").click()
    page.get_by_role("link", name="逾期").click()
    expect(page.locator("tbody tr", has_text="赵高血")).to_have_count(0)

    page.locator("nav.mainnav").get_by_role("link", name="指标").click()
    expect(page.locator("#ind-htn_control .ind-rate")).to_have_text("100.0%")
    page.screenshot(path=str(artifact("indicators-after-followup")), full_page=True)


def test_postpartum_visit_recorded_in_the_browser_counts_in_the_maternal_indicators(
        page, log_in, users, county, make_resident):
    """A woman registered early delivered this year: 早孕建册率 counts her at once, 产后访视率 once the village
    doctor records the postpartum visit through the maternal visit form; the chart follows."""
    from countyhealth.publichealth import maternal

    today = timezone.localdate()
    delivered = max(today - dt.timedelta(days=3), dt.date(today.year, 1, 1))
    lmp = delivered - dt.timedelta(days=276)
    mother = make_resident(county.village_a1, name="孙产妇", birth_date=dt.date(1996, 5, 2), sex="2")
    doctor = users.village_doctor_a1
    maternal.do_register_pregnancy(acting_user=doctor, resident_id=mother.pk, lmp=lmp,
                                   registered_on=lmp + dt.timedelta(days=80))
    maternal.do_record_maternal_visit(acting_user=doctor, resident_id=mother.pk,
                                      data={"visit_date": lmp + dt.timedelta(days=80), "sbp": 112, "dbp": 70})
    maternal.do_record_delivery(acting_user=doctor, resident_id=mother.pk, delivery_date=delivered,
                                place="hospital", discharge_date=delivered, live_births=1)

    log_in("vd_a1")
    page.locator("nav.mainnav").get_by_role("link", name="指标").click()
    expect(page.locator("#ind-early_registration .ind-rate")).to_have_text("100.0%")
    expect(page.locator("#ind-postpartum_visit .ind-rate")).to_have_text("0.0%")
    expect(page.locator("#ind-postpartum_visit .ind-frac")).to_have_text("0 / 1")

    page.locator("#ind-postpartum_visit .ind-frac a").click()  # the women behind the number
    expect(page.locator("tbody tr", has_text="孙产妇")).to_contain_text("未计入")
    page.goto(page.base_url + reverse("publichealth:maternal-visit-create", args=[mother.pk]))
    page.fill("#id_sbp", "118")
    page.fill("#id_dbp", "76")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages, .alert").first).to_be_visible()

    page.locator("nav.mainnav").get_by_role("link", name="指标").click()
    card = page.locator("#ind-postpartum_visit")
    expect(card.locator(".ind-rate")).to_have_text("100.0%")
    card.get_by_role("link", name="图表").click()
    expect(page.locator("#id_indicator")).to_have_value("postpartum_visit")
    expect(page.locator("#ind-trend canvas")).to_have_count(1)
    page.screenshot(path=str(artifact("maternal-indicators")), full_page=True)
