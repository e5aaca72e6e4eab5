import datetime as dt
import json

from django.utils import timezone

from countyhealth.audit.models import AuditLog
from countyhealth.publichealth.models import FollowUpVisit

TODAY = timezone.localdate().isoformat()


def post(client, path, body):
    return client.post(f"/api/publichealth{path}", data=json.dumps(body), content_type="application/json")


def test_record_a_follow_up_and_read_the_decision(client, htn_patient, users):
    resident, _ = htn_patient
    client.force_login(users.village_doctor_a1)
    response = post(client, "/followups", {"resident_id": resident.pk, "programme": "hypertension",
                                           "visit_date": TODAY, "sbp": 150, "dbp": 85})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["follow_up_class"], body["next_action"]) == ("UNCONTROLLED", "ADJUST_AND_REVISIT")
    assert client.get(f"/api/publichealth/followups/{body['id']}").json()["next_due"] == body["next_due"]


def test_impossible_vitals_are_422_with_field_messages(client, htn_patient, users):
    resident, _ = htn_patient
    client.force_login(users.village_doctor_a1)
    response = post(client, "/followups", {"resident_id": resident.pk, "programme": "hypertension",
                                           "visit_date": TODAY, "sbp": 90, "dbp": 120})
    assert response.status_code == 400
    assert "sbp" in response.json()["fields"]
    response = post(client, "/followups", {"resident_id": resident.pk, "programme": "hypertension",
                                           "visit_date": "not a date", "sbp": 130, "dbp": 80})
    assert response.status_code == 422
    assert "visit_date" in response.json()["fields"]
    assert not FollowUpVisit.objects.exists()


def test_enrol_due_list_and_scope(client, county, users, make_resident):
    resident = make_resident(county.village_a1, birth_date=dt.date(1955, 3, 3))
    client.force_login(users.village_doctor_a1)
    response = post(client, "/enrolments", {"resident_id": resident.pk, "programme": "diabetes",
                                            "enrolled_on": TODAY})
    assert response.status_code == 201, response.content
    upcoming = client.get("/api/publichealth/due", {"bucket": "upcoming"}).json()
    assert upcoming == [] or all(item["resident_id"] == resident.pk for item in upcoming)

    client.force_login(users.township_doctor_b)
    assert post(client, "/enrolments", {"resident_id": resident.pk, "programme": "elderly",
                                        "enrolled_on": TODAY}).status_code == 404
    assert AuditLog.objects.filter(action="access.scope_denied", resident_id=resident.pk).count() == 1
    assert client.get(f"/api/publichealth/residents/{resident.pk}/enrolments").status_code == 404
    assert AuditLog.objects.filter(action="access.scope_denied", resident_id=resident.pk).count() == 2
