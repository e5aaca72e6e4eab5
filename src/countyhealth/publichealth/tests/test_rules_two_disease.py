"""§9 两病 checks Q1–Q6."""

from dataclasses import replace
from datetime import date

import pytest

from countyhealth.publichealth.rules import (
    BenefitFacts,
    Insurance,
    Programme,
    TwoDiseasePolicy,
    check_two_disease_benefit,
)

ON = date(2026, 3, 10)
QUALIFIED = BenefitFacts(
    disease=Programme.HYPERTENSION, on=ON, insurance=Insurance.RESIDENT, insurance_active=True,
    diagnosis_code="I10.x00", diagnosis_confirmed_at_level=1, on_medication_at_latest_followup=True,
    enrolled=True, institution_designated=True, institution_level=1, drug_on_regional_list=True,
)


def test_all_checks_pass():
    result = check_two_disease_benefit(QUALIFIED)
    assert result.qualified
    assert result.passed == ("Q1", "Q2", "Q3", "Q4", "Q5", "Q6")
    assert result.failures == ()


@pytest.mark.parametrize(("change", "code"), [
    ({"insurance": Insurance.EMPLOYEE}, "Q1"),
    ({"insurance": Insurance.NONE}, "Q1"),
    ({"insurance_active": False}, "Q1"),
    ({"diagnosis_code": None}, "Q2"),
    ({"diagnosis_code": "E11.900"}, "Q2"),
    ({"diagnosis_code": "I20"}, "Q2"),
    ({"diagnosis_confirmed_at_level": None}, "Q2"),
    ({"on_medication_at_latest_followup": False}, "Q3"),
    ({"on_medication_at_latest_followup": False, "last_prescribed_on": date(2025, 12, 9)}, "Q3"),
    ({"enrolled": False}, "Q4"),
    ({"lost": True}, "Q4"),
    ({"in_chronic_special_scheme": True}, "Q5"),
    ({"institution_designated": False}, "Q6"),
    ({"institution_level": 3}, "Q6"),
    ({"drug_on_regional_list": False}, "Q6"),
])
def test_each_failure_has_its_reason_code(change, code):
    result = check_two_disease_benefit(replace(QUALIFIED, **change))
    assert not result.qualified
    assert [f.code for f in result.failures] == [code]
    assert str(result.failures[0].label)


@pytest.mark.parametrize(("prescribed", "passes"), [
    (date(2025, 12, 10), True), (date(2025, 12, 9), False), (ON, True), (date(2026, 3, 11), False),
])
def test_q3_prescription_in_the_last_90_days(prescribed, passes):
    facts = replace(QUALIFIED, on_medication_at_latest_followup=False, last_prescribed_on=prescribed)
    assert check_two_disease_benefit(facts).qualified is passes


def test_diabetes_codes_and_level_2_institution():
    dm = replace(QUALIFIED, disease=Programme.DIABETES, diagnosis_code="e11.9", institution_level=2)
    assert check_two_disease_benefit(dm).qualified
    assert not check_two_disease_benefit(replace(dm, diagnosis_code="I10")).qualified


def test_regional_policy():
    strict = TwoDiseasePolicy(confirm_min_level=2)
    assert [f.code for f in check_two_disease_benefit(QUALIFIED, strict).failures] == ["Q2"]
    assert check_two_disease_benefit(replace(QUALIFIED, diagnosis_confirmed_at_level=2), strict).qualified
    relaxed = TwoDiseasePolicy(require_management=False)
    assert check_two_disease_benefit(replace(QUALIFIED, enrolled=False, lost=True), relaxed).qualified


def test_only_hypertension_and_diabetes():
    with pytest.raises(ValueError):
        check_two_disease_benefit(replace(QUALIFIED, disease=Programme.ELDERLY))
