"""Boundaries of §3.3 (emergency) and §3.4 (control) for the hypertension programme."""

from datetime import date

import pytest

from countyhealth.publichealth.rules import (
    CURRENT_RULES,
    FollowUpClass,
    HypertensionDangerSign,
    NextAction,
    Programme,
    VisitFacts,
    classify_visit,
    control_target,
)

VISIT = date(2026, 3, 10)
AGE_50 = date(1976, 1, 1)
AGE_70 = date(1956, 1, 1)


def visit(birth=AGE_50, **values):
    values.setdefault("sbp", 130)
    values.setdefault("dbp", 80)
    return VisitFacts(Programme.HYPERTENSION, VISIT, birth, **values)


@pytest.mark.parametrize(("sbp", "dbp", "emergency"), [
    (179, 109, False), (180, 80, True), (120, 110, True), (179, 110, True), (200, 120, True),
])
def test_e1_severe_bp(sbp, dbp, emergency):
    decision = classify_visit(visit(sbp=sbp, dbp=dbp))
    assert (decision.next_action is NextAction.EMERGENCY_REFERRAL) is emergency
    assert ("E1" in decision.reason_codes) is emergency


@pytest.mark.parametrize("sign", list(HypertensionDangerSign))
def test_e2_each_danger_sign_refers_at_once(sign):
    decision = classify_visit(visit(danger_signs=frozenset({sign})))
    assert decision.next_action is NextAction.EMERGENCY_REFERRAL
    assert decision.reason_codes == ("E2",)
    assert decision.reasons[0].label == str(sign.label)
    assert decision.next_due == date(2026, 3, 24)


@pytest.mark.parametrize(("flags", "sbp", "dbp", "e3"), [
    ({"pregnant": True}, 139, 89, False),
    ({"pregnant": True}, 140, 80, True),
    ({"pregnant": True}, 130, 90, True),
    ({"lactating": True}, 139, 89, False),
    ({"lactating": True}, 140, 80, True),
    ({}, 140, 85, False),
])
def test_e3_pregnant_or_lactating_above_normal(flags, sbp, dbp, e3):
    decision = classify_visit(visit(birth=date(1996, 1, 1), sbp=sbp, dbp=dbp, **flags))
    assert ("E3" in decision.reason_codes) is e3


def test_e4_other_unmanageable():
    decision = classify_visit(visit(other_unmanageable=True))
    assert (decision.next_action, decision.reason_codes) == (NextAction.EMERGENCY_REFERRAL, ("E4",))


def test_heart_rate_and_temperature_are_not_hypertension_emergencies():
    decision = classify_visit(visit(heart_rate=130, temperature=39.5))
    assert decision.next_action is NextAction.ROUTINE


@pytest.mark.parametrize(("birth", "sbp", "dbp", "controlled"), [
    (AGE_50, 139, 89, True), (AGE_50, 140, 89, False), (AGE_50, 139, 90, False),
    (AGE_70, 149, 89, True), (AGE_70, 150, 89, False), (AGE_70, 149, 90, False), (AGE_70, 145, 70, True),
])
def test_control_target_by_age_on_visit_date(birth, sbp, dbp, controlled):
    decision = classify_visit(visit(birth=birth, sbp=sbp, dbp=dbp))
    assert decision.controlled is controlled
    assert decision.follow_up_class is (FollowUpClass.CONTROLLED if controlled else FollowUpClass.UNCONTROLLED)


def test_control_target_changes_on_the_65th_birthday():
    birth = date(1961, 3, 10)
    assert control_target(birth, date(2026, 3, 9), CURRENT_RULES) == (140, 90)
    assert control_target(birth, date(2026, 3, 10), CURRENT_RULES) == (150, 90)


@pytest.mark.parametrize(("hr", "warned"), [(100, False), (101, True), (None, False)])
def test_fast_heart_rate_only_warns_in_hypertension_alone(hr, warned):
    decision = classify_visit(visit(heart_rate=hr))
    assert decision.next_action is NextAction.ROUTINE
    assert [w.code for w in decision.warnings] == (["TACHYCARDIA"] if warned else [])


def test_fast_heart_rate_refers_when_also_in_diabetes_programme():
    decision = classify_visit(visit(heart_rate=101, other_programmes=frozenset({Programme.DIABETES})))
    assert decision.next_action is NextAction.EMERGENCY_REFERRAL
    assert decision.reason_codes == ("D5",)
    assert decision.warnings == ()


@pytest.mark.parametrize(("sbp", "dbp", "others", "ckd", "advised"), [
    (135, 85, {Programme.DIABETES}, False, True),
    (129, 80, {Programme.DIABETES}, False, True),
    (129, 79, {Programme.DIABETES}, False, False),
    (135, 85, set(), True, True),
    (135, 85, set(), False, False),
    (145, 85, {Programme.DIABETES}, False, False),  # uncontrolled: the action already says adjust
])
def test_lower_clinical_target_is_advice_only(sbp, dbp, others, ckd, advised):
    decision = classify_visit(visit(sbp=sbp, dbp=dbp, other_programmes=frozenset(others), has_ckd=ckd,
                                    fpg=6.0))
    assert decision.controlled is (sbp < 140)
    assert ("BP_ABOVE_CLINICAL_TARGET" in [a.code for a in decision.advisories]) is advised


def test_missing_bp_cannot_be_classified():
    with pytest.raises(ValueError):
        classify_visit(VisitFacts(Programme.HYPERTENSION, VISIT, AGE_50, sbp=130))
