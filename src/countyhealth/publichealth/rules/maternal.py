"""Maternal programme rules (PHS3 孕产妇健康管理服务规范; public-health-rules.md §7)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from .dates import add_days, days_between
from .ruleset import CURRENT_RULES, RuleSet

TERM_DAYS = 280  # EDD = LMP + 280 d (40w0d)
POSTPARTUM_HOME_DAYS = 7  # PHS3: within 1 week after discharge
POSTPARTUM_42D_WINDOW = (42, 56)  # project decision: delivery + 42 … + 56 d

MATERNAL_VISIT_LABELS = {
    "antenatal_1": _("Registration and first antenatal visit"),
    "antenatal_2": _("Second antenatal visit"),
    "antenatal_3": _("Third antenatal visit"),
    "antenatal_4": _("Fourth antenatal visit"),
    "antenatal_5": _("Fifth antenatal visit"),
    "postpartum_home": _("Postpartum home visit"),
    "postpartum_42d": _("42-day postpartum check"),
}


def _w(weeks: int, days: int = 0) -> int:
    return weeks * 7 + days


# PHS3 timing 16–20 w, 21–24 w, 28–36 w, 37–40 w; windows (GA days, inclusive) are project decisions.
LATER_ANTENATAL_WINDOWS = (
    ("antenatal_2", _w(16), _w(20, 6)),
    ("antenatal_3", _w(21), _w(24, 6)),
    ("antenatal_4", _w(28), _w(36, 6)),
    ("antenatal_5", _w(37), _w(40, 6)),
)


@dataclass(frozen=True, order=True)
class GestationalAge:
    days: int

    @property
    def weeks(self) -> int:
        return self.days // 7

    @property
    def extra_days(self) -> int:
        return self.days % 7

    def __str__(self) -> str:
        return f"{self.weeks}w{self.extra_days}d"


def gestational_age(on: date, *, lmp: date | None = None, edd: date | None = None) -> GestationalAge:
    """§7: GA = date − LMP. **Project decision:** an ultrasound-corrected EDD wins: GA = 280 d − (EDD − date)."""
    if edd is not None:
        days = TERM_DAYS - days_between(on, edd)
    elif lmp is not None:
        days = days_between(lmp, on)
    else:
        raise ValueError("Gestational age needs the LMP or the EDD.")
    if days < 0:
        raise ValueError("The date is before the start of the pregnancy.")
    return GestationalAge(days)


def antenatal_windows(rules: RuleSet = CURRENT_RULES) -> tuple[tuple[str, int, int], ...]:
    """(code, first GA day, last GA day). antenatal_1 "before 13 w" = GA ≤ 12w6d (90 d), kept as data
    because some provinces use 13w6d."""
    return (("antenatal_1", 0, rules.antenatal_1_max_ga_days), *LATER_ANTENATAL_WINDOWS)


def antenatal_visit_code(ga: GestationalAge, rules: RuleSet = CURRENT_RULES) -> str | None:
    """The antenatal visit whose window holds this GA, or None between windows (e.g. 13w0d–15w6d)."""
    return next((code for code, low, high in antenatal_windows(rules) if low <= ga.days <= high), None)


@dataclass(frozen=True)
class MaternalWindow:
    code: str
    opens: date
    closes: date

    @property
    def label(self):
        return MATERNAL_VISIT_LABELS[self.code]

    def __contains__(self, day: date) -> bool:
        return self.opens <= day <= self.closes


def antenatal_schedule(*, lmp: date | None = None, edd: date | None = None,
                       rules: RuleSet = CURRENT_RULES) -> tuple[MaternalWindow, ...]:
    """Calendar dates of the five antenatal windows; with a corrected EDD the pregnancy starts at EDD − 280 d."""
    if edd is not None:
        start = add_days(edd, -TERM_DAYS)
    elif lmp is not None:
        start = lmp
    else:
        raise ValueError("The antenatal schedule needs the LMP or the EDD.")
    return tuple(MaternalWindow(code, add_days(start, low), add_days(start, high))
                 for code, low, high in antenatal_windows(rules))


def postpartum_schedule(delivery_date: date, discharge_date: date | None = None) -> tuple[MaternalWindow, ...]:
    """postpartum_home: discharge day 0–7 (home delivery: pass no discharge date); postpartum_42d:
    delivery + 42 … + 56 d (**project decision**)."""
    if discharge_date is not None and discharge_date < delivery_date:
        raise ValueError("Discharge cannot precede delivery.")
    start = discharge_date or delivery_date
    return (
        MaternalWindow("postpartum_home", start, add_days(start, POSTPARTUM_HOME_DAYS)),
        MaternalWindow("postpartum_42d", add_days(delivery_date, POSTPARTUM_42D_WINDOW[0]),
                       add_days(delivery_date, POSTPARTUM_42D_WINDOW[1])),
    )


class WindowTiming(StrEnum):
    EARLY = "early"
    IN_WINDOW = "in_window"
    LATE = "late"


def postpartum_42d_timing(delivery_date: date, check_date: date) -> WindowTiming:
    """§7: the 42-day check counts from delivery + 42 d; earlier does not count; after + 56 d it is late."""
    window = postpartum_schedule(delivery_date)[1]
    if check_date < window.opens:
        return WindowTiming.EARLY
    return WindowTiming.IN_WINDOW if check_date in window else WindowTiming.LATE


def counts_for_early_registration(*, registered_on: date | None, first_exam_on: date | None,
                                  lmp: date | None = None, edd: date | None = None,
                                  rules: RuleSet = CURRENT_RULES) -> bool:
    """§8 early_registration numerator (早孕建册): registered **and** first-examined before 13 w, i.e. both at
    GA ≤ the antenatal_1 cut-off (12w6d)."""
    if registered_on is None or first_exam_on is None:
        return False
    return all(gestational_age(d, lmp=lmp, edd=edd).days <= rules.antenatal_1_max_ga_days
               for d in (registered_on, first_exam_on))


def counts_for_postpartum_visit(delivery_date: date, visit_dates: Iterable[date], *,
                                discharge_date: date | None = None, rules: RuleSet = CURRENT_RULES) -> bool:
    """§8 postpartum_visit numerator: visited within 28 d of discharge (day 0–28; home delivery: of delivery)."""
    start = discharge_date or delivery_date
    last = add_days(start, rules.postpartum_visit_max_days)
    return any(start <= v <= last for v in visit_dates)
