"""The sync API against the bad inputs of issue #10: replayed, out of order, outside the catchment, forged
token, malformed — applied once, refused with a reason, or rejected whole; never half-applied."""

import uuid

import pytest
from django.utils import timezone

from countyhealth.audit.models import AccessLog, AuditLog
from countyhealth.familydoctor.models import Contract, ServicePackage
from countyhealth.familydoctor.tests.factories import SIGNATURE
from countyhealth.publichealth.models import FollowUpVisit
from countyhealth.residents.models import Resident
from countyhealth.sync import actions
from countyhealth.sync.models import Mutation

from .conftest import followup


def test_login_registers_the_device_and_forged_or_revoked_tokens_are_refused(client, users, password, phone):
    response = client.post("/api/sync/login", {"username": "vd_a1", "password": password, "device_name": "红米"},
                           content_type="application/json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert phone.get("/profile", token=token).json()["username"] == "vd_a1"
    assert phone.get("/profile", token="forged-" + token).status_code == 401
    assert client.post("/api/sync/login", {"username": "vd_a1", "password": "wrong"},
                       content_type="application/json").status_code == 401
    device_id = response.json()["device_id"]
    actions.do_revoke_device(acting_user=users.admin, device_id=device_id, reason="丢失")
    assert phone.get("/profile", token=token).status_code == 401
    assert AuditLog.objects.filter(action="sync.device_revoked", object_id=str(device_id)).exists()


def test_a_follow_up_is_applied_once_and_returns_the_server_classification(phone, hypertensive):
    mutation = followup(hypertensive.pk, sbp=150, dbp=95)
    first = phone.push(mutation).json()["results"][0]
    assert first["status"] == "applied"
    assert first["follow_up_class"] == "UNCONTROLLED"
    assert first["next_action"] == "ADJUST_AND_REVISIT"
    again = phone.push(mutation).json()["results"][0]
    assert again["replayed"] is True and again["server_id"] == first["server_id"]
    assert FollowUpVisit.objects.filter(resident=hypertensive).count() == 1
    assert Mutation.objects.count() == 1
    assert AuditLog.objects.filter(action="sync.mutation_applied", resident_id=hypertensive.pk).count() == 1


def test_impossible_vitals_are_refused_with_the_reason_and_nothing_is_saved(phone, hypertensive):
    result = phone.push(followup(hypertensive.pk, sbp=400, dbp=95)).json()["results"][0]
    assert result["status"] == "rejected"
    assert "sbp" in result["fields"]
    assert not FollowUpVisit.objects.exists() and not Mutation.objects.exists()
    assert AuditLog.objects.filter(action="sync.mutation_rejected").exists()


def test_outside_the_catchment_is_refused(phone, county, make_resident):
    other = make_resident(county.village_b1)
    result = phone.push(followup(other.pk)).json()["results"][0]
    assert result["status"] == "rejected" and result["code"] == "not_found"
    assert not FollowUpVisit.objects.exists()


def test_malformed_batches_are_rejected_whole_and_malformed_payloads_one_by_one(phone, hypertensive):
    response = phone.push({"id": "not-a-uuid", "kind": "followup", "payload": {}})
    assert response.status_code == 422
    good = followup(hypertensive.pk)
    bad = {"id": str(uuid.uuid4()), "kind": "followup", "payload": {"resident": hypertensive.pk, "sbp": "x"}}
    results = phone.push(bad, good).json()["results"]
    assert [r["status"] for r in results] == ["rejected", "applied"]
    assert results[0]["code"] == "malformed"


def test_out_of_order_follow_up_of_a_resident_registered_on_the_phone(phone, county, users, team):
    client_id = uuid.uuid4()
    later = {"id": str(uuid.uuid4()), "kind": "sign_contract", "payload": {
        "resident_client_id": str(client_id), "client_id": str(uuid.uuid4()), "team_id": team.pk,
        "package_ids": [ServicePackage.objects.get(code="JC").pk], "start_date": timezone.localdate().isoformat(),
        "signed": {"signed_by_name": "李新民", "signature": SIGNATURE}}}
    first = phone.push(later).json()["results"][0]
    assert first["status"] == "rejected" and first["code"] == "resident_unknown"
    register = {"id": str(uuid.uuid4()), "kind": "register_resident", "payload": {
        "client_id": str(client_id), "name": "李新民", "sex": "1", "birth_date": "1970-05-06",
        "village_id": county.village_a1.pk}}
    results = phone.push(register, later).json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied"]
    resident = Resident.objects.get(pk=results[0]["server_id"])
    assert Contract.objects.get(resident=resident).signature == SIGNATURE


def test_resident_changed_on_pc_and_phone_comes_back_field_by_field(phone, users, hypertensive):
    from countyhealth.residents.actions.registration import ResidentData, do_update_resident

    base = {"phone": hypertensive.phone, "name": hypertensive.name}
    do_update_resident(acting_user=users.township_doctor_a, resident_id=hypertensive.pk,
                       data=ResidentData.of(hypertensive).updated(phone="13900000001"))
    edit = {"id": str(uuid.uuid4()), "kind": "update_resident", "payload": {
        "resident": hypertensive.pk, "base": base, "changes": {"phone": "13700000002", "name": "王高亚"}}}
    result = phone.push(edit).json()["results"][0]
    assert result["status"] == "rejected" and result["code"] == "edit_conflict"
    assert result["conflicts"] == {"phone": {"base": base["phone"], "server": "13900000001", "phone": "13700000002"}}
    hypertensive.refresh_from_db()
    assert hypertensive.name == "王高压"  # nothing half-applied
    resolved = {"id": str(uuid.uuid4()), "kind": "update_resident", "payload": {
        "resident": hypertensive.pk, "base": {"phone": "13900000001", "name": "王高压"},
        "changes": {"phone": "13700000002", "name": "王高亚"}}}
    assert phone.push(resolved).json()["results"][0]["status"] == "applied"
    hypertensive.refresh_from_db()
    assert (hypertensive.name, hypertensive.phone) == ("王高亚", "13700000002")


# Committed transactions: on PostgreSQL a change is handed out only once no older transaction is still running,
# which inside one test transaction would never be the case.
@pytest.mark.django_db(transaction=True)
def test_download_then_changes_after_the_cursor(phone, users, county, hypertensive, make_resident):
    make_resident(county.village_b1, name="外村人")
    data = phone.get("/catchment").json()
    assert [r["name"] for r in data["residents"]] == ["王高压"]
    assert data["residents"][0]["enrolments"][0]["programme"] == "hypertension"
    assert AccessLog.objects.filter(what="sync.catchment", resident_id=hypertensive.pk).exists()
    cursor = data["cursor"]
    assert phone.get(f"/changes?cursor={cursor}").json()["residents"] == []
    phone.push(followup(hypertensive.pk, sbp=120, dbp=80))
    changed = phone.get(f"/changes?cursor={cursor}").json()
    assert [r["id"] for r in changed["residents"]] == [hypertensive.pk]
    assert changed["residents"][0]["followups"][0]["follow_up_class"] == "CONTROLLED"
    assert phone.get(f"/changes?cursor={changed['cursor']}").json()["residents"] == []
    assert phone.get("/changes?cursor=garbage").status_code == 400


def test_rules_are_served_as_data(client):
    data = client.get("/api/sync/rules").json()
    assert data["rule_sets"][0]["emergency_sbp"] == 180
    assert data["vital_ranges"]["sbp"] == [50, 300]
    assert set(data["reasons"]) >= {"E1", "E3", "E4", "D1", "D2", "D5", "D6", "D8_pregnant", "D8_lactating", "R3",
                                    "A1", "TACHYCARDIA", "BP_ABOVE_CLINICAL_TARGET", "FPG_BELOW_GUIDELINE"}


def test_device_list_and_revoke_are_scoped(client, users, phone):
    client.force_login(users.village_doctor_b1)
    assert client.get("/api/sync/devices").json() == []
    assert client.post(f"/sync/devices/{phone.device.pk}/revoke/").status_code == 404
    client.force_login(users.admin)
    assert [d["id"] for d in client.get("/api/sync/devices").json()] == [phone.device.pk]
    assert client.post(f"/sync/devices/{phone.device.pk}/revoke/", {"reason": "离职"}).status_code == 302
    assert phone.get("/profile").status_code == 401
