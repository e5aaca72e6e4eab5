"""§6 schedule: windows, late/missed rule and one visit per slot."""

from datetime import date

import pytest
from django.utils import translation

from countyhealth.publichealth.rules import (
    Period,
    SlotState,
    child_management,
    child_schedule,
    child_slot_statuses,
    counts_for_newborn_visit,
    fulfilled_slots,
)

BIRTH = date(2025, 1, 15)


def slot(code, birth=BIRTH, discharge=None):
    return next(s for s in child_schedule(birth, discharge) if s.code == code)


def state(code, visits, on, birth=BIRTH, discharge=None):
    statuses = child_slot_statuses(birth, visits, on, discharge_date=discharge)
    return next(s for s in statuses if s.slot.code == code).state


def test_schedule_order_and_codes():
    assert [s.code for s in child_schedule(BIRTH)] == [
        "newborn_home", "m1", "m3", "m6", "m8", "m12", "m18", "m24", "m30", "m36", "y4", "y5", "y6"]


@pytest.mark.parametrize(("code", "target", "opens", "closes"), [
    ("m1", date(2025, 2, 12), date(2025, 2, 12), date(2025, 2, 14)),
    ("m3", date(2025, 4, 15), date(2025, 3, 31), date(2025, 5, 15)),
    ("m12", date(2026, 1, 15), date(2025, 12, 31), date(2026, 2, 14)),
    ("m18", date(2026, 7, 15), date(2026, 6, 15), date(2026, 9, 13)),
    ("m36", date(2028, 1, 15), date(2027, 12, 16), date(2028, 3, 15)),
    ("y4", date(2029, 1, 15), date(2029, 1, 15), date(2030, 1, 14)),
    ("y6", date(2031, 1, 15), date(2031, 1, 15), date(2032, 1, 14)),
])
def test_targets_and_windows(code, target, opens, closes):
    s = slot(code)
    assert (s.target, s.opens, s.closes) == (target, opens, closes)


@pytest.mark.parametrize(("visit", "expected"), [
    (date(2025, 1, 20), SlotState.DONE),  # discharge day 0
    (date(2025, 1, 27), SlotState.DONE),  # day 7
    (date(2025, 1, 28), SlotState.DONE_LATE),  # day 8
    (date(2025, 1, 19), None),  # before discharge: not a newborn home visit
])
def test_newborn_window_is_discharge_day_0_to_7(visit, expected):
    statuses = child_slot_statuses(BIRTH, [visit], date(2025, 2, 1), discharge_date=date(2025, 1, 20))
    newborn = statuses[0]
    if expected is None:
        assert newborn.visit_date is None
    else:
        assert (newborn.state, newborn.visit_date) == (expected, visit)


def test_home_birth_window_starts_at_birth():
    s = slot("newborn_home")
    assert (s.opens, s.closes) == (BIRTH, date(2025, 1, 22))


@pytest.mark.parametrize(("visit", "expected"), [
    (date(2025, 2, 11), None), (date(2025, 2, 12), SlotState.DONE), (date(2025, 2, 14), SlotState.DONE),
    (date(2025, 2, 15), SlotState.DONE_LATE), (date(2025, 3, 30), SlotState.DONE_LATE),
])
def test_one_month_window_day_28_to_30_then_late_until_m3_opens(visit, expected):
    done = fulfilled_slots([slot("newborn_home"), slot("m1"), slot("m3")], [date(2025, 1, 16), visit])
    assert done.get("m1") == (None if expected is None else visit)
    if expected is not None:
        assert state("m1", [date(2025, 1, 16), visit], date(2025, 4, 1)) is expected


def test_a_visit_once_the_next_window_opens_fulfils_the_next_slot_and_the_earlier_is_missed():
    visits = [date(2025, 1, 16), date(2025, 3, 31)]
    assert state("m1", visits, date(2025, 4, 1)) is SlotState.MISSED
    assert state("m3", visits, date(2025, 4, 1)) is SlotState.DONE


@pytest.mark.parametrize(("on", "expected"), [
    (date(2025, 3, 30), SlotState.UPCOMING), (date(2025, 3, 31), SlotState.DUE), (date(2025, 5, 15), SlotState.DUE),
    (date(2025, 5, 16), SlotState.OVERDUE), (date(2025, 6, 29), SlotState.OVERDUE),
    (date(2025, 6, 30), SlotState.MISSED),
])
def test_m3_states_over_time(on, expected):
    assert state("m3", [], on) is expected


def test_m3_is_missed_from_the_day_m6_opens():
    m3, m6 = slot("m3"), slot("m6")
    assert m6.opens == date(2025, 6, 30)  # target 15 Jul − 15 d
    assert m3.missed_from == m6.opens
    assert fulfilled_slots([m3, m6], [date(2025, 6, 29)]) == {"m3": date(2025, 6, 29)}
    assert fulfilled_slots([m3, m6], [date(2025, 6, 30)]) == {"m6": date(2025, 6, 30)}


def test_one_visit_fulfils_only_the_earliest_open_slot():
    birth, discharge = date(2026, 1, 1), date(2026, 1, 27)  # newborn window 27 Jan–3 Feb overlaps m1 29–31 Jan
    first = child_slot_statuses(birth, [date(2026, 1, 30)], date(2026, 1, 30), discharge_date=discharge)
    assert [(s.slot.code, s.state) for s in first[:2]] == [("newborn_home", SlotState.DONE), ("m1", SlotState.DUE)]
    both = fulfilled_slots(child_schedule(birth, discharge), [date(2026, 1, 30), date(2026, 1, 31)])
    assert both == {"newborn_home": date(2026, 1, 30), "m1": date(2026, 1, 31)}


def test_year_windows_for_a_29_february_birthday():
    birth = date(2020, 2, 29)
    y4, y5, y6 = slot("y4", birth), slot("y5", birth), slot("y6", birth)
    assert (y4.opens, y4.closes) == (date(2024, 2, 29), date(2025, 2, 28))
    assert (y5.opens, y5.closes) == (date(2025, 3, 1), date(2026, 2, 28))
    assert (y6.closes, y6.missed_from) == (date(2027, 2, 28), date(2027, 3, 1))
    assert fulfilled_slots([y4, y5], [date(2025, 2, 28), date(2025, 3, 1)]) == {
        "y4": date(2025, 2, 28), "y5": date(2025, 3, 1)}
    assert slot("m12", birth).target == date(2021, 2, 28)  # calendar months clamp


def test_y4_window_is_birthday_to_day_before_next_birthday():
    assert state("y4", [date(2029, 1, 14)], date(2030, 2, 1)) is SlotState.MISSED  # m36 is late, y4 unfulfilled
    assert state("y4", [date(2029, 1, 15)], date(2030, 2, 1)) is SlotState.DONE
    assert state("y4", [date(2030, 1, 14)], date(2030, 2, 1)) is SlotState.DONE
    assert state("y4", [date(2030, 1, 15)], date(2030, 2, 1)) is SlotState.MISSED
    assert state("y5", [date(2030, 1, 15)], date(2030, 2, 1)) is SlotState.DONE


def test_slots_missed_before_moving_in_are_left_out():
    codes = [s.code for s in child_schedule(BIRTH, enrolled_on=date(2026, 3, 1))]
    assert codes[0] == "m12"  # m12 is late until m18 opens on 2026-06-15


def test_slot_labels():
    with translation.override("en"):
        assert slot("m18").label == "18-month visit"
        assert slot("y5").label == "5-year visit"
        assert slot("m1").label == "One-month visit"


@pytest.mark.parametrize(("birth", "visits", "expected"), [
    (date(2020, 1, 1), [date(2026, 6, 1)], (True, True)),  # still 6 on 31 Dec 2026
    (date(2019, 12, 31), [date(2026, 6, 1)], (False, False)),  # 7 on 31 Dec 2026
    (date(2024, 5, 1), [date(2025, 12, 31)], (True, False)),
    (date(2027, 1, 1), [], (False, False)),
])
def test_child_management_indicator(birth, visits, expected):
    m = child_management(birth, visits, Period.calendar_year(2026))
    assert (m.in_denominator, m.in_numerator) == expected


def test_newborn_visit_rate_within_28_days_of_birth():
    birth = date(2026, 2, 26)
    assert counts_for_newborn_visit(birth, [date(2026, 3, 26)])
    assert not counts_for_newborn_visit(birth, [date(2026, 3, 27)])
    assert not counts_for_newborn_visit(birth, [])


def test_discharge_before_birth_is_refused():
    with pytest.raises(ValueError):
        child_schedule(BIRTH, date(2025, 1, 14))
