"""The records JSON API: open / read / patch the record, health checks CRUD, status, timeline; 404 out of
scope with an audit row; 422 for malformed input and 400 for impossible values, nothing saved."""

import json
from datetime import date

import pytest

from countyhealth.audit.models import AccessLog, AuditLog
from countyhealth.records.models import AnnualHealthCheck, PersonalInfo
from countyhealth.records.tests.factories import elderly_check_data, personal_info_data
from countyhealth.residents.models import Resident

BASE = "/api/records/"


def jsonable(data: dict) -> dict:
    return json.loads(json.dumps(data, default=str))


@pytest.fixture
def api(client):
    class Api:
        def login(self, user):
            client.force_login(user)
            return self

        def call(self, method, path, body=None):
            kwargs = {"content_type": "application/json"}
            if body is not None:
                kwargs["data"] = json.dumps(jsonable(body))
            response = getattr(client, method)(BASE + path, **kwargs)
            return response.status_code, (response.json() if response.content else None)

        def get(self, path, **params):
            response = client.get(BASE + path, params)
            return response.status_code, response.json()

    return Api()


@pytest.fixture
def elder(county, make_resident):
    return make_resident(county.village_a1, name="王大爷", birth_date=date(1950, 5, 1))


def test_open_read_and_patch_record(api, users, elder):
    status, body = api.login(users.village_doctor_a1).call("post", f"{elder.pk}", personal_info_data())
    assert status == 201, body
    assert body["record_number"] == "43012410120100001"
    assert body["personal_info"]["past_diseases"] == [{"code": "2", "diagnosed": "2015-06", "note": ""}]
    assert body["personal_info"]["is_complete"] is True
    status, body = api.call("patch", f"{elder.pk}", {"education": "6", "fuel": ""})
    assert status == 200, body
    assert (body["personal_info"]["education"], body["personal_info"]["blood_type"]) == ("6", "1")
    assert body["personal_info"]["is_complete"] is False
    status, body = api.get(f"{elder.pk}")
    assert status == 200 and body["personal_info"]["fuel"] == ""
    assert AccessLog.objects.filter(what="records.record", resident_id=elder.pk).exists()


def test_open_twice_is_409(api, users, elder):
    api.login(users.village_doctor_a1).call("post", f"{elder.pk}", personal_info_data())
    status, body = api.call("post", f"{elder.pk}", personal_info_data())
    assert status == 409 and body["code"] == "record_exists"


@pytest.mark.parametrize("body,field", [
    ({"blood_type": "9"}, "blood_type"),
    ({"work_unit": "单" * 101}, "work_unit"),
    ({"payment_methods": ["1", "99"]}, "payment_methods.1"),
    ({"operations": [{"name": "x", "date": "2001-01-01"}] * 3}, "operations"),
    ({"past_diseases": [{"code": "2", "diagnosed": "2015/06"}]}, "past_diseases.0.diagnosed"),
    ({"unknown": 1}, "unknown"),
])
def test_bad_personal_info_is_422_and_saves_nothing(api, users, elder, body, field):
    status, answer = api.login(users.village_doctor_a1).call("post", f"{elder.pk}", personal_info_data(**body))
    assert status == 422, answer
    assert field in answer["fields"] and answer["message"] == "请更正以下错误。"
    assert not PersonalInfo.objects.exists() and Resident.objects.get(pk=elder.pk).record_number is None


def test_rule_failures_are_400_with_chinese_fields(api, users, elder):
    status, answer = api.login(users.village_doctor_a1).call(
        "post", f"{elder.pk}", personal_info_data(drug_allergies=["1", "2"], contact_phone="12"))
    assert status == 400
    assert answer["fields"]["drug_allergies"] == ["“无”不能与其他选项同时选择。"]
    assert "contact_phone" in answer["fields"]


@pytest.fixture
def opened(api, users, elder):
    api.login(users.village_doctor_a1).call("post", f"{elder.pk}", personal_info_data())
    return elder


def test_health_check_crud(api, users, opened):
    status, body = api.call("post", f"{opened.pk}/checks", elderly_check_data(date(2026, 3, 1)))
    assert status == 201, body
    assert (body["sbp"], body["dbp"], body["bmi"], body["self_care_score"]) == (142, 82, 25.0, 2)
    assert body["is_complete_for_elderly"] is True and body["responsible_doctor_id"] == users.village_doctor_a1.pk
    check_id = body["id"]
    status, listed = api.get(f"{opened.pk}/checks")
    assert status == 200 and [c["id"] for c in listed["items"]] == [check_id]
    status, one = api.get(f"{opened.pk}/checks/{check_id}")
    assert status == 200 and one["medications"][0]["drug"] == "氨氯地平"
    status, updated = api.call("put", f"{opened.pk}/checks/{check_id}",
                               elderly_check_data(date(2026, 3, 1), ecg="", weight_kg="75.0"))
    assert status == 200, updated
    assert updated["bmi"] == 27.5 and updated["is_complete_for_elderly"] is False


@pytest.mark.parametrize("changes,status,field", [
    ({"sbp_left": 400}, 422, "sbp_left"),
    ({"weight_kg": "-1"}, 422, "weight_kg"),
    ({"temperature": "abc"}, 422, "temperature"),
    ({"lips": "9"}, 422, "lips"),
    ({"symptoms_other": "x" * 101}, 422, "symptoms_other"),
    ({"sbp_left": 80, "dbp_left": 90}, 400, "sbp_left"),
    ({"check_date": "2099-01-01"}, 400, "check_date"),
    ({"check_date": "1949-12-31"}, 400, "check_date"),
])
def test_bad_checks_are_refused_and_save_nothing(api, users, opened, changes, status, field):
    got, answer = api.call("post", f"{opened.pk}/checks", {**elderly_check_data(date(2026, 3, 1)), **changes})
    assert got == status, answer
    assert field in answer["fields"]
    assert not AnnualHealthCheck.objects.exists()


def test_range_message_is_chinese(api, users, opened):
    _status, answer = api.call("post", f"{opened.pk}/checks", {**elderly_check_data(date(2026, 3, 1)),
                                                                "sbp_left": 400})
    assert answer["fields"]["sbp_left"] == ["请输入 50 至 300 之间的数值。"]


def test_status_and_timeline(api, users, opened):
    api.call("post", f"{opened.pk}/checks", elderly_check_data(date(2026, 3, 1)))
    status, body = api.call("post", f"{opened.pk}/status", {"status": "lost", "reason": "外出务工，联系不上"})
    assert status == 200 and body["status"] == "lost"
    status, body = api.call("post", f"{opened.pk}/status", {"status": "dead"})
    assert status == 400 and set(body["fields"]) == {"death_date", "death_cause"}
    status, page = api.get(f"{opened.pk}/timeline")
    assert status == 200
    assert [e["kind"] for e in page["items"]] == ["record", "record", "health_check"]
    assert page["items"][0]["title"].startswith("档案状态")
    assert page["kinds"]["health_check"]
    status, page = api.get(f"{opened.pk}/timeline", kind="health_check")
    assert [e["kind"] for e in page["items"]] == ["health_check"]


@pytest.mark.parametrize("method,path,body", [
    ("get", "{r}", None),
    ("post", "{r}", "info"),
    ("patch", "{r}", {"education": "6"}),
    ("post", "{r}/status", {"status": "lost", "reason": "x"}),
    ("get", "{r}/checks", None),
    ("post", "{r}/checks", "check"),
    ("get", "{r}/checks/{c}", None),
    ("put", "{r}/checks/{c}", "check"),
    ("get", "{r}/timeline", None),
])
def test_out_of_scope_is_404_and_audited(api, users, opened, method, path, body):
    _s, created = api.call("post", f"{opened.pk}/checks", elderly_check_data(date(2026, 3, 1)))
    body = {"info": personal_info_data(), "check": elderly_check_data(date(2026, 3, 2))}.get(body, body) \
        if isinstance(body, str) else body
    before = AuditLog.objects.filter(action="access.scope_denied").count()
    status, answer = api.login(users.village_doctor_b1).call(method, path.format(r=opened.pk, c=created["id"]), body)
    assert status == 404 and answer["code"] == "not_found"
    assert AuditLog.objects.filter(action="access.scope_denied", resident_id=opened.pk).count() == before + 1
    assert AnnualHealthCheck.objects.count() == 1


def test_check_of_another_resident_is_404(api, users, county, opened, make_resident):
    _s, created = api.call("post", f"{opened.pk}/checks", elderly_check_data(date(2026, 3, 1)))
    neighbour = make_resident(county.village_a1)
    assert api.get(f"{neighbour.pk}/checks/{created['id']}")[0] == 404


def test_read_only_role_cannot_write(api, users, county, make_resident):
    r = make_resident(county.village_a1)
    from countyhealth.residents.models import AccessGrant

    AccessGrant.objects.create(resident=r, organisation=county.hospital, reason="referral")
    status, body = api.login(users.county_doctor).call("post", f"{r.pk}", personal_info_data())
    assert status == 403 and body["code"] == "forbidden"
    assert api.get(f"{r.pk}")[0] == 200
