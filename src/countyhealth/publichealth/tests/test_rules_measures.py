from decimal import Decimal

import pytest

from countyhealth.publichealth.rules import (
    BloodPressure,
    BmiClass,
    GlucoseUnit,
    bmi,
    bmi_class,
    classified_bp,
    glucose_mmol,
    has_central_obesity,
    round_half_up,
)


@pytest.mark.parametrize(("entered", "expected"), [
    (6.95, "7.0"), ("6.95", "7.0"), (Decimal("6.95"), "7.0"), (6.94, "6.9"), (16.65, "16.7"),
    (16.64, "16.6"), (3.95, "4.0"), (4.349, "4.3"), (7, "7.0"),
])
def test_glucose_is_rounded_half_up_to_one_decimal(entered, expected):
    assert glucose_mmol(entered) == Decimal(expected)


@pytest.mark.parametrize(("mg_dl", "expected"), [(126, "7.0"), (125, "6.9"), (300, "16.7"), (70, "3.9")])
def test_mg_dl_is_divided_by_18_then_rounded(mg_dl, expected):
    assert glucose_mmol(mg_dl, GlucoseUnit.MG_DL) == Decimal(expected)


def test_bmi_one_decimal_half_up():
    assert bmi(70, 170) == Decimal("24.2")
    assert bmi(Decimal("57.8"), 170) == Decimal("20.0")
    assert round_half_up(23.95) == Decimal("24.0")
    with pytest.raises(ValueError):
        bmi(70, 0)


@pytest.mark.parametrize(("value", "expected"), [
    ("18.4", BmiClass.LOW), ("18.45", BmiClass.NORMAL), ("18.5", BmiClass.NORMAL), ("23.9", BmiClass.NORMAL),
    ("23.95", BmiClass.OVERWEIGHT), ("24.0", BmiClass.OVERWEIGHT), ("27.9", BmiClass.OVERWEIGHT),
    ("28.0", BmiClass.OBESE), ("35", BmiClass.OBESE), ("12", BmiClass.LOW),
])
def test_ws428_bmi_bands(value, expected):
    assert bmi_class(Decimal(value)) is expected


@pytest.mark.parametrize(("waist", "sex", "expected"), [
    (89.9, "1", False), (90, "1", True), (84.9, "2", False), (85, "2", True), (88, "2", True),
    (100, "9", None), (100, "0", None),
])
def test_central_obesity(waist, sex, expected):
    assert has_central_obesity(waist, sex) is expected


@pytest.mark.parametrize(("left", "right", "expected"), [
    (BloodPressure(150, 80), BloodPressure(140, 95), BloodPressure(150, 80)),
    (BloodPressure(138, 92), BloodPressure(138, 88), BloodPressure(138, 92)),
    (None, BloodPressure(120, 70), BloodPressure(120, 70)),
    (BloodPressure(120, 70), None, BloodPressure(120, 70)),
    (None, None, None),
])
def test_higher_arm_is_classified_without_mixing_arms(left, right, expected):
    assert classified_bp(left, right) == expected
