"""Indicator predicates (PHS3 考核指标; public-health-rules.md §8, definitions §8.1).

Indicators are computed from records per organisation and period, never stored. These functions decide
where one person stands; the caller counts. Rates are × 100 %.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from .dates import Period, add_days, quarter_of
from .facts import Membership, Programme, VisitMode
from .followup import PROGRAMME_RULES
from .measures import round_half_up
from .ruleset import CURRENT_RULES, RuleSet, rules_on


class EndReason(StrEnum):
    DEATH = "death"
    MOVED_OUT = "moved_out"
    OTHER = "other"  # e.g. diagnosis withdrawn: counted for the days enrolled


@dataclass(frozen=True)
class Enrolment:
    """A resident's enrolment in a chronic programme. Lost to follow-up (失访) is not an end: §8.1 keeps the
    patient in numerator and denominator."""

    programme: Programme
    birth_date: date
    enrolled_on: date
    ended_on: date | None = None
    end_reason: EndReason | None = None


@dataclass(frozen=True)
class FollowUpRecord:
    """A follow-up as the indicators see it; `recorded_order` (e.g. the row id) breaks same-date ties.
    Annual health checks are not follow-ups and are never passed here."""

    visit_date: date
    mode: VisitMode
    sbp: int | None = None
    dbp: int | None = None
    fpg: Decimal | float | None = None
    recorded_order: int = 0


def managed_in_period(enrolment: Enrolment, period: Period) -> bool:
    """§8.1 年内已管理: enrolled on any day of the period; an enrolment ended in the period by death or moving
    out is excluded from numerator and denominator; lost stays in both."""
    if enrolment.enrolled_on > period.end:
        return False
    if enrolment.ended_on is None:
        return True
    if enrolment.ended_on < period.start:
        return False
    return not (enrolment.ended_on in period and enrolment.end_reason in (EndReason.DEATH, EndReason.MOVED_OUT))


def _counting(enrolment: Enrolment, followups: Iterable[FollowUpRecord], period: Period) -> list[FollowUpRecord]:
    """Face-to-face follow-ups dated in the period (diabetes: with FPG); phone visits never count."""
    return [f for f in followups
            if f.mode.face_to_face and f.visit_date in period and f.visit_date >= enrolment.enrolled_on
            and (enrolment.programme != Programme.DIABETES or f.fpg is not None)]


def required_followups(enrolment: Enrolment, period: Period, rules: RuleSet = CURRENT_RULES) -> int:
    """§8.1 **project decision** R: 4; enrolled during the period → the calendar quarters from the enrolment
    quarter to the period end (1–4)."""
    return min(rules.standardised_min_followups, len(period.quarters_from(enrolment.enrolled_on)))


def is_standardised(enrolment: Enrolment, followups: Iterable[FollowUpRecord], period: Period,
                    rules: RuleSet = CURRENT_RULES) -> bool:
    """§8.1 规范管理: ≥ R face-to-face follow-ups on distinct dates in the period (diabetes: with FPG). With the
    rule set's `one_per_quarter` flag (some provinces) each of those quarters also needs one."""
    if not managed_in_period(enrolment, period):
        return False
    counting = _counting(enrolment, followups, period)
    if len({f.visit_date for f in counting}) < required_followups(enrolment, period, rules):
        return False
    if rules.one_per_quarter:
        seen = {quarter_of(f.visit_date) for f in counting}
        return all(q in seen for q in period.quarters_from(enrolment.enrolled_on))
    return True


def last_followup(enrolment: Enrolment, followups: Iterable[FollowUpRecord],
                  period: Period) -> FollowUpRecord | None:
    """§8.1: the latest face-to-face follow-up dated in the period; same date → the later recorded; emergency
    visits count."""
    counting = _counting(enrolment, followups, period)
    return max(counting, key=lambda f: (f.visit_date, f.recorded_order), default=None)


def is_controlled_in_period(enrolment: Enrolment, followups: Iterable[FollowUpRecord], period: Period) -> bool:
    """§8 htn_control / dm_control numerator: the last follow-up in the period is controlled (§3.4 with the age
    on that date, SBP **and** DBP; §4.4 FPG < 7.0). No face-to-face follow-up → not controlled (§8.1 lost =
    uncontrolled, PHS3 若失访则判断为未达标)."""
    last = last_followup(enrolment, followups, period)
    if last is None:
        return False
    try:
        return PROGRAMME_RULES[enrolment.programme].is_controlled(last, enrolment.birth_date,
                                                                   rules_on(last.visit_date))
    except ValueError:
        return False


@dataclass(frozen=True)
class ChronicOutcome:
    managed: bool  # denominator of both rates
    standardised: bool
    controlled: bool


def chronic_outcome(enrolment: Enrolment, followups: Iterable[FollowUpRecord], period: Period,
                    rules: RuleSet = CURRENT_RULES) -> ChronicOutcome:
    """One patient's place in htn_/dm_standardised_mgmt and htn_/dm_control."""
    followups = list(followups)
    if not managed_in_period(enrolment, period):
        return ChronicOutcome(False, False, False)
    return ChronicOutcome(True, is_standardised(enrolment, followups, period, rules),
                          is_controlled_in_period(enrolment, followups, period))


class RecordStatus(StrEnum):
    ACTIVE = "active"
    LOST = "lost"
    DEAD = "dead"
    MOVED_OUT = "moved_out"


def record_use(status: RecordStatus, last_dynamic_entry: date | None, on: date,
               rules: RuleSet = CURRENT_RULES) -> Membership:
    """§8 record_use (健康档案使用率): denominator all records except dead / moved out; numerator those with a
    dynamic entry (linked medical record or spec service record) in the last 365 days up to `on`."""
    counted = status not in (RecordStatus.DEAD, RecordStatus.MOVED_OUT)
    recent = last_dynamic_entry is not None and add_days(on, -rules.record_use_days) < last_dynamic_entry <= on
    return Membership(counted, counted and recent)


def rate(numerator: int, denominator: int) -> Decimal | None:
    """× 100 %, 1 decimal half-up; None when the denominator is 0 (no rate, rather than 0 %). Coverage can
    pass 100 % when the configured resident population is below the records, so that is not refused."""
    if numerator < 0 or denominator < 0:
        raise ValueError("A rate needs non-negative counts.")
    return round_half_up(Decimal(numerator) * 100 / denominator) if denominator else None
