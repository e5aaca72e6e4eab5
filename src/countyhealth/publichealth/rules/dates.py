"""Calendar conventions of public-health-rules.md §0: days, calendar months, birthdays and report periods."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from countyhealth.residents.rules import age_on


def add_months(day: date, months: int) -> date:
    """§0 Months: calendar months clamped to the month end (31 Jan + 3 months = 30 Apr)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_days(day: date, days: int) -> date:
    """§0 Days: the event is day 0, so "within N days" ends on `add_days(event, N)` inclusive."""
    return day + timedelta(days=days)


def days_between(start: date, end: date) -> int:
    """Day number of `end` counting `start` as day 0."""
    return (end - start).days


def birthday(birth_date: date, age: int) -> date:
    """The first day on which `age_on(birth_date, day) == age` (§0 Age: 29 Feb births come of age on 1 Mar
    in non-leap years; this differs from `add_months`, which clamps to 28 Feb)."""
    year = birth_date.year + age
    if birth_date.month == 2 and birth_date.day == 29 and not calendar.isleap(year):
        return date(year, 3, 1)
    return birth_date.replace(year=year)


def is_child_age(birth_date: date, on: date) -> bool:
    """§0 "0–6岁" = age < 7 on the reference date (出生至不满7周岁)."""
    return birth_date <= on and age_on(birth_date, on) < 7


def quarter_of(day: date) -> tuple[int, int]:
    """(year, 1–4) of the calendar quarter holding the date."""
    return day.year, (day.month - 1) // 3 + 1


def quarter_start(day: date) -> date:
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


@dataclass(frozen=True)
class Period:
    """A report period, both ends inclusive."""

    start: date
    end: date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("A period cannot end before it starts.")

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    @classmethod
    def calendar_year(cls, year: int) -> "Period":
        """§0 Period, project decision: indicators default to the calendar year."""
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def mch_year(cls, year: int) -> "Period":
        """§0 Period: the maternal and child health annual report runs 1 Oct (year − 1) to 30 Sep (year)."""
        return cls(date(year - 1, 10, 1), date(year, 9, 30))

    def quarters_from(self, day: date) -> list[tuple[int, int]]:
        """Calendar quarters from the one holding `max(day, start)` to the one holding `end`."""
        cursor = quarter_start(max(day, self.start))
        out = []
        while cursor <= self.end:
            out.append(quarter_of(cursor))
            cursor = add_months(cursor, 3)
        return out
