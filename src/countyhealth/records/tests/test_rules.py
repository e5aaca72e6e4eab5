"""Pure rules: record numbers, BMI rounding, classified blood pressure, self-care score, plausibility, and
completeness for the elderly programme."""

from datetime import date
from decimal import Decimal

import pytest

from countyhealth.records import rules
from countyhealth.records.tests.factories import elderly_check_data, personal_info_data

BIRTH = date(1950, 5, 1)
TODAY = date(2026, 3, 10)


def test_record_number_is_village_code_and_five_digit_serial():
    assert rules.format_record_number("430124101201", 1) == "43012410120100001"
    assert len(rules.format_record_number("430124101201", 99999)) == 17
    with pytest.raises(rules.RecordNumberError):
        rules.format_record_number("430124101201", 100000)
    with pytest.raises(rules.RecordNumberError):
        rules.record_number_prefix("430124101")
    assert rules.serial_of("43012410120100042", "430124101201") == 42
    assert rules.serial_of("43012410120200042", "430124101201") is None


@pytest.mark.parametrize("weight,height,expected", [
    ("68", "165", Decimal("25.0")),     # 24.977… → 25.0
    ("60", "170", Decimal("20.8")),     # 20.761… → 20.8
    ("52.5", "166.9", Decimal("18.8")),  # 18.846… → 18.8
    ("72.25", "170", Decimal("25.0")),  # exactly 25.0
    ("61.98", "160", Decimal("24.2")),  # 24.2109… → 24.2
    ("43.35", "170", Decimal("15.0")),  # exactly 15.0
])
def test_bmi_one_decimal_half_up(weight, height, expected):
    assert rules.bmi(weight, height) == expected


def test_bmi_half_exactly_rounds_up():
    # 24.25 exactly: 97.0 kg / (2.0 m)²; banker's rounding would give 24.2
    assert rules.bmi("97.0", "200") == Decimal("24.3")
    assert rules.round_half_up("6.95") == Decimal("7.0")
    assert rules.bmi(None, "170") is None and rules.bmi("60", None) is None


def test_higher_arm_is_classified():
    assert rules.classified_pressure((138, 84), (142, 82)) == (142, 82)
    assert rules.classified_pressure((150, 90), (150, 95)) == (150, 95)
    assert rules.classified_pressure((None, None), (130, 80)) == (130, 80)
    assert rules.classified_pressure((None, None), (None, None)) == (None, None)


def test_self_care_scores_and_bands():
    answers = {"eating": "1", "grooming": "2", "dressing": "1", "toileting": "1", "mobility": "2"}
    assert rules.self_care_score(answers) == 2
    worst = {"eating": "4", "grooming": "4", "dressing": "4", "toileting": "4", "mobility": "4"}
    assert rules.self_care_score(worst) == 5 + 7 + 5 + 10 + 10
    assert rules.self_care_score({**answers, "mobility": None}) is None
    assert rules.self_care_score({**answers, "eating": "2"}) is None  # 进餐 has no 轻度依赖 answer
    assert [rules.self_care_band(s) for s in (0, 3, 4, 8, 9, 18, 19, 37)] == ["1", "1", "2", "2", "3", "3", "4", "4"]


def _errors(**changes):
    return rules.validate_health_check({**elderly_check_data(date(2026, 3, 1)), **changes}, birth_date=BIRTH,
                                       today=TODAY)


def test_plausible_values_pass():
    assert _errors() == {}


@pytest.mark.parametrize("changes,field", [
    ({"sbp_left": 80, "dbp_left": 90}, "sbp_left"),
    ({"sbp_left": 301}, "sbp_left"),
    ({"sbp_right": 49, "dbp_right": 40}, "sbp_right"),
    ({"dbp_left": 201, "sbp_left": 250}, "dbp_left"),
    ({"dbp_right": 29}, "dbp_right"),
    ({"pulse_rate": 19}, "pulse_rate"),
    ({"heart_rate": 251}, "heart_rate"),
    ({"temperature": Decimal("33.9")}, "temperature"),
    ({"temperature": Decimal("43.1")}, "temperature"),
    ({"weight_kg": Decimal("0.4")}, "weight_kg"),
    ({"weight_kg": Decimal("300.1")}, "weight_kg"),
    ({"height_cm": Decimal("29.9")}, "height_cm"),
    ({"height_cm": Decimal("250.1")}, "height_cm"),
    ({"check_date": date(2026, 3, 11)}, "check_date"),
    ({"check_date": date(1950, 4, 30)}, "check_date"),
    ({"sbp_left": 130, "dbp_left": None}, "dbp_left"),
    ({"smoking_start_age": 30, "smoking_quit_age": 20}, "smoking_quit_age"),
    ({"smoking_start_age": 90}, "smoking_start_age"),
    ({"health_evaluation": "2", "abnormalities": []}, "abnormalities"),
])
def test_impossible_values_are_refused(changes, field):
    assert field in _errors(**changes)


@pytest.mark.parametrize("changes", [
    {"sbp_left": 300, "dbp_left": 200}, {"sbp_left": 50, "dbp_left": 30}, {"pulse_rate": 20}, {"heart_rate": 250},
    {"temperature": Decimal("34.0")}, {"temperature": Decimal("43.0")}, {"weight_kg": Decimal("0.5")},
    {"weight_kg": Decimal("300")}, {"height_cm": Decimal("30")}, {"height_cm": Decimal("250")},
    {"check_date": TODAY}, {"check_date": BIRTH},
])
def test_boundaries_are_accepted(changes):
    assert _errors(**changes) == {}


def test_complete_for_elderly():
    values = elderly_check_data(date(2026, 3, 1))
    values.update(sbp=142, dbp=82, bmi=Decimal("25.0"))
    assert rules.is_complete_for_elderly(values)


@pytest.mark.parametrize("changes,missing", [
    ({"tc": None}, "tc"),                                    # one lipid of the 8 tests
    ({"abdominal_ultrasound": ""}, "abdominal_ultrasound"),
    ({"self_care_mobility": ""}, "self_care_mobility"),      # §5.1
    ({"cognition_screen": ""}, "cognition_screen"),
    ({"cognition_screen": "2"}, "mmse_score"),               # positive screen needs the MMSE score
    ({"mood_screen": "2"}, "depression_score"),
    ({"symptoms": []}, "symptoms"),
    ({"guidance": [], "risk_factor_control": []}, "guidance"),
    ({"sbp": None, "dbp": None}, "sbp"),
])
def test_incomplete_for_elderly(changes, missing):
    values = elderly_check_data(date(2026, 3, 1))
    values.update(sbp=142, dbp=82, bmi=Decimal("25.0"))
    values.update(changes)
    assert missing in rules.missing_for_elderly(values)
    assert not rules.is_complete_for_elderly(values)


def test_positive_screen_with_score_is_complete():
    values = elderly_check_data(date(2026, 3, 1), cognition_screen="2", mmse_score=24)
    values.update(sbp=142, dbp=82, bmi=Decimal("25.0"))
    assert rules.is_complete_for_elderly(values)


def test_personal_info_completeness():
    assert rules.personal_info_missing(personal_info_data()) == []
    assert rules.personal_info_missing(personal_info_data(family_children=[], fuel="")) == ["family_children", "fuel"]


def test_status_change_requirements():
    ok = {"reason": "", "death_date": None, "death_cause": "", "destination": ""}
    assert "reason" in rules.validate_status_change("active", "lost", ok, birth_date=BIRTH, today=TODAY)
    errors = rules.validate_status_change("active", "dead", ok, birth_date=BIRTH, today=TODAY)
    assert set(errors) == {"death_date", "death_cause"}
    assert "destination" in rules.validate_status_change("active", "moved_out", ok, birth_date=BIRTH, today=TODAY)
    assert "status" in rules.validate_status_change("lost", "lost", {**ok, "reason": "x"}, birth_date=BIRTH,
                                                    today=TODAY)
    future = {**ok, "death_date": date(2026, 3, 11), "death_cause": "脑卒中"}
    assert "death_date" in rules.validate_status_change("active", "dead", future, birth_date=BIRTH, today=TODAY)
