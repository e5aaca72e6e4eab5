"""Type 2 diabetes programme rules (PHS3 2型糖尿病患者健康管理服务规范, DM2022; public-health-rules.md §4)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from .facts import Reason, VisitFacts
from .hypertension import E1_MESSAGE, OTHER_UNMANAGEABLE_MESSAGE, is_severe_bp, severe_bp_params
from .measures import glucose_mmol, round_half_up
from .ruleset import RuleSet


class DiabetesDangerSign(StrEnum):
    """PHS3 §4.3 D4 symptoms (each its own flag) and D7 sudden abnormality."""

    ALTERED_CONSCIOUSNESS_OR_BEHAVIOUR = "d4_altered_consciousness_or_behaviour"
    ACETONE_BREATH = "d4_acetone_breath"
    PALPITATIONS_SWEATING = "d4_palpitations_sweating"
    ANOREXIA_NAUSEA_VOMITING = "d4_anorexia_nausea_vomiting"
    POLYDIPSIA_POLYURIA = "d4_polydipsia_polyuria"
    ABDOMINAL_PAIN = "d4_abdominal_pain"
    DEEP_RAPID_BREATHING = "d4_deep_rapid_breathing"
    FLUSHED_SKIN = "d4_flushed_skin"
    SUDDEN_VISION_LOSS = "d7_sudden_vision_loss"

    @property
    def label(self):
        return DIABETES_DANGER_SIGN_LABELS[self]

    @property
    def criterion(self) -> str:
        return "D7" if self is DiabetesDangerSign.SUDDEN_VISION_LOSS else "D4"


DIABETES_DANGER_SIGN_LABELS = {
    DiabetesDangerSign.ALTERED_CONSCIOUSNESS_OR_BEHAVIOUR: _("Altered consciousness or behaviour"),
    DiabetesDangerSign.ACETONE_BREATH: _("Breath smells of rotten apples (acetone)"),
    DiabetesDangerSign.PALPITATIONS_SWEATING: _("Palpitations and sweating"),
    DiabetesDangerSign.ANOREXIA_NAUSEA_VOMITING: _("Loss of appetite, nausea or vomiting"),
    DiabetesDangerSign.POLYDIPSIA_POLYURIA: _("Excessive thirst and urination"),
    DiabetesDangerSign.ABDOMINAL_PAIN: _("Abdominal pain"),
    DiabetesDangerSign.DEEP_RAPID_BREATHING: _("Deep, rapid breathing"),
    DiabetesDangerSign.FLUSHED_SKIN: _("Flushed skin"),
    DiabetesDangerSign.SUDDEN_VISION_LOSS: _("Sudden loss of vision or other sudden abnormality"),
}


def _glucose_values(facts: VisitFacts) -> list[Decimal]:
    return [glucose_mmol(v) for v in (facts.fpg, facts.random_glucose) if v is not None]


def emergency_reasons(facts: VisitFacts, rules: RuleSet) -> list[Reason]:
    """PHS3 §4.3 紧急转诊, items D1–D9, on glucose rounded half-up to 1 decimal first (§0).
    D1/D2 use any glucose measured (FPG or random); D8 uses FPG: **project decision** pregnant ≥ 5.1 (WS331),
    lactating ≥ 6.1."""
    out = []
    glucose = _glucose_values(facts)
    if any(g >= rules.glucose_emergency_high for g in glucose):
        out.append(Reason("D1", _("Blood glucose ≥ %(value)s mmol/L"), (("value", rules.glucose_emergency_high),)))
    if any(g <= rules.glucose_emergency_low for g in glucose):
        out.append(Reason("D2", _("Blood glucose ≤ %(value)s mmol/L"), (("value", rules.glucose_emergency_low),)))
    if is_severe_bp(facts.sbp, facts.dbp, rules):
        out.append(Reason("D3", E1_MESSAGE, severe_bp_params(rules)))
    if facts.danger_signs:  # in the table's order, not the form's
        out += [Reason("D4", sign.label) for sign in DiabetesDangerSign
                if sign.criterion == "D4" and sign in facts.danger_signs]
    if facts.heart_rate is not None and facts.heart_rate > rules.heart_rate_max:
        out.append(Reason("D5", _("Persistent tachycardia: heart rate above %(hr)s/min"),
                          (("hr", rules.heart_rate_max),)))
    if facts.temperature is not None and round_half_up(facts.temperature) > rules.temperature_max:
        out.append(Reason("D6", _("Temperature above %(t)s ℃"), (("t", rules.temperature_max),)))
    if DiabetesDangerSign.SUDDEN_VISION_LOSS in facts.danger_signs:
        out.append(Reason("D7", DiabetesDangerSign.SUDDEN_VISION_LOSS.label))
    if facts.fpg is not None:
        fpg = glucose_mmol(facts.fpg)
        if facts.pregnant and fpg >= rules.pregnant_fpg:
            out.append(Reason("D8", _("Pregnant with fasting glucose ≥ %(value)s mmol/L"),
                              (("value", rules.pregnant_fpg),)))
        elif facts.lactating and fpg >= rules.lactating_fpg:
            out.append(Reason("D8", _("Breastfeeding with fasting glucose ≥ %(value)s mmol/L"),
                              (("value", rules.lactating_fpg),)))
    if facts.other_unmanageable:
        out.append(Reason("D9", OTHER_UNMANAGEABLE_MESSAGE))
    return out


def is_controlled(visit, birth_date: date, rules: RuleSet) -> bool:
    """PHS3 §4.4: controlled when FPG < 7.0 mmol/L (after rounding); a random glucose never decides control
    (§4.2 project decision). `birth_date` is unused, kept so both programmes share one signature."""
    if visit.fpg is None:
        raise ValueError("A diabetes follow-up needs a fasting plasma glucose.")
    return glucose_mmol(visit.fpg) < rules.dm_control_fpg


def notices(facts: VisitFacts, rules: RuleSet) -> tuple[list[Reason], list[Reason]]:
    """(warnings, advisories). **Project decision** (§4.4): FPG 4.0–4.3 is still controlled but gets the
    advisory "below the DM2022 target 4.4–7.0"; at ≤ 3.9 D2 refers instead."""
    advisories = []
    if facts.fpg is not None:
        fpg = glucose_mmol(facts.fpg)
        if rules.glucose_emergency_low < fpg < rules.dm_guideline_low_fpg:
            advisories.append(Reason("FPG_BELOW_GUIDELINE",
                                     _("Fasting glucose below %(value)s mmol/L, under the DM2022 target"),
                                     (("value", rules.dm_guideline_low_fpg),)))
    return [], advisories


# DM2022 (WHO 1999) diagnostic thresholds, mmol/L; HbA1c in %.
DIAGNOSTIC_FPG = Decimal("7.0")
DIAGNOSTIC_2H = Decimal("11.1")
DIAGNOSTIC_RANDOM = Decimal("11.1")
DIAGNOSTIC_HBA1C = Decimal("6.5")
IFG_LOW = Decimal("6.1")
IGT_LOW = Decimal("7.8")


@dataclass(frozen=True)
class GlucoseAssessment:
    diabetes_range: bool
    ifg: bool
    igt: bool
    confirm_on_another_day: bool


def assess_glucose(*, fpg=None, ogtt_2h=None, random_glucose=None, typical_symptoms: bool = False,
                   hba1c=None) -> GlucoseAssessment:
    """DM2022 §4.1 (WHO 1999): diabetes range = symptoms + random ≥ 11.1, or FPG ≥ 7.0, or OGTT 2 h ≥ 11.1, or
    HbA1c ≥ 6.5 % (quality-controlled laboratory); without typical symptoms repeat on another day.
    IFG = FPG 6.1–<7.0, IGT = OGTT 2 h 7.8–<11.1. Glucose rounded to 1 decimal first (§0)."""
    f = glucose_mmol(fpg) if fpg is not None else None
    h = glucose_mmol(ogtt_2h) if ogtt_2h is not None else None
    r = glucose_mmol(random_glucose) if random_glucose is not None else None
    in_range = bool(
        (typical_symptoms and r is not None and r >= DIAGNOSTIC_RANDOM)
        or (f is not None and f >= DIAGNOSTIC_FPG)
        or (h is not None and h >= DIAGNOSTIC_2H)
        or (hba1c is not None and round_half_up(hba1c) >= DIAGNOSTIC_HBA1C)
    )
    return GlucoseAssessment(
        diabetes_range=in_range,
        ifg=f is not None and IFG_LOW <= f < DIAGNOSTIC_FPG,
        igt=h is not None and IGT_LOW <= h < DIAGNOSTIC_2H,
        confirm_on_another_day=in_range and not typical_symptoms,
    )
