"""§3.1/§4.1 screening flags, enrolment flags and high-risk lists."""

from dataclasses import replace
from datetime import date

import pytest

from countyhealth.publichealth.rules import (
    CURRENT_RULES,
    EnrolmentFlag,
    Programme,
    RiskFacts,
    RiskHistory,
    ScreeningFacts,
    diabetes_flag,
    diabetes_risk_factors,
    enrolment_flags,
    hypertension_flag,
    hypertension_risk_factors,
)

ON = date(2026, 3, 10)
AGE_35 = date(1991, 3, 10)  # 35 on ON
AGE_34 = date(1991, 3, 11)


@pytest.mark.parametrize(("birth", "sbp", "dbp", "flagged"), [
    (AGE_35, 140, 80, True), (AGE_35, 120, 90, True), (AGE_35, 139, 89, False), (AGE_34, 160, 100, False),
    (AGE_35, None, None, False),
])
def test_hypertension_flag(birth, sbp, dbp, flagged):
    assert hypertension_flag(birth, ON, sbp, dbp) is flagged


@pytest.mark.parametrize(("birth", "fpg", "flagged"), [
    (AGE_35, 7.0, True), (AGE_35, 6.95, True), (AGE_35, 6.94, False), (AGE_34, 9.0, False), (AGE_35, None, False),
])
def test_diabetes_flag(birth, fpg, flagged):
    assert diabetes_flag(birth, ON, fpg) is flagged


def test_flags_skip_programmes_already_enrolled():
    facts = ScreeningFacts(date(1955, 1, 1), ON, sbp=150, dbp=95, bp_measured_on=ON, fpg=7.2, fpg_measured_on=ON)
    assert enrolment_flags(facts) == {EnrolmentFlag.HYPERTENSION_SUSPECTED, EnrolmentFlag.DIABETES_SUSPECTED,
                                      EnrolmentFlag.ELDERLY}
    enrolled = replace(facts, enrolled=frozenset({Programme.HYPERTENSION, Programme.ELDERLY}))
    assert enrolment_flags(enrolled) == {EnrolmentFlag.DIABETES_SUSPECTED}


def test_flag_uses_the_age_on_the_measurement_date():
    facts = ScreeningFacts(AGE_35, ON, sbp=150, dbp=95, bp_measured_on=date(2026, 3, 9))
    assert enrolment_flags(facts) == frozenset()


@pytest.mark.parametrize(("birth", "flag"), [
    (date(2026, 2, 10), EnrolmentFlag.NEWBORN),  # day 28
    (date(2026, 2, 9), EnrolmentFlag.CHILD),  # day 29
    (date(2019, 3, 11), EnrolmentFlag.CHILD),  # 6
    (date(2019, 3, 10), None),  # 7 today
])
def test_newborn_and_child_flags(birth, flag):
    expected = frozenset() if flag is None else frozenset({flag})
    assert enrolment_flags(ScreeningFacts(birth, ON)) == expected
    assert enrolment_flags(ScreeningFacts(birth, ON, enrolled=frozenset({Programme.CHILD}))) == frozenset()


@pytest.mark.parametrize(("birth", "elderly"), [(date(1961, 12, 31), True), (date(1962, 1, 1), False)])
def test_elderly_flag_by_year_of_birth(birth, elderly):
    assert (EnrolmentFlag.ELDERLY in enrolment_flags(ScreeningFacts(birth, ON))) is elderly


def htn_codes(**values):
    values.setdefault("birth_date", date(1980, 1, 1))
    return [r.code for r in hypertension_risk_factors(RiskFacts(on=ON, **values))]


@pytest.mark.parametrize(("sbp", "dbp", "high_normal"), [
    (129, 84, False), (130, 70, True), (120, 85, True), (139, 89, True), (140, 80, False), (125, 90, False),
])
def test_high_normal_bp(sbp, dbp, high_normal):
    assert ("HIGH_NORMAL_BP" in htn_codes(sbp=sbp, dbp=dbp)) is high_normal


@pytest.mark.parametrize(("values", "overweight"), [
    ({"bmi": 23.9}, False), ({"bmi": 24.0}, True), ({"bmi": 23.95}, True),
    ({"waist_cm": 89, "sex": "1"}, False), ({"waist_cm": 90, "sex": "1"}, True), ({"waist_cm": 85, "sex": "2"}, True),
    ({"waist_cm": 95, "sex": "0"}, False),
])
def test_overweight_or_central_obesity(values, overweight):
    assert ("OVERWEIGHT" in htn_codes(**values)) is overweight


@pytest.mark.parametrize(("ml", "heavy"), [(99, False), (100, True), (None, False)])
def test_heavy_drinking_project_threshold(ml, heavy):
    assert ("HEAVY_DRINKING" in htn_codes(liquor_ml_per_day=ml)) is heavy


def test_heavy_drinking_threshold_is_data():
    rules = replace(CURRENT_RULES, heavy_drinking_ml_per_day=200)
    facts = RiskFacts(date(1980, 1, 1), ON, liquor_ml_per_day=150)
    assert "HEAVY_DRINKING" not in [r.code for r in hypertension_risk_factors(facts, rules)]


@pytest.mark.parametrize(("birth", "old"), [(date(1971, 3, 10), True), (date(1971, 3, 11), False)])
def test_hypertension_risk_age_55(birth, old):
    assert ("AGE" in htn_codes(birth_date=birth)) is old


def test_hypertension_history_items():
    history = frozenset({RiskHistory.HTN_FAMILY_HISTORY, RiskHistory.HIGH_SALT_DIET, RiskHistory.ASCVD})
    assert htn_codes(history=history) == ["htn_family_history", "high_salt_diet"]


@pytest.mark.parametrize(("birth", "old"), [(date(1986, 3, 10), True), (date(1986, 3, 11), False)])
def test_diabetes_risk_age_40(birth, old):
    codes = [r.code for r in diabetes_risk_factors(RiskFacts(birth, ON))]
    assert ("AGE" in codes) is old


def test_diabetes_history_items_and_overweight():
    facts = RiskFacts(date(1990, 1, 1), ON, bmi=24.0,
                      history=frozenset({RiskHistory.PREDIABETES, RiskHistory.HIGH_SALT_DIET}))
    assert [r.code for r in diabetes_risk_factors(facts)] == ["OVERWEIGHT", "prediabetes"]
