"""The family-doctor JSON API: teams, packages, contracts (sign, renew, terminate), coverage; errors and scope."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from countyhealth.accounts.actions import do_issue_api_token
from countyhealth.audit.models import AccessLog, AuditLog
from countyhealth.familydoctor.models import Contract

from .factories import SIGNATURE, data_url, make_contract, package, png_bytes, township_a_team

TODAY = timezone.localdate()
BASE = "/api/family-doctor/"


@pytest.fixture
def api(client):
    class Api:
        def login(self, user):
            client.force_login(user)
            return self

        def call(self, method, path, body=None, **extra):
            kwargs = {"content_type": "application/json", **extra}
            if body is not None:
                kwargs["data"] = json.dumps(body)
            response = getattr(client, method)(BASE + path, **kwargs)
            return response.status_code, (response.json() if response.content else None)

        def get(self, path, **params):
            response = client.get(BASE + path, params)
            return response.status_code, response.json()

    return Api()


@pytest.fixture
def team(county, users):
    return township_a_team(county, users)


@pytest.fixture
def resident(county, make_resident):
    return make_resident(county.village_a1, birth_date=TODAY.replace(year=TODAY.year - 30), sex="2")


def sign_body(team, doctor, **changes):
    return {"team_id": team.pk, "doctor_id": doctor.pk, "package_ids": [package("JC").pk],
            "start_date": TODAY.isoformat(), "signed_by_name": "李娜", "signature": SIGNATURE, **changes}


def test_teams_and_packages(api, users, county, team):
    status, teams = api.login(users.village_doctor_a1).get("teams")
    assert status == 200 and [t["id"] for t in teams] == [team.pk]
    status, one = api.get(f"teams/{team.pk}")
    assert status == 200 and one["organisation"] == "东山镇卫生院"
    assert {m["role"] for m in one["members"]} == {"gp", "village_doctor"}
    assert sorted(one["village_ids"]) == sorted([county.village_a1.pk, county.village_a2.pk])
    status, packages = api.get("packages")
    assert status == 200 and packages[0]["code"] == "JC" and len(packages) == 9
    elderly = next(p for p in packages if p["code"] == "LN")
    assert (elderly["target_group"], elderly["annual_fee"], elderly["resident_amount"]) == ("elderly", "120.00",
                                                                                           "10.00")


def test_team_of_another_township_is_404_and_audited(api, users, team):
    status, body = api.login(users.township_doctor_b).get(f"teams/{team.pk}")
    assert status == 404 and body["code"] == "not_found"
    assert AuditLog.objects.filter(action="access.scope_denied", user_id=users.township_doctor_b.pk).exists()
    assert api.get("teams") == (200, [])


def test_sign_list_renew_terminate(api, users, resident, team):
    api.login(users.village_doctor_a1)
    status, body = api.call("post", f"residents/{resident.pk}/contracts",
                            sign_body(team, users.village_doctor_a1, package_ids=[package("JC").pk,
                                                                                  package("YCF").pk]))
    assert status == 201, body
    assert body["in_force_today"] and body["status_today"] == "active" and body["has_signature"]
    assert [p["code"] for p in body["packages"]] == ["JC", "YCF"]
    contract_id = body["id"]

    status, listed = api.get(f"residents/{resident.pk}/contracts")
    assert status == 200 and [c["id"] for c in listed] == [contract_id]
    assert AccessLog.objects.filter(what="familydoctor.resident_contracts", resident_id=resident.pk).exists()

    status, body = api.call("post", f"contracts/{contract_id}/renew", {"signed_by_name": "李娜",
                                                                       "signature": SIGNATURE})
    assert status == 400 and body["code"] == "renewal_too_early"

    status, body = api.call("post", f"contracts/{contract_id}/terminate",
                            {"terminated_on": TODAY.isoformat(), "reason": "changed_team"})
    assert status == 200 and body["status"] == "terminated" and body["terminated_on"] == TODAY.isoformat()
    status, body = api.get(f"contracts/{contract_id}")
    assert status == 200 and body["termination_reason"] == "changed_team"


def test_renew_through_the_api(api, users, resident, team):
    old = make_contract(resident, team, users.village_doctor_a1, start=TODAY - timedelta(days=300))
    status, body = api.login(users.township_doctor_a).call("post", f"contracts/{old.pk}/renew", {
        "signer": "guardian", "signed_by_name": "李大娜", "signature": SIGNATURE})
    assert status == 201, body
    assert body["previous_id"] == old.pk and body["start_date"] == (old.end_date + timedelta(days=1)).isoformat()
    status, again = api.get(f"contracts/{old.pk}")
    assert again["renewal_id"] == body["id"]


@pytest.mark.parametrize("changes, field", [
    ({"signature": "data:image/jpeg;base64,AAAA"}, "signature"),
    ({"signature": ""}, "signature"),
    ({"package_ids": []}, "package_ids"),
    ({"start_date": "2026-02-30"}, "start_date"),
    ({"surprise": 1}, "surprise"),
    ({"signer": "neighbour"}, "signer"),
])
def test_bad_input_is_422_and_saves_nothing(api, users, resident, team, changes, field):
    status, body = api.login(users.village_doctor_a1).call("post", f"residents/{resident.pk}/contracts",
                                                           sign_body(team, users.village_doctor_a1, **changes))
    assert status == 422 and body["code"] == "validation_error" and field in body["fields"], body
    assert not Contract.objects.exists()


def test_rule_violations_are_400_or_409_with_localised_messages(api, users, resident, team):
    api.login(users.village_doctor_a1)
    status, body = api.call("post", f"residents/{resident.pk}/contracts",
                            sign_body(team, users.village_doctor_a1, package_ids=[package("LN").pk]))
    assert status == 400 and body["code"] == "package_age" and "65岁" in body["fields"]["package_ids"][0]
    status, body = api.call("post", f"residents/{resident.pk}/contracts", sign_body(
        team, users.village_doctor_a1, signature=data_url(b"\x89PNG\r\n\x1a\n" + b"\0" * 80)))
    assert status == 400 and body["code"] == "signature_invalid"
    assert api.call("post", f"residents/{resident.pk}/contracts", sign_body(team, users.village_doctor_a1))[0] == 201
    status, body = api.call("post", f"residents/{resident.pk}/contracts", sign_body(
        team, users.village_doctor_a1, start_date=(TODAY + timedelta(days=10)).isoformat()))
    assert status == 409 and body["code"] == "contract_overlap"
    assert Contract.objects.count() == 1


def test_out_of_scope_resident_is_404_audited_and_nothing_saved(api, users, county, make_resident, team):
    other = make_resident(county.village_a1)
    status, body = api.login(users.township_doctor_b).call("post", f"residents/{other.pk}/contracts",
                                                           sign_body(team, users.village_doctor_a1))
    assert status == 404 and body["code"] == "not_found"
    assert api.get(f"residents/{other.pk}/contracts")[0] == 404
    assert AuditLog.objects.filter(action="access.scope_denied", resident_id=other.pk).count() == 2
    assert not Contract.objects.exists()
    contract = make_contract(other, team, users.village_doctor_a1, start=TODAY)
    for method, path, body in [("get", f"contracts/{contract.pk}", None),
                               ("post", f"contracts/{contract.pk}/terminate",
                                {"terminated_on": TODAY.isoformat(), "reason": "moved_out"}),
                               ("post", f"contracts/{contract.pk}/renew",
                                {"signed_by_name": "x", "signature": SIGNATURE})]:
        assert api.call(method, path, body)[0] == 404
    contract.refresh_from_db()
    assert contract.status == "active" and not Contract.objects.filter(previous=contract).exists()


def test_token_client_can_sign(client, users, resident, team):
    _token, raw = do_issue_api_token(acting_user=users.village_doctor_a1, name="手机App")
    response = client.post(f"{BASE}residents/{resident.pk}/contracts",
                           data=json.dumps(sign_body(team, users.village_doctor_a1,
                                                     signature=data_url(png_bytes(300, 100)))),
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 201, response.content


def test_coverage_api(api, users, county, resident, team, make_resident):
    make_contract(resident, team, users.village_doctor_a1, start=TODAY)
    make_resident(county.village_a1)
    status, body = api.login(users.township_doctor_a).get("coverage")
    assert status == 200
    assert (body["contracted"], body["total"], body["rate"]) == (1, 2, 50.0)
    assert body["rows"][0]["label"] == "东山村" and body["rows"][0]["village_id"] == county.village_a1.pk
    assert {g["group"] for g in body["key_groups"]} >= {"elderly", "children"}
    status, page = api.get("coverage/residents", village=county.village_a1.pk, contracted="true")
    assert status == 200 and [r["id"] for r in page["items"]] == [resident.pk]
    assert page["items"][0]["id_number"] != resident.id_number and "*" in page["items"][0]["id_number"]
    assert api.login(users.township_doctor_b).get("coverage", org=county.township_a.pk)[0] == 404
    assert api.get("coverage", at="not-a-date")[0] == 422
    assert api.login(users.bureau_viewer).get("coverage", org=county.township_a.pk)[0] == 200
    assert api.get("coverage/residents")[0] == 403
