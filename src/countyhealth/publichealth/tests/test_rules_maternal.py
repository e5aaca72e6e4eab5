"""§7 gestational age, visit windows and the maternal indicators."""

from dataclasses import replace
from datetime import date

import pytest

from countyhealth.publichealth.rules import (
    CURRENT_RULES,
    GestationalAge,
    WindowTiming,
    antenatal_schedule,
    antenatal_visit_code,
    counts_for_early_registration,
    counts_for_postpartum_visit,
    gestational_age,
    postpartum_42d_timing,
    postpartum_schedule,
)

LMP = date(2026, 1, 1)


def test_ga_from_lmp():
    assert gestational_age(date(2026, 1, 1), lmp=LMP) == GestationalAge(0)
    assert str(gestational_age(date(2026, 4, 1), lmp=LMP)) == "12w6d"
    assert gestational_age(date(2026, 4, 2), lmp=LMP).weeks == 13


def test_corrected_edd_wins_over_lmp():
    # ultrasound moved the EDD from 8 Oct (LMP + 280) to 15 Oct: the pregnancy is a week younger
    ga = gestational_age(date(2026, 4, 1), lmp=LMP, edd=date(2026, 10, 15))
    assert str(ga) == "11w6d"
    assert gestational_age(date(2026, 10, 15), edd=date(2026, 10, 15)).days == 280


def test_ga_needs_a_date_and_cannot_be_negative():
    with pytest.raises(ValueError):
        gestational_age(date(2026, 4, 1))
    with pytest.raises(ValueError):
        gestational_age(date(2025, 12, 31), lmp=LMP)


@pytest.mark.parametrize(("days", "code"), [
    (0, "antenatal_1"), (90, "antenatal_1"), (91, None), (111, None), (112, "antenatal_2"), (146, "antenatal_2"),
    (147, "antenatal_3"), (174, "antenatal_3"), (175, None), (195, None), (196, "antenatal_4"),
    (258, "antenatal_4"), (259, "antenatal_5"), (286, "antenatal_5"), (287, None),
])
def test_antenatal_windows(days, code):
    assert antenatal_visit_code(GestationalAge(days)) == code


def test_antenatal_1_cut_off_is_data():
    provincial = replace(CURRENT_RULES, antenatal_1_max_ga_days=97)  # ≤ 13w6d
    assert antenatal_visit_code(GestationalAge(97), provincial) == "antenatal_1"
    assert antenatal_visit_code(GestationalAge(98), provincial) is None
    exam = date(2026, 4, 8)  # 13w6d
    assert not counts_for_early_registration(registered_on=exam, first_exam_on=exam, lmp=LMP)
    assert counts_for_early_registration(registered_on=exam, first_exam_on=exam, lmp=LMP, rules=provincial)


def test_antenatal_schedule_dates():
    windows = {w.code: w for w in antenatal_schedule(lmp=LMP)}
    assert (windows["antenatal_1"].opens, windows["antenatal_1"].closes) == (LMP, date(2026, 4, 1))
    assert (windows["antenatal_2"].opens, windows["antenatal_2"].closes) == (date(2026, 4, 23), date(2026, 5, 27))
    assert windows["antenatal_5"].closes == date(2026, 10, 14)
    corrected = {w.code: w for w in antenatal_schedule(lmp=LMP, edd=date(2026, 10, 15))}
    assert corrected["antenatal_1"].closes == date(2026, 4, 8)


@pytest.mark.parametrize(("registered", "examined", "counts"), [
    (date(2026, 3, 20), date(2026, 4, 1), True),
    (date(2026, 4, 2), date(2026, 3, 20), False),
    (date(2026, 3, 20), date(2026, 4, 2), False),
    (None, date(2026, 3, 20), False),
    (date(2026, 3, 20), None, False),
])
def test_early_registration_needs_both_before_13_weeks(registered, examined, counts):
    assert counts_for_early_registration(registered_on=registered, first_exam_on=examined, lmp=LMP) is counts


def test_postpartum_windows():
    delivery, discharge = date(2026, 3, 1), date(2026, 3, 4)
    home, day42 = postpartum_schedule(delivery, discharge)
    assert (home.opens, home.closes) == (discharge, date(2026, 3, 11))
    assert (day42.opens, day42.closes) == (date(2026, 4, 12), date(2026, 4, 26))
    home_birth = postpartum_schedule(delivery)[0]
    assert (home_birth.opens, home_birth.closes) == (delivery, date(2026, 3, 8))


@pytest.mark.parametrize(("days", "timing"), [
    (41, WindowTiming.EARLY), (42, WindowTiming.IN_WINDOW), (56, WindowTiming.IN_WINDOW), (57, WindowTiming.LATE),
])
def test_42_day_check_earlier_does_not_count(days, timing):
    delivery = date(2026, 3, 1)
    assert postpartum_42d_timing(delivery, date.fromordinal(delivery.toordinal() + days)) is timing


def test_postpartum_visit_rate_within_28_days_of_discharge():
    delivery, discharge = date(2026, 3, 1), date(2026, 3, 4)
    assert counts_for_postpartum_visit(delivery, [date(2026, 4, 1)], discharge_date=discharge)
    assert not counts_for_postpartum_visit(delivery, [date(2026, 4, 2)], discharge_date=discharge)
    assert not counts_for_postpartum_visit(delivery, [date(2026, 3, 3)], discharge_date=discharge)
    assert counts_for_postpartum_visit(delivery, [date(2026, 3, 29)])
    assert not counts_for_postpartum_visit(delivery, [date(2026, 3, 30)])


def test_discharge_before_delivery_is_refused():
    with pytest.raises(ValueError):
        postpartum_schedule(date(2026, 3, 1), date(2026, 2, 28))
