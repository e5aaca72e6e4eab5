"""The lab issue's end-to-end path (issue 7 "Done means"): a critical potassium arrives via HL7 over HTTP, the
ordering township doctor is notified, does not acknowledge in time, the every-minute sweep escalates (run here
with a moved clock instead of waiting ten minutes), and the township centre's director acknowledges with a
read-back."""

import base64
import re
import zlib
from datetime import timedelta

import httpx
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from countyhealth.accounts.actions import do_issue_api_token
from countyhealth.accounts.roles import Role
from countyhealth.accounts.system import system_user
from countyhealth.lab import actions, entry
from countyhealth.lab.models import CriticalAlert, EscalationContact, LabReport, ResultUpload
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


# The entry paths besides HL7: a report typed in by a doctor, a lab's CSV file, and the printable PDF.


def test_doctor_types_in_results_sees_a_bad_unit_refused_then_the_saved_values_flagged(page, log_in, users, county,
                                                                                      make_resident):
    patient = make_resident(county.village_a1, name="李秀英", sex="2")
    log_in("td_a")
    page.goto(page.base_url + reverse("residents:resident-detail", args=[patient.pk]))
    page.locator("main").get_by_role("link", name="检验结果").first.click()
    page.get_by_role("link", name="录入结果").click()
    expect(page.locator("h1")).to_contain_text("录入检验结果 · 李秀英")

    specimen = timezone.localtime(timezone.now() - timedelta(hours=2))
    page.fill("#id_specimen_at", specimen.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_report_number", "MZ-0001")
    for n, (test, value, unit) in enumerate((("potassium", "6.9", ""), ("glucose", "126", "mg/dL"),
                                             ("sodium", "140", "g/L")), start=1):
        page.select_option(f"#id_test_{n}", test)
        page.fill(f"#id_value_{n}", value)
        page.fill(f"#id_unit_{n}", unit)
    page.get_by_role("button", name="保存结果").click()
    refusal = page.locator("form .alert.error")
    expect(refusal).to_contain_text("未保存任何内容")
    expect(refusal).to_contain_text("第 3 行：血钠 的单位“g/L”未知（应为 mmol/L）。")
    expect(page.locator("#id_value_1")).to_have_value("6.9")  # what was typed is kept for the correction
    assert not LabReport.objects.exists()

    page.fill("#id_unit_3", "mmol/L")
    page.get_by_role("button", name="保存结果").click()
    expect(page.locator("ul.messages")).to_contain_text("结果已保存。")
    expect(page.locator("dl.facts")).to_contain_text("MZ-0001")
    expect(page.locator("dl.facts")).to_contain_text(f"{specimen:%Y-%m-%d %H:%M}")
    rows = page.locator(".lab-report tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("血钾")
    expect(rows.nth(0)).to_contain_text("6.9")
    expect(rows.nth(0).locator(".badge.danger")).to_have_text("↑↑ 危急")
    cells = rows.nth(1).locator("td")
    expect(cells.nth(1)).to_have_text("7.0")  # 126 mg/dL ÷ 18 in the catalogue's unit, to its one decimal
    expect(cells.nth(2)).to_have_text("mmol/L")
    expect(cells.nth(5)).to_have_text("126 mg/dL")  # and as reported
    expect(rows.nth(1).locator(".badge.warn")).to_have_text("↑")
    expect(rows.nth(2)).to_contain_text("140")
    expect(rows.nth(2).locator(".badge")).to_have_count(0)
    page.screenshot(path=str(artifact("lab-entered-report")), full_page=True)
    report = LabReport.objects.get()
    assert (report.source, report.report_number, report.ordering_doctor) == ("form", "MZ-0001", users.township_doctor_a)
    assert sorted(report.results.values_list("test_code", "flag")) == [("glucose", "H"), ("potassium", "HH"),
                                                                       ("sodium", "N")]
    assert CriticalAlert.objects.filter(resident=patient, status="open").count() == 1


def _csv(patient, rows) -> bytes:
    when = timezone.localtime(timezone.now() - timedelta(hours=3)).strftime("%Y-%m-%d %H:%M")
    lines = [",".join(entry.CSV_COLUMNS)] + [
        f"{patient.id_number},{patient.name},{test},{value},{unit},{when},R-77,,passed" for test, value, unit in rows]
    return ("\n".join(lines) + "\n").encode()


def test_lab_uploads_a_csv_a_bad_row_refuses_the_file_then_the_corrected_file_is_saved_once(page, log_in, users,
                                                                                         county, make_resident):
    patient = make_resident(county.village_a1, name="张伟", sex="1")
    log_in("lab_tech")
    page.locator("nav.mainnav").get_by_role("link", name="上传检验结果").click()
    bad = _csv(patient, [("K", "4.2", "mmol/L"), ("sodium", "140", "g/L")])
    page.set_input_files("#id_file", files=[{"name": "results.csv", "mimeType": "text/csv", "buffer": bad}])
    page.get_by_role("button", name="上传", exact=True).click()
    expect(page.locator("form .alert.error")).to_contain_text("未保存任何内容")
    expect(page.locator("form .errorlist")).to_contain_text("第 3 行：血钠 的单位“g/L”未知（应为 mmol/L）。")
    expect(page.locator("section", has_text="本机构上传的文件").locator("tbody")).to_contain_text("暂无文件。")
    assert not LabReport.objects.exists() and not ResultUpload.objects.exists()

    good = _csv(patient, [("K", "4.2", "mmol/L"), ("sodium", "140", "mmol/L")])
    for _attempt in range(2):  # the second upload of the same bytes saves nothing
        page.set_input_files("#id_file", files=[{"name": "results.csv", "mimeType": "text/csv", "buffer": good}])
        page.get_by_role("button", name="上传", exact=True).click()
        expect(page.locator("ul.messages")).to_be_visible()
    expect(page.locator("ul.messages")).to_contain_text("该文件此前已上传")
    uploads = page.locator("section", has_text="本机构上传的文件").locator("tbody tr")
    expect(uploads).to_have_count(1)
    expect(uploads.first).to_contain_text("results.csv")
    expect(uploads.first).to_contain_text("2")
    page.screenshot(path=str(artifact("lab-csv-upload")), full_page=True)
    report = LabReport.objects.get()
    assert (report.source, report.report_number, report.resident) == ("csv", "R-77", patient)
    assert report.results.count() == 2


def _pdf_strings(data: bytes) -> str:
    """The text drawn on the PDF's pages: reportlab writes each page as an ASCII85 + Flate stream whose strings,
    in its Chinese CID font, are UTF-16BE with PDF escapes."""
    escapes = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
    text = []
    for stream in re.findall(rb"stream\r?\n(.*?)~>\s*endstream", data, re.S):
        content = zlib.decompress(base64.a85decode(stream))
        for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", content, re.S):
            raw = re.sub(rb"\\([0-7]{1,3}|.)", lambda m: bytes([int(m[1], 8)]) if m[1][:1].isdigit()
                         else escapes.get(m[1], m[1]), literal, flags=re.S)
            text.append(raw.decode("utf-16-be", errors="replace"))
    return " ".join(text)


def test_report_pdf_link_gives_a_pdf_with_the_patients_name_and_results(page, log_in, users, county, make_resident):
    patient = make_resident(county.village_a1, name="赵敏", sex="2")
    report = entry.do_enter_results(acting_user=users.township_doctor_a, resident_id=patient.pk,
                                    specimen_at=timezone.now() - timedelta(hours=1), report_number="PDF-9",
                                    rows=[("potassium", "6.9", ""), ("sodium", "140", "")], qc_status="passed")
    log_in("td_a")
    page.goto(page.base_url + reverse("lab:report-detail", args=[report.pk]))
    link = page.get_by_role("link", name="PDF", exact=True)
    # Chromium opens a PDF link in its viewer rather than as a download event: fetch what the link points at
    # with the page's own session, as the viewer does.
    response = page.request.get(page.base_url + link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert f'filename="lab-report-{report.pk}.pdf"' in response.headers["content-disposition"]
    data = response.body()
    assert data.startswith(b"%PDF-")
    text = _pdf_strings(data)
    for expected in ("赵敏", "PDF-9", "血钾", "6.9", "血钠", "140"):
        assert expected in text, (expected, text[:500])
