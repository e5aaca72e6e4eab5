"""Remote imaging end to end against a real Orthanc: a township uploads a CT study, a county radiologist finds it
in the worklist (with the series and image counts QIDO-RS found), sees the first image rendered by WADO-RS and
views the series in Orthanc's web viewer, both through the platform's proxies, signs a report, and the
township reads and prints it."""

import datetime as dt
import re

from playwright.sync_api import expect

from countyhealth.imaging.models import ImagingStudy
from countyhealth.imaging.tests.factories import ct_study, matching_study
from tests.support.orthanc import orthanc, pacs  # noqa: F401  (fixtures)

from .conftest import artifact


def files_for(page_files):
    return [{"name": name, "mimeType": "application/dicom", "buffer": data} for name, data in page_files]


def switch_user(page, log_in, username):
    page.context.clear_cookies()
    log_in(username)


def test_township_uploads_a_ct_that_a_radiologist_views_and_reports(page, log_in, users, county, make_resident,
                                                                     pacs):  # noqa: F811
    patient = make_resident(county.village_a1, name="王建国", birth_date=dt.date(1958, 6, 2))

    page.goto(page.base_url + "/accounts/login/", timeout=60_000)  # the first request imports every app's URLs
    log_in("td_a")
    page.goto(page.base_url + f"/imaging/residents/{patient.pk}/upload/")
    # First the wrong patient's files: a warning, nothing stored.
    page.set_input_files("#id_files", files_for(ct_study("other", slices=1, name="LI^SI")))
    page.fill("#id_clinical_question", "外伤后头痛，排除颅内出血")
    page.select_option("#id_urgency", "urgent")
    page.get_by_role("button", name="上传").click()
    expect(page.locator(".alert.warn")).to_contain_text("不一致")
    assert not ImagingStudy.objects.exists()

    page.set_input_files("#id_files", files_for(matching_study(patient, slices=5)))
    page.get_by_role("button", name="上传").click()
    expect(page.locator("#study-status")).to_contain_text("待报告")

    switch_user(page, log_in, "radiologist")
    page.locator("nav.mainnav").get_by_role("link", name="影像工作列表").click()
    row = page.locator("tbody tr", has_text="王建国")
    expect(row).to_contain_text("加急")
    expect(row).to_contain_text("1 个序列 · 5 幅图像")  # what QIDO-RS found in the PACS
    row.get_by_role("link").first.click()
    page.get_by_role("button", name="认领并报告").click()
    # The first image, rendered by WADO-RS and fetched through the platform's DICOMweb proxy.
    page.wait_for_function("() => { const i = document.querySelector('img.imaging-preview');"
                           " return i && i.complete && i.naturalWidth === 128; }")
    assert "/imaging/dicom-web/studies/" in page.locator("img.imaging-preview").get_attribute("src")

    with page.context.expect_page() as opened:
        page.get_by_role("link", name="在阅片器中打开").click()
    viewer = opened.value
    # The viewer fetched the series and a decoded frame through the proxy and drew it.
    viewer.wait_for_load_state()
    expect(viewer.locator("#dicomImage canvas")).to_be_visible()
    expect(viewer.locator("#topright")).to_contain_text("王建国", timeout=15_000)  # the series' tags
    expect(viewer.locator("#bottomleft")).to_contain_text(re.compile(r"\d+/\d+"))  # windowing of a drawn frame
    viewer.screenshot(path=str(artifact("imaging-viewer")))
    viewer.close()

    page.fill("#id_findings", "脑实质密度均匀，脑室系统未见扩大，中线结构居中。")
    page.fill("#id_impression", "头颅CT平扫未见明显异常。")
    page.get_by_role("button", name="签发报告").click()
    expect(page.locator("#study-status")).to_contain_text("已报告")

    switch_user(page, log_in, "td_a")
    page.goto(page.base_url + "/notifications/")
    page.get_by_text("影像报告已出").first.click()
    expect(page.locator("#reports")).to_contain_text("头颅CT平扫未见明显异常。")
    page.get_by_role("link", name="打印").click()
    expect(page.locator("article.printable")).to_contain_text("王建国")
    page.screenshot(path=str(artifact("imaging-report-print")), full_page=True)
