"""The elderly programme's yearly check from the phone: `records.do_record_health_check` through the push, with
the server's self-care score and band returned; the phone's evaluator scores the §5.1 table as the server."""

import datetime as dt
import itertools
import json
import shutil
import subprocess
import uuid

import pytest
from django.utils import timezone

from countyhealth.publichealth import actions as publichealth
from countyhealth.records import actions as records
from countyhealth.records import rules as record_rules
from countyhealth.records.models import AnnualHealthCheck
from countyhealth.records.tests.factories import personal_info_data
from countyhealth.sync.models import Mutation
from countyhealth.sync.rules_data import rules_payload

from .test_rules_js import RULES_JS

SELF_CARE = {"self_care_eating": "1", "self_care_grooming": "2", "self_care_dressing": "3",
             "self_care_toileting": "2", "self_care_mobility": "2"}  # 0 + 1 + 3 + 1 + 1 = 6: mildly dependent


def check(resident_id, day, **data):
    return {"id": str(uuid.uuid4()), "kind": "elderly_check", "payload": {
        "resident": resident_id, "client_id": str(uuid.uuid4()),
        "data": {"check_date": day.isoformat(), "sbp_left": 150, "dbp_left": 88, "sbp_right": 146, "dbp_right": 92,
                 "height_cm": "160", "weight_kg": "64", "self_rated_health": "2", "cognition_screen": "1",
                 "mood_screen": "1", **SELF_CARE, **data}}}


@pytest.fixture
def elder(county, users, make_resident):
    r = make_resident(county.village_a1, name="赵奶奶", birth_date=dt.date(1948, 4, 2), sex="2")
    records.do_open_health_record(acting_user=users.village_doctor_a1, resident_id=r.pk,
                                  personal_info=personal_info_data())
    publichealth.do_enrol(acting_user=users.village_doctor_a1, resident_id=r.pk, programme="elderly",
                          enrolled_on=timezone.localdate())
    return r


def test_an_elderly_check_is_recorded_with_the_server_score(phone, elder):
    today = timezone.localdate()
    result = phone.push(check(elder.pk, today)).json()["results"][0]
    assert result["status"] == "applied"
    assert (result["self_care_score"], result["self_care_band"]) == (6, "2")
    assert (result["sbp"], result["dbp"]) == (150, 88)  # the higher arm is classified
    assert result["bmi"] == "25.0" and result["complete_for_elderly"] is False
    saved = AnnualHealthCheck.objects.get(resident=elder)
    assert saved.check_date == today and saved.self_care_score == 6
    assert Mutation.objects.get().kind == "elderly_check"


def test_an_elderly_check_is_refused_with_the_reason(phone, elder, county, make_resident):
    today = timezone.localdate()
    bad = phone.push(check(elder.pk, today, sbp_left=80, dbp_left=120)).json()["results"][0]
    assert bad["status"] == "rejected" and "sbp_left" in json.dumps(bad["fields"])
    young = make_resident(county.village_a1, birth_date=dt.date(1990, 1, 1))
    assert phone.push(check(young.pk, today)).json()["results"][0]["code"] == "not_enrolled"
    stranger = make_resident(county.village_b1, birth_date=dt.date(1940, 1, 1))
    assert phone.push(check(stranger.pk, today)).json()["results"][0]["code"] == "not_found"
    assert not AnnualHealthCheck.objects.exists() and not Mutation.objects.exists()


NODE = """
const rules = require(process.argv[1]);
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(input.cases.map(a => rules.selfCare(a, input.data))));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_the_phone_scores_self_care_as_the_server():
    cases = [dict(zip(record_rules.SELF_CARE_ITEMS, levels, strict=True))
             for levels in itertools.product("1234", repeat=len(record_rules.SELF_CARE_ITEMS))]
    cases.append({"eating": "1"})  # unanswered items: no score yet
    data = json.loads(json.dumps(rules_payload()))
    run = subprocess.run(["node", "-e", NODE, str(RULES_JS)], input=json.dumps({"cases": cases, "data": data}),
                         capture_output=True, text=True, check=True, timeout=30)
    phone = json.loads(run.stdout)
    expected = []
    for answers in cases:
        score = record_rules.self_care_score(answers)
        expected.append(None if score is None else {"score": score, "band": record_rules.self_care_band(score)})
    assert phone == expected
    assert {e["band"] for e in expected if e} == {"1", "2", "3", "4"}
