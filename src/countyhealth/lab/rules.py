"""Pure rules of the lab: unit normalisation, abnormal flags, critical values, the alert state machine, the
escalation ladder and result recognition. Each cites its source; data lives in `catalogue.py`."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from countyhealth.core.errors import ActionError

from .catalogue import LabTest


class Flag:
    NORMAL = "N"
    LOW = "L"
    HIGH = "H"
    CRITICAL_LOW = "LL"
    CRITICAL_HIGH = "HH"


FLAG_LABELS = {Flag.NORMAL: _("Normal"), Flag.LOW: _("Low"), Flag.HIGH: _("High"),
               Flag.CRITICAL_LOW: _("Critical low"), Flag.CRITICAL_HIGH: _("Critical high")}


def parse_value(raw: str) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise ActionError(_("The value “%(value)s” is not a number.") % {"value": raw}, code="bad_value") from None
    if not value.is_finite():
        raise ActionError(_("The value “%(value)s” is not a number.") % {"value": raw}, code="bad_value")
    return value


def normalise(test: LabTest, value: Decimal, unit: str) -> Decimal:
    """critical-values.md §3 Units: convert to the stored unit, round half-up to the item's decimals; a value
    already in the stored unit keeps its reported precision (K⁺ 2.80 compares as reported). An unknown unit
    rejects the result — no silent pass."""
    accepted = test.unit_for(unit)
    if accepted is None:
        raise ActionError(_("Unknown unit “%(unit)s” for %(test)s (expected %(expected)s).")
                          % {"unit": unit, "test": test.name_zh, "expected": test.unit}, code="unknown_unit")
    if accepted.factor == 1 and accepted.offset == 0:
        return value
    converted = value * accepted.factor + accepted.offset
    return converted.quantize(Decimal(1).scaleb(-test.decimals), rounding=ROUND_HALF_UP)


def age_in_days(birth_date: date, on: date) -> int:
    return max(0, (on - birth_date).days)


def classify(test: LabTest, value: Decimal, *, sex: str, age_days: int) -> str:
    """Critical first (critical-values.md §3: low `value < low`, high `value > high` or `>=`), then the
    reference interval (below low → L, above high → H)."""
    crit = test.band(test.critical, sex, age_days)
    if crit is not None:
        if crit.low is not None and value < crit.low:
            return Flag.CRITICAL_LOW
        if crit.high is not None and (value >= crit.high if crit.high_inclusive else value > crit.high):
            return Flag.CRITICAL_HIGH
    ref = test.band(test.reference, sex, age_days)
    if ref is not None:
        if ref.low is not None and value < ref.low:
            return Flag.LOW
        if ref.high is not None and value > ref.high:
            return Flag.HIGH
    return Flag.NORMAL


def is_critical(flag: str) -> bool:
    return flag in (Flag.CRITICAL_LOW, Flag.CRITICAL_HIGH)


def reference_text(test: LabTest, *, sex: str, age_days: int) -> str:
    ref = test.band(test.reference, sex, age_days)
    if ref is None:
        return ""
    if ref.low is not None and ref.high is not None:
        return f"{ref.low}–{ref.high}"
    return f"< {ref.high}" if ref.high is not None else f"≥ {ref.low}"


# ---- critical-value alerts (critical-values.md §2) ------------------------------------------------------

class AlertStatus:
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    VOIDED = "voided"


ALERT_TRANSITIONS = {
    AlertStatus.OPEN: {AlertStatus.ACKNOWLEDGED, AlertStatus.VOIDED},
    AlertStatus.ACKNOWLEDGED: set(),
    AlertStatus.VOIDED: set(),
}


def check_alert_transition(current: str, target: str) -> None:
    if target not in ALERT_TRANSITIONS.get(current, set()):
        raise ActionError(_("This critical value is already closed."), code="alert_closed")


# §2: ack due 10 min after notification; no ack → escalation 1 (department head / centre director); 10 min
# later → escalation 2 (medical affairs). After that the project repeats the level-2 notice every 10 min
# until someone acknowledges (the Pucheng case: reported again and again) — **project decision**.
ACK_MINUTES = 10
MAX_LEVEL = 2


@dataclass(frozen=True)
class Escalation:
    level: int
    due_at: datetime


def next_escalation(level: int, now: datetime) -> Escalation:
    """Where an overdue alert at `level` goes next, and when it is due again."""
    return Escalation(min(level + 1, MAX_LEVEL), now + timedelta(minutes=ACK_MINUTES))


def readback_matches(test: LabTest, stored: Decimal, typed: str) -> bool:
    """§2 read-back: the receiver types the value; accepted only if equal to the stored value (6.8 ≠ 6.9)."""
    try:
        return Decimal(str(typed).strip()) == stored
    except (InvalidOperation, ValueError):
        return False


# ---- result recognition (检查检验结果互认) ----------------------------------------------------------------

def recognisable(*, specimen_at: datetime, window_days: int, qc_passed: bool, now: datetime) -> bool:
    """《医疗机构检查检验结果互认管理办法》(国卫医发〔2022〕6号): results of labs that pass quality control, within
    the period set per item, are recognised. Windows per test and level are data (`RecognitionRule`)."""
    return qc_passed and specimen_at <= now and now - specimen_at <= timedelta(days=window_days)
