"""Results entered in a form or uploaded as CSV: the same checks and alerts as HL7, all or nothing, idempotent."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from countyhealth.audit.models import AccessLog, AuditLog
from countyhealth.core.errors import ActionError
from countyhealth.lab import entry
from countyhealth.lab.models import CriticalAlert, LabReport, LabResult, ResultUpload

from .test_api import bearer


@pytest.fixture
def patient(county, make_resident):
    return make_resident(county.village_a1, name="王建国", sex="1")


def csv_file(patient, rows):
    header = ",".join(entry.CSV_COLUMNS)
    lines = [f"{patient.id_number},{patient.name},{test},{value},{unit},{when},R1,{doctor},passed"
             for test, value, unit, when, doctor in rows]
    return ("\ufeff" + "\n".join([header, *lines]) + "\n").encode()


def when(hours_ago=2):
    return timezone.localtime(timezone.now() - timedelta(hours=hours_ago)).strftime("%Y-%m-%d %H:%M")


def test_form_entry_flags_like_hl7_and_a_critical_value_alerts(users, patient):
    report = entry.do_enter_results(
        acting_user=users.township_doctor_a, resident_id=patient.pk, specimen_at=timezone.now() - timedelta(hours=1),
        rows=[("potassium", "6.9", ""), ("GLU", "126", "mg/dL"), ("", "", "")], qc_status="passed")
    flags = dict(LabResult.objects.filter(report=report).values_list("test_code", "flag"))
    assert flags == {"potassium": "HH", "glucose": "H"}
    assert (report.source, report.performing_org, report.ordering_doctor) == (
        "form", users.township_doctor_a.organisation, users.township_doctor_a)
    alert = CriticalAlert.objects.get()
    assert alert.ordering_doctor == users.township_doctor_a and alert.status == "open"
    assert AuditLog.objects.filter(action="lab.results_entered", resident_id=patient.pk).count() == 1


def test_form_entry_with_a_bad_row_saves_nothing_and_names_the_row(users, patient):
    with translation.override("en"), pytest.raises(ActionError) as caught:
        entry.do_enter_results(acting_user=users.township_doctor_a, resident_id=patient.pk,
                               specimen_at=timezone.now(), rows=[("potassium", "4.1", ""), ("sodium", "140", "g/L")])
    assert caught.value.code == "invalid_rows"
    errors = [str(m) for m in caught.value.fields["rows"]]
    assert errors == ["Row 2: Unknown unit “g/L” for 血钠 (expected mmol/L)."]
    assert not LabReport.objects.exists()


def test_csv_upload_groups_rows_into_reports_and_a_second_upload_saves_nothing(users, patient):
    content = csv_file(patient, [("potassium", "4.2", "mmol/L", when(), ""), ("2345-7", "126", "mg/dL", when(), ""),
                                 ("K", "6.9", "mmol/L", when(1), users.township_doctor_a.username)])
    upload, new = entry.do_upload_results_csv(acting_user=users.lab_technician, content=content, filename="a.csv")
    assert new and upload.rows == 3
    assert LabReport.objects.filter(upload=upload, source="csv").count() == 2
    assert LabResult.objects.count() == 3
    assert CriticalAlert.objects.get().ordering_doctor == users.township_doctor_a
    again, new_again = entry.do_upload_results_csv(acting_user=users.lab_technician, content=content,
                                                   filename="a-copy.csv")
    assert again == upload and not new_again
    assert LabResult.objects.count() == 3 and ResultUpload.objects.count() == 1


def test_csv_with_bad_rows_is_refused_whole_with_localised_row_numbers(users, patient):
    content = csv_file(patient, [("potassium", "4.2", "mmol/L", when(), ""), ("nope", "1", "mmol/L", when(), ""),
                                 ("sodium", "abc", "mmol/L", "2026/01/01", "")])
    with translation.override("zh-hans"), pytest.raises(ActionError) as caught:
        entry.do_upload_results_csv(acting_user=users.lab_technician, content=content, filename="b.csv")
    errors = [str(m) for m in caught.value.fields["file"]]
    assert len(errors) == 2 and errors[0].startswith("第 3 行") and errors[1].startswith("第 4 行")
    assert not LabReport.objects.exists() and not ResultUpload.objects.exists()


@pytest.mark.parametrize(("content", "code"), [
    (b"id_number,name\n1,2\n", "bad_header"), (b"\xff\xfe\x00", "bad_encoding"),
    (",".join(entry.CSV_COLUMNS).encode() + b"\n", "no_results")])
def test_csv_that_is_not_a_result_file_is_refused(users, content, code):
    with pytest.raises(ActionError) as caught:
        entry.do_upload_results_csv(acting_user=users.lab_technician, content=content, filename="x.csv")
    assert caught.value.code == code


def test_only_a_lab_uploads_files(users, patient):
    with pytest.raises(ActionError) as caught:
        entry.do_upload_results_csv(acting_user=users.township_doctor_a, filename="a.csv",
                                    content=csv_file(patient, [("K", "4", "mmol/L", when(), "")]))
    assert caught.value.code == "not_allowed"


def test_entry_and_upload_pages(client, users, patient, django_assert_max_num_queries):
    client.force_login(users.township_doctor_a)
    url = reverse("lab:result-entry", args=[patient.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"specimen_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "qc_status": "passed",
                                 "test_1": "hba1c", "value_1": "7.4", "unit_1": ""})
    report = LabReport.objects.get()
    assert response.status_code == 302 and response.url == reverse("lab:report-detail", args=[report.pk])
    client.force_login(users.lab_technician)
    upload_url = reverse("lab:result-upload")
    for n in range(3):
        content = csv_file(patient, [("K", f"4.{n}", "mmol/L", when(n + 1), "")])
        response = client.post(upload_url, {"file": SimpleUploadedFile(f"f{n}.csv", content, "text/csv")})
        assert response.status_code == 302
    with django_assert_max_num_queries(12):
        page = client.get(upload_url)
    assert page.status_code == 200 and "f2.csv" in page.content.decode()


def test_entry_and_upload_through_the_api(client, users, patient):
    response = client.post(f"/api/lab/residents/{patient.pk}/results", {
        "specimen_at": timezone.now().isoformat(), "results": [{"test_code": "K", "value": "2.5"}]},
        content_type="application/json", **bearer(users.township_doctor_a))
    assert response.status_code == 201 and response.json()["results"][0]["flag"] == "LL"
    bad = client.post(f"/api/lab/residents/{patient.pk}/results", {
        "specimen_at": timezone.now().isoformat(), "results": [{"test_code": "K", "value": "x"}]},
        content_type="application/json", **bearer(users.township_doctor_a))
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_rows"
    lab = bearer(users.lab_technician)
    content = csv_file(patient, [("K", "4.0", "mmol/L", when(), "")])
    first = client.post("/api/lab/uploads", {"file": SimpleUploadedFile("r.csv", content, "text/csv")}, **lab)
    second = client.post("/api/lab/uploads", {"file": SimpleUploadedFile("r.csv", content, "text/csv")}, **lab)
    assert (first.status_code, first.json()["new"], second.status_code, second.json()["new"]) == (201, True, 200, False)


def test_report_pdf_is_a_pdf_with_the_results(client, users, patient):
    report = entry.do_enter_results(acting_user=users.township_doctor_a, resident_id=patient.pk,
                                    specimen_at=timezone.now(), rows=[("potassium", "6.9", ""), ("sodium", "140", "")])
    client.force_login(users.township_doctor_a)
    response = client.get(reverse("lab:report-pdf", args=[report.pk]))
    body = b"".join(response.streaming_content)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert body.startswith(b"%PDF") and len(body) > 1500
    assert AccessLog.objects.filter(what="lab.report_pdf", resident_id=patient.pk).exists()


def test_a_converted_value_shows_the_decimals_it_was_rounded_to(users, patient):
    report = entry.do_enter_results(acting_user=users.township_doctor_a, resident_id=patient.pk,
                                    specimen_at=timezone.now(), rows=[("GLU", "126", "mg/dL"), ("K", "4.2", ""),
                                                                      ("CREA", "1.2", "mg/dL"), ("NA", "140", "")])
    shown = {r.test_code: (r.display_value, r.unit) for r in report.results.all()}
    assert shown == {"glucose": ("7.0", "mmol/L"), "potassium": ("4.2", "mmol/L"), "creatinine": ("106", "µmol/L"),
                     "sodium": ("140", "mmol/L")}
