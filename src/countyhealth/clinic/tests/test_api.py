import datetime as dt
import json

from django.utils import timezone

from countyhealth.clinic.models import Prescription, StockBatch

from .conftest import line


def post(client, path, body=None):
    return client.post(f"/api/clinic{path}", data=json.dumps(body or {}), content_type="application/json")


def test_visit_prescribe_review_dispense_through_the_api(client, htn_patient, users, stocked):
    client.force_login(users.village_doctor_a1)
    response = post(client, "/visits", {"resident_id": htn_patient.pk, "chief_complaint": "复诊取药",
                                        "sbp": 138, "dbp": 86})
    assert response.status_code == 201, response.content
    visit = response.json()
    assert [d["code"] for d in visit["due"]] == ["health_record", "followup:hypertension"]
    assert visit["fees"][0]["code"] == "GZ-V" and visit["fees"][0]["drug_code"] is None
    vid = visit["id"]
    assert post(client, f"/visits/{vid}/diagnoses", {"code": "I10"}).json()["diagnoses"] == ["I10"]
    too_much = {"items": [line("EM039", 10, "tid")]}
    review = post(client, f"/visits/{vid}/review", too_much).json()
    assert review["blocked"] and review["findings"][0]["rule"] == "max_daily_dose"
    response = post(client, f"/visits/{vid}/prescriptions", too_much)
    assert response.status_code == 400 and response.json()["code"] == "review_blocked"
    assert not Prescription.objects.exists()
    response = post(client, f"/visits/{vid}/prescriptions", {"items": [line("EM039", 5)]})
    assert response.status_code == 201, response.content
    rx = response.json()
    assert rx["items"][0]["quantity"] == 7
    dispensed = post(client, f"/prescriptions/{rx['id']}/dispense")
    assert dispensed.status_code == 200 and dispensed.json()["status"] == "dispensed"
    assert post(client, f"/prescriptions/{rx['id']}/dispense").status_code == 409
    detail = client.get(f"/api/clinic/visits/{vid}").json()
    assert detail["status"] == "dispensed"
    assert [f["drug_code"] for f in detail["fees"]] == [None, "EM039"]


def test_bad_input_is_refused_with_field_messages(client, htn_patient, users, open_visit):
    client.force_login(users.village_doctor_a1)
    vid = open_visit.pk
    response = post(client, f"/visits/{vid}/diagnoses", {"code": "Q99.99X"})
    assert response.status_code == 400 and response.json()["code"] == "unknown_icd10"
    response = post(client, f"/visits/{vid}/prescriptions", {"items": [line("NOPE", 5)]})
    assert response.status_code == 400 and response.json()["code"] == "unknown_drug"
    response = post(client, f"/visits/{vid}/prescriptions", {"items": [line("EM039", -5)]})
    assert response.status_code == 422


def test_stock_receive_adjust_return_and_shortage(client, users):
    client.force_login(users.village_doctor_a1)
    expiry = (timezone.localdate() + dt.timedelta(days=300)).isoformat()
    batch = post(client, "/stock", {"drug": "EM076", "batch_number": "M1", "expiry_date": expiry,
                                    "quantity": 50}).json()
    assert batch["quantity"] == 50
    assert post(client, f"/stock/{batch['id']}/adjust", {"change": -60, "reason": "盘点"}).status_code == 409
    assert post(client, f"/stock/{batch['id']}/return", {"quantity": 10, "reason": "退货"}).json()["quantity"] == 40
    assert StockBatch.objects.get().quantity == 40
    shortages = client.get("/api/clinic/shortages").json()  # 40 ≤ the low-stock level of 100 tablets
    assert [s["drug"] for s in shortages] == ["EM076"]
    client.force_login(users.township_doctor_a)
    assert [s["drug"] for s in client.get("/api/clinic/shortages").json()] == ["EM076"]
    client.force_login(users.township_doctor_b)
    assert client.get("/api/clinic/shortages").json() == []
