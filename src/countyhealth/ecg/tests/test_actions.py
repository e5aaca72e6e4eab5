"""Upload → worklist → claim → sign → amend → green channel, through the actions and the API."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from countyhealth.accounts.roles import Role
from countyhealth.core.errors import ActionError, Conflict
from countyhealth.ecg import actions, queries
from countyhealth.ecg.models import Ecg, EcgReport
from countyhealth.notifications.models import Notification
from countyhealth.orgs.tests.factories import DepartmentFactory
from countyhealth.referrals.models import Referral

from .factories import ANTERIOR_STEMI, ecg_file, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(county, make_resident):
    return make_resident(county.village_a1, sex="1", birth_date=dt.date(1960, 1, 1))


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_upload_stores_once_and_reaches_the_reader(users, patient):
    ecg = upload(users.township_doctor_a, patient, fmt="dicom", st=ANTERIOR_STEMI, chest_pain=True)
    assert ecg.urgent and "acute_mi" in ecg.urgent_reasons
    assert default_storage.open(ecg.file.name).read() == ecg_file("dicom", st=ANTERIOR_STEMI)
    again, created = actions.do_upload_ecg(acting_user=users.township_doctor_a, resident_id=patient.pk,
                                           files=[("x.dcm", ecg_file("dicom", st=ANTERIOR_STEMI))])
    assert not created and again.pk == ecg.pk and Ecg.objects.count() == 1
    assert list(queries.worklist(users.ecg_reader)) == [ecg]
    assert not queries.worklist(users.township_doctor_b).exists()
    assert Notification.objects.filter(recipient=users.ecg_reader, urgent=True).exists()


def test_urgent_first_then_oldest(users, patient, county, make_resident):
    routine = upload(users.township_doctor_a, patient, seed=2)
    urgent = upload(users.township_doctor_a, make_resident(county.village_a1), st=ANTERIOR_STEMI)
    later = upload(users.township_doctor_a, make_resident(county.village_a2), seed=3)
    assert list(queries.worklist(users.ecg_reader)) == [urgent, routine, later]


def test_bad_file_stores_nothing(users, patient, tmp_path):
    with pytest.raises(ActionError):
        actions.do_upload_ecg(acting_user=users.township_doctor_a, resident_id=patient.pk,
                              files=[("x.dcm", ecg_file("dicom")[:3000])])
    assert not Ecg.objects.exists() and not any(tmp_path.rglob("*.dcm"))


def test_claims_exclude_other_readers_and_expire(users, patient, make_user, county):
    other = make_user(Role.ECG_READER, county.hospital, username="reader2")
    ecg = upload(users.township_doctor_a, patient)
    actions.do_claim_ecg(acting_user=users.ecg_reader, ecg_id=ecg.pk)
    with pytest.raises(Conflict):
        actions.do_claim_ecg(acting_user=other, ecg_id=ecg.pk)
    Ecg.objects.filter(pk=ecg.pk).update(claim_expires_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    assert actions.do_claim_ecg(acting_user=other, ecg_id=ecg.pk).claimed_by == other
    with pytest.raises(ActionError):
        actions.do_claim_ecg(acting_user=users.township_doctor_a, ecg_id=ecg.pk)


FINDINGS = {"rhythm": "窦性心律", "heart_rate": 72, "phrases": ["stemi_anterior"], "conclusion": "建议急诊PCI"}


def test_sign_is_immutable_amend_versions_and_notifies(users, patient):
    ecg = upload(users.township_doctor_a, patient, st=ANTERIOR_STEMI)
    report = actions.do_sign_report(acting_user=users.ecg_reader, ecg_id=ecg.pk, findings=FINDINGS)
    assert report.critical == ["acute_mi"]
    ecg.refresh_from_db()
    assert ecg.status == "reported" and ecg.reported_at and ecg.first_viewed_at
    note = Notification.objects.get(recipient=users.township_doctor_a, kind="ecg.report")
    assert note.urgent and "叮咚" in note.title
    with pytest.raises(Conflict):
        actions.do_sign_report(acting_user=users.ecg_reader, ecg_id=ecg.pk, findings=FINDINGS)
    with pytest.raises(ValidationError):
        report.save()
    with pytest.raises(ActionError):
        actions.do_amend_report(acting_user=users.ecg_reader, ecg_id=ecg.pk, findings=FINDINGS, reason=" ")
    amended = actions.do_amend_report(acting_user=users.ecg_reader, ecg_id=ecg.pk,
                                      findings=FINDINGS | {"phrases": ["stemi_inferior"]}, reason="导联定位更正")
    assert amended.version == 2 and amended.amends == report
    assert EcgReport.objects.get(pk=report.pk).phrases == ["stemi_anterior"]
    assert list(ecg.history.values_list("status", flat=True)) == ["waiting", "reported", "amended"]


def test_green_channel(users, patient, county):
    DepartmentFactory(organisation=county.hospital, code="CPC", name="胸痛中心", kind="emergency")
    ecg = upload(users.township_doctor_a, patient, st=ANTERIOR_STEMI)
    referral = actions.do_start_green_channel(acting_user=users.ecg_reader, ecg_id=ecg.pk)
    assert referral.urgency == "emergency" and referral.source == f"ecg:{ecg.pk}"
    assert Referral.objects.count() == 1
    ecg.refresh_from_db()
    assert ecg.transfer_decided_at and ecg.referral == referral
    assert Notification.objects.filter(recipient=users.township_doctor_a, kind="ecg.green_channel").exists()
    with pytest.raises(Conflict):
        actions.do_start_green_channel(acting_user=users.ecg_reader, ecg_id=ecg.pk)


def test_api_flow(client, users, patient, county):
    client.force_login(users.township_doctor_a)
    file = ("stemi.xml", ecg_file("hl7_aecg", st=ANTERIOR_STEMI))
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post("/api/ecg/uploads", {"resident_id": patient.pk, "chest_pain": "true",
                                                "file": SimpleUploadedFile(*file)})
    assert response.status_code == 201, response.content
    ecg_id = response.json()["ecg"]["id"]
    assert response.json()["ecg"]["urgent"]
    bad = client.post("/api/ecg/uploads", {"resident_id": patient.pk, "file": SimpleUploadedFile("x.csv", b"a,b\n1,2")})
    assert bad.status_code == 400 and bad.json()["code"] == "ecg_csv_layout"
    client.force_login(users.ecg_reader)
    assert client.get("/api/ecg/worklist").json()[0]["id"] == ecg_id
    assert client.post(f"/api/ecg/ecgs/{ecg_id}/claim").status_code == 200
    signed = client.post(f"/api/ecg/ecgs/{ecg_id}/sign", FINDINGS, content_type="application/json")
    assert signed.status_code == 201, signed.content
    green = client.post(f"/api/ecg/ecgs/{ecg_id}/green-channel", {}, content_type="application/json")
    assert green.status_code == 201
    assert client.get("/api/ecg/turnaround").json()["urgency"]
    client.force_login(users.township_doctor_a)
    assert client.get("/api/notifications/").status_code == 200
    assert Notification.objects.filter(recipient=users.township_doctor_a, kind="ecg.report").exists()


def test_live_worklist_redraws_only_when_it_changed(client, users, patient, county, make_resident,
                                                     django_assert_max_num_queries):
    import re

    client.force_login(users.ecg_reader)
    page = client.get("/ecg/").content.decode()
    poll = re.search(r'hx-get="(/ecg/worklist/rows/\?v=[^"&]+)"', page).group(1)
    with django_assert_max_num_queries(5):  # session, user, scope (2), one aggregate: no rows, no audit row
        assert client.get(poll).status_code == 204
    ecg = upload(users.township_doctor_a, patient)
    redrawn = client.get(poll)
    assert redrawn.status_code == 200 and f'data-ecg="{ecg.pk}"' in redrawn.content.decode()
    poll = re.search(r'hx-get="(/ecg/worklist/rows/\?v=[^"&]+)"', redrawn.content.decode()).group(1)
    assert client.get(poll).status_code == 204
    actions.do_claim_ecg(acting_user=users.ecg_reader, ecg_id=ecg.pk)
    assert client.get(poll).status_code == 200  # the claim shows
    client.force_login(users.township_doctor_b)  # another township's worklist: none of this is theirs
    assert "data-ecg" not in client.get("/ecg/worklist/rows/").content.decode()


def test_pages_and_query_counts(client, users, patient, county, make_resident, django_assert_max_num_queries):
    for i in range(3):
        upload(users.township_doctor_a, make_resident(county.village_a1), seed=10 + i)
    ecg = upload(users.township_doctor_a, patient, st=ANTERIOR_STEMI)
    client.force_login(users.ecg_reader)
    with django_assert_max_num_queries(12):
        assert "叮" not in client.get("/ecg/worklist/rows/").content.decode()
    assert client.get(f"/ecg/{ecg.pk}/").status_code == 200
    assert client.get(f"/ecg/{ecg.pk}/signal.json").json()["rate"] == 250
    client.post(f"/ecg/{ecg.pk}/sign/", {"rhythm": "窦性心律", "phrases": ["stemi_anterior"]})
    pdf = client.get(f"/ecg/{ecg.pk}/report.pdf")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content)[:4] == b"%PDF"
    assert client.get("/ecg/turnaround/").status_code == 200
    client.force_login(users.township_doctor_a)
    with django_assert_max_num_queries(12):
        assert client.get("/ecg/sent/").status_code == 200
    assert client.get(f"/ecg/residents/{patient.pk}/").status_code == 200
