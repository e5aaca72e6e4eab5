"""Hypertension programme rules (PHS3 高血压患者健康管理服务规范; public-health-rules.md §3)."""

from datetime import date
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from countyhealth.residents.rules import age_on

from .facts import Programme, Reason, VisitFacts
from .ruleset import RuleSet


class HypertensionDangerSign(StrEnum):
    """PHS3 §3.3 E2: each symptom is its own flag."""

    ALTERED_CONSCIOUSNESS = "e2_altered_consciousness"
    SEVERE_HEADACHE_OR_DIZZINESS = "e2_severe_headache_or_dizziness"
    NAUSEA_VOMITING = "e2_nausea_vomiting"
    BLURRED_VISION_EYE_PAIN = "e2_blurred_vision_eye_pain"
    PALPITATIONS_CHEST_TIGHTNESS = "e2_palpitations_chest_tightness"
    ORTHOPNOEA = "e2_orthopnoea"

    @property
    def label(self):
        return HYPERTENSION_DANGER_SIGN_LABELS[self]


HYPERTENSION_DANGER_SIGN_LABELS = {
    HypertensionDangerSign.ALTERED_CONSCIOUSNESS: _("Altered consciousness"),
    HypertensionDangerSign.SEVERE_HEADACHE_OR_DIZZINESS: _("Severe headache or dizziness"),
    HypertensionDangerSign.NAUSEA_VOMITING: _("Nausea and vomiting"),
    HypertensionDangerSign.BLURRED_VISION_EYE_PAIN: _("Blurred vision or eye pain"),
    HypertensionDangerSign.PALPITATIONS_CHEST_TIGHTNESS: _("Palpitations or chest tightness"),
    HypertensionDangerSign.ORTHOPNOEA: _("Breathless, unable to lie flat"),
}

# HTN2020: reasons to send a patient on to the county level; shown as guidance, not checked (§3.3).
HTN2020_COUNTY_REFERRAL_GUIDANCE = (
    _("Suspected acute coronary syndrome"),
    _("Chest or back pain"),
    _("Speech disorder or limb paralysis"),
)

E1_MESSAGE = _("SBP ≥ %(sbp)s or DBP ≥ %(dbp)s mmHg")
OTHER_UNMANAGEABLE_MESSAGE = _("Another condition the clinic cannot handle")


def is_severe_bp(sbp: int | None, dbp: int | None, rules: RuleSet) -> bool:
    """PHS3 §3.3 E1 (= §4.3 D3): SBP ≥ 180 **or** DBP ≥ 110; 179/109 is not."""
    return (sbp is not None and sbp >= rules.emergency_sbp) or (dbp is not None and dbp >= rules.emergency_dbp)


def severe_bp_params(rules: RuleSet) -> tuple:
    return (("sbp", rules.emergency_sbp), ("dbp", rules.emergency_dbp))


def emergency_reasons(facts: VisitFacts, rules: RuleSet) -> list[Reason]:
    """PHS3 §3.3 紧急转诊, items E1–E4; any item → first aid, refer at once, follow up within 2 weeks.
    E3 "above normal" = SBP ≥ 140 or DBP ≥ 90 is a **project decision**. PHS3 has no heart-rate or
    temperature item here (they are in §4.3)."""
    out = []
    if is_severe_bp(facts.sbp, facts.dbp, rules):
        out.append(Reason("E1", E1_MESSAGE, severe_bp_params(rules)))
    if facts.danger_signs:  # in the table's order, not the form's
        out += [Reason("E2", sign.label) for sign in HypertensionDangerSign if sign in facts.danger_signs]
    if (facts.pregnant or facts.lactating) and (
        (facts.sbp is not None and facts.sbp >= rules.pregnancy_sbp)
        or (facts.dbp is not None and facts.dbp >= rules.pregnancy_dbp)
    ):
        out.append(Reason("E3", _("Pregnant or breastfeeding with BP ≥ %(sbp)s/%(dbp)s mmHg"),
                          (("sbp", rules.pregnancy_sbp), ("dbp", rules.pregnancy_dbp))))
    if facts.other_unmanageable:
        out.append(Reason("E4", OTHER_UNMANAGEABLE_MESSAGE))
    return out


def control_target(birth_date: date, on: date, rules: RuleSet) -> tuple[int, int]:
    """PHS3 §3.4 控制满意 target (SBP, DBP) for the age on the visit date: < 65 → 140/90; ≥ 65 → 150/90
    (HTN2020: < 150/90 for 65–79). **Project decision:** diabetes, CKD and newer guidelines do not change it."""
    older = age_on(birth_date, on) >= rules.htn_older_age
    return (rules.htn_older_target_sbp if older else rules.htn_target_sbp), rules.htn_target_dbp


def is_controlled(visit, birth_date: date, rules: RuleSet) -> bool:
    """PHS3 §3.4: controlled when SBP < target **and** DBP < 90; uncontrolled when either reaches it.
    `visit` is any object with `visit_date`, `sbp` and `dbp` (this visit or the previous one)."""
    if visit.sbp is None or visit.dbp is None:
        raise ValueError("A hypertension follow-up needs SBP and DBP.")
    target_sbp, target_dbp = control_target(birth_date, visit.visit_date, rules)
    return visit.sbp < target_sbp and visit.dbp < target_dbp


def notices(facts: VisitFacts, rules: RuleSet) -> tuple[list[Reason], list[Reason]]:
    """(warnings, advisories) for a resident in the hypertension programme.
    **Project decision** (§3.3): hypertension alone, HR > 100 only warns — in both programmes D5 refers.
    HTN2020 < 130/80 with diabetes or CKD is advice only (§3.4 project decision)."""
    warnings, advisories = [], []
    if (facts.heart_rate is not None and facts.heart_rate > rules.heart_rate_max
            and Programme.DIABETES not in facts.programmes):
        warnings.append(Reason("TACHYCARDIA", _("Heart rate above %(hr)s/min: check for a cause"),
                               (("hr", rules.heart_rate_max),)))
    if (facts.sbp is not None and facts.dbp is not None
            and (Programme.DIABETES in facts.programmes or facts.has_ckd)
            and is_controlled(facts, facts.birth_date, rules)
            and (facts.sbp >= rules.htn_advice_sbp or facts.dbp >= rules.htn_advice_dbp)):
        advisories.append(Reason(
            "BP_ABOVE_CLINICAL_TARGET",
            _("With diabetes or chronic kidney disease HTN2020 advises BP below %(sbp)s/%(dbp)s mmHg"),
            (("sbp", rules.htn_advice_sbp), ("dbp", rules.htn_advice_dbp)),
        ))
    return warnings, advisories
