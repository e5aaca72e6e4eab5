"""Elderly programme rules (PHS3 老年人健康管理服务规范; public-health-rules.md §5)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from .facts import Reason
from .ruleset import CURRENT_RULES, RuleSet


def in_elderly_target(birth_date: date, year: int, rules: RuleSet = CURRENT_RULES) -> bool:
    """§5.2 **project decision:** for year Y the target population is residents aged ≥ 65 on 31 Dec Y, i.e.
    born in Y − 65 or earlier; a check in Y counts even before the 65th birthday."""
    return birth_date.year <= year - rules.elderly_age


def elderly_due_list_opens(year: int) -> date:
    """§5.2 project decision: the year's due list opens on 1 Jan."""
    return date(year, 1, 1)


class SelfCareItem(StrEnum):
    MEALS = "meals"
    GROOMING = "grooming"
    DRESSING = "dressing"
    TOILETING = "toileting"
    MOBILITY = "mobility"

    @property
    def label(self):
        return SELF_CARE_ITEM_LABELS[self]


SELF_CARE_ITEM_LABELS = {
    SelfCareItem.MEALS: _("Eating"),
    SelfCareItem.GROOMING: _("Grooming"),
    SelfCareItem.DRESSING: _("Dressing"),
    SelfCareItem.TOILETING: _("Toileting"),
    SelfCareItem.MOBILITY: _("Moving about"),
}


class SelfCareLevel(StrEnum):
    """An answer column of the form, and the band of the total score (same four names)."""

    INDEPENDENT = "independent"
    MILD = "mild"
    MODERATE = "moderate"
    DEPENDENT = "dependent"

    @property
    def label(self):
        return SELF_CARE_LEVEL_LABELS[self]


SELF_CARE_LEVEL_LABELS = {
    SelfCareLevel.INDEPENDENT: _("Self-caring"),
    SelfCareLevel.MILD: _("Mildly dependent"),
    SelfCareLevel.MODERATE: _("Moderately dependent"),
    SelfCareLevel.DEPENDENT: _("Unable to care for self"),
}
_LEVELS = tuple(SelfCareLevel)
# PHS3 老年人生活自理能力评估表, scores per answer column (independent → fully dependent). The printed form has
# no mild answer ("—") for eating and dressing; §5.1 writes that column as 0, here None = not on the form.
SELF_CARE_SCORES: Mapping[SelfCareItem, tuple[int | None, ...]] = {
    SelfCareItem.MEALS: (0, None, 3, 5),
    SelfCareItem.GROOMING: (0, 1, 3, 7),
    SelfCareItem.DRESSING: (0, None, 3, 5),
    SelfCareItem.TOILETING: (0, 1, 5, 10),
    SelfCareItem.MOBILITY: (0, 1, 5, 10),
}
SELF_CARE_MAX = sum(max(s for s in scores if s is not None) for scores in SELF_CARE_SCORES.values())
# PHS3 §5.1 total bands: 0–3, 4–8, 9–18, ≥ 19 (lower bounds).
SELF_CARE_BANDS = ((19, SelfCareLevel.DEPENDENT), (9, SelfCareLevel.MODERATE), (4, SelfCareLevel.MILD),
                   (0, SelfCareLevel.INDEPENDENT))


def self_care_choices(item: SelfCareItem) -> list[tuple[SelfCareLevel, int]]:
    """The answers the form offers for an item, with their scores."""
    return [(level, score) for level, score in zip(_LEVELS, SELF_CARE_SCORES[item], strict=True)
            if score is not None]


def self_care_score(answers: Mapping[SelfCareItem, SelfCareLevel]) -> int:
    """PHS3 §5.1 total of the five items; every item must be answered with an answer the form offers."""
    if set(answers) != set(SelfCareItem):
        raise ValueError("All five self-care items must be answered.")
    total = 0
    for item, level in answers.items():
        score = SELF_CARE_SCORES[item][_LEVELS.index(level)]
        if score is None:
            raise ValueError(f"{item} has no {level} answer on the form.")
        total += score
    return total


def self_care_band(score: int) -> SelfCareLevel:
    """PHS3 §5.1: 0–3 可自理, 4–8 轻度依赖, 9–18 中度依赖, ≥ 19 不能自理."""
    if not 0 <= score <= SELF_CARE_MAX:
        raise ValueError(f"A self-care score lies between 0 and {SELF_CARE_MAX}.")
    return next(level for low, level in SELF_CARE_BANDS if score >= low)


class AuxiliaryTest(StrEnum):
    """PHS3 §5 the eight auxiliary tests of the elderly health check."""

    BLOOD_ROUTINE = "blood_routine"
    URINE_ROUTINE = "urine_routine"
    LIVER_FUNCTION = "liver_function"
    KIDNEY_FUNCTION = "kidney_function"
    FASTING_GLUCOSE = "fasting_glucose"
    BLOOD_LIPIDS = "blood_lipids"
    ECG = "ecg"
    ABDOMINAL_ULTRASOUND = "abdominal_ultrasound"

    @property
    def label(self):
        return AUXILIARY_TEST_LABELS[self]


AUXILIARY_TEST_LABELS = {
    AuxiliaryTest.BLOOD_ROUTINE: _("Complete blood count"),
    AuxiliaryTest.URINE_ROUTINE: _("Urinalysis"),
    AuxiliaryTest.LIVER_FUNCTION: _("Liver function (ALT, AST, total bilirubin)"),
    AuxiliaryTest.KIDNEY_FUNCTION: _("Kidney function (creatinine, urea)"),
    AuxiliaryTest.FASTING_GLUCOSE: _("Fasting plasma glucose"),
    AuxiliaryTest.BLOOD_LIPIDS: _("Blood lipids (TC, TG, LDL-C, HDL-C)"),
    AuxiliaryTest.ECG: _("Electrocardiogram"),
    AuxiliaryTest.ABDOMINAL_ULTRASOUND: _("Abdominal ultrasound (liver, gallbladder, pancreas, spleen)"),
}


@dataclass(frozen=True)
class ElderlyCheck:
    """One 健康体检表 of an elderly resident. `general_fields_complete` is the form's verdict on the other §2.2
    fields required for the elderly."""

    check_date: date
    general_fields_complete: bool = False
    self_care_score: int | None = None
    cognition_screened: bool = False
    mood_screened: bool = False
    auxiliary_results: frozenset = frozenset()
    guidance_given: bool = False


def elderly_check_missing(check: ElderlyCheck) -> list[Reason]:
    """§5.2 **project decision:** a check is complete with every §2.2 field required for the elderly, the
    §5.1 self-care score, the cognition and mood screens and a result for each of the 8 tests."""
    missing = []
    if not check.general_fields_complete:
        missing.append(Reason("GENERAL", _("Health check form fields")))
    if check.self_care_score is None:
        missing.append(Reason("SELF_CARE", _("Self-care assessment")))
    if not check.cognition_screened:
        missing.append(Reason("COGNITION", _("Cognitive screening")))
    if not check.mood_screened:
        missing.append(Reason("MOOD", _("Mood screening")))
    missing += [Reason(test.value, test.label) for test in AuxiliaryTest if test not in check.auxiliary_results]
    return missing


def is_elderly_managed(birth_date: date, *, has_health_record: bool, checks: Iterable[ElderlyCheck],
                       year: int, rules: RuleSet = CURRENT_RULES) -> bool:
    """PHS3 indicator note (§5.2): 接受健康管理 = in the year's target population, health record exists, and a
    check dated in the year that is complete and gave guidance."""
    return in_elderly_target(birth_date, year, rules) and has_health_record and any(
        c.check_date.year == year and c.guidance_given and not elderly_check_missing(c) for c in checks
    )
