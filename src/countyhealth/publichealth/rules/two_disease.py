"""两病 outpatient drug benefit check (YB54 医保发〔2019〕54号; public-health-rules.md §9).

A pure check over plain facts before settlement at a village clinic. Ratios, deductibles and caps are
pooling-region policy data applied at settlement, not here.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from .dates import add_days
from .facts import Programme, Reason

# ICD-10 categories confirming each disease (Q2)
DIAGNOSIS_CATEGORIES = {
    Programme.HYPERTENSION: frozenset({"I10", "I11", "I12", "I13", "I14", "I15"}),
    Programme.DIABETES: frozenset({"E10", "E11", "E12", "E13", "E14"}),
}


class Insurance(StrEnum):
    RESIDENT = "resident"  # 城乡居民基本医疗保险
    EMPLOYEE = "employee"  # 职工基本医疗保险
    NONE = "none"


@dataclass(frozen=True)
class TwoDiseasePolicy:
    """Regional settings. `confirm_min_level`: lowest hospital level (1–3) allowed to confirm the diagnosis
    (some regions require 二级及以上 = 2); `require_management` (Q4, **project decision**: on by default);
    `medication_lookback_days` (Q3, **project decision**: 90); `max_institution_level`: YB54 二级及以下."""

    confirm_min_level: int = 1
    require_management: bool = True
    medication_lookback_days: int = 90
    max_institution_level: int = 2


DEFAULT_POLICY = TwoDiseasePolicy()


@dataclass(frozen=True)
class BenefitFacts:
    disease: Programme
    on: date
    insurance: Insurance
    insurance_active: bool
    diagnosis_code: str | None = None  # ICD-10, e.g. "I10" or "E11.900"
    diagnosis_confirmed_at_level: int | None = None  # level of the confirming institution
    on_medication_at_latest_followup: bool = False
    last_prescribed_on: date | None = None
    enrolled: bool = False
    lost: bool = False
    in_chronic_special_scheme: bool = False  # 门诊慢特病 for this disease
    institution_designated: bool = False
    institution_level: int = 1
    drug_on_regional_list: bool = False


@dataclass(frozen=True)
class BenefitCheck:
    qualified: bool
    passed: tuple[str, ...]
    failures: tuple[Reason, ...]


FAILURES = {
    "Q1": _("Not insured by active resident medical insurance on this date"),
    "Q2": _("No confirmed diagnosis of this disease recorded by an institution allowed to confirm it"),
    "Q3": _("Not on drug treatment for this disease"),
    "Q4": _("Not in the programme's management, or lost to follow-up"),
    "Q5": _("Covered by the outpatient chronic and special disease benefit for this disease"),
    "Q6": _("Not a designated primary institution of level 2 or below, or the drug is not on the regional list"),
}


def check_two_disease_benefit(facts: BenefitFacts, policy: TwoDiseasePolicy = DEFAULT_POLICY) -> BenefitCheck:
    """YB54 checks Q1–Q6; all pass → qualified (免申即享, no application); each failure carries its code.

    Q1 active 城乡居民医保 (职工医保 → not eligible) · Q2 confirmed diagnosis, ICD-10 I10–I15 / E10–E14, by an
    institution of at least the regional level · Q3 drug on the latest follow-up or prescribed in the last
    90 d · Q4 enrolled and not lost (regional flag) · Q5 not in 门诊慢特病 for the disease · Q6 designated
    ≤ level-2 primary institution and drug on the regional 两病 list."""
    if facts.disease not in DIAGNOSIS_CATEGORIES:
        raise ValueError("The 两病 benefit covers hypertension and diabetes only.")
    code = (facts.diagnosis_code or "").strip().upper()[:3]
    lookback_start = add_days(facts.on, -policy.medication_lookback_days)
    checks = {
        "Q1": facts.insurance == Insurance.RESIDENT and facts.insurance_active,
        "Q2": code in DIAGNOSIS_CATEGORIES[facts.disease] and facts.diagnosis_confirmed_at_level is not None
        and facts.diagnosis_confirmed_at_level >= policy.confirm_min_level,
        "Q3": facts.on_medication_at_latest_followup or (
            facts.last_prescribed_on is not None and lookback_start <= facts.last_prescribed_on <= facts.on),
        "Q4": not policy.require_management or (facts.enrolled and not facts.lost),
        "Q5": not facts.in_chronic_special_scheme,
        "Q6": facts.institution_designated and facts.institution_level <= policy.max_institution_level
        and facts.drug_on_regional_list,
    }
    failures = tuple(Reason(q, FAILURES[q]) for q, ok in checks.items() if not ok)
    return BenefitCheck(not failures, tuple(q for q, ok in checks.items() if ok), failures)
