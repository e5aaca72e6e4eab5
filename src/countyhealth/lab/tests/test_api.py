"""The same through the API: HL7 over HTTP with a machine token, critical values, acknowledgement, orders."""

from datetime import timedelta

import pytest

from countyhealth.accounts.actions import do_issue_api_token
from countyhealth.accounts.system import system_user
from countyhealth.lab import actions
from countyhealth.lab.models import LabResult

from .factories import oru


@pytest.fixture
def patient(county, make_resident):
    return make_resident(county.village_a1, name="王建国", sex="1")


def bearer(user):
    _token, secret = do_issue_api_token(acting_user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post_hl7(client, user, raw):
    return client.post("/api/lab/hl7", raw, content_type="x-application/hl7-v2+er7", **bearer(user))


def test_hl7_over_http_then_critical_value_acknowledged_by_api(client, users, patient):
    raw = oru(patient, sender=users.lab_technician.organisation.code, control_id="API1",
              doctor=users.township_doctor_a.username)
    response = post_hl7(client, users.lab_technician, raw)
    assert response.status_code == 200 and "MSA|AA|API1" in response.content.decode()
    doctor = bearer(users.township_doctor_a)
    listed = client.get("/api/lab/critical-alerts", **doctor).json()
    assert len(listed) == 1 and listed[0]["flag"] == "HH"
    alert_id = listed[0]["id"]
    actions.do_escalate_overdue_alerts(acting_user=system_user("critical-values"),
                                       now=actions.CriticalAlert.objects.get().due_at + timedelta(seconds=1))
    detail = client.get(f"/api/lab/critical-alerts/{alert_id}", **doctor).json()
    assert detail["level"] == 1 and [e["step"] for e in detail["events"]] == ["notified", "escalated"]
    wrong = client.post(f"/api/lab/critical-alerts/{alert_id}/acknowledge",
                        {"readback_value": "6.8", "action_taken": "复查"}, content_type="application/json", **doctor)
    assert wrong.status_code == 400 and wrong.json()["code"] == "readback_mismatch"
    ok = client.post(f"/api/lab/critical-alerts/{alert_id}/acknowledge",
                     {"readback_value": "6.9", "action_taken": "复查"}, content_type="application/json", **doctor)
    assert ok.status_code == 200 and ok.json()["status"] == "acknowledged"


def test_rejected_message_answers_400_with_the_reason(client, users, patient):
    raw = oru(patient, sender=users.lab_technician.organisation.code, control_id="API2",
              observations=(("2823-3", "4.0", "furlongs"),))
    response = post_hl7(client, users.lab_technician, raw)
    assert response.status_code == 400
    assert "MSA|AE|API2|" in response.content.decode() and "furlongs" in response.content.decode()
    assert not LabResult.objects.exists()


def test_results_recognisable_and_order_through_the_api(client, users, patient):
    raw = oru(patient, sender=users.lab_technician.organisation.code, control_id="API3",
              observations=(("hba1c", "7.1", "%"),))
    post_hl7(client, users.lab_technician, raw)
    doctor = bearer(users.township_doctor_a)
    results = client.get(f"/api/lab/residents/{patient.pk}/results", **doctor).json()
    assert [r["test_code"] for r in results] == ["hba1c"]
    found = client.get(f"/api/lab/residents/{patient.pk}/recognisable?test=hba1c", **doctor).json()
    assert [r["id"] for r in found] == [results[0]["id"]]
    order = client.post("/api/lab/orders", {"resident_id": patient.pk, "test_code": "hba1c",
                                            "accept_result_id": found[0]["id"]},
                        content_type="application/json", **doctor)
    assert order.status_code == 201 and order.json()["decision"] == "recognised"
    report = client.get(f"/api/lab/reports/{results[0]['report_id']}", **doctor).json()
    assert report["results"][0]["value"] in ("7.1", "7.1000")


def test_hl7_batch_over_http_answers_every_message_in_order(client, users, patient):
    sender = users.lab_technician.organisation.code
    messages = [oru(patient, sender=sender, control_id="HB1", observations=(("2823-3", "4.0", "mmol/L"),)),
                oru(patient, sender=sender, control_id="HB2", observations=(("9999-9", "1", "mmol/L"),)),
                oru(patient, sender=sender, control_id="HB3", observations=(("2951-2", "140", "mmol/L"),))]
    body = "\r".join([f"FHS|^~\\&|LIS|{sender}", f"BHS|^~\\&|LIS|{sender}", *messages, "BTS|3", "FTS|1"])
    response = post_hl7(client, users.lab_technician, body)
    assert response.status_code == 200
    segments = response.content.decode().split("\r")
    assert [s[:3] for s in (segments[0], segments[1], segments[-2], segments[-1])] == ["FHS", "BHS", "BTS", "FTS"]
    assert [s.split("|")[1:3] for s in segments if s.startswith("MSA|")] == [["AA", "HB1"], ["AE", "HB2"], ["AA", "HB3"]]
    assert segments[-2] == "BTS|3"
    assert LabResult.objects.filter(resident=patient).count() == 2
