"""Screening flags and high-risk lists (public-health-rules.md §3.1, §4.1, §5.2, §6).

**Project decision:** the system only *flags*; a doctor confirms the diagnosis and enrols.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from countyhealth.residents.rules import age_on

from .dates import add_days, is_child_age
from .elderly import in_elderly_target
from .facts import Programme, Reason
from .measures import glucose_mmol, has_central_obesity, round_half_up
from .ruleset import CURRENT_RULES, RuleSet

NEWBORN_PERIOD_DAYS = 28  # 新生儿期: birth to day 28


def hypertension_flag(birth_date: date, measured_on: date, sbp: int | None, dbp: int | None,
                      rules: RuleSet = CURRENT_RULES) -> bool:
    """PHS3 §3.1 **project decision:** aged ≥ 35 on the measurement date with SBP ≥ 140 and/or DBP ≥ 90."""
    return age_on(birth_date, measured_on) >= rules.enrolment_min_age and (
        (sbp is not None and sbp >= rules.htn_flag_sbp) or (dbp is not None and dbp >= rules.htn_flag_dbp))


def diabetes_flag(birth_date: date, measured_on: date, fpg, rules: RuleSet = CURRENT_RULES) -> bool:
    """§4.1 **project decision:** aged ≥ 35 on the measurement date with FPG ≥ 7.0 (rounded first, §0)."""
    return (fpg is not None and age_on(birth_date, measured_on) >= rules.enrolment_min_age
            and glucose_mmol(fpg) >= rules.dm_flag_fpg)


class EnrolmentFlag(StrEnum):
    HYPERTENSION_SUSPECTED = "hypertension_suspected"
    DIABETES_SUSPECTED = "diabetes_suspected"
    ELDERLY = "elderly"
    NEWBORN = "newborn"
    CHILD = "child"

    @property
    def label(self):
        return ENROLMENT_FLAG_LABELS[self]


ENROLMENT_FLAG_LABELS = {
    EnrolmentFlag.HYPERTENSION_SUSPECTED: _("Raised blood pressure: confirm hypertension"),
    EnrolmentFlag.DIABETES_SUSPECTED: _("Raised fasting glucose: confirm diabetes"),
    EnrolmentFlag.ELDERLY: _("Aged 65 or over this year: elderly health management due"),
    EnrolmentFlag.NEWBORN: _("Newborn: home visit due"),
    EnrolmentFlag.CHILD: _("Child under 7 not in child health management"),
}


@dataclass(frozen=True)
class ScreeningFacts:
    """A resident's latest recorded values (each with its own date) and current enrolments."""

    birth_date: date
    on: date
    sbp: int | None = None
    dbp: int | None = None
    bp_measured_on: date | None = None
    fpg: Decimal | float | None = None
    fpg_measured_on: date | None = None
    enrolled: frozenset = frozenset()


def enrolment_flags(facts: ScreeningFacts, rules: RuleSet = CURRENT_RULES) -> frozenset[EnrolmentFlag]:
    """Programmes a resident should be considered for and is not yet enrolled in: §3.1 BP, §4.1 FPG, §5.2
    elderly (year rule), §6 newborn (day 0–28; project decision) or any child under 7."""
    flags = set()
    if (Programme.HYPERTENSION not in facts.enrolled and facts.bp_measured_on is not None
            and hypertension_flag(facts.birth_date, facts.bp_measured_on, facts.sbp, facts.dbp, rules)):
        flags.add(EnrolmentFlag.HYPERTENSION_SUSPECTED)
    if (Programme.DIABETES not in facts.enrolled and facts.fpg_measured_on is not None
            and diabetes_flag(facts.birth_date, facts.fpg_measured_on, facts.fpg, rules)):
        flags.add(EnrolmentFlag.DIABETES_SUSPECTED)
    if Programme.ELDERLY not in facts.enrolled and in_elderly_target(facts.birth_date, facts.on.year, rules):
        flags.add(EnrolmentFlag.ELDERLY)
    if Programme.CHILD not in facts.enrolled and is_child_age(facts.birth_date, facts.on):
        newborn = facts.on <= add_days(facts.birth_date, NEWBORN_PERIOD_DAYS)
        flags.add(EnrolmentFlag.NEWBORN if newborn else EnrolmentFlag.CHILD)
    return frozenset(flags)


class RiskHistory(StrEnum):
    """History items of the high-risk lists that are answers, not measurements."""

    HTN_FAMILY_HISTORY = "htn_family_history"  # 1st or 2nd degree relative
    HIGH_SALT_DIET = "high_salt_diet"
    PREDIABETES = "prediabetes"
    DM_FAMILY_HISTORY = "dm_family_history"  # 1st degree relative
    SEDENTARY = "sedentary"
    GDM_OR_MACROSOMIA = "gdm_or_macrosomia"
    POLYCYSTIC_OVARY = "polycystic_ovary"
    ACANTHOSIS_NIGRICANS = "acanthosis_nigricans"
    HYPERTENSION = "hypertension"
    DYSLIPIDAEMIA = "dyslipidaemia"
    ASCVD = "ascvd"
    STEROID_USE = "steroid_use"
    ANTIPSYCHOTIC_OR_ANTIDEPRESSANT = "antipsychotic_or_antidepressant"

    @property
    def label(self):
        return RISK_HISTORY_LABELS[self]


RISK_HISTORY_LABELS = {
    RiskHistory.HTN_FAMILY_HISTORY: _("Family history of hypertension"),
    RiskHistory.HIGH_SALT_DIET: _("Long-term high-salt diet"),
    RiskHistory.PREDIABETES: _("Prediabetes"),
    RiskHistory.DM_FAMILY_HISTORY: _("Diabetes in a parent, sibling or child"),
    RiskHistory.SEDENTARY: _("Physically inactive"),
    RiskHistory.GDM_OR_MACROSOMIA: _("Gestational diabetes or a baby over 4 kg"),
    RiskHistory.POLYCYSTIC_OVARY: _("Polycystic ovary syndrome"),
    RiskHistory.ACANTHOSIS_NIGRICANS: _("Acanthosis nigricans"),
    RiskHistory.HYPERTENSION: _("Hypertension or on antihypertensive treatment"),
    RiskHistory.DYSLIPIDAEMIA: _("Dyslipidaemia or on lipid-lowering treatment"),
    RiskHistory.ASCVD: _("Atherosclerotic cardiovascular disease"),
    RiskHistory.STEROID_USE: _("History of steroid use"),
    RiskHistory.ANTIPSYCHOTIC_OR_ANTIDEPRESSANT: _("Long-term antipsychotic or antidepressant treatment"),
}
HTN_HISTORY_ITEMS = (RiskHistory.HTN_FAMILY_HISTORY, RiskHistory.HIGH_SALT_DIET)
DM_HISTORY_ITEMS = tuple(r for r in RiskHistory if r not in HTN_HISTORY_ITEMS)
DM_HIGH_RISK_AGE = 40  # DM2022


@dataclass(frozen=True)
class RiskFacts:
    birth_date: date
    on: date
    sex: str = "0"  # GB/T 2261.1
    sbp: int | None = None
    dbp: int | None = None
    bmi: Decimal | float | None = None
    waist_cm: Decimal | float | None = None
    liquor_ml_per_day: int | None = None  # 白酒
    history: frozenset = frozenset()


def _overweight(facts: RiskFacts, rules: RuleSet) -> bool:
    heavy = facts.bmi is not None and round_half_up(facts.bmi) >= rules.high_risk_bmi
    return heavy or bool(facts.waist_cm is not None and has_central_obesity(facts.waist_cm, facts.sex))


def hypertension_risk_factors(facts: RiskFacts, rules: RuleSet = CURRENT_RULES) -> list[Reason]:
    """PHS3 §3.1 high-risk (any one → BP at least every 6 months + lifestyle advice): BP 130–139 and/or
    85–89; BMI ≥ 24 or central obesity; family history; long-term high salt; heavy drinking (**project
    decision:** 白酒 ≥ 100 ml/day); age ≥ 55."""
    out = []
    sbp, dbp = facts.sbp or 0, facts.dbp or 0
    raised = sbp >= rules.htn_flag_sbp or dbp >= rules.htn_flag_dbp  # screen positive, not "high-risk"
    if not raised and (sbp >= rules.htn_high_risk_sbp or dbp >= rules.htn_high_risk_dbp):
        out.append(Reason("HIGH_NORMAL_BP", _("High-normal blood pressure")))
    if _overweight(facts, rules):
        out.append(Reason("OVERWEIGHT", _("Overweight or central obesity")))
    out += [Reason(item.value, item.label) for item in HTN_HISTORY_ITEMS if item in facts.history]
    if facts.liquor_ml_per_day is not None and facts.liquor_ml_per_day >= rules.heavy_drinking_ml_per_day:
        out.append(Reason("HEAVY_DRINKING", _("Long-term heavy drinking")))
    if age_on(facts.birth_date, facts.on) >= rules.htn_high_risk_age:
        out.append(Reason("AGE", _("Age %(age)s or over"), (("age", rules.htn_high_risk_age),)))
    return out


def diabetes_risk_factors(facts: RiskFacts, rules: RuleSet = CURRENT_RULES) -> list[Reason]:
    """PHS3 / DM2022 §4.1 high-risk residents (any one → education and FPG at least yearly): age ≥ 40,
    BMI ≥ 24 or central obesity, and the history items of `DM_HISTORY_ITEMS`."""
    out = []
    if age_on(facts.birth_date, facts.on) >= DM_HIGH_RISK_AGE:
        out.append(Reason("AGE", _("Age %(age)s or over"), (("age", DM_HIGH_RISK_AGE),)))
    if _overweight(facts, rules):
        out.append(Reason("OVERWEIGHT", _("Overweight or central obesity")))
    out += [Reason(item.value, item.label) for item in DM_HISTORY_ITEMS if item in facts.history]
    return out
