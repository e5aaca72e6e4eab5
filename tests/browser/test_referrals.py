"""The referrals issue's end-to-end path: a township doctor refers a patient upward and books a slot the county
hospital reserves for referrals; the county department accepts; the patient checks in, is called from the
queue, and is referred back down with a care plan (the due-list half belongs to public health)."""

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from countyhealth.appointments.tests.factories import cardiology, publish
from countyhealth.referrals.models import Referral

from .conftest import artifact


def test_refer_up_with_reserved_slot_accept_queue_and_refer_down(page, log_in, users, county, make_resident):
    # Ten steps across two users: allow a loaded CI machine more than the default 10 s per step.
    page.set_default_timeout(30_000)
    page.set_default_navigation_timeout(30_000)
    department = cardiology(county)
    session = publish(users.county_doctor, department, days=5)
    slot = session.slots.get(pool="referral", starts_at=session.starts_at)
    patient = make_resident(county.village_a1, name="孙上转", birth_date=dt.date(1958, 3, 2), sex="1")

    log_in("td_a")
    page.goto(f"{page.base_url}/referrals/residents/{patient.pk}/up/")
    page.fill("#id_reason", "血压控制不满意，需专科调整方案")
    page.fill("#id_diagnosis", "原发性高血压")
    page.select_option("#id_urgency", "urgent")
    page.select_option("#id_department_id", str(department.pk))
    expect(page.locator("#id_slot_id option", has_text="预留")).not_to_have_count(0)
    page.select_option("#id_slot_id", str(slot.pk))
    page.get_by_role("button", name="发送转诊").click()
    expect(page.locator(".referral-status")).to_have_text("已发出")
    expect(page.locator("main")).to_contain_text("心血管内科")
    referral = Referral.objects.get(resident=patient)
    assert referral.booking.slot_id == slot.pk

    page.context.clear_cookies()
    log_in("county_doc")
    page.locator("nav.mainnav").get_by_role("link", name="转诊", exact=True).click()
    page.locator("tbody tr", has_text="孙上转").get_by_role("link").click()
    page.get_by_role("button", name="接收转诊").click()
    expect(page.locator(".referral-status")).to_have_text("已接收")

    page.locator("main a[href*='/appointments/bookings/']").click()
    page.get_by_role("button", name="签到").click()
    expect(page.locator(".queue-number")).to_have_text("1")
    page.get_by_role("link", name="医生叫号屏").click()
    page.get_by_role("button", name="叫下一位").click()
    expect(page.locator(".now-calling")).to_have_text("1")
    page.goto(f"{page.base_url}/appointments/sessions/{session.pk}/display/")
    expect(page.locator("#now-calling")).to_have_text("1")
    page.screenshot(path=str(artifact("waiting-room-display")), full_page=True)
    page.go_back()
    page.locator("tbody tr", has_text="孙上转").get_by_role("button", name="就诊完成").click()

    page.goto(f"{page.base_url}/referrals/{referral.pk}/")
    page.get_by_role("button", name="患者已到达").click()
    expect(page.locator(".referral-status")).to_have_text("患者已到达")
    page.fill("#id_complete-feedback", "已调整为氨氯地平联合缬沙坦，血压达标")
    page.get_by_role("button", name="完成并反馈").click()
    expect(page.locator(".referral-status")).to_have_text("已完成")

    page.get_by_role("link", name="转回基层").click()
    next_on = timezone.localdate() + dt.timedelta(days=14)
    page.select_option("#id_to_org_id", str(county.clinic_a1.pk))
    page.fill("#id_discharge_summary", "血压控制达标，转回村卫生室继续管理")
    page.select_option("#id_programme", "hypertension")
    page.fill("#id_next_followup_on", next_on.isoformat())
    page.fill("#id_notes", "每日监测血压，低盐饮食")
    page.get_by_role("button", name="发送转诊").click()
    plan = page.locator(".care-plan")
    expect(plan).to_contain_text("高血压患者健康管理")
    expect(plan).to_contain_text(next_on.isoformat())
    page.screenshot(path=str(artifact("downward-referral")), full_page=True)
    down = Referral.objects.get(resident=patient, direction="down")
    assert down.care_plan["programme"] == "hypertension" and down.to_org == county.clinic_a1
