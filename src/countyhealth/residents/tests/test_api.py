"""The residents JSON API: CRUD, search, duplicates, merge, errors, token auth, scope."""

import json
from datetime import date

import pytest

from countyhealth.accounts.actions import do_issue_api_token
from countyhealth.audit.models import AccessLog, AuditLog
from countyhealth.residents.models import AccessGrant, DuplicateCandidate, Resident, ResidentLink
from countyhealth.residents.rules import make_id_number

BIRTH = date(1980, 5, 17)
ID_MALE = make_id_number("110105", BIRTH, 3, "1")  # not the factories' address code: never taken
BASE = "/api/residents/"


@pytest.fixture
def api(client):
    class Api:
        def login(self, user):
            client.force_login(user)
            return self

        def call(self, method, path, body=None, **extra):
            kwargs = {"content_type": "application/json", **extra}
            if body is not None:
                kwargs["data"] = body if isinstance(body, str) else json.dumps(body)
            response = getattr(client, method)(BASE + path, **kwargs)
            return response.status_code, (response.json() if response.content else None)

        def get(self, path, **params):
            response = client.get(BASE + path, params)
            return response.status_code, response.json()

    return Api()


def payload(village, **changes):
    return {"name": "李四", "village_id": village.pk, "id_number": ID_MALE, "phone": "13900000001", **changes}


def test_register_then_read_in_full(api, users, county):
    status, body = api.login(users.village_doctor_a1).call("post", "", payload(county.village_a1,
                                                                                household_address="一组"))
    assert status == 201, body
    assert (body["birth_date"], body["sex"], body["id_number"]) == ("1980-05-17", "1", ID_MALE)
    assert body["catchment_org_id"] == county.clinic_a1.pk and body["household_number"]
    assert body["identifiers"] == [{"system": "id_number", "value": ID_MALE, "issuer": ""}]
    status, read = api.get(f"{body['id']}")
    assert status == 200 and read["phone"] == "13900000001"
    assert AccessLog.objects.filter(what="residents.detail", resident_id=body["id"]).exists()


def test_search_is_masked_and_audited(api, users, county, make_resident):
    r = make_resident(county.village_a1, name="张三丰", phone="13812345678")
    make_resident(county.village_a1, name="李娜")
    status, body = api.login(users.village_doctor_a1).get("", q="zsf")
    assert status == 200
    assert [i["id"] for i in body["items"]] == [r.pk]
    item = body["items"][0]
    assert item["id_number"] == f"{r.id_number[:6]}********{r.id_number[-4:]}"
    assert item["phone"] == "138****5678"
    assert body["has_next"] is False and body["page"] == 1
    assert list(AccessLog.objects.filter(what="residents.list").values_list("resident_id", flat=True)) == [r.pk]


def test_search_pages_without_count(api, users, county, make_resident):
    for _ in range(21):
        make_resident(county.village_a1)
    client = api.login(users.village_doctor_a1)
    first, second = client.get("", page=1)[1], client.get("", page=2)[1]
    assert (len(first["items"]), first["has_next"]) == (20, True)
    assert (len(second["items"]), second["has_next"]) == (1, False)


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"village_id": 10**9}, 400, "village_id"),
    ({"id_number": "110105194912310021"}, 400, "id_number"),
    ({"name": "王" * 51}, 422, "name"),
    ({"birth_date": "2999-01-01", "id_number": "", "sex": "1"}, 400, "birth_date"),
    ({"birth_date": "1980-02-30"}, 422, "birth_date"),
    ({"phone": "1" * 21}, 422, "phone"),
    ({"nickname": "x"}, 422, "nickname"),
])
def test_bad_input_is_4xx_with_field_details_and_saves_nothing(api, users, county, body, status, field):
    got, answer = api.login(users.village_doctor_a1).call("post", "", payload(county.village_a1, **body))
    assert got == status, answer
    assert answer["message"] and field in answer["fields"]
    assert not Resident.objects.exists()


def test_malformed_json_is_400(api, users):
    status, body = api.login(users.village_doctor_a1).call("post", "", '{"name": "李四",')
    assert status == 400 and body["code"] == "malformed_json"
    assert not Resident.objects.exists()


def test_error_messages_are_chinese(api, users, county):
    _status, body = api.login(users.village_doctor_a1).call(
        "post", "", payload(county.village_a1, id_number="110105194912310021"))
    assert body["fields"]["id_number"] == ["身份证号码校验码错误。"]


def test_probable_duplicate_is_409_until_confirmed(api, users, county, make_resident):
    existing = make_resident(county.village_a1, name="李四", sex="1", birth_date=BIRTH)
    client = api.login(users.village_doctor_a1)
    status, body = client.call("post", "", payload(county.village_a1))
    assert status == 409 and body["code"] == "probable_duplicate"
    assert [c["id"] for c in body["candidates"]] == [existing.pk]
    assert "*" in body["candidates"][0]["id_number"]
    assert Resident.objects.count() == 1
    status, created = client.call("post", "", payload(county.village_a1, confirm_not_duplicate=True))
    assert status == 201
    assert DuplicateCandidate.objects.filter(resident_a=existing, resident_b_id=created["id"]).exists()


def test_duplicate_id_number_is_409(api, users, county, make_resident):
    existing = make_resident(county.village_a1, id_number=ID_MALE, sex="1", birth_date=BIRTH)
    status, body = api.login(users.village_doctor_a1).call("post", "", payload(county.village_a1, name="别人"))
    assert status == 409 and body["code"] == "duplicate_id_number" and body["existing_id"] == existing.pk


def test_patch_changes_only_the_fields_sent(api, users, county, make_resident):
    r = make_resident(county.village_a1, name="陈静", phone="13700000000")
    status, body = api.login(users.village_doctor_a1).call("patch", f"{r.pk}", {"phone": "0731-84123456"})
    assert status == 200, body
    assert (body["phone"], body["name"], body["id_number"]) == ("0731-84123456", "陈静", r.id_number)
    assert AuditLog.objects.get(action="residents.resident_updated").detail == {"fields": ["phone"]}
    status, body = api.call("patch", f"{r.pk}", {"name": "王" * 51})
    assert status == 422
    r.refresh_from_db()
    assert r.name == "陈静"


@pytest.mark.parametrize(("method", "path", "body"), [
    ("get", "{id}", None),
    ("patch", "{id}", {"phone": "13700000000"}),
])
def test_out_of_scope_is_404_and_audited(api, users, county, make_resident, method, path, body):
    r = make_resident(county.village_b1)
    status, answer = api.login(users.village_doctor_a1).call(method, path.format(id=r.pk), body)
    assert status == 404 and answer["code"] == "not_found"
    row = AuditLog.objects.get(action="access.scope_denied")
    assert row.resident_id == r.pk


def test_unknown_id_is_404_without_audit(api, users):
    status, _body = api.login(users.village_doctor_a1).call("get", "987654")
    assert status == 404
    assert not AuditLog.objects.exists()


def test_token_auth(client, users, county, make_resident):
    r = make_resident(county.village_a1)
    _token, raw = do_issue_api_token(acting_user=users.village_doctor_a1, name="script")
    response = client.get(f"{BASE}{r.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200 and response.json()["id_number"] == r.id_number
    assert client.get(f"{BASE}{r.pk}", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert client.get(f"{BASE}{r.pk}").status_code == 401
    response = client.post(BASE, data=json.dumps(payload(county.village_a1)), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 201
    assert Resident.objects.get(pk=response.json()["id"]).created_by == users.village_doctor_a1


def test_duplicates_merge_and_unmerge(api, users, county, make_resident):
    a = make_resident(county.village_a1, name="王芳", sex="2", birth_date=date(1960, 1, 1))
    b = make_resident(county.village_a1, name="王芳", sex="2", birth_date=date(1960, 1, 1))
    grant = AccessGrant.objects.create(resident=b, organisation=county.hospital, reason="referral")
    candidate = DuplicateCandidate.objects.create(resident_a=a, resident_b=b, score=75, reasons=["name"])
    client = api.login(users.township_doctor_a)
    status, body = client.get("duplicates")
    assert status == 200 and [c["id"] for c in body["items"]] == [candidate.pk]
    assert "*" in body["items"][0]["resident_a"]["id_number"]

    status, link = client.call("post", "merge", {"survivor_id": a.pk, "merged_id": b.pk, "reason": "重复建档"})
    assert status == 201, link
    assert link["moved"]["residents.accessgrant.resident"] == [grant.pk]
    assert client.get("duplicates")[1]["items"] == []
    status, body = client.call("post", f"links/{link['id']}/unmerge", {"reason": "误合并"})
    assert status == 403 and body["code"] == "forbidden"

    status, body = api.login(users.admin).call("post", f"links/{link['id']}/unmerge", {"reason": "误合并"})
    assert status == 200 and body["unmerged_at"]
    assert AccessGrant.objects.get(pk=grant.pk).resident_id == b.pk


def test_not_duplicate_through_the_api(api, users, county, make_resident):
    a, b = make_resident(county.village_a1), make_resident(county.village_a1)
    candidate = DuplicateCandidate.objects.create(resident_a=a, resident_b=b, score=80)
    status, body = api.login(users.township_doctor_a).call("post", f"duplicates/{candidate.pk}/not-duplicate")
    assert status == 200 and body["status"] == "not_duplicate"


def test_merge_and_unmerge_out_of_scope_are_404_and_audited(api, users, county, make_resident):
    a, outsider = make_resident(county.village_a1), make_resident(county.village_b1)
    status, _body = api.login(users.township_doctor_a).call(
        "post", "merge", {"survivor_id": a.pk, "merged_id": outsider.pk, "reason": "x"})
    assert status == 404
    assert AuditLog.objects.filter(action="access.scope_denied", resident_id=outsider.pk).exists()
    link = ResidentLink.objects.create(survivor=outsider, merged=make_resident(county.village_b1), reason="x",
                                       merged_by=users.admin)
    candidate = DuplicateCandidate.objects.create(resident_a=a, resident_b=outsider, score=80)
    for path in (f"links/{link.pk}/unmerge", f"duplicates/{candidate.pk}/not-duplicate"):
        status, _body = api.call("post", path, {"reason": "x"})
        assert status in (403, 404)
    assert AuditLog.objects.filter(action="access.scope_denied").count() == 3
    assert not ResidentLink.objects.exclude(pk=link.pk).exists()


def test_break_glass_through_the_api(api, users, county, make_resident):
    r = make_resident(county.village_b1)
    client = api.login(users.county_doctor)
    status, body = client.get("", q=r.id_number)
    assert status == 200 and body["items"] == [] and body["break_glass_available"] is True
    assert client.call("get", f"{r.pk}")[0] == 404
    status, body = client.call("post", "break-glass", {"id_number": r.id_number, "reason": "急诊"})
    assert status == 200 and body["resident_id"] == r.pk and body["expires_at"]
    assert client.call("get", f"{r.pk}")[0] == 200
    status, body = api.login(users.village_doctor_a1).call("post", "break-glass",
                                                           {"id_number": r.id_number, "reason": "x"})
    assert status == 403
