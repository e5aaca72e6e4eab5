"""0–6 year child health programme rules (PHS3 0～6岁儿童健康管理服务规范; public-health-rules.md §6).

Slot codes: newborn_home, m1, m3, m6, m8, m12, m18, m24, m30, m36, y4, y5, y6.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from .dates import Period, add_days, add_months, birthday, is_child_age
from .facts import Membership
from .ruleset import CURRENT_RULES, RuleSet

NEWBORN_WINDOW_DAYS = 7  # PHS3: within 1 week after discharge (home birth: after birth)
ONE_MONTH_WINDOW_DAYS = (28, 30)  # PHS3: at 28–30 days of age
# Project decision: (code, months of age, days before, days after the target)
MONTH_SLOTS = (
    ("m3", 3, 15, 30), ("m6", 6, 15, 30), ("m8", 8, 15, 30), ("m12", 12, 15, 30),
    ("m18", 18, 30, 60), ("m24", 24, 30, 60), ("m30", 30, 30, 60), ("m36", 36, 30, 60),
)
YEAR_SLOTS = (("y4", 4), ("y5", 5), ("y6", 6))  # birthday … day before the next birthday

MONTH_VISIT = _("%(n)s-month visit")
YEAR_VISIT = _("%(n)s-year visit")
# code → (message, %-parameters)
SLOT_LABELS = {
    "newborn_home": (_("Newborn home visit"), {}),
    "m1": (_("One-month visit"), {}),
    **{code: (MONTH_VISIT, {"n": months}) for code, months, *_window in MONTH_SLOTS},
    **{code: (YEAR_VISIT, {"n": years}) for code, years in YEAR_SLOTS},
}


@dataclass(frozen=True)
class ChildSlot:
    """One scheduled visit: due from `opens` to `closes` (inclusive); after that a visit still fulfils it as
    late until `missed_from`, the day the slot closes as missed."""

    code: str
    target: date
    opens: date
    closes: date
    missed_from: date

    @property
    def label(self) -> str:
        message, params = SLOT_LABELS[self.code]
        return str(message) % params if params else str(message)


def child_schedule(birth_date: date, discharge_date: date | None = None, *,
                   enrolled_on: date | None = None) -> tuple[ChildSlot, ...]:
    """PHS3 §6 schedule. Targets are birth + N calendar months (clamped, §0) or the Nth birthday (§0 Age:
    29 Feb → 1 Mar); windows are **project decisions** except newborn_home (discharge day 0–7; home birth:
    pass no discharge date) and m1 (day 28–30), which the spec fixes. **Project decision:** a slot stays
    fulfillable as late until the next slot's window opens, then closes as missed. Slots already missed
    before `enrolled_on` (a child who moved in) are left out."""
    if discharge_date is not None and discharge_date < birth_date:
        raise ValueError("Discharge cannot precede birth.")
    start = discharge_date or birth_date
    windows = [
        ("newborn_home", start, start, add_days(start, NEWBORN_WINDOW_DAYS)),
        ("m1", add_days(birth_date, ONE_MONTH_WINDOW_DAYS[0]), add_days(birth_date, ONE_MONTH_WINDOW_DAYS[0]),
         add_days(birth_date, ONE_MONTH_WINDOW_DAYS[1])),
    ]
    for code, months, before, after in MONTH_SLOTS:
        target = add_months(birth_date, months)
        windows.append((code, target, add_days(target, -before), add_days(target, after)))
    for code, years in YEAR_SLOTS:
        target = birthday(birth_date, years)
        windows.append((code, target, target, add_days(birthday(birth_date, years + 1), -1)))
    slots = []
    for i, (code, target, opens, closes) in enumerate(windows):
        next_opens = windows[i + 1][2] if i + 1 < len(windows) else birthday(birth_date, 7)
        slots.append(ChildSlot(code, target, opens, closes, max(add_days(closes, 1), next_opens)))
    return tuple(s for s in slots if enrolled_on is None or s.missed_from > enrolled_on)


class SlotState(StrEnum):
    UPCOMING = "upcoming"
    DUE = "due"
    OVERDUE = "overdue"
    MISSED = "missed"
    DONE = "done"
    DONE_LATE = "done_late"

    @property
    def label(self):
        return SLOT_STATE_LABELS[self]


SLOT_STATE_LABELS = {
    SlotState.UPCOMING: _("Not yet due"),
    SlotState.DUE: _("Due"),
    SlotState.OVERDUE: _("Overdue"),
    SlotState.MISSED: _("Missed"),
    SlotState.DONE: _("Done"),
    SlotState.DONE_LATE: _("Done late"),
}


@dataclass(frozen=True)
class SlotStatus:
    slot: ChildSlot
    state: SlotState
    visit_date: date | None = None


def fulfilled_slots(schedule: Iterable[ChildSlot], visit_dates: Iterable[date]) -> dict[str, date]:
    """§6 **project decision:** each visit, in date order, fulfils one slot — the earliest (in schedule order)
    that is open (window opened, not yet missed) and not yet fulfilled. Returns {slot code: visit date}."""
    slots = list(schedule)
    done: dict[str, date] = {}
    for visit in sorted(visit_dates):
        slot = next((s for s in slots if s.code not in done and s.opens <= visit < s.missed_from), None)
        if slot is not None:
            done[slot.code] = visit
    return done


def child_slot_statuses(birth_date: date, visit_dates: Iterable[date], on: date, *,
                        discharge_date: date | None = None,
                        enrolled_on: date | None = None) -> tuple[SlotStatus, ...]:
    """The state of every slot on `on`, from the visits recorded so far."""
    schedule = child_schedule(birth_date, discharge_date, enrolled_on=enrolled_on)
    done = fulfilled_slots(schedule, [v for v in visit_dates if v <= on])
    out = []
    for slot in schedule:
        visit = done.get(slot.code)
        if visit is not None:
            state = SlotState.DONE if visit <= slot.closes else SlotState.DONE_LATE
        elif on < slot.opens:
            state = SlotState.UPCOMING
        elif on <= slot.closes:
            state = SlotState.DUE
        elif on < slot.missed_from:
            state = SlotState.OVERDUE
        else:
            state = SlotState.MISSED
        out.append(SlotStatus(slot, state, visit))
    return tuple(out)


def child_management(birth_date: date, visit_dates: Iterable[date], period: Period) -> Membership:
    """§8 child_mgmt: denominator children 0–6 (age < 7 at period end); numerator ≥ 1 child-health visit
    in the period."""
    counted = is_child_age(birth_date, period.end)
    return Membership(counted, counted and any(v in period for v in visit_dates))


def counts_for_newborn_visit(birth_date: date, newborn_visit_dates: Iterable[date],
                             rules: RuleSet = CURRENT_RULES) -> bool:
    """§8 newborn_visit numerator: ≥ 1 newborn visit; **project decision:** within 28 d of birth (day 0–28).
    The denominator is the live births of the period."""
    last = add_days(birth_date, rules.newborn_visit_max_days)
    return any(birth_date <= v <= last for v in newborn_visit_dates)
