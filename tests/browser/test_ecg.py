"""The remote ECG issue's end-to-end path: a township doctor uploads an ECG with injected ST elevation, a county
reader sees it on top of the live worklist marked urgent, opens the tracing, signs, starts the green channel,
and the township doctor receives the report notification."""

import datetime as dt

from playwright.sync_api import expect

from countyhealth.ecg.tests.factories import ANTERIOR_STEMI, ecg_file, upload
from countyhealth.orgs.tests.factories import DepartmentFactory

from .conftest import artifact


def test_upload_urgent_read_sign_green_channel_and_notify(page, log_in, users, county, make_resident, settings,
                                                           tmp_path):
    settings.MEDIA_ROOT = tmp_path
    DepartmentFactory(organisation=county.hospital, code="CPC", name="胸痛中心", kind="emergency")
    patient = make_resident(county.village_a1, name="钱胸痛", sex="1", birth_date=dt.date(1958, 3, 2))
    routine = make_resident(county.village_a2, name="孙常规", sex="2", birth_date=dt.date(1970, 5, 5))
    upload(users.township_doctor_a, routine, seed=5)  # an older routine ECG that the urgent one must overtake

    log_in("td_a")
    page.goto(f"{page.base_url}/ecg/residents/{patient.pk}/")
    page.set_input_files("#id_file", files=[{"name": "stemi.dcm", "mimeType": "application/dicom",
                                              "buffer": ecg_file("dicom", st=ANTERIOR_STEMI)}])
    page.check("#id_chest_pain")
    page.fill("#id_symptoms", "胸骨后压榨样疼痛30分钟")
    page.get_by_role("button", name="上传").click()
    expect(page.locator("#urgent-reasons")).to_contain_text("疑似急性ST段抬高型心肌梗死")

    page.context.clear_cookies()
    log_in("ecg_reader")
    page.locator("nav.mainnav").get_by_role("link", name="心电诊断工作列表").click()
    first = page.locator("#worklist-rows tr").first
    expect(first).to_contain_text("钱胸痛")
    expect(first).to_contain_text("紧急")
    # Live: a new upload appears without a reload.
    late = make_resident(county.village_b1, name="李新到", sex="1", birth_date=dt.date(1980, 1, 1))
    upload(users.township_doctor_b, late, seed=6)
    expect(page.locator("#worklist-rows")).to_contain_text("李新到", timeout=3000)
    page.screenshot(path=str(artifact("ecg-worklist")), full_page=True)

    first.get_by_role("link", name="钱胸痛").click()
    expect(page.locator("#ecg-canvas")).to_be_visible()
    page.get_by_role("button", name="领取诊断").click()
    page.get_by_label("急性前壁ST段抬高型心肌梗死").check()
    page.fill("#id_conclusion", "建议立即转诊胸痛中心")
    page.get_by_role("button", name="签发报告").click()
    expect(page.locator(".report")).to_contain_text("急性前壁ST段抬高型心肌梗死")
    page.get_by_role("button", name="启动绿色通道").click()
    expect(page.locator("body")).to_contain_text("已启动绿色通道")
    page.screenshot(path=str(artifact("ecg-detail-signed")), full_page=True)

    page.context.clear_cookies()
    log_in("td_a")
    page.goto(page.base_url + "/notifications/")
    expect(page.locator("body")).to_contain_text("叮咚，您有一份新的报告，请注意查收")
    expect(page.locator("body")).to_contain_text("绿色通道")
