"""The phone's evaluator (static/sync/rules.js, run by Node) and the Python rules agree on a table of cases
around every threshold of public-health-rules.md §3.3–§3.5 and §4.3–§4.4."""

import json
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from countyhealth.publichealth import rules
from countyhealth.publichealth.rules import NextAction, PreviousVisit, Programme, VisitFacts
from countyhealth.sync.rules_data import rules_payload

RULES_JS = Path(__file__).resolve().parents[1] / "static" / "sync" / "rules.js"
HTN, DM = "hypertension", "diabetes"
D = "2026-03-31"
YOUNG, OLD = "1970-06-15", "1950-01-01"

CASES = [
    # (programme, facts, previous)
    (HTN, {"sbp": 139, "dbp": 89}, None),
    (HTN, {"sbp": 140, "dbp": 80}, None),
    (HTN, {"sbp": 130, "dbp": 90}, None),
    (HTN, {"sbp": 149, "dbp": 85, "birth_date": OLD}, None),
    (HTN, {"sbp": 150, "dbp": 85, "birth_date": OLD}, None),
    (HTN, {"sbp": 150, "dbp": 85, "birth_date": "1961-03-31"}, None),  # 65 on the visit date
    (HTN, {"sbp": 150, "dbp": 85, "birth_date": "1961-04-01"}, None),  # 64
    (HTN, {"sbp": 179, "dbp": 109}, None),
    (HTN, {"sbp": 180, "dbp": 100}, None),
    (HTN, {"sbp": 150, "dbp": 110}, None),
    (HTN, {"sbp": 150, "dbp": 95}, {"sbp": 150, "dbp": 95}),
    (HTN, {"sbp": 150, "dbp": 95}, {"sbp": 120, "dbp": 80}),
    (HTN, {"sbp": 150, "dbp": 95}, {"sbp": 150, "dbp": 95, "next_action": "REFERRAL"}),
    (HTN, {"sbp": 145, "dbp": 85, "birth_date": OLD}, {"sbp": 155, "dbp": 85, "visit_date": "2014-01-10"}),
    (HTN, {"sbp": 150, "dbp": 95}, {"sbp": None, "dbp": None}),
    (HTN, {"sbp": 120, "dbp": 80, "adr": True}, None),
    (HTN, {"sbp": 120, "dbp": 80, "adr": True}, {"sbp": 120, "dbp": 80, "adr": True}),
    (HTN, {"sbp": 120, "dbp": 80, "adr_uncontrollable": True}, None),
    (HTN, {"sbp": 120, "dbp": 80, "new_or_worse_complication": True, "adr": True}, None),
    (HTN, {"sbp": 138, "dbp": 88, "pregnant": True}, None),
    (HTN, {"sbp": 140, "dbp": 70, "lactating": True}, None),
    (HTN, {"sbp": 120, "dbp": 80, "danger_signs": ["e2_orthopnoea", "e2_nausea_vomiting"]}, None),
    (HTN, {"sbp": 120, "dbp": 80, "other_unmanageable": True}, None),
    (HTN, {"sbp": 120, "dbp": 80, "heart_rate": 101}, None),
    (HTN, {"sbp": 120, "dbp": 80, "heart_rate": 100}, None),
    (HTN, {"sbp": 120, "dbp": 80, "heart_rate": 101, "other_programmes": [DM]}, None),
    (HTN, {"sbp": 135, "dbp": 75, "other_programmes": [DM]}, None),
    (HTN, {"sbp": 185, "dbp": 80, "other_programmes": [DM], "fpg": "16.7"}, None),
    (HTN, {"sbp": 120, "dbp": 80, "other_programmes": [DM], "other_unmanageable": True}, None),
    (HTN, {"sbp": 120, "dbp": 80, "visit_date": "2026-01-31"}, None),
    (DM, {"fpg": "6.9"}, None),
    (DM, {"fpg": "6.95"}, None),
    (DM, {"fpg": "7.0"}, None),
    (DM, {"fpg": "16.64"}, None),
    (DM, {"fpg": "16.65"}, None),
    (DM, {"fpg": "3.9"}, None),
    (DM, {"fpg": "3.95"}, None),
    (DM, {"fpg": "4.3"}, None),
    (DM, {"fpg": "6.0", "random_glucose": "16.7"}, None),
    (DM, {"fpg": "6.0", "heart_rate": 101}, None),
    (DM, {"fpg": "6.0", "temperature": "39.0"}, None),
    (DM, {"fpg": "6.0", "temperature": "39.05"}, None),
    (DM, {"fpg": "5.1", "pregnant": True}, None),
    (DM, {"fpg": "5.0", "pregnant": True}, None),
    (DM, {"fpg": "6.1", "lactating": True}, None),
    (DM, {"fpg": "6.0", "lactating": True}, None),
    (DM, {"fpg": "6.0", "danger_signs": ["d4_acetone_breath", "d7_sudden_vision_loss"]}, None),
    (DM, {"fpg": "8.0"}, {"fpg": "7.5"}),
    (DM, {"fpg": "8.0"}, {"fpg": "6.5"}),
    (DM, {"fpg": "6.0", "sbp": 180, "dbp": 90, "other_programmes": [HTN]}, None),
    (DM, {"fpg": "6.0", "sbp": 135, "dbp": 85, "other_programmes": [HTN]}, None),
    (DM, {"fpg": "6.0", "sbp": 120, "dbp": 80, "pregnant": True, "other_programmes": [HTN]}, None),
    (DM, {"fpg": "6.0", "other_unmanageable": True, "other_programmes": [HTN]}, None),
]


def python_decision(programme, facts, previous):
    f = {"visit_date": D, "birth_date": YOUNG, **facts}
    signs = {s.value: s for s in (*rules.HypertensionDangerSign, *rules.DiabetesDangerSign)}
    visit = VisitFacts(
        programme=Programme(programme), visit_date=date.fromisoformat(f["visit_date"]),
        birth_date=date.fromisoformat(f["birth_date"]), sbp=f.get("sbp"), dbp=f.get("dbp"),
        fpg=Decimal(f["fpg"]) if f.get("fpg") else None,
        random_glucose=Decimal(f["random_glucose"]) if f.get("random_glucose") else None,
        heart_rate=f.get("heart_rate"), temperature=Decimal(f["temperature"]) if f.get("temperature") else None,
        pregnant=f.get("pregnant", False), lactating=f.get("lactating", False),
        danger_signs=frozenset(signs[s] for s in f.get("danger_signs", [])), adr=f.get("adr", False),
        adr_uncontrollable=f.get("adr_uncontrollable", False),
        new_or_worse_complication=f.get("new_or_worse_complication", False),
        other_unmanageable=f.get("other_unmanageable", False),
        other_programmes=frozenset(Programme(p) for p in f.get("other_programmes", [])),
    )
    prev = None
    if previous is not None:
        p = {"visit_date": "2026-01-10", "next_action": "ROUTINE", **previous}
        prev = PreviousVisit(visit_date=date.fromisoformat(p["visit_date"]), sbp=p.get("sbp"), dbp=p.get("dbp"),
                             fpg=Decimal(p["fpg"]) if p.get("fpg") else None, adr=p.get("adr", False),
                             next_action=NextAction(p["next_action"]))
    d = rules.classify_visit(visit, prev)
    return {"follow_up_class": d.follow_up_class.value, "next_action": d.next_action.value,
            "next_due": d.next_due.isoformat(), "controlled": d.controlled,
            "reasons": [[r.code, r.label] for r in d.reasons], "warnings": [r.code for r in d.warnings],
            "advisories": [r.code for r in d.advisories]}


NODE_SCRIPT = """
const rules = require(process.argv[1]);
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = input.cases.map(([programme, facts, previous]) => {
  const f = Object.assign({programme, visit_date: input.day, birth_date: input.young}, facts);
  const p = previous && Object.assign({visit_date: "2026-01-10", next_action: "ROUTINE"}, previous);
  const d = rules.classify(f, p, input.data);
  return {follow_up_class: d.follow_up_class, next_action: d.next_action, next_due: d.next_due,
          controlled: d.controlled, reasons: d.reasons.map(r => [r.code, r.label]),
          warnings: d.warnings.map(r => r.code), advisories: d.advisories.map(r => r.code)};
});
process.stdout.write(JSON.stringify(out));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_the_phone_evaluator_agrees_with_the_python_rules():
    data = json.loads(json.dumps(rules_payload()))
    payload = json.dumps({"cases": CASES, "data": data, "day": D, "young": YOUNG})
    run = subprocess.run(["node", "-e", NODE_SCRIPT, str(RULES_JS)], input=payload, capture_output=True, text=True,
                         check=True, timeout=30)
    phone = json.loads(run.stdout)
    expected = [python_decision(*case) for case in CASES]
    mismatches = [(case, want, got) for case, want, got in zip(CASES, expected, phone, strict=True) if want != got]
    assert not mismatches, mismatches[:3]
    # The table really exercises every branch of the action table.
    assert {e["next_action"] for e in expected} == {a.value for a in NextAction}
