"""Boundaries of §4.3 (emergency), §4.4 (control) and §4.1 (diagnostic ranges) for diabetes."""

from dataclasses import replace
from datetime import date

import pytest

from countyhealth.publichealth.rules import (
    CURRENT_RULES,
    DiabetesDangerSign,
    NextAction,
    Programme,
    VisitFacts,
    assess_glucose,
    classify_visit,
)

VISIT = date(2026, 3, 10)
AGE_50 = date(1976, 1, 1)


def visit(**values):
    values.setdefault("fpg", 6.0)
    return VisitFacts(Programme.DIABETES, VISIT, AGE_50, **values)


def codes(**values):
    return classify_visit(visit(**values)).reason_codes


@pytest.mark.parametrize(("values", "d1"), [
    ({"fpg": 16.6}, False), ({"fpg": 16.7}, True), ({"fpg": 16.65}, True), ({"fpg": 16.64}, False),
    ({"random_glucose": 16.7}, True), ({"random_glucose": 16.6}, False),
])
def test_d1_high_glucose_any_measurement(values, d1):
    assert ("D1" in codes(**values)) is d1


@pytest.mark.parametrize(("values", "d2"), [
    ({"fpg": 3.9}, True), ({"fpg": 4.0}, False), ({"fpg": 3.95}, False), ({"fpg": 3.94}, True),
    ({"random_glucose": 3.9}, True), ({"random_glucose": 4.0}, False),
])
def test_d2_low_glucose_any_measurement(values, d2):
    assert ("D2" in codes(**values)) is d2


@pytest.mark.parametrize(("sbp", "dbp", "d3"), [(179, 109, False), (180, 90, True), (150, 110, True)])
def test_d3_severe_bp(sbp, dbp, d3):
    assert ("D3" in codes(sbp=sbp, dbp=dbp)) is d3


@pytest.mark.parametrize("sign", list(DiabetesDangerSign))
def test_d4_and_d7_each_sign_refers_at_once(sign):
    decision = classify_visit(visit(danger_signs=frozenset({sign})))
    assert decision.next_action is NextAction.EMERGENCY_REFERRAL
    assert decision.reason_codes == (sign.criterion,)
    assert sign.criterion == ("D7" if sign is DiabetesDangerSign.SUDDEN_VISION_LOSS else "D4")


@pytest.mark.parametrize(("hr", "d5"), [(100, False), (101, True), (60, False)])
def test_d5_persistent_tachycardia(hr, d5):
    assert ("D5" in codes(heart_rate=hr)) is d5


@pytest.mark.parametrize(("t", "d6"), [(39.0, False), (39.1, True), (39.04, False), (39.05, True), (37, False)])
def test_d6_temperature(t, d6):
    assert ("D6" in codes(temperature=t)) is d6


@pytest.mark.parametrize(("flags", "fpg", "d8"), [
    ({"pregnant": True}, 5.0, False), ({"pregnant": True}, 5.1, True), ({"pregnant": True}, 5.05, True),
    ({"lactating": True}, 6.0, False), ({"lactating": True}, 6.1, True), ({"lactating": True}, 5.5, False),
    ({"pregnant": True, "lactating": True}, 5.2, True), ({}, 6.5, False),
])
def test_d8_pregnant_or_lactating(flags, fpg, d8):
    assert ("D8" in codes(fpg=fpg, **flags)) is d8


def test_d9_other_unmanageable():
    assert codes(other_unmanageable=True) == ("D9",)


@pytest.mark.parametrize(("fpg", "controlled"), [(6.9, True), (6.94, True), (6.95, False), (7.0, False),
                                                 (4.0, True), (12, False)])
def test_control_is_fpg_below_7(fpg, controlled):
    assert classify_visit(visit(fpg=fpg)).controlled is controlled


def test_random_glucose_never_decides_control():
    decision = classify_visit(visit(fpg=6.0, random_glucose=12.0))
    assert decision.controlled
    assert decision.next_action is NextAction.ROUTINE


@pytest.mark.parametrize(("fpg", "advised"), [(4.3, True), (4.0, True), (4.35, False), (4.4, False), (3.9, False)])
def test_fpg_below_guideline_advisory(fpg, advised):
    advisories = classify_visit(visit(fpg=fpg)).advisories
    assert (["FPG_BELOW_GUIDELINE"] == [a.code for a in advisories]) is advised


def test_missing_fpg_cannot_be_classified():
    with pytest.raises(ValueError):
        classify_visit(VisitFacts(Programme.DIABETES, VISIT, AGE_50, random_glucose=6.0))


def test_thresholds_come_from_the_rule_set():
    lenient = replace(CURRENT_RULES, glucose_emergency_high=CURRENT_RULES.glucose_emergency_high + 1)
    assert classify_visit(visit(fpg=16.7), rules=lenient).next_action is NextAction.ADJUST_AND_REVISIT


@pytest.mark.parametrize(("kwargs", "in_range", "ifg", "igt", "confirm"), [
    ({"fpg": 6.0}, False, False, False, False),
    ({"fpg": 6.1}, False, True, False, False),
    ({"fpg": 6.95}, True, False, False, True),
    ({"fpg": 7.0}, True, False, False, True),
    ({"ogtt_2h": 7.7}, False, False, False, False),
    ({"ogtt_2h": 7.8}, False, False, True, False),
    ({"ogtt_2h": 11.0}, False, False, True, False),
    ({"ogtt_2h": 11.1}, True, False, False, True),
    ({"random_glucose": 11.1, "typical_symptoms": True}, True, False, False, False),
    ({"random_glucose": 11.0, "typical_symptoms": True}, False, False, False, False),
    ({"random_glucose": 15.0}, False, False, False, False),
    ({"hba1c": 6.4}, False, False, False, False),
    ({"hba1c": 6.5}, True, False, False, True),
    ({"fpg": 6.5, "ogtt_2h": 9.0}, False, True, True, False),
])
def test_dm2022_diagnostic_ranges(kwargs, in_range, ifg, igt, confirm):
    result = assess_glucose(**kwargs)
    assert (result.diabetes_range, result.ifg, result.igt, result.confirm_on_another_day) == (
        in_range, ifg, igt, confirm)
