"""National public-health rules as pure functions (shared/design/public-health-rules.md).

No database: inputs and outputs are frozen dataclasses and enums; thresholds live in `ruleset.RuleSet`.
"""

from .child import (
    ChildSlot,
    SlotState,
    SlotStatus,
    child_management,
    child_schedule,
    child_slot_statuses,
    counts_for_newborn_visit,
    fulfilled_slots,
)
from .dates import Period, add_days, add_months, birthday, is_child_age
from .diabetes import DiabetesDangerSign, GlucoseAssessment, assess_glucose
from .elderly import (
    AuxiliaryTest,
    ElderlyCheck,
    SelfCareItem,
    SelfCareLevel,
    elderly_check_missing,
    elderly_due_list_opens,
    in_elderly_target,
    is_elderly_managed,
    self_care_band,
    self_care_choices,
    self_care_score,
)
from .enrolment import (
    EnrolmentFlag,
    RiskFacts,
    RiskHistory,
    ScreeningFacts,
    diabetes_flag,
    diabetes_risk_factors,
    enrolment_flags,
    hypertension_flag,
    hypertension_risk_factors,
)
from .facts import (
    FollowUpClass,
    FollowUpDecision,
    Membership,
    NextAction,
    PreviousVisit,
    Programme,
    Reason,
    VisitFacts,
    VisitMode,
)
from .followup import classify_visit, emergency_reasons, is_overdue
from .hypertension import HTN2020_COUNTY_REFERRAL_GUIDANCE, HypertensionDangerSign, control_target
from .indicators import (
    ChronicOutcome,
    EndReason,
    Enrolment,
    FollowUpRecord,
    RecordStatus,
    chronic_outcome,
    is_controlled_in_period,
    is_standardised,
    last_followup,
    managed_in_period,
    rate,
    record_use,
    required_followups,
)
from .maternal import (
    GestationalAge,
    MaternalAction,
    MaternalDangerSign,
    MaternalFinding,
    MaternalState,
    MaternalWindow,
    MaternalWindowStatus,
    WindowTiming,
    antenatal_schedule,
    antenatal_visit_code,
    counts_for_early_registration,
    counts_for_postpartum_visit,
    gestational_age,
    maternal_action,
    maternal_findings,
    maternal_statuses,
    maternal_visit_label,
    postpartum_42d_timing,
    postpartum_schedule,
    postpartum_visit_code,
)
from .measures import (
    BloodPressure,
    BmiClass,
    GlucoseUnit,
    bmi,
    bmi_class,
    classified_bp,
    glucose_mmol,
    has_central_obesity,
    round_half_up,
)
from .ruleset import CURRENT_RULES, RULE_SETS, RuleSet, rules_on
from .two_disease import BenefitCheck, BenefitFacts, Insurance, TwoDiseasePolicy, check_two_disease_benefit
from .validation import validate_follow_up, validate_vitals

__all__ = [
    "CURRENT_RULES", "HTN2020_COUNTY_REFERRAL_GUIDANCE", "RULE_SETS",
    "AuxiliaryTest", "BenefitCheck", "BenefitFacts", "BloodPressure", "BmiClass", "ChildSlot", "ChronicOutcome",
    "DiabetesDangerSign", "ElderlyCheck", "EndReason", "Enrolment", "EnrolmentFlag", "FollowUpClass",
    "FollowUpDecision", "FollowUpRecord", "GestationalAge", "GlucoseAssessment", "GlucoseUnit",
    "HypertensionDangerSign", "Insurance", "MaternalAction", "MaternalDangerSign", "MaternalFinding",
    "MaternalState", "MaternalWindow", "MaternalWindowStatus", "Membership", "NextAction", "Period",
    "PreviousVisit", "Programme", "Reason", "RecordStatus", "RiskFacts", "RiskHistory", "RuleSet",
    "ScreeningFacts", "SelfCareItem", "SelfCareLevel", "SlotState", "SlotStatus", "TwoDiseasePolicy",
    "VisitFacts", "VisitMode", "WindowTiming",
    "add_days", "add_months", "antenatal_schedule", "antenatal_visit_code", "assess_glucose", "birthday",
    "bmi", "bmi_class", "check_two_disease_benefit", "child_management", "child_schedule",
    "child_slot_statuses", "chronic_outcome", "classified_bp", "classify_visit", "control_target",
    "counts_for_early_registration", "counts_for_newborn_visit", "counts_for_postpartum_visit",
    "diabetes_flag", "diabetes_risk_factors", "elderly_check_missing", "elderly_due_list_opens",
    "emergency_reasons", "enrolment_flags", "fulfilled_slots", "gestational_age", "glucose_mmol",
    "has_central_obesity", "hypertension_flag", "hypertension_risk_factors", "in_elderly_target",
    "is_child_age", "is_controlled_in_period", "is_elderly_managed", "is_overdue", "is_standardised",
    "last_followup", "managed_in_period", "maternal_action", "maternal_findings", "maternal_statuses",
    "maternal_visit_label", "postpartum_42d_timing", "postpartum_schedule", "postpartum_visit_code", "rate",
    "record_use", "required_followups", "round_half_up", "rules_on", "self_care_band", "self_care_choices",
    "self_care_score", "validate_follow_up", "validate_vitals",
]
