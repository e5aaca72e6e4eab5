"""Maternal programme rules (PHS3 孕产妇健康管理服务规范; public-health-rules.md §7)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from .child import SLOT_STATE_LABELS, SlotState
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


# --- the visit schedule on a given day ---------------------------------------------------------------------

EXTRA_VISIT_LABELS = {
    "antenatal_extra": _("Additional antenatal visit"),
    "postpartum_extra": _("Additional postpartum visit"),
}


def maternal_visit_label(code: str) -> str:
    return str(MATERNAL_VISIT_LABELS.get(code) or EXTRA_VISIT_LABELS[code])


class MaternalState(StrEnum):
    UPCOMING = "upcoming"
    DUE = "due"
    MISSED = "missed"
    DONE = "done"

    @property
    def label(self):
        return SLOT_STATE_LABELS[SlotState(self.value)]  # the same words as the child schedule


@dataclass(frozen=True)
class MaternalWindowStatus:
    window: MaternalWindow
    state: MaternalState
    visit_date: date | None = None


def maternal_statuses(windows: Iterable[MaternalWindow], done: dict[str, date], on: date
                      ) -> tuple[MaternalWindowStatus, ...]:
    """Each window's state on `on`: done (a visit fulfils it), upcoming, due (open today) or missed (closed
    without a visit: PHS3 gives no grace period for maternal visits)."""
    out = []
    for window in windows:
        if window.code in done:
            out.append(MaternalWindowStatus(window, MaternalState.DONE, done[window.code]))
        elif on < window.opens:
            out.append(MaternalWindowStatus(window, MaternalState.UPCOMING))
        else:
            out.append(MaternalWindowStatus(window, MaternalState.DUE if on <= window.closes else MaternalState.MISSED))
    return tuple(out)


def postpartum_visit_code(delivery_date: date, visit_date: date, done: Iterable[str]) -> str | None:
    """A postpartum visit from delivery + 42 d is the 42-day check (§7: earlier does not count); before that it
    is the home visit, or an additional one once the home visit is done. None: the 42-day check is done."""
    done = set(done)
    if postpartum_42d_timing(delivery_date, visit_date) == WindowTiming.EARLY:
        return "postpartum_extra" if "postpartum_home" in done else "postpartum_home"
    return None if "postpartum_42d" in done else "postpartum_42d"


# --- findings that refer -------------------------------------------------------------------------------

class MaternalDangerSign(StrEnum):
    """PHS3 §7 "danger signs → refer at once": the warning signs the 母子健康手册 teaches."""

    BLEEDING = "bleeding"
    HEADACHE_VISION = "headache_vision"
    CONVULSION = "convulsion"
    REDUCED_FETAL_MOVEMENT = "reduced_fetal_movement"
    RUPTURED_MEMBRANES = "ruptured_membranes"
    FEVER = "fever"
    DEPRESSION = "depression"

    @property
    def label(self):
        return DANGER_SIGN_LABELS[self]


DANGER_SIGN_LABELS = {
    MaternalDangerSign.BLEEDING: _("Vaginal bleeding or heavy lochia"),
    MaternalDangerSign.HEADACHE_VISION: _("Severe headache or blurred vision"),
    MaternalDangerSign.CONVULSION: _("Convulsion"),
    MaternalDangerSign.REDUCED_FETAL_MOVEMENT: _("Reduced fetal movement"),
    MaternalDangerSign.RUPTURED_MEMBRANES: _("Ruptured membranes"),
    MaternalDangerSign.FEVER: _("Fever or signs of infection"),
    MaternalDangerSign.DEPRESSION: _("Signs of postpartum depression"),
}

PREGNANCY_HYPERTENSION = (140, 90)  # 妊娠期高血压疾病诊治指南(2020): SBP ≥ 140 or DBP ≥ 90 mmHg
SEVERE_PREGNANCY_HYPERTENSION = (160, 110)  # same guideline: severe, treat and transfer at once
ANTENATAL_ANAEMIA_HB = 110  # 妊娠期铁缺乏和缺铁性贫血诊治指南(2014): Hb < 110 g/L
POSTPARTUM_ANAEMIA_HB = 100  # WHO: postpartum anaemia Hb < 100 g/L
FETAL_HEART_RATE = (110, 160)  # 电子胎心监护应用专家共识(2015): normal baseline 110–160 /min


class MaternalAction(StrEnum):
    ROUTINE = "routine"
    REFERRAL = "referral"
    EMERGENCY_REFERRAL = "emergency_referral"


@dataclass(frozen=True)
class MaternalFinding:
    code: str
    label: str
    emergency: bool


def maternal_findings(*, antenatal: bool, sbp: int | None = None, dbp: int | None = None,
                      haemoglobin: int | None = None, fetal_heart_rate: int | None = None,
                      danger_signs: Iterable[MaternalDangerSign] = ()) -> tuple[MaternalFinding, ...]:
    """§7: risk factors and abnormal findings refer (follow-up ≤ 2 weeks); danger signs and severe
    hypertension refer at once."""
    found = [MaternalFinding(s.value, str(s.label), True) for s in danger_signs]
    if sbp is not None and dbp is not None:
        if sbp >= SEVERE_PREGNANCY_HYPERTENSION[0] or dbp >= SEVERE_PREGNANCY_HYPERTENSION[1]:
            found.append(MaternalFinding("severe_hypertension", str(_("Severe hypertension (≥ 160/110 mmHg)")), True))
        elif sbp >= PREGNANCY_HYPERTENSION[0] or dbp >= PREGNANCY_HYPERTENSION[1]:
            found.append(MaternalFinding("hypertension", str(_("Raised blood pressure (≥ 140/90 mmHg)")), False))
    limit = ANTENATAL_ANAEMIA_HB if antenatal else POSTPARTUM_ANAEMIA_HB
    if haemoglobin is not None and haemoglobin < limit:
        found.append(MaternalFinding("anaemia", str(_("Anaemia (Hb < %(limit)s g/L)") % {"limit": limit}), False))
    if antenatal and fetal_heart_rate is not None and not FETAL_HEART_RATE[0] <= fetal_heart_rate <= FETAL_HEART_RATE[1]:
        found.append(MaternalFinding("fetal_heart_rate", str(_("Fetal heart rate outside 110–160/min")), False))
    return tuple(found)


def maternal_action(findings: Iterable[MaternalFinding]) -> MaternalAction:
    findings = list(findings)
    if any(f.emergency for f in findings):
        return MaternalAction.EMERGENCY_REFERRAL
    return MaternalAction.REFERRAL if findings else MaternalAction.ROUTINE


REFERRAL_FOLLOW_UP_DAYS = 14  # §7: after a referral, follow up within 2 weeks
