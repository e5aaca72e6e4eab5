"""Boundary cases from critical-values.md (appendix) and the catalogue's unit rules."""

from datetime import datetime, timedelta
from decimal import Decimal as D

import pytest

from countyhealth.core.errors import ActionError
from countyhealth.lab import catalogue, rules

ADULT = 40 * 365


def flag(code, value, unit=None, *, sex="1", age_days=ADULT):
    test = catalogue.BY_CODE[code]
    return rules.classify(test, rules.normalise(test, D(value), unit or test.unit), sex=sex, age_days=age_days)


@pytest.mark.parametrize(("code", "value", "unit", "expected"), [
    ("potassium", "2.79", None, "LL"), ("potassium", "2.80", None, "L"),        # 1
    ("potassium", "6.20", None, "H"), ("potassium", "6.21", None, "HH"),        # 2
    ("sodium", "119", None, "LL"), ("sodium", "120", None, "L"),                # 3
    ("glucose", "2.7", None, "LL"), ("glucose", "22.3", None, "HH"),            # 4
    ("glucose", "50", "mg/dL", "L"),                                            # 5: 2.8 mmol/L, not critical
    ("haemoglobin", "59", None, "LL"), ("haemoglobin", "60", None, "L"),        # 7
    ("platelets", "29", None, "LL"), ("platelets", "30", None, "L"), ("platelets", "1001", None, "HH"),  # 8
    ("inr", "4.5", None, "H"), ("inr", "4.6", None, "HH"),                      # 9
    ("troponin_t", "14", None, "N"), ("troponin_t", "15", None, "HH"),          # 12
    ("creatinine", "8.1", "mg/dL", "HH"),                                       # 716 µmol/L
    ("haemoglobin", "12.0", "g/dL", "L"),                                       # 120 g/L man: below 130
])
def test_critical_boundaries(code, value, unit, expected):
    assert flag(code, value, unit) == expected


def test_neonate_glucose_uses_the_neonate_row():  # 6
    assert flag("glucose", "2.1", age_days=10) == "LL"
    assert flag("glucose", "2.2", age_days=10) == "L"
    assert flag("glucose", "2.7", age_days=40) == "LL"  # 29 d and older: adult row


def test_reference_interval_depends_on_sex():
    assert flag("haemoglobin", "120", sex="2") == "N"
    assert flag("haemoglobin", "120", sex="1") == "L"


def test_unknown_unit_rejects_the_result():
    with pytest.raises(ActionError) as caught:
        rules.normalise(catalogue.BY_CODE["potassium"], D("4"), "mg/dL")
    assert caught.value.code == "unknown_unit"


def test_conversion_rounds_half_up_to_the_stored_decimals():
    assert rules.normalise(catalogue.BY_CODE["glucose"], D("50"), "mg/dL") == D("2.8")
    assert rules.normalise(catalogue.BY_CODE["hba1c"], D("53"), "mmol/mol") == D("7.0")


def test_catalogue_finds_loinc_code_and_mnemonic():
    assert catalogue.find("2823-3").code == "potassium"
    assert catalogue.find("k").code == "potassium"
    assert catalogue.find("9999-9") is None


def test_readback_must_equal_the_stored_value():  # 15
    test = catalogue.BY_CODE["potassium"]
    assert not rules.readback_matches(test, D("6.9"), "6.8")
    assert rules.readback_matches(test, D("6.90"), " 6.9 ")
    assert not rules.readback_matches(test, D("6.9"), "六点九")


def test_escalation_ladder_is_ten_minutes_per_level_and_stays_at_two():  # 14
    t = datetime(2026, 11, 23, 10, 10)
    assert rules.next_escalation(0, t) == rules.Escalation(1, t + timedelta(minutes=10))
    assert rules.next_escalation(1, t).level == 2
    assert rules.next_escalation(2, t).level == 2


def test_alert_transitions():
    rules.check_alert_transition("open", "acknowledged")
    with pytest.raises(ActionError):
        rules.check_alert_transition("acknowledged", "acknowledged")


def test_recognition_window_and_quality_control():
    now = datetime(2026, 11, 23, 10, 0)
    assert rules.recognisable(specimen_at=now - timedelta(days=30), window_days=30, qc_passed=True, now=now)
    assert not rules.recognisable(specimen_at=now - timedelta(days=31), window_days=30, qc_passed=True, now=now)
    assert not rules.recognisable(specimen_at=now, window_days=30, qc_passed=False, now=now)
