from datetime import date

import pytest

from countyhealth.publichealth.rules import Programme, VisitFacts, validate_follow_up, validate_vitals

TODAY = date(2026, 3, 10)


@pytest.mark.parametrize(("field", "ok", "bad"), [
    ("heart_rate", [20, 250], [19, 251, 0]),
    ("temperature", [34.0, 43.0, 36.5], [33.9, 43.1]),
    ("weight_kg", [0.3, 350, 65.5], [0, -1, 0.29, 351]),
    ("height_cm", [20, 250, 172.5], [0, 19.9, 251]),
    ("waist_cm", [30, 250], [29, 251]),
    ("fpg", [1.0, 0.95, 40.0, 40.04], [0.94, 40.05, 0]),
    ("random_glucose", [1.0, 40.0], [0.9, 40.1]),
])
def test_ranges(field, ok, bad):
    for value in ok:
        assert validate_vitals(**{field: value}) == {}, value
    for value in bad:
        assert set(validate_vitals(**{field: value})) == {field}, value


@pytest.mark.parametrize(("sbp", "dbp", "fields"), [
    (50, 30, set()), (300, 200, set()), (49, 30, {"sbp"}), (301, 120, {"sbp"}), (120, 29, {"dbp"}),
    (250, 201, {"dbp"}), (120, 119, set()), (120, 120, {"sbp"}), (100, 110, {"sbp"}),
])
def test_blood_pressure(sbp, dbp, fields):
    assert set(validate_vitals(sbp=sbp, dbp=dbp)) == fields


def test_blood_pressure_needs_both_values():
    assert set(validate_vitals(sbp=130)) == {"dbp"}
    assert set(validate_vitals(dbp=80)) == {"sbp"}


def test_messages_are_translated_text():
    errors = validate_vitals(sbp=120, dbp=130, heart_rate=300)
    assert all(isinstance(str(message), str) and str(message) for message in errors.values())
    assert "250" in str(errors["heart_rate"])


@pytest.mark.parametrize(("visit_date", "error"), [
    (date(2026, 3, 10), False), (date(2026, 3, 11), True), (date(2000, 1, 1), False), (date(1999, 12, 31), True),
])
def test_visit_date_between_birth_and_today(visit_date, error):
    errors = validate_vitals(visit_date=visit_date, birth_date=date(2000, 1, 1), today=TODAY)
    assert ("visit_date" in errors) is error


def test_unknown_field_is_a_programming_error():
    with pytest.raises(TypeError):
        validate_vitals(pulse=80)


def test_follow_up_requires_its_control_measurement():
    dm = VisitFacts(Programme.DIABETES, TODAY, date(1970, 1, 1), random_glucose=6.0)
    assert set(validate_follow_up(dm, today=TODAY)) == {"fpg"}
    htn = VisitFacts(Programme.HYPERTENSION, TODAY, date(1970, 1, 1), fpg=6.0)
    assert set(validate_follow_up(htn, today=TODAY)) == {"sbp", "dbp"}
    ok = VisitFacts(Programme.HYPERTENSION, TODAY, date(1970, 1, 1), sbp=130, dbp=80, heart_rate=72)
    assert validate_follow_up(ok, today=TODAY) == {}
    future = VisitFacts(Programme.DIABETES, date(2026, 3, 11), date(1970, 1, 1), fpg=45)
    assert set(validate_follow_up(future, today=TODAY)) == {"fpg", "visit_date"}
