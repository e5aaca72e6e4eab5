"""The public-health rule tables as JSON for the phone's evaluator (`static/sync/rules.js`): one source.

Thresholds come from the rule sets themselves (`RULE_SETS`), the vital ranges from `VITAL_RANGES`, the danger
signs from their enums, and every reason label from the Python rules run over facts that raise it, so the
phone shows the server's words in the user's language."""

import dataclasses
from datetime import date
from decimal import Decimal

from countyhealth.core import codes
from countyhealth.publichealth import rules
from countyhealth.publichealth.rules import diabetes as dm
from countyhealth.publichealth.rules import followup, hypertension
from countyhealth.publichealth.rules.validation import RANGE_MESSAGES, VITAL_RANGES, validate_vitals
from countyhealth.records import codes as record_codes
from countyhealth.records import rules as record_rules
from countyhealth.records.models import AnnualHealthCheck

HTN, DM = rules.Programme.HYPERTENSION, rules.Programme.DIABETES


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _rule_set(rule_set: rules.RuleSet) -> dict:
    return {f.name: _plain(getattr(rule_set, f.name)) for f in dataclasses.fields(rule_set)}


def _harvest(out: dict, reasons, key=None) -> None:
    for r in reasons:
        out.setdefault(key or r.code, r.label)


def reason_labels(rule_set: rules.RuleSet) -> dict[str, str]:
    """Labels of every reason code, taken from the rules' own output on facts that raise each one."""
    out: dict[str, str] = {}
    day = rule_set.effective_from
    worst = dict(visit_date=day, birth_date=date(day.year - 70, 1, 1), sbp=200, dbp=120, fpg=Decimal("20"),
                 random_glucose=Decimal("2"), heart_rate=130, temperature=Decimal("40"),
                 danger_signs=frozenset([*rules.HypertensionDangerSign, *rules.DiabetesDangerSign]),
                 other_unmanageable=True, other_programmes=frozenset({HTN, DM}))
    for pregnancy in ("pregnant", "lactating"):
        for programme in (HTN, DM):
            facts = rules.VisitFacts(programme=programme, **worst, **{pregnancy: True})
            for r in hypertension.emergency_reasons(facts, rule_set) + dm.emergency_reasons(facts, rule_set):
                out.setdefault(f"D8_{pregnancy}" if r.code == "D8" else r.code, r.label)
    for code in ("R1", "R2", "R3", "R4", "A1", "A2"):
        out[code] = str(getattr(followup, code))
    alone = rules.VisitFacts(programme=HTN, visit_date=day, birth_date=date(day.year - 50, 1, 1), sbp=135, dbp=85,
                             heart_rate=130)
    _harvest(out, hypertension.notices(alone, rule_set)[0])
    both = dataclasses.replace(alone, other_programmes=frozenset({DM}), fpg=Decimal("4.2"))
    _harvest(out, hypertension.notices(both, rule_set)[1])
    _harvest(out, dm.notices(both, rule_set)[1])
    return out


def messages() -> dict[str, str]:
    """The validation messages the form repeats, taken from the validators' own output."""
    wrong = validate_vitals(sbp=100, dbp=120, visit_date=date(2100, 1, 1), today=date(2000, 1, 1))
    missing = rules.validate_follow_up(rules.VisitFacts(programme=HTN, visit_date=date(2000, 1, 1),
                                                        birth_date=date(1950, 1, 1)), today=date(2000, 1, 1))
    return {"sbp_above_dbp": str(wrong["sbp"]), "future": str(wrong["visit_date"]), "required": str(missing["sbp"])}


def _labels(table: dict) -> list[list[str]]:
    return [[code, codes.label(table, code)] for code in table]


def elderly() -> dict:
    """The elderly check's self-care table (PHS3 §5.1, `records.rules`: scores per answer, None where the printed
    form offers no answer, and the bands of the total) and the answers of the other items on the phone."""
    field = AnnualHealthCheck._meta.get_field
    return {
        "self_care_items": [{"item": item, "label": str(field(f"self_care_{item}").verbose_name),
                             "scores": list(record_rules.SELF_CARE_SCORES[item])}
                            for item in record_rules.SELF_CARE_ITEMS],
        "self_care_bands": [list(band) for band in record_rules.SELF_CARE_BANDS],
        "self_care_levels": _labels(record_codes.SELF_CARE_LEVEL),
        "screen": _labels(record_codes.SCREEN),
        "self_rated_health": _labels(record_codes.SELF_RATED_HEALTH),
    }


def rules_payload() -> dict:
    current = rules.CURRENT_RULES
    return {
        "rule_sets": [_rule_set(r) for r in rules.RULE_SETS],
        "vital_ranges": {name: [_plain(low), _plain(high)] for name, (low, high) in VITAL_RANGES.items()},
        "range_messages": {name: str(msg) % {"low": VITAL_RANGES[name][0], "high": VITAL_RANGES[name][1]}
                           for name, msg in RANGE_MESSAGES.items()},
        "danger_signs": {
            HTN.value: [{"code": s.value, "label": str(s.label), "criterion": "E2"}
                        for s in rules.HypertensionDangerSign],
            DM.value: [{"code": s.value, "label": str(s.label), "criterion": s.criterion}
                       for s in rules.DiabetesDangerSign],
        },
        "same_criterion": followup.SAME_CRITERION,
        "classes": {c.value: str(c.label) for c in rules.FollowUpClass},
        "actions": {a.value: str(a.label) for a in rules.NextAction},
        "reasons": reason_labels(current),
        "messages": messages(),
        "elderly": elderly(),
    }
