"""The API: the same flow as the pages, errors as {"code", "message", "fields"}."""

import pytest
from django.utils import timezone

from .factories import CONSULTATION, NIFEDIPINE, hypertension_patient, insured

pytestmark = pytest.mark.django_db


def body(resident, org, visit_ref="api-visit-1"):
    return {"resident_id": resident.pk, "organisation_id": org.pk, "visit_ref": visit_ref, "lines": [
        {"code": CONSULTATION, "name": "一般诊疗费", "quantity": "1", "unit_price": "10.00"},
        {"code": NIFEDIPINE, "name": "硝苯地平缓释片", "quantity": "2", "unit_price": "18.60"}]}


def test_qualify_presettle_settle_receipt_reverse(client, simulator, make_resident, users, county):
    patient = insured(make_resident, county.village_a1)
    hypertension_patient(patient, users.village_doctor_a1)
    client.force_login(users.township_doctor_a)
    run = client.post("/api/insurance/qualifications/run").json()
    assert run["changed"] == 1 and run["sent"] == 1
    listed = client.get("/api/insurance/qualifications").json()
    assert [q["diseases"] for q in listed if q["resident_id"] == patient.pk] == [["hypertension"]]

    client.force_login(users.village_doctor_a1)
    draft = client.post("/api/insurance/settlements/presettle", body(patient, county.clinic_a1),
                        content_type="application/json")
    assert draft.status_code == 201, draft.content
    draft = draft.json()
    assert draft["fund_two_disease"] == "26.04"  # 37.20 of nifedipine at 70 %
    assert draft["fund_general"] == "6.00"  # consultation at the village's 60 %
    settled = client.post(f"/api/insurance/settlements/{draft['id']}/settle").json()
    assert settled["status"] == "settled" and settled["patient_pays"] == "15.16"
    again = client.post(f"/api/insurance/settlements/{draft['id']}/settle")
    assert again.status_code == 409 and again.json()["code"] == "settlement_settled"

    receipt = client.get(f"/api/insurance/settlements/{draft['id']}").json()
    assert [i["pool"] for i in receipt["items"]] == ["general", "lb"]

    reversed_ = client.post(f"/api/insurance/settlements/{draft['id']}/reverse", {"reason": "退费"},
                            content_type="application/json").json()
    assert reversed_["status"] == "reversed"

    client.force_login(users.township_doctor_a)
    run = client.post("/api/insurance/reconciliations", {"organisation_id": county.clinic_a1.pk,
                                                         "day": timezone.localdate().isoformat()},
                      content_type="application/json")
    assert run.status_code == 201 and run.json()["balanced"] is True


def test_platform_refusal_is_a_clear_error(client, simulator, make_resident, users, county):
    stranger = make_resident(county.village_a1)
    client.force_login(users.village_doctor_a1)
    response = client.post("/api/insurance/settlements/presettle", body(stranger, county.clinic_a1),
                           content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "insurance_refused" and "未查询到参保信息" in response.json()["message"]


def test_presettle_at_an_institution_out_of_scope_is_404(client, simulator, make_resident, users, county):
    patient = insured(make_resident, county.village_a1)
    client.force_login(users.village_doctor_a1)
    response = client.post("/api/insurance/settlements/presettle", body(patient, county.clinic_b1),
                           content_type="application/json")
    assert response.status_code == 404


def test_roles_that_do_not_settle_are_refused(client, simulator, make_resident, users, county):
    patient = insured(make_resident, county.village_a1)
    client.force_login(users.public_health_officer)
    response = client.post("/api/insurance/settlements/presettle", body(patient, county.clinic_a1),
                           content_type="application/json")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
