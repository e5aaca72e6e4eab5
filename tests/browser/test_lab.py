"""The lab issue's end-to-end path (issue 7 "Done means"): a critical potassium arrives via HL7 over HTTP, the
ordering township doctor is notified, does not acknowledge in time, the every-minute sweep escalates (run here
with a moved clock instead of waiting ten minutes), and the township centre's director acknowledges with a
read-back."""

from datetime import timedelta

import httpx
from playwright.sync_api import expect

from countyhealth.accounts.actions import do_issue_api_token
from countyhealth.accounts.roles import Role
from countyhealth.accounts.system import system_user
from countyhealth.lab import actions
from countyhealth.lab.models import CriticalAlert, EscalationContact
from countyhealth.lab.tests.factories import oru

from .conftest import artifact


def test_critical_potassium_escalates_to_the_director_who_acknowledges(page, log_in, users, county, make_user,
                                                                     make_resident):
    patient = make_resident(county.village_a1, name="王建国", sex="1")
    director = make_user(Role.CONSORTIUM_ADMIN, county.township_a, username="director_a", full_name="东山院长")
    EscalationContact.objects.create(organisation=county.township_a, level=1, user=director)
    _token, secret = do_issue_api_token(acting_user=users.lab_technician, name="LIS")

    message = oru(patient, sender=county.hospital.code, control_id="K-0001", doctor=users.township_doctor_a.username)
    reply = httpx.post(page.base_url + "/api/lab/hl7", content=message.encode(),
                       headers={"Authorization": f"Bearer {secret}", "Content-Type": "x-application/hl7-v2+er7"}, timeout=60)
    assert reply.status_code == 200 and "MSA|AA|K-0001" in reply.text

    log_in("td_a")
    expect(page.locator("#notification-badge .count")).to_have_text("1")
    page.locator("#notification-badge").click()
    expect(page.locator(".notification-list li.urgent")).to_contain_text("危急值：王建国 血钾 6.9 mmol/L")
    page.locator("nav.mainnav").get_by_role("link", name="危急值").click()
    row = page.locator("tbody#alert-rows tr", has_text="王建国")
    expect(row).to_contain_text("6.9 mmol/L")
    page.screenshot(path=str(artifact("lab-critical-board")), full_page=True)

    # Ten minutes pass without an acknowledgement: the clock is moved by dating the alert back eleven minutes,
    # then the scheduler's every-minute sweep runs.
    eleven = timedelta(minutes=11)
    alert = CriticalAlert.objects.get()
    CriticalAlert.objects.filter(pk=alert.pk).update(notified_at=alert.notified_at - eleven,
                                                     due_at=alert.due_at - eleven)
    alert.events.update(at=alert.notified_at - eleven)
    assert actions.do_escalate_overdue_alerts(acting_user=system_user("critical-values")) == 1
    page.reload()
    expect(page.locator("tbody#alert-rows tr", has_text="王建国")).to_contain_text("已上报 ×1")

    page.context.clear_cookies()
    log_in("director_a")
    page.locator("#notification-badge").click()
    page.locator(".notification-list li.urgent", has_text="危急值未确认（第 1 级上报）").get_by_role("button").click()
    expect(page.locator("h1")).to_contain_text("危急值")
    page.fill("#id_readback_value", "6.8")
    page.fill("#id_action_taken", "电话通知患者到东山镇卫生院复查血钾、心电图")
    page.get_by_role("button", name="确认", exact=True).click()
    expect(page.locator("#acknowledge")).to_contain_text("复读数值与报告数值不符")
    page.fill("#id_readback_value", "6.9")
    page.get_by_role("button", name="确认", exact=True).click()
    expect(page.locator("dl.facts")).to_contain_text("已确认")
    expect(page.locator("dl.facts")).to_contain_text("东山院长")
    history = page.locator("table.history tbody tr")
    expect(history).to_have_count(4)  # notified, escalated, read-back rejected, acknowledged
    page.screenshot(path=str(artifact("lab-critical-acknowledged")), full_page=True)
    alert.refresh_from_db()
    assert alert.status == "acknowledged" and alert.ack_by == director and alert.level == 1
