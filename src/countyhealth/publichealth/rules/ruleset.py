"""Versioned thresholds of the public-health rules (public-health-rules.md: "implement each table as data").

A change of national text or of a project decision adds a new `RuleSet` with its `effective_from`; visits are
judged by the rule set in force on their own date (`rules_on`), so history is never re-classified.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class RuleSet:
    effective_from: date

    # §3.1 screening, enrolment flag and high-risk list (PHS3)
    enrolment_min_age: int = 35
    htn_flag_sbp: int = 140
    htn_flag_dbp: int = 90
    htn_high_risk_sbp: int = 130
    htn_high_risk_dbp: int = 85
    htn_high_risk_age: int = 55
    high_risk_bmi: Decimal = Decimal("24.0")
    # Project decision (§3.1): 白酒 ≥ 100 ml/day; some training material says 200 ml.
    heavy_drinking_ml_per_day: int = 100

    # §3.3 / §4.3 emergency referral (PHS3)
    emergency_sbp: int = 180
    emergency_dbp: int = 110
    # Project decision (§3.3 E3): "above normal" in pregnancy/lactation = SBP ≥ 140 or DBP ≥ 90.
    pregnancy_sbp: int = 140
    pregnancy_dbp: int = 90
    glucose_emergency_high: Decimal = Decimal("16.7")  # ≥
    glucose_emergency_low: Decimal = Decimal("3.9")  # ≤
    heart_rate_max: int = 100  # > is D5 (diabetes) or a warning (hypertension alone)
    temperature_max: Decimal = Decimal("39.0")  # > is D6
    # Project decision (§4.3 D8): pregnant FPG ≥ 5.1 (WS331), lactating FPG ≥ 6.1.
    pregnant_fpg: Decimal = Decimal("5.1")
    lactating_fpg: Decimal = Decimal("6.1")

    # §3.4 control target (PHS3 分类干预); lower clinical targets are advice only.
    htn_target_sbp: int = 140
    htn_older_age: int = 65
    htn_older_target_sbp: int = 150
    htn_target_dbp: int = 90
    htn_advice_sbp: int = 130  # HTN2020 with diabetes or CKD
    htn_advice_dbp: int = 80

    # §4.1 / §4.4 glucose (PHS3, DM2022)
    dm_flag_fpg: Decimal = Decimal("7.0")
    dm_control_fpg: Decimal = Decimal("7.0")  # controlled when <
    dm_guideline_low_fpg: Decimal = Decimal("4.4")  # advisory below (project decision, §4.4)

    # §3.5 due dates: "2周内" and the routine interval (project decision: 3 months, HTN2020)
    revisit_days: int = 14
    routine_months: int = 3

    # §5.2 elderly
    elderly_age: int = 65

    # §7 maternal: antenatal_1 window, GA ≤ 12w6d; some provinces use 13w6d (97 d)
    antenatal_1_max_ga_days: int = 90

    # §8.1 standardised management
    standardised_min_followups: int = 4
    one_per_quarter: bool = False
    newborn_visit_max_days: int = 28  # newborn_visit indicator, project decision
    postpartum_visit_max_days: int = 28  # postpartum_visit indicator
    record_use_days: int = 365


RULE_SETS: tuple[RuleSet, ...] = (
    # PHS3 (2017) with the project decisions of public-health-rules.md; applied to every visit from 2017 on.
    RuleSet(effective_from=date(2017, 1, 1)),
)
CURRENT_RULES: RuleSet = RULE_SETS[-1]


def rules_on(day: date) -> RuleSet:
    """The rule set in force on a date; dates before the first rule set use the first one."""
    in_force = [r for r in RULE_SETS if r.effective_from <= day]
    return max(in_force, key=lambda r: r.effective_from) if in_force else RULE_SETS[0]
