from datetime import date, timedelta

import pytest

from countyhealth.publichealth.rules import Period, add_days, add_months, birthday, is_child_age
from countyhealth.residents.rules import age_on


@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(2026, 1, 31), 3, date(2026, 4, 30)),
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2028, 1, 31), 1, date(2028, 2, 29)),
    (date(2026, 3, 10), 3, date(2026, 6, 10)),
    (date(2026, 11, 30), 3, date(2027, 2, 28)),
    (date(2026, 12, 31), 3, date(2027, 3, 31)),
    (date(2026, 3, 31), -1, date(2026, 2, 28)),
    (date(2026, 1, 15), -1, date(2025, 12, 15)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2026, 5, 31), 0, date(2026, 5, 31)),
])
def test_add_months_clamps_to_month_end(start, months, expected):
    assert add_months(start, months) == expected


def test_add_days_counts_the_event_as_day_0():
    assert add_days(date(2026, 3, 10), 14) == date(2026, 3, 24)
    assert add_days(date(2026, 3, 1), -1) == date(2026, 2, 28)


@pytest.mark.parametrize(("birth", "age", "expected"), [
    (date(2024, 2, 29), 1, date(2025, 3, 1)),
    (date(2024, 2, 29), 4, date(2028, 2, 29)),
    (date(2020, 2, 29), 5, date(2025, 3, 1)),
    (date(1961, 3, 10), 65, date(2026, 3, 10)),
])
def test_birthday_follows_the_age_convention(birth, age, expected):
    assert birthday(birth, age) == expected
    assert age_on(birth, expected) == age
    assert age_on(birth, expected - timedelta(days=1)) == age - 1


def test_child_age_is_under_seven_on_the_date():
    birth = date(2019, 2, 28)
    assert is_child_age(birth, date(2026, 2, 27))
    assert not is_child_age(birth, date(2026, 2, 28))
    assert is_child_age(birth, birth)
    assert not is_child_age(birth, date(2019, 2, 27))


def test_periods():
    assert Period.calendar_year(2026) == Period(date(2026, 1, 1), date(2026, 12, 31))
    assert Period.mch_year(2026) == Period(date(2025, 10, 1), date(2026, 9, 30))
    year = Period.calendar_year(2026)
    assert date(2026, 12, 31) in year and date(2027, 1, 1) not in year and date(2025, 12, 31) not in year
    with pytest.raises(ValueError):
        Period(date(2026, 2, 1), date(2026, 1, 31))


@pytest.mark.parametrize(("day", "quarters"), [
    (date(2025, 6, 1), [(2026, 1), (2026, 2), (2026, 3), (2026, 4)]),
    (date(2026, 3, 31), [(2026, 1), (2026, 2), (2026, 3), (2026, 4)]),
    (date(2026, 4, 1), [(2026, 2), (2026, 3), (2026, 4)]),
    (date(2026, 12, 31), [(2026, 4)]),
])
def test_quarters_from(day, quarters):
    assert Period.calendar_year(2026).quarters_from(day) == quarters
