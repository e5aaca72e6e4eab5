"""Pure rules of the health record: record numbers, BMI, the two-arm blood pressure, the self-care score,
plausibility of what is entered, and when a health check is complete for the elderly programme.
Each cites its source (keys of public-health-rules.md §0)."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from countyhealth.residents.rules import age_on

from . import codes

# ---- 居民健康档案编号 (PHS3; public-health-rules.md §1.2) ---------------------------------------------

RECORD_NUMBER_LENGTH = 17
MAX_SERIAL = 99999


class RecordNumberError(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def record_number_prefix(village_division_code: str) -> str:
    """The first 12 digits of a record number: county 6 (GB2260) + township 3 + village 3 (GB10114), which is
    the village's 12-digit division code itself."""
    code = village_division_code or ""
    if len(code) != 12 or not code.isdigit():
        raise RecordNumberError(_("The village has no 12-digit division code; a record number cannot be given."))
    return code


def format_record_number(prefix: str, serial: int) -> str:
    """§1.2: prefix + 5-digit serial 00001–99999; past 99999 the insert fails (project decision)."""
    if not 1 <= serial <= MAX_SERIAL:
        raise RecordNumberError(_("The record numbers of this village are used up (99999 records)."))
    return f"{prefix}{serial:05d}"


def serial_of(record_number: str, prefix: str) -> int | None:
    if (record_number or "").startswith(prefix) and len(record_number) == RECORD_NUMBER_LENGTH:
        tail = record_number[len(prefix):]
        return int(tail) if tail.isdigit() else None
    return None


# ---- measurements (§0) ------------------------------------------------------------------------------

ONE_DECIMAL = Decimal("0.1")


def round_half_up(value, places: Decimal = ONE_DECIMAL) -> Decimal:
    """Half-up on the decimal text of the value, so 6.95 → 7.0 (a float would give 6.9)."""
    return Decimal(str(value)).quantize(places, rounding=ROUND_HALF_UP)


def bmi(weight_kg, height_cm) -> Decimal | None:
    """§0 / WS428: BMI = kg / m², 1 decimal, rounded half-up. None when either is missing."""
    if weight_kg in (None, "") or height_cm in (None, ""):
        return None
    metres = Decimal(str(height_cm)) / 100
    if metres <= 0:
        return None
    return round_half_up(Decimal(str(weight_kg)) / (metres * metres))


def classified_pressure(left: tuple[int | None, int | None],
                        right: tuple[int | None, int | None]) -> tuple[int | None, int | None]:
    """§0 project decision (HTN2020 measurement practice): with both arms measured, the higher arm — the one
    with the higher systolic, then diastolic, pressure — is the blood pressure classified and counted."""
    arms = [arm for arm in (left, right) if arm[0] is not None and arm[1] is not None]
    if not arms:
        return None, None
    return max(arms, key=lambda arm: (arm[0], arm[1]))


# ---- 生活自理能力评估 (PHS3 老年人生活自理能力评估表; §5.1) -----------------------------------------------

SELF_CARE_ITEMS = ("eating", "grooming", "dressing", "toileting", "mobility")
# Scores per answer (codes.SELF_CARE_LEVEL 1 可自理 … 4 不能自理). The printed form offers no 轻度依赖 answer for
# 进餐 and 穿衣 ("—"); §5.1 writes 0 there, so None here: the form does not offer it.
SELF_CARE_SCORES: Mapping[str, tuple[int | None, ...]] = {
    "eating": (0, None, 3, 5),
    "grooming": (0, 1, 3, 7),
    "dressing": (0, None, 3, 5),
    "toileting": (0, 1, 5, 10),
    "mobility": (0, 1, 5, 10),
}
# §5.1 bands by total: 0–3 可自理, 4–8 轻度依赖, 9–18 中度依赖, ≥ 19 不能自理 (lower bounds, top first).
SELF_CARE_BANDS = ((19, "4"), (9, "3"), (4, "2"), (0, "1"))


def self_care_offered(item: str, level: str) -> bool:
    return level in codes.SELF_CARE_LEVEL and SELF_CARE_SCORES[item][int(level) - 1] is not None


def self_care_score(answers: Mapping[str, str | None]) -> int | None:
    """§5.1 total of the five items; None until every item has an answer the form offers."""
    total = 0
    for item in SELF_CARE_ITEMS:
        level = answers.get(item)
        if not level or not self_care_offered(item, level):
            return None
        total += SELF_CARE_SCORES[item][int(level) - 1]
    return total


def self_care_band(score: int) -> str:
    """§5.1: the SELF_CARE_LEVEL code of a total score."""
    return next(code for low, code in SELF_CARE_BANDS if score >= low)


# ---- plausibility (impossible values are refused; public-health issue "Bad input") ----------------------

@dataclass(frozen=True)
class Range:
    low: Decimal
    high: Decimal


def _r(low, high) -> Range:
    return Range(Decimal(str(low)), Decimal(str(high)))


# Physiological limits beyond which a value is a typing error, not a patient. SBP/DBP/HR/temperature/weight/
# height are the project's limits for the "impossible vitals"; the others are project decisions of
# the same kind (about 3× the pathological extremes seen in primary care).
PLAUSIBLE: Mapping[str, Range] = {
    "sbp_left": _r(50, 300), "sbp_right": _r(50, 300),
    "dbp_left": _r(30, 200), "dbp_right": _r(30, 200),
    "pulse_rate": _r(20, 250), "heart_rate": _r(20, 250),
    "respiratory_rate": _r(4, 80),
    "temperature": _r(34, 43),
    "weight_kg": _r("0.5", 300), "height_cm": _r(30, 250), "waist_cm": _r(20, 250),
    "weight_target_kg": _r("0.5", 300),
    "vision_left": _r(0, "5.3"), "vision_right": _r(0, "5.3"),
    "vision_corrected_left": _r(0, "5.3"), "vision_corrected_right": _r(0, "5.3"),
    "mmse_score": _r(0, 30), "depression_score": _r(0, 30),  # MMSE 0–30; 老年抑郁量表 (GDS-30) 0–30
    "exercise_minutes": _r(0, 1440), "exercise_years": _r(0, 120),
    "cigarettes_per_day": _r(0, 200), "smoking_start_age": _r(0, 120), "smoking_quit_age": _r(0, 120),
    "alcohol_liang_per_day": _r(0, 100), "drinking_start_age": _r(0, 120), "drinking_quit_age": _r(0, 120),
    "occupational_years": _r(0, 100),
    # laboratory (units as on the form): g/L, ×10⁹/L, ×10⁹/L, U/L, U/L, g/L, µmol/L, µmol/L, µmol/L,
    # mmol/L, mmol/L, mmol/L, mmol/L, mg/dL, %, mmol/L ×4
    "haemoglobin": _r(10, 300), "wbc": _r(0, 500), "platelets": _r(0, 3000),
    "alt": _r(0, 10000), "ast": _r(0, 10000), "albumin": _r(0, 100), "tbil": _r(0, 1000), "dbil": _r(0, 1000),
    "creatinine": _r(0, 3000), "urea": _r(0, 150), "potassium": _r("0.5", 15), "sodium": _r(80, 200),
    "fpg": _r("0.5", 50), "urine_microalbumin": _r(0, 2000), "hba1c": _r(2, 25),
    "tc": _r(0, 50), "tg": _r(0, 100), "ldl_c": _r(0, 30), "hdl_c": _r(0, 20),
}

# Multi-selects whose code "1" (无 / 无症状 / 正常 / 未发现 / 未见异常) excludes every other answer.
NONE_EXCLUSIVE = frozenset({
    "symptoms", "dentition", "breast", "cerebrovascular", "kidney_disease", "heart_disease", "vascular_disease",
    "eye_disease", "drug_allergies", "exposures", "disabilities", "family_father", "family_mother",
    "family_siblings", "family_children",
})
# Single and multiple choices whose "other" answer needs the text field next to it.
OTHER_NEEDS_TEXT = {
    "symptoms": ("25", "symptoms_other"),
    "drink_types": ("5", "drink_types_other"),
    "payment_methods": ("8", "payment_other"),
    "drug_allergies": ("5", "drug_allergy_other"),
    "disabilities": ("8", "disability_other"),
    "risk_factor_control": ("7", "risk_factor_other"),
}


def _add(errors: dict, field: str, message) -> None:
    errors.setdefault(field, []).append(message)


def check_range(errors: dict, values: Mapping, field: str) -> None:
    value = values.get(field)
    bounds = PLAUSIBLE.get(field)
    if value is None or bounds is None:
        return
    if not bounds.low <= Decimal(str(value)) <= bounds.high:
        _add(errors, field, _("Enter a value between %(low)s and %(high)s.") % {"low": bounds.low, "high": bounds.high})


def check_choices(errors: dict, values: Mapping, field: str, table: Mapping, *, multiple: bool) -> None:
    value = values.get(field)
    if multiple:
        if not isinstance(value, list | tuple) or any(not isinstance(v, str) for v in value):
            _add(errors, field, _("Select valid choices."))
        elif any(v not in table for v in value):
            _add(errors, field, _("Select valid choices."))
        elif len(set(value)) != len(value):
            _add(errors, field, _("Each choice may be selected once."))
        elif field in NONE_EXCLUSIVE and codes.NONE_CODE in value and len(value) > 1:
            _add(errors, field, _("“%(none)s” cannot be combined with other answers.")
                 % {"none": table[codes.NONE_CODE][0]})
    elif value and value not in table:
        _add(errors, field, _("Select a valid choice."))


def check_other_text(errors: dict, values: Mapping) -> None:
    for field, (other_code, text_field) in OTHER_NEEDS_TEXT.items():
        chosen = values.get(field)
        if chosen is None or text_field not in values:
            continue
        if other_code in (chosen if isinstance(chosen, list | tuple) else [chosen]) and not values.get(text_field):
            _add(errors, text_field, _("Describe the “other” answer."))


def validate_health_check(values: Mapping, *, birth_date: date, today: date) -> dict[str, list]:
    """Impossible values of a 健康体检表 (PHS3 §2.2 form; public-health issue "Bad input"): field → messages.
    Checks the date, the plausibility ranges and the pairs that cannot be inverted. Choice codes and row
    lists are checked by the caller against the model's code tables."""
    errors: dict[str, list] = {}
    check_date = values.get("check_date")
    if check_date is None:
        _add(errors, "check_date", _("Enter the check date."))
    elif check_date > today:
        _add(errors, "check_date", _("The check date cannot be in the future."))
    elif check_date < birth_date:
        _add(errors, "check_date", _("The check date cannot be before the date of birth."))

    for field in PLAUSIBLE:
        if field in values:
            check_range(errors, values, field)

    for side in ("left", "right"):
        sbp, dbp = values.get(f"sbp_{side}"), values.get(f"dbp_{side}")
        if (sbp is None) != (dbp is None):
            missing = f"dbp_{side}" if dbp is None else f"sbp_{side}"
            _add(errors, missing, _("Enter both the systolic and the diastolic pressure of this arm."))
        elif sbp is not None and f"sbp_{side}" not in errors and f"dbp_{side}" not in errors and sbp <= dbp:
            _add(errors, f"sbp_{side}", _("The systolic pressure must be higher than the diastolic pressure."))

    age = age_on(birth_date, check_date) if check_date and "check_date" not in errors else None
    for field in ("smoking_start_age", "smoking_quit_age", "drinking_start_age", "drinking_quit_age"):
        value = values.get(field)
        if age is not None and value is not None and field not in errors and value > age:
            _add(errors, field, _("This age is above the resident's age on the check date (%(age)d).") % {"age": age})
    for start, quit in (("smoking_start_age", "smoking_quit_age"), ("drinking_start_age", "drinking_quit_age")):
        if values.get(start) is not None and values.get(quit) is not None and values[quit] < values[start]:
            _add(errors, quit, _("The age at quitting cannot be below the age at starting."))
    if values.get("dbil") is not None and values.get("tbil") is not None and values["dbil"] > values["tbil"]:
        _add(errors, "dbil", _("Direct bilirubin cannot exceed total bilirubin."))
    if values.get("hdl_c") is not None and values.get("tc") is not None and values["hdl_c"] > values["tc"]:
        _add(errors, "hdl_c", _("HDL cholesterol cannot exceed total cholesterol."))

    for item in SELF_CARE_ITEMS:
        level = values.get(f"self_care_{item}")
        if level and level in codes.SELF_CARE_LEVEL and not self_care_offered(item, level):
            _add(errors, f"self_care_{item}", _("The form offers no such answer for this item."))

    evaluation, abnormalities = values.get("health_evaluation"), values.get("abnormalities")
    if evaluation == "2" and not abnormalities:
        _add(errors, "abnormalities", _("List the abnormal findings."))
    elif evaluation == "1" and abnormalities:
        _add(errors, "abnormalities", _("“No abnormality found” cannot be combined with abnormal findings."))
    return errors


# ---- 健康体检表 complete for the elderly (§5.2 project decision) ----------------------------------------

# Every §2.2 field not marked * (free only where a programme says so), the §5 elderly items and the 8 tests.
ELDERLY_REQUIRED = (
    "check_date", "symptoms",
    "temperature", "pulse_rate", "respiratory_rate", "sbp", "dbp", "height_cm", "weight_kg", "waist_cm", "bmi",
    "self_rated_health", *(f"self_care_{item}" for item in SELF_CARE_ITEMS), "cognition_screen", "mood_screen",
    "exercise_frequency", "diet", "smoking_status", "drinking_frequency", "occupational_exposure",
    "lips", "dentition", "pharynx", "vision_left", "vision_right", "hearing", "motor_function",
    "skin", "sclera", "lymph_nodes", "barrel_chest", "breath_sounds", "rales", "heart_rate", "heart_rhythm",
    "heart_murmur", "abdominal_tenderness", "abdominal_mass", "hepatomegaly", "splenomegaly",
    "shifting_dullness", "leg_oedema",
    # §5 the eight auxiliary tests
    "haemoglobin", "wbc", "platelets",
    "urine_protein", "urine_glucose", "urine_ketone", "urine_occult_blood",
    "alt", "ast", "tbil", "creatinine", "urea", "fpg", "tc", "tg", "ldl_c", "hdl_c",
    "ecg", "abdominal_ultrasound",
    "cerebrovascular", "kidney_disease", "heart_disease", "vascular_disease", "eye_disease",
    "nervous_system_disease", "other_system_disease",
    "health_evaluation",
)
# Answers that open a follow-up question (PHS3 form): screen positive → score; smoker → amount; drinker → amount.
ELDERLY_CONDITIONAL = (
    ("cognition_screen", "2", "mmse_score"),
    ("mood_screen", "2", "depression_score"),
    ("smoking_status", "3", "cigarettes_per_day"),
    ("drinking_frequency", ("2", "3", "4"), "alcohol_liang_per_day"),
)


def _answered(value) -> bool:
    return value not in (None, "", [], ())


def missing_for_elderly(values: Mapping) -> list[str]:
    """§5.2 project decision: the fields still missing for the check to be complete for the elderly, with
    "guidance" when neither a guidance nor a risk-factor item was given (PHS3: 告知评价结果并进行健康指导)."""
    missing = [f for f in ELDERLY_REQUIRED if not _answered(values.get(f))]
    for field, answer, follow_up in ELDERLY_CONDITIONAL:
        answers = answer if isinstance(answer, tuple) else (answer,)
        if values.get(field) in answers and not _answered(values.get(follow_up)):
            missing.append(follow_up)
    if not (_answered(values.get("guidance")) or _answered(values.get("risk_factor_control"))):
        missing.append("guidance")
    return missing


def is_complete_for_elderly(values: Mapping) -> bool:
    return not missing_for_elderly(values)


# ---- 个人基本信息表 complete (project decision for the e-record indicator §8) -----------------------------

PERSONAL_INFO_REQUIRED = (
    "blood_type", "rh_negative", "education", "occupation", "marital_status", "payment_methods",
    "drug_allergies", "exposures", "past_diseases", "family_father", "family_mother", "family_siblings",
    "family_children", "disabilities", "kitchen_exhaust", "fuel", "water", "toilet", "livestock_pen",
)


def personal_info_missing(values: Mapping) -> list[str]:
    """Project decision: a 个人基本信息表 is complete when every group of PHS3 §2.1 has an answer (无 counts as
    an answer; 手术/外伤/输血 and 遗传病史 are left empty when there are none)."""
    return [f for f in PERSONAL_INFO_REQUIRED if not _answered(values.get(f))]


# ---- record status (§2: active, lost with reason, dead with date and cause, moved out with destination) ----

STATUS_REQUIRES = {
    "lost": ("reason",),
    "dead": ("death_date", "death_cause"),
    "moved_out": ("destination",),
    "active": ("reason",),  # bringing a record back is a correction: say why
}


def validate_status_change(current: str, new: str, values: Mapping, *, birth_date: date,
                           today: date) -> dict[str, list]:
    errors: dict[str, list] = {}
    if new not in STATUS_REQUIRES:
        _add(errors, "status", _("Select a valid status."))
        return errors
    if new == current:
        _add(errors, "status", _("The record already has this status."))
        return errors
    for field in STATUS_REQUIRES[new]:
        if not _answered(values.get(field)):
            _add(errors, field, _("This field is required."))
    death_date = values.get("death_date")
    if new == "dead" and death_date is not None and not birth_date <= death_date <= today:
        _add(errors, "death_date", _("The date of death must lie between the date of birth and today."))
    return errors
