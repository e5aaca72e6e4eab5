"""DICOMweb against the real Orthanc with its DICOMweb plugin: STOW-RS stores, QIDO-RS finds, and WADO-RS through
the platform's same-origin proxy for users who may see the study (404 and audited for the others)."""

import datetime as dt
import json
import uuid

import pydicom
import pytest

from countyhealth.audit.models import AccessLog, AuditLog
from countyhealth.imaging import actions, dicomweb
from countyhealth.imaging import pacs as pacs_client

from .factories import ct_study, matching_study

QIDO = "application/dicom+json"


def test_multipart_body_and_stow_answer_and_batches():
    body = dicomweb.multipart([b"AB", b"C"], "xyz")
    assert body == (b"--xyz\r\nContent-Type: application/dicom\r\n\r\nAB\r\n"
                    b"--xyz\r\nContent-Type: application/dicom\r\n\r\nC\r\n--xyz--\r\n")
    answer = {"00081199": {"vr": "SQ", "Value": [{"00081155": {"vr": "UI", "Value": ["1.2.3"]}}]},
              "00081198": {"vr": "SQ", "Value": [{"00081155": {"vr": "UI", "Value": ["1.2.4"]},
                                                  "00081197": {"vr": "US", "Value": [272]}}]}}
    result = dicomweb.stow_result(answer)
    assert result.stored == {"1.2.3"} and result.failed == {"1.2.4": "272"}
    assert dicomweb.stow_result({"00081198": {"vr": "SQ"}, "00081199": {"vr": "SQ"}}).stored == frozenset()
    sizes = [5, 5, 5, 20, 1]
    assert list(dicomweb.batches(sizes, int, max_bytes=10, max_files=5)) == [[5, 5], [5], [20], [1]]
    assert list(dicomweb.batches([1] * 5, int, max_bytes=100, max_files=2)) == [[1, 1], [1, 1], [1]]


def test_stow_stores_again_harmlessly_and_qido_finds_the_instances(pacs):
    files = [data for _, data in ct_study(uuid.uuid4().hex, slices=3)]
    first = pydicom.dcmread(pydicom.filebase.DicomBytesIO(files[0]), stop_before_pixels=True)
    with pacs_client.client() as http:
        result = pacs_client.stow(files, http=http)
        assert len(result.stored) == 3 and not result.failed
        assert pacs_client.stow(files[:1], http=http).stored == {first.SOPInstanceUID}  # already there: fine
        found = pacs_client.qido_instances(first.StudyInstanceUID, http=http)
        assert set(found) == result.stored and set(found.values()) == {first.SeriesInstanceUID}
        assert pacs_client.qido_instances("1.2.826.0.1.3680043.99.1", http=http) == {}
        refused = pacs_client.stow([b"\0" * 200], http=http)
        assert not refused.stored


@pytest.fixture
def study(pacs, users, county, make_resident, django_capture_on_commit_callbacks):
    patient = make_resident(county.village_a1, birth_date=dt.date(1961, 3, 4))
    with django_capture_on_commit_callbacks(execute=True):
        study, _ = actions.do_upload_study(acting_user=users.township_doctor_a, resident_id=patient.pk,
                                           uploads=matching_study(patient, key=uuid.uuid4().hex, slices=2),
                                           clinical_question="胸痛", urgency="urgent")
    study.refresh_from_db()
    return study


def test_upload_goes_by_stow_and_records_what_qido_counted(study, pacs):
    assert study.status == study.Status.AWAITING_READ
    assert (study.pacs_series_count, study.pacs_instance_count) == (1, 2)
    search = pacs.get(f"/dicom-web/studies?StudyInstanceUID={study.study_instance_uid}")
    assert search.status_code == 200 and len(search.json()) == 1


def _paths(study):
    instance = study.instances.order_by("instance_number").first()
    series = f"studies/{study.study_instance_uid}/series/{instance.series_instance_uid}"
    return series, f"{series}/instances/{instance.sop_instance_uid}"


def test_wado_rs_through_the_proxy_for_a_user_who_may_see_the_study(client, users, study):
    series, instance = _paths(study)
    client.force_login(users.radiologist)
    base = "/imaging/dicom-web/"

    metadata = client.get(base + f"{series}/metadata")
    assert metadata.status_code == 200 and metadata["Content-Type"].startswith(QIDO)
    body = metadata.content.decode()
    assert len(json.loads(body)) == 2 and "http://testserver/imaging/dicom-web/studies/" in body
    assert "127.0.0.1" not in body  # Orthanc's own address never reaches the browser

    frames = client.get(base + f"{instance}/frames/1",
                        HTTP_ACCEPT='multipart/related; type="application/octet-stream"')
    assert frames.status_code == 200 and frames["Content-Type"].startswith("multipart/related")
    assert len(b"".join(frames.streaming_content)) > 128 * 128 * 2  # one 128×128 16-bit frame and its framing

    rendered = client.get(base + f"{instance}/rendered", HTTP_ACCEPT="image/avif,image/webp,*/*")
    assert rendered.status_code == 200 and rendered["Content-Type"] == "image/jpeg"
    assert b"".join(rendered.streaming_content)[:2] == b"\xff\xd8"

    found = client.get(base + "studies", {"StudyInstanceUID": study.study_instance_uid, "includefield": "00201208"})
    assert found.status_code == 200 and found.json()[0]["00201208"]["Value"] == [2]
    assert len(client.get(base + f"{series}/instances").json()) == 2
    assert AccessLog.objects.filter(user_id=users.radiologist.pk, resident_id=study.resident_id,
                                    what__startswith="imaging.dicomweb.").count() == 5
    assert "dicom-web/studies/" in client.get(f"/imaging/studies/{study.pk}/").content.decode()


def test_the_proxy_hides_the_study_from_others_and_is_no_open_relay(client, users, study, make_resident, county,
                                                                      django_capture_on_commit_callbacks):
    series, instance = _paths(study)
    base = "/imaging/dicom-web/"
    client.force_login(users.township_doctor_b)
    for path in (f"{series}/metadata", f"{instance}/frames/1", f"studies/{study.study_instance_uid}/series"):
        assert client.get(base + path).status_code == 404
    assert client.get(base + "studies", {"StudyInstanceUID": study.study_instance_uid}).status_code == 404
    denied = AuditLog.objects.filter(action="access.scope_denied", user_id=users.township_doctor_b.pk,
                                     resident_id=study.resident_id)
    assert denied.count() == 4
    assert not AccessLog.objects.filter(user_id=users.township_doctor_b.pk, what__startswith="imaging.dicomweb")

    # The radiologist may see the study, but only the read paths a viewer needs are passed on.
    client.force_login(users.radiologist)
    for path in ("studies", f"studies/{study.study_instance_uid}", series, "system", "instances",
                 f"studies/{study.study_instance_uid}/../../system", f"{instance}/frames/1/../../../../x"):
        assert client.get(base + path).status_code == 404, path
    two = client.get(base + "studies", {"StudyInstanceUID": [study.study_instance_uid, "1.2.3"]})
    assert two.status_code == 404
    assert client.post(base + "studies", b"", content_type="multipart/related").status_code == 405
    # A series of another study named under this study's UID: refused before Orthanc is asked.
    other = make_resident(county.village_a1, birth_date=dt.date(1970, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        theirs, _ = actions.do_upload_study(acting_user=users.township_doctor_a, resident_id=other.pk,
                                            uploads=matching_study(other, key=uuid.uuid4().hex, slices=1),
                                            clinical_question="腹痛", urgency="routine")
    foreign = theirs.instances.get()
    path = (f"studies/{study.study_instance_uid}/series/{foreign.series_instance_uid}/instances/"
            f"{foreign.sop_instance_uid}/metadata")
    assert client.get(base + path).status_code == 404


def test_another_residents_files_with_the_same_study_uid_are_not_shown(client, users, study, make_resident, county,
                                                                       django_capture_on_commit_callbacks):
    """Orthanc keeps them apart (another patient ID) but DICOMweb addresses by UID: the proxy drops them."""
    stranger = make_resident(county.village_b1, birth_date=dt.date(1980, 5, 6))
    uploads = ct_study("same-uid", slices=3, name=stranger.name, patient_id=stranger.id_number or "x",
                       birth_date="19800506")
    first = pydicom.dcmread(pydicom.filebase.DicomBytesIO(uploads[0][1]), stop_before_pixels=True)
    study.__class__.objects.filter(pk=study.pk).update(study_instance_uid=first.StudyInstanceUID)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_upload_study(acting_user=users.township_doctor_b, resident_id=stranger.pk, uploads=uploads,
                                clinical_question="头晕", urgency="routine")
    client.force_login(users.township_doctor_a)
    answer = client.get(f"/imaging/dicom-web/studies/{first.StudyInstanceUID}/instances").json()
    assert answer == []  # the stranger's three instances, none of them township A's
