"""The same path through /api/imaging/: multipart upload, worklist, claim, report, amend, study detail."""

import datetime as dt
import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from countyhealth.notifications.models import Notification

from .factories import ct_study, matching_study, zipped


@pytest.fixture
def patient(make_resident, county):
    return make_resident(county.village_a1, name="李秀英", birth_date=dt.date(1949, 11, 20))


def post_upload(client, patient, files, **extra):
    data = {"resident_id": patient.pk, "clinical_question": "咳嗽咯血一月", "urgency": "urgent",
            "files": [SimpleUploadedFile(name, data, content_type="application/dicom") for name, data in files]}
    return client.post("/api/imaging/studies", data | extra)


def test_upload_to_report_through_the_api(client, pacs, users, patient, django_capture_on_commit_callbacks):
    key = uuid.uuid4().hex  # UIDs no other test's resident has (the test Orthanc outlives each test's database)
    client.force_login(users.township_doctor_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(client, patient, [zipped(matching_study(patient, key=key, slices=3))])
    assert response.status_code == 201, response.content
    assert response.json()["created"] and response.json()["study"]["modality"] == "CT"
    # The transfer ran on commit (in the test, when the capture block closed).
    study = client.get(f"/api/imaging/studies/{response.json()['study']['id']}").json()["study"]
    assert study["status"] == "awaiting_read" and study["stored_at"]
    with django_capture_on_commit_callbacks(execute=True):
        again = post_upload(client, patient, [zipped(matching_study(patient, key=key, slices=3))])
    assert again.status_code == 200 and again.json() == {"created": False, "study": again.json()["study"]}

    client.force_login(users.radiologist)
    assert [s["id"] for s in client.get("/api/imaging/worklist").json()] == [study["id"]]
    claimed = client.post(f"/api/imaging/studies/{study['id']}/claim")
    assert claimed.status_code == 200 and claimed.json()["claimed_by_id"] == users.radiologist.pk
    detail = client.get(f"/api/imaging/studies/{study['id']}").json()
    viewer = detail["series"][0]["viewer_url"]
    assert detail["series"][0]["count"] == 3 and viewer.startswith("/imaging/pacs/web-viewer/app/viewer.html?series=")
    series = client.get("/imaging/pacs/web-viewer/series/" + detail["series"][0]["orthanc_id"])
    assert series.status_code == 200 and len(json.loads(b"".join(series.streaming_content))["Slices"]) == 3
    # A DICOMweb client starts from the study's base in the same-origin proxy (QIDO-RS, then WADO-RS).
    assert detail["study"]["pacs_series_count"] == 1 and detail["study"]["pacs_instance_count"] == 3
    instances = client.get(detail["dicomweb_url"] + "/instances")
    assert instances.status_code == 200 and len(instances.json()) == 3
    assert detail["dicomweb_url"] in instances.json()[0]["00081190"]["Value"][0]  # RetrieveURL points at the proxy

    incomplete = client.post(f"/api/imaging/studies/{study['id']}/report", {"findings": "", "impression": "x"},
                             content_type="application/json")
    assert incomplete.status_code == 400 and "findings" in incomplete.json()["fields"]
    signed = client.post(f"/api/imaging/studies/{study['id']}/report",
                         {"findings": "右肺上叶见一结节影，约2.1cm，边缘分叶。", "impression": "右肺上叶占位，建议增强CT。"},
                         content_type="application/json")
    assert signed.status_code == 201 and signed.json()["version"] == 1
    amended = client.post(f"/api/imaging/studies/{study['id']}/amend",
                          {"findings": "右肺上叶见一结节影，约2.1cm，边缘分叶、毛刺。", "impression": "右肺上叶周围型肺癌可能。",
                           "reason": "补充征象"}, content_type="application/json")
    assert amended.status_code == 201 and amended.json()["version"] == 2

    client.force_login(users.township_doctor_a)
    assert Notification.objects.filter(recipient=users.township_doctor_a, kind="imaging.report_signed").count() == 2
    reports = client.get(f"/api/imaging/studies/{study['id']}").json()["reports"]
    assert [r["version"] for r in reports] == [2, 1] and reports[0]["amendment_reason"] == "补充征象"


def test_api_refuses_non_dicom_and_asks_to_confirm_another_patient(client, users, patient):
    client.force_login(users.township_doctor_a)
    bad = post_upload(client, patient, [("report.pdf", b"%PDF-1.4 not an image")])
    assert bad.status_code == 400 and bad.json()["code"] == "not_dicom"
    other = post_upload(client, patient, ct_study("someone", slices=1, name="ZHAO^LEI"))
    assert other.status_code == 400 and other.json()["code"] == "patient_mismatch"


def test_orthanc_down_the_api_says_the_study_is_kept(client, pacs_down, users, patient,
                                                    django_capture_on_commit_callbacks):
    client.force_login(users.township_doctor_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(client, patient, matching_study(patient, slices=1))
    assert response.status_code == 201
    study = client.get(f"/api/imaging/studies/{response.json()['study']['id']}").json()["study"]
    assert study["status"] == "transferring"
    assert study["last_transfer_error"] and study["next_attempt_at"]
