import datetime as dt

import pytest

from countyhealth.appointments import rules
from countyhealth.core.errors import ActionError

T0 = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(("capacity", "share", "expected"), [
    (10, 30, (7, 3)), (1, 30, (0, 1)), (2, 30, (1, 1)), (10, 0, (10, 0)), (10, 100, (0, 10)), (3, 34, (1, 2)),
])
def test_split_capacity(capacity, share, expected):
    assert rules.split_capacity(capacity, share) == expected


def test_plan_slots_splits_the_session_into_periods():
    slots = rules.plan_slots(T0, T0 + dt.timedelta(hours=2), 30, 10, rules.DEFAULT_POLICY)
    assert [s.starts_at.minute for s in slots] == [0, 30, 0, 30]
    assert (slots[0].public, slots[0].reserved) == (7, 3)
    assert slots[-1].ends_at == T0 + dt.timedelta(hours=2)


@pytest.mark.parametrize(("minutes", "capacity", "end_hours", "code"), [
    (30, 10, 0, "bad_times"), (4, 10, 2, "bad_slot_minutes"), (30, 0, 2, "bad_capacity"),
    (30, 101, 2, "bad_capacity"), (5, 1, 5, "too_many_slots"), (120, 1, 1, "bad_times"),
])
def test_plan_slots_refuses_bad_input(minutes, capacity, end_hours, code):
    with pytest.raises(ActionError) as error:
        rules.plan_slots(T0, T0 + dt.timedelta(hours=end_hours), minutes, capacity, rules.DEFAULT_POLICY)
    assert error.value.code == code


def test_release_time_default_three_days_before():
    assert rules.release_time(T0, rules.DEFAULT_POLICY) == T0 - dt.timedelta(days=3)


def test_overlaps_half_open():
    h = dt.timedelta(hours=1)
    assert rules.overlaps(T0, T0 + h, T0 + h / 2, T0 + 2 * h)
    assert not rules.overlaps(T0, T0 + h, T0 + h, T0 + 2 * h)


def test_transition_table():
    rules.check_booking_transition("booked", "checked_in")
    with pytest.raises(ActionError):
        rules.check_booking_transition("cancelled", "checked_in")
    assert set(rules.sources_from("no_show")) == {"booked", "checked_in", "called"}
