"""Pages and the viewer proxy: scope, audit, and query counts of the lists."""

import datetime as dt

import pytest

from countyhealth.audit.models import AccessLog, AuditLog
from countyhealth.imaging import actions

from .factories import matching_study


@pytest.fixture
def stored(pacs, users, county, make_resident, django_capture_on_commit_callbacks):
    def make(n=1, urgency="routine"):
        studies = []
        for i in range(n):
            patient = make_resident(county.village_a1, birth_date=dt.date(1960, 1, 1 + i))
            with django_capture_on_commit_callbacks(execute=True):
                studies.append(actions.do_upload_study(
                    acting_user=users.township_doctor_a, resident_id=patient.pk,
                    uploads=matching_study(patient, slices=1), clinical_question="胸痛", urgency=urgency)[0])
        return studies
    return make


def test_worklist_puts_urgent_first_then_oldest_and_lists_without_n_plus_one(
        client, users, stored, django_assert_max_num_queries):
    routine = stored(3)
    urgent = stored(1, urgency="urgent")
    client.force_login(users.radiologist)
    with django_assert_max_num_queries(12):
        response = client.get("/imaging/worklist/")
    ids = [s.pk for s in response.context["page"].items]
    assert ids == [urgent[0].pk] + [s.pk for s in routine]
    stored(6)
    with django_assert_max_num_queries(12):
        client.get("/imaging/worklist/")
    client.force_login(users.township_doctor_a)
    with django_assert_max_num_queries(12):
        assert client.get("/imaging/").status_code == 200


def test_study_page_shows_the_viewer_link_and_claim_button(client, users, stored):
    study = stored()[0]
    client.force_login(users.radiologist)
    page = client.get(f"/imaging/studies/{study.pk}/").content.decode()
    assert "/imaging/pacs/web-viewer/app/viewer.html?series=" in page and "认领并报告" in page
    client.post(f"/imaging/studies/{study.pk}/claim/")
    assert 'name="findings"' in client.get(f"/imaging/studies/{study.pk}/").content.decode()


def test_proxy_serves_only_visible_studies_and_audits_every_image_request(client, users, stored):
    study = stored()[0]
    instance = study.instances.get()
    client.force_login(users.radiologist)
    assert client.get("/imaging/pacs/web-viewer/app/viewer.html").status_code == 200
    preview = client.get(f"/imaging/pacs/instances/{instance.orthanc_instance_id}/preview")
    assert preview.status_code == 200 and preview["Content-Type"] == "image/png"
    frame = client.get(f"/imaging/pacs/web-viewer/instances/jpeg95-{instance.orthanc_instance_id}_0")
    assert frame.status_code == 200 and b"".join(frame.streaming_content)
    assert AccessLog.objects.filter(user_id=users.radiologist.pk, resident_id=study.resident_id,
                                    what__startswith="imaging.pacs").count() == 2

    client.force_login(users.township_doctor_b)
    assert client.get(f"/imaging/pacs/instances/{instance.orthanc_instance_id}/file").status_code == 404
    assert AuditLog.objects.filter(action="access.scope_denied", user_id=users.township_doctor_b.pk,
                                   resident_id=study.resident_id).exists()
    # Anything that is not the viewer's own paths is not passed to Orthanc at all.
    for path in ("system", "patients", "tools/execute-script", "web-viewer/app/../../instances"):
        assert client.get(f"/imaging/pacs/{path}").status_code == 404


def test_a_radiologist_without_a_grant_sees_nothing(client, users, stored, make_user, county):
    from countyhealth.accounts.roles import Role

    study = stored()[0]  # granted to the county hospital only
    stranger = make_user(Role.RADIOLOGIST, county.township_b, username="radiologist_b")
    client.force_login(stranger)
    assert client.get(f"/imaging/studies/{study.pk}/").status_code == 404
    assert study.pk not in [s.pk for s in client.get("/imaging/worklist/").context["page"].items]
