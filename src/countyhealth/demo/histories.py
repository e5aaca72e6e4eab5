"""The demo county's health, person by person: who has hypertension or type 2 diabetes, how each patient's blood
pressure and glucose move under treatment, and the values of their health-record forms and child-health
visits. Pure generation (no database); `programmes.py` writes it.

The figures are a rural Chinese county's, rounded: hypertension under management in about a quarter of adults
aged 35 and over, rising with age; type 2 diabetes in about a tenth, twice as common with hypertension
(China Hypertension Survey 2012–2015; DM2022 epidemiology; PHS3 county management rates). A patient's reading
is an untreated baseline minus a treatment effect scaled by adherence, plus season and visit-to-visit noise;
each medication change that the follow-up rules decide (§3.5 rows 1–3) strengthens the effect, so the share
controlled settles where county reports put it (about 60 %). Every draw comes from the caller's
`random.Random`, so a seed always gives the same county."""

import bisect
import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from countyhealth.publichealth.rules import NextAction, Programme, birthday
from countyhealth.records import codes
from countyhealth.residents.rules import age_on

# --- who is ill -----------------------------------------------------------------------------------------

# Share of each age band (lower bounds) enrolled in the programme: county management figures, below survey
# prevalence because not every patient is known to the clinic.
HYPERTENSION_BY_AGE = ((75, 0.48), (65, 0.43), (55, 0.33), (45, 0.20), (35, 0.08))
DIABETES_BY_AGE = ((65, 0.155), (55, 0.13), (45, 0.095), (35, 0.045))
DIABETES_WITH_HYPERTENSION = 1.7  # relative chance with / without hypertension (DM2022: 30–60 % have both)
DIABETES_WITHOUT_HYPERTENSION = 0.72
YEARS_KNOWN_MEAN = 6.0  # years since diagnosis: exponential, capped at MAX_YEARS_KNOWN and by age 35
MAX_YEARS_KNOWN = 15

# How a patient keeps to the follow-up plan, and how regularly they take their drugs (factor on the effect).
ENGAGEMENT = (("good", 0.58), ("irregular", 0.22), ("poor", 0.11), ("lost", 0.09))
ADHERENCE = (("regular", 0.70, 1.0), ("intermittent", 0.24, 0.7), ("none", 0.06, 0.35))
POOR_ADHERENCE = (("regular", 0.35, 1.0), ("intermittent", 0.40, 0.6), ("none", 0.25, 0.3))
LAPSE = {"regular": 0.35, "intermittent": 0.45, "none": 0.55}  # chance control slips before the next visit

# Chance of dying within the three years of history, by age (rural life tables, rounded), for chronic patients
# and the elderly; chronic patients a third more. Moving out: working-age patients only.
DEATH_BY_AGE = ((85, 0.30), (80, 0.16), (75, 0.09), (70, 0.055), (65, 0.035), (55, 0.02), (0, 0.008))
CHRONIC_DEATH_FACTOR = 1.3
MOVE_OUT = 0.012

HYPERTENSION_DRUGS = (
    ("氨氯地平片", "口服", "5mg 每日1次"), ("硝苯地平缓释片", "口服", "20mg 每日2次"),
    ("依那普利片", "口服", "10mg 每日1次"), ("缬沙坦胶囊", "口服", "80mg 每日1次"),
    ("氢氯噻嗪片", "口服", "12.5mg 每日1次"), ("美托洛尔缓释片", "口服", "47.5mg 每日1次"),
    ("吲达帕胺片", "口服", "2.5mg 每日1次"), ("厄贝沙坦片", "口服", "150mg 每日1次"),
)
DIABETES_DRUGS = (
    ("二甲双胍片", "口服", "0.5g 每日3次"), ("格列美脲片", "口服", "2mg 每日1次"),
    ("阿卡波糖片", "口服", "50mg 每日3次"), ("格列齐德缓释片", "口服", "30mg 每日1次"),
    ("门冬胰岛素30注射液", "皮下注射", "12U 每日2次"),
)
DEATH_CAUSES = ("脑卒中", "急性心肌梗死", "慢性阻塞性肺疾病", "恶性肿瘤", "心力衰竭", "肺部感染")
DESTINATIONS = ("长沙市岳麓区", "长沙市雨花区", "株洲市天元区", "广东省深圳市宝安区", "浙江省宁波市鄞州区",
                "岳阳市岳阳楼区")


def _band(table, age: int) -> float:
    return next((share for low, share in table if age >= low), 0.0)


def pick(rng: random.Random, table):
    draw, total = rng.random(), 0.0
    for row in table:
        total += row[1]
        if draw < total:
            return row
    return table[-1]


def clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


@dataclass(slots=True)
class Condition:
    """One chronic programme of one patient. `steps` are (date, effect) after each change of treatment in date
    order; the effect in force on a day is the last step on or before it."""

    programme: Programme
    diagnosis_date: date
    enrolled_on: date
    untreated: float  # hypertension: SBP; diabetes: FPG
    untreated_dbp: float
    steps: list[tuple[date, float]] = field(default_factory=list)
    drugs: int = 1

    def effect_on(self, day: date) -> float:
        i = bisect.bisect_right(self.steps, (day, math.inf)) - 1
        return self.steps[i][1] if i >= 0 else 0.0

    def intensify(self, day: date, action: NextAction, rng: random.Random) -> None:
        """§3.5 rows 1–3 change the treatment (dose up, another drug class; a specialist after a referral),
        which lowers the readings from the next visit on."""
        if self.programme == Programme.HYPERTENSION:
            step = rng.uniform(12, 18) if action.is_referral else rng.uniform(8, 14)
            ceiling = self.untreated - 112
        else:
            step = rng.uniform(1.4, 2.4) if action.is_referral else rng.uniform(1.0, 1.8)
            ceiling = self.untreated - 5.3
        self.steps.append((day, min(self.effect_on(day) + step, ceiling)))
        self.drugs = min(self.drugs + 1, 3 if self.programme == Programme.HYPERTENSION else 2)

    def lapse(self, day: date, rng: random.Random, chance: float) -> None:
        """Between routine visits control slips for some patients (a drug stopped, a salty winter, weight gained),
        which is where new uncontrolled visits come from once treatment has been adjusted."""
        if rng.random() >= chance:
            return
        drop = rng.uniform(10, 18) if self.programme == Programme.HYPERTENSION else rng.uniform(1.2, 2.2)
        self.steps.append((day + timedelta(days=1), max(self.effect_on(day) - drop, 0.0)))

    def improve_adherence(self, health: "Health", action: NextAction, rng: random.Random) -> None:
        """Targeted education at an adjusting or referring visit (§3.5: all classes) gets some patients to take
        their drugs regularly."""
        if rng.random() < (0.6 if action.is_referral else 0.3):
            better = {"none": ADHERENCE[1], "intermittent": ADHERENCE[0]}.get(health.adherence)
            if better:
                health.adherence, _share, health.adherence_factor = better

    def medications(self) -> list[dict]:
        drugs = HYPERTENSION_DRUGS if self.programme == Programme.HYPERTENSION else DIABETES_DRUGS
        first = self.diagnosis_date.toordinal() % len(drugs)  # a patient keeps their drugs from visit to visit
        rows = [drugs[(first + i) % len(drugs)] for i in range(self.drugs)]
        return [{"drug": drug, "usage": usage, "dose": dose} for drug, usage, dose in rows]


@dataclass(slots=True)
class Health:
    """What the generator decides about one resident, once; every form and visit of theirs reads it."""

    birth_date: date
    sex: str
    age: int  # on the seeding day
    height_cm: float
    bmi: float
    smokes: int  # cigarettes a day; 0 = never smoked
    quit_smoking: bool
    drinking: str  # codes.DRINKING_FREQUENCY
    liang_per_day: float
    exercise: str  # codes.EXERCISE_FREQUENCY
    salt: str  # FollowUpVisit.Salt
    engagement: str = "good"
    adherence: str = "regular"
    adherence_factor: float = 1.0
    hypertension: Condition | None = None
    diabetes: Condition | None = None
    fate: tuple[str, date] | None = None  # ("dead" | "moved_out", on)
    lost_on: date | None = None
    other_diseases: tuple[str, ...] = ()  # codes.PAST_DISEASE besides hypertension and diabetes

    @property
    def chronic(self) -> list[Condition]:
        return [c for c in (self.hypertension, self.diabetes) if c is not None]

    def age_on(self, day: date) -> int:
        return age_on(self.birth_date, day)

    def last_day_of_care(self, today: date) -> date:
        """The last day the clinic sees the patient: death, moving out, being lost, or today."""
        return min([today] + ([self.fate[1]] if self.fate else []) + ([self.lost_on] if self.lost_on else []))


def draw_health(rng: random.Random, *, birth_date: date, sex: str, today: date, history_start: date) -> Health:
    age = age_on(birth_date, today)
    male = sex == "1"
    height = clamp(rng.gauss(167, 6) if male else rng.gauss(156, 5.5), 140, 188) - max(0, age - 65) * 0.08
    smokes = 0
    if age >= 18 and rng.random() < (0.52 if male else 0.03):
        smokes = rng.choice((5, 10, 10, 15, 20, 20, 20, 30, 40) if male else (5, 10))
    drinking = "1"
    if age >= 18:
        drinking = rng.choices(("1", "2", "3", "4"), weights=(45, 30, 15, 10) if male else (88, 10, 1.5, 0.5))[0]
    health = Health(
        birth_date=birth_date, sex=sex, age=age, height_cm=round(height, 1),
        bmi=clamp(rng.gauss(23.2, 3.0), 16.5, 36.0), smokes=smokes,
        quit_smoking=bool(smokes) and age >= 50 and rng.random() < 0.25, drinking=drinking,
        liang_per_day=rng.choice((0.5, 1, 1, 2, 2, 3, 4)) if drinking != "1" else 0.0,
        exercise=rng.choices(("1", "2", "3", "4"), weights=(18, 14, 30, 38))[0],
        salt=rng.choices(("light", "moderate", "heavy"), weights=(20, 50, 30))[0],
    )
    if age < 35:
        return health
    if rng.random() < _band(HYPERTENSION_BY_AGE, age) * (1.1 if male and age < 60 else 1.0):
        health.hypertension = _condition(rng, Programme.HYPERTENSION, birth_date, today)
        health.bmi = clamp(health.bmi + 1.3, 16.5, 38.0)
    relative = DIABETES_WITH_HYPERTENSION if health.hypertension else DIABETES_WITHOUT_HYPERTENSION
    if rng.random() < _band(DIABETES_BY_AGE, age) * relative:
        health.diabetes = _condition(rng, Programme.DIABETES, birth_date, today)
        health.bmi = clamp(health.bmi + 1.0, 16.5, 38.0)
    if age >= 55 and rng.random() < 0.06 + 0.004 * (age - 55):
        health.other_diseases = (rng.choice(("4", "5", "7", "4", "5", "10")),)
    if health.chronic:
        _draw_engagement(rng, health, today, history_start)
    if health.chronic or age >= 65:
        _draw_fate(rng, health, today, history_start)
    return health


def _condition(rng: random.Random, programme: Programme, birth_date: date, today: date) -> Condition:
    years = min(rng.expovariate(1 / YEARS_KNOWN_MEAN), MAX_YEARS_KNOWN)
    diagnosis = max(today - timedelta(days=int(years * 365.25) + 30), birthday(birth_date, 35))
    enrolled = min(diagnosis + timedelta(days=rng.randint(0, 45)), today)
    if programme == Programme.HYPERTENSION:
        age = age_on(birth_date, today)
        sbp, dbp = clamp(rng.gauss(158, 11), 142, 192), clamp(rng.gauss(94 - 0.3 * (age - 55), 7), 76, 116)
        return Condition(programme, diagnosis, enrolled, sbp, dbp, [(enrolled, clamp(rng.gauss(17, 7), 4, sbp - 115))])
    fpg = clamp(rng.gauss(9.6, 1.5), 7.3, 13.5)
    return Condition(programme, diagnosis, enrolled, fpg, 0.0, [(enrolled, clamp(rng.gauss(2.3, 0.9), 0.6, fpg - 5.4))])


def _draw_engagement(rng: random.Random, health: Health, today: date, history_start: date) -> None:
    health.engagement = pick(rng, ENGAGEMENT)[0]
    if health.age < 50 and health.engagement == "good" and rng.random() < 0.3:
        health.engagement = "irregular"  # still working, often away
    health.adherence, _share, health.adherence_factor = pick(
        rng, ADHERENCE if health.engagement == "good" else POOR_ADHERENCE)
    if health.engagement == "lost":
        start = max([history_start] + [c.enrolled_on for c in health.chronic])
        span = (today - start).days
        if span > 200:
            health.lost_on = start + timedelta(days=rng.randint(120, span - 30))
        else:
            health.engagement = "irregular"


def _draw_fate(rng: random.Random, health: Health, today: date, history_start: date) -> None:
    death = _band(DEATH_BY_AGE, health.age) * (CHRONIC_DEATH_FACTOR if health.chronic else 1.0)
    move = MOVE_OUT if health.chronic and health.age < 75 else 0.0
    roll = rng.random()
    if roll >= death + move:
        return
    earliest = max([history_start + timedelta(days=30)] + [c.enrolled_on + timedelta(days=30) for c in health.chronic])
    if earliest < today - timedelta(days=7):
        on = earliest + timedelta(days=rng.randint(0, (today - earliest).days - 7))
        health.fate = ("dead" if roll < death else "moved_out", on)
        if health.lost_on and health.lost_on >= on:
            health.lost_on = None


def fate_details(rng: random.Random, kind: str) -> dict:
    if kind == "dead":
        return {"death_cause": rng.choice(DEATH_CAUSES)}
    return {"destination": rng.choice(DESTINATIONS)}


# --- readings -------------------------------------------------------------------------------------------

def _season(day: date) -> float:
    """Blood pressure runs higher in winter (HTN2020): about +4 mmHg in Dec–Feb, −3 in Jun–Aug."""
    return {12: 4.0, 1: 4.5, 2: 3.5, 3: 1.5, 11: 2.0, 6: -2.5, 7: -3.0, 8: -2.5}.get(day.month, 0.0)


def blood_pressure(rng: random.Random, health: Health, day: date) -> tuple[int, int]:
    c = health.hypertension
    if c is not None and day >= c.enrolled_on:
        effect = c.effect_on(day) * health.adherence_factor
        sbp = c.untreated - effect + _season(day) + rng.gauss(0, 7.5)
        dbp = c.untreated_dbp - 0.45 * effect + 0.4 * _season(day) + rng.gauss(0, 4.5)
    else:
        age = health.age_on(day)
        sbp = rng.gauss(117 + 0.42 * max(0, age - 30), 10) + _season(day)
        dbp = rng.gauss(73 + 0.2 * max(0, age - 30) - 0.3 * max(0, age - 60), 7)
    dbp = clamp(dbp, 52, 125)
    return round(clamp(max(sbp, dbp + 22), 88, 230)), round(dbp)


def fasting_glucose(rng: random.Random, health: Health, day: date) -> float:
    c = health.diabetes
    if c is not None and day >= c.enrolled_on:
        mean = max(c.untreated - c.effect_on(day) * health.adherence_factor, 5.3)
        value = mean * math.exp(rng.gauss(0, 0.10)) + (0.2 if day.month in (12, 1, 2) else 0.0)
    else:
        value = (5.0 + 0.008 * max(0, health.age - 35)) * math.exp(rng.gauss(0, 0.09))
    return round(clamp(value, 2.8, 27.0), 1)


def heart_rate(rng: random.Random) -> int:
    return round(clamp(rng.gauss(75, 8), 52, 99))


def weight(rng: random.Random, health: Health) -> float:
    metres = health.height_cm / 100
    return round(health.bmi * metres * metres + rng.gauss(0, 0.8), 1)


# --- 个人基本信息表 -----------------------------------------------------------------------------------------

def personal_info_values(rng: random.Random, health: Health, *, today: date, complete: bool) -> dict:
    """The form of PHS3 §2.1 for an adult or child over 6 (children 0–6 are recorded through their visits),
    with the past history the programmes imply. An incomplete form leaves a group unanswered."""
    age = health.age
    past = [{"code": "2", "diagnosed": health.hypertension.diagnosis_date.strftime("%Y-%m"), "note": ""}
            ] if health.hypertension else []
    if health.diabetes:
        past.append({"code": "3", "diagnosed": health.diabetes.diagnosis_date.strftime("%Y-%m"), "note": ""})
    for code in health.other_diseases:
        diagnosed = today - timedelta(days=rng.randint(200, 3000))
        if diagnosed > health.birth_date:
            past.append({"code": code, "diagnosed": diagnosed.strftime("%Y-%m"), "note": ""})
    ill = bool(health.chronic)
    values = {
        "blood_type": rng.choices(("1", "2", "3", "4", "5"), weights=(28, 24, 34, 9, 5))[0],
        "rh_negative": rng.choices(("1", "2", "3"), weights=(92, 0.4, 7.6))[0],
        "education": _education(rng, age),
        "occupation": _occupation(rng, age),
        "marital_status": _marital(rng, age),
        "payment_methods": rng.choices((["2"], ["1"], ["2", "4"], ["2", "5"]), weights=(84, 7, 6, 3))[0],
        "drug_allergies": rng.choices((["1"], ["2"], ["3"], ["2", "4"]), weights=(94, 4, 1.5, 0.5))[0],
        "exposures": ["1"] if rng.random() < 0.98 else ["2"],
        "past_diseases": past or [{"code": "1", "diagnosed": "", "note": ""}],
        "family_father": _family(rng, ill), "family_mother": _family(rng, ill),
        "family_siblings": _family(rng, ill, base=0.06), "family_children": ["1"],
        "disabilities": ["1"] if rng.random() < 0.965 else [rng.choice(("2", "3", "5", "5"))],
        "kitchen_exhaust": rng.choices(("1", "2", "3", "4"), weights=(20, 35, 15, 30))[0],
        "fuel": rng.choices(("1", "2", "3", "4", "5"), weights=(45, 5, 10, 3, 37))[0],
        "water": rng.choices(("1", "2", "3", "4"), weights=(70, 5, 23, 2))[0],
        "toilet": rng.choices(("1", "2", "3", "4", "5"), weights=(50, 30, 8, 7, 5))[0],
        "livestock_pen": rng.choices(("1", "2", "3", "4"), weights=(45, 35, 2, 18))[0],
    }
    if age >= 30 and rng.random() < 0.06:
        values["operations"] = [{"name": rng.choice(("阑尾切除术", "剖宫产术", "胆囊切除术", "疝修补术")),
                                 "date": today - timedelta(days=rng.randint(400, 9000))}]
        if values["operations"][0]["date"] <= health.birth_date:
            del values["operations"]
    if not complete:
        for name in rng.sample(("blood_type", "rh_negative", "education", "kitchen_exhaust", "toilet"), 2):
            values[name] = ""
    return values


def _education(rng, age: int) -> str:
    if age < 13:
        return "8"
    if age >= 65:
        return rng.choices(("9", "8", "7", "6"), weights=(40, 40, 15, 5))[0]
    if age >= 45:
        return rng.choices(("9", "8", "7", "6", "4"), weights=(10, 35, 40, 12, 3))[0]
    return rng.choices(("8", "7", "6", "4", "3", "2"), weights=(5, 45, 20, 12, 12, 6))[0]


def _occupation(rng, age: int) -> str:
    if age < 16 or age >= 75:
        return "8"
    return rng.choices(("4", "5", "3", "8", "1", "7"), weights=(55, 12, 10, 12, 4, 7))[0]


def _marital(rng, age: int) -> str:
    if age < 22:
        return "1"
    if age >= 70:
        return rng.choices(("2", "3"), weights=(60, 40))[0]
    return rng.choices(("2", "1", "4", "3"), weights=(84, 9, 4, 3))[0]


def _family(rng, ill: bool, base: float = 0.12) -> list[str]:
    if rng.random() >= base * (2.2 if ill else 1.0):
        return ["1"]
    return [rng.choice(("2", "2", "3", "7", "4"))]


# --- 健康体检表 ---------------------------------------------------------------------------------------------

OPTIONAL_FOR_INCOMPLETE = (("abdominal_ultrasound",), ("ecg",), ("tc", "tg", "ldl_c", "hdl_c"),
                           ("mood_screen", "cognition_screen"), ("self_care_toileting", "self_care_mobility"))


def health_check_values(rng: random.Random, health: Health, day: date, *, elderly: bool,
                        complete: bool) -> dict:
    """A 健康体检表 (PHS3 §2.2) whose BP and glucose come from the same model as the person's follow-ups; for the
    elderly with the §5 items. An incomplete check misses one group of items (no ultrasound machine that day,
    no lipid panel, the screens not asked)."""
    age = health.age_on(day)
    male = health.sex == "1"
    sbp, dbp = blood_pressure(rng, health, day)
    other_sbp, other_dbp = sbp - abs(round(rng.gauss(0, 4))), dbp - abs(round(rng.gauss(0, 3)))
    left, right = ((sbp, dbp), (other_sbp, other_dbp)) if rng.random() < 0.5 else ((other_sbp, other_dbp), (sbp, dbp))
    fpg = fasting_glucose(rng, health, day)
    mass = weight(rng, health)
    bmi = mass / (health.height_cm / 100) ** 2
    waist = round(clamp(bmi * (3.45 if male else 3.4) + rng.gauss(4, 4), 58, 130), 1)
    high_bp = sbp >= 140 or dbp >= 90
    missing = () if complete else rng.choice(OPTIONAL_FOR_INCOMPLETE)
    ecg_abnormal = "ecg" not in missing and rng.random() < (0.08 + 0.004 * max(0, age - 50))
    ultrasound_abnormal = "abdominal_ultrasound" not in missing and rng.random() < (0.18 + (0.12 if bmi >= 26 else 0))
    creatinine = clamp(rng.gauss(82 if male else 63, 14), 38, 160)
    if health.diabetes and rng.random() < 0.1:
        creatinine += 25  # early diabetic kidney disease
    tc = round(clamp(rng.gauss(4.9, 0.9), 2.8, 8.5), 2)
    values = {
        "check_date": day,
        "symptoms": ["1"] if rng.random() < 0.7 else rng.sample(("3", "13", "14", "16", "19", "23"), 1),
        "temperature": str(round(rng.uniform(36.1, 36.9), 1)), "pulse_rate": heart_rate(rng),
        "respiratory_rate": rng.randint(16, 20),
        "sbp_left": left[0], "dbp_left": left[1], "sbp_right": right[0], "dbp_right": right[1],
        "height_cm": str(health.height_cm), "weight_kg": str(mass), "waist_cm": str(waist),
        "exercise_frequency": health.exercise,
        "diet": rng.choice((["1"], ["1"], ["4"], ["2"], ["3"], ["4", "5"])),
        "smoking_status": "1" if not health.smokes else ("2" if health.quit_smoking else "3"),
        "drinking_frequency": health.drinking,
        "occupational_exposure": "1",
        "lips": "1", "dentition": ["1"] if age < 55 else rng.choice((["2"], ["1"], ["4"], ["2", "3"])),
        "pharynx": "1" if rng.random() < 0.9 else "2",
        "vision_left": str(round(clamp(rng.gauss(4.9 - 0.01 * max(0, age - 45), 0.2), 3.8, 5.2), 1)),
        "vision_right": str(round(clamp(rng.gauss(4.9 - 0.01 * max(0, age - 45), 0.2), 3.8, 5.2), 1)),
        "hearing": "1" if age < 80 or rng.random() < 0.7 else "2",
        "motor_function": "1" if age < 85 or rng.random() < 0.8 else "2",
        "skin": "1", "sclera": "1", "lymph_nodes": "1", "barrel_chest": "1" if rng.random() < 0.97 else "2",
        "breath_sounds": "1", "rales": "1", "heart_rate": heart_rate(rng),
        "heart_rhythm": "1" if not ecg_abnormal or rng.random() < 0.6 else "2", "heart_murmur": "1",
        "abdominal_tenderness": "1", "abdominal_mass": "1", "hepatomegaly": "1", "splenomegaly": "1",
        "shifting_dullness": "1", "leg_oedema": "1" if rng.random() < 0.95 else "4",
        "dorsalis_pedis": "2" if not health.diabetes or rng.random() < 0.9 else "3",
        "haemoglobin": str(round(clamp(rng.gauss(145 if male else 128, 12), 85, 185))),
        "wbc": str(round(clamp(rng.gauss(6.3, 1.4), 3.2, 11.5), 1)),
        "platelets": round(clamp(rng.gauss(215, 50), 90, 420)),
        "urine_protein": "1" if rng.random() < 0.93 else "2",
        "urine_glucose": "1" if not health.diabetes or fpg < 9 else rng.choice(("1", "3", "4")),
        "urine_ketone": "1", "urine_occult_blood": "1" if rng.random() < 0.95 else "2",
        "alt": str(round(clamp(rng.gauss(23, 9), 6, 95))), "ast": str(round(clamp(rng.gauss(24, 7), 9, 80))),
        "tbil": str(round(clamp(rng.gauss(12.5, 4), 4, 30), 1)),
        "creatinine": str(round(creatinine)), "urea": str(round(clamp(rng.gauss(5.4, 1.3), 2.2, 11), 2)),
        "fpg": str(fpg),
        "tc": str(tc), "tg": str(round(clamp(rng.lognormvariate(0.35, 0.45), 0.4, 9), 2)),
        "ldl_c": str(round(clamp(tc * 0.58 + rng.gauss(0, 0.3), 1.0, tc - 0.5), 2)),
        "hdl_c": str(round(clamp(rng.gauss(1.3, 0.3), 0.6, tc - 1.2), 2)),
        "ecg": "2" if ecg_abnormal else "1",
        "ecg_note": rng.choice(("ST-T改变", "左心室高电压", "窦性心动过缓", "房性早搏")) if ecg_abnormal else "",
        "abdominal_ultrasound": "2" if ultrasound_abnormal else "1",
        "abdominal_ultrasound_note": rng.choice(("脂肪肝", "胆囊结石", "肝囊肿", "胆囊息肉")) if ultrasound_abnormal else "",
        "cerebrovascular": ["2"] if "7" in health.other_diseases else ["1"],
        "kidney_disease": ["1"], "vascular_disease": ["1"],
        "eye_disease": ["1"] if age < 70 else rng.choice((["1"], ["4"])),
        "heart_disease": ["3"] if "4" in health.other_diseases else ["1"],
        "nervous_system_disease": "1", "other_system_disease": "1",
        "medications": [
            dict(row, duration=f"{max(1, (day - c.diagnosis_date).days // 365)}年", adherence=_adherence_code(health))
            for c in health.chronic if c.enrolled_on <= day for row in c.medications()],
    }
    if health.smokes and not health.quit_smoking:
        values["cigarettes_per_day"] = health.smokes
    if health.drinking != "1":
        values["alcohol_liang_per_day"] = str(health.liang_per_day)
    if elderly:
        values.update(_elderly_items(rng, age))
    findings = []
    if high_bp:
        findings.append(f"血压偏高 {sbp}/{dbp}mmHg")
    if fpg >= 6.1:
        findings.append(f"空腹血糖偏高 {fpg}mmol/L")
    if ecg_abnormal:
        findings.append(f"心电图：{values['ecg_note']}")
    if ultrasound_abnormal:
        findings.append(f"腹部B超：{values['abdominal_ultrasound_note']}")
    values["health_evaluation"] = "2" if findings else "1"
    values["abnormalities"] = [{"finding": f} for f in findings[:4]]
    guidance = []
    if health.chronic:
        guidance.append("1")
    if (high_bp and not health.hypertension) or (fpg >= 7.0 and not health.diabetes) or ecg_abnormal:
        guidance.append("2")
    values["guidance"] = guidance
    values["risk_factor_control"] = sorted({"3", "4"} | ({"1"} if values["smoking_status"] == "3" else set())
                                           | ({"5"} if bmi >= 24 else set()))
    for name in missing:
        values.pop(name, None)
        values.pop(f"{name}_note", None)
    return values


def _adherence_code(health: Health) -> str:
    return {"regular": "1", "intermittent": "2", "none": "3"}[health.adherence]


def _elderly_items(rng: random.Random, age: int) -> dict:
    """§5.1 self-care (only the answers the printed form offers per item), self-rated health, cognition and mood
    screens; dependency and positive screens grow with age."""
    frail = rng.random() < clamp(0.03 + 0.012 * (age - 65), 0.02, 0.5)
    care = {"eating": "1", "grooming": "1", "dressing": "1", "toileting": "1", "mobility": "1"}
    if frail:
        care.update(grooming=rng.choice(("2", "3")), toileting=rng.choice(("1", "2")), mobility=rng.choice(("2", "3")),
                    dressing=rng.choice(("1", "3")))
    values = {f"self_care_{item}": level for item, level in care.items()}
    values["self_rated_health"] = rng.choices(tuple(codes.SELF_RATED_HEALTH), weights=(25, 45, 15, 10, 5))[0]
    cognition = rng.random() < clamp(0.02 + 0.01 * (age - 65), 0.02, 0.35)
    mood = rng.random() < 0.05
    values["cognition_screen"] = "2" if cognition else "1"
    values["mood_screen"] = "2" if mood else "1"
    if cognition:
        values["mmse_score"] = rng.randint(14, 26)
    if mood:
        values["depression_score"] = rng.randint(11, 22)
    return values


# --- 0–6 child-health visits ------------------------------------------------------------------------------

# WHO Child Growth Standards medians at these ages in months (boys, girls): weight kg, length/height cm, head cm.
GROWTH_MONTHS = (0, 1, 3, 6, 8, 12, 18, 24, 30, 36, 48, 60, 72, 84)
GROWTH = {
    "weight_kg": ((3.3, 4.5, 6.4, 7.9, 8.6, 9.6, 10.9, 12.2, 13.3, 14.3, 16.3, 18.3, 20.5, 22.9),
                  (3.2, 4.2, 5.8, 7.3, 7.9, 8.9, 10.2, 11.5, 12.7, 13.9, 16.1, 18.2, 20.2, 22.4), 0.11),
    "length_cm": ((49.9, 54.7, 61.4, 67.6, 70.6, 75.7, 82.3, 87.1, 91.9, 96.1, 103.3, 110.0, 116.0, 121.7),
                  (49.1, 53.7, 59.8, 65.7, 68.7, 74.0, 80.7, 86.4, 90.7, 95.1, 102.7, 109.4, 115.1, 120.8), 0.035),
    "head_circumference_cm": ((34.5, 37.3, 40.5, 43.3, 44.5, 46.1, 47.4, 48.3, 49.0, 49.5, 50.2, 50.7, 51.2, 51.5),
                              (33.9, 36.5, 39.5, 42.2, 43.4, 45.0, 46.2, 47.2, 47.9, 48.5, 49.3, 49.9, 50.4, 50.7),
                              0.03),
}
HAEMOGLOBIN_SLOTS = {"m6", "m8", "m18", "m30", "y4", "y5", "y6"}  # PHS3: Hb at 6–8, 18, 30 months and yearly from 4
HEARING_SLOTS = {"m6", "m12", "m24", "m36"}
VISION_SLOTS = {"y4", "y5", "y6"}
CHILD_GUIDANCE = ("母乳喂养，按需哺乳", "按时添加辅食，注意补充维生素D", "预防意外伤害，按时预防接种",
                  "均衡膳食，培养良好饮食习惯", "口腔保健，定期检查牙齿", "保证睡眠，适量户外活动")


def _median(table: tuple[float, ...], months: float) -> float:
    i = min(bisect.bisect_right(GROWTH_MONTHS, months), len(GROWTH_MONTHS) - 1)
    lo, hi = GROWTH_MONTHS[i - 1], GROWTH_MONTHS[i]
    share = clamp((months - lo) / (hi - lo), 0.0, 1.0)
    return table[i - 1] + (table[i] - table[i - 1]) * share


def child_visit_values(rng: random.Random, *, birth_date: date, sex: str, day: date, slot: str, size: float) -> dict:
    """Measurements of one visit: WHO medians for the age on the day, shifted by the child's own `size`
    (a z-like score kept across visits), and the screens PHS3 places at that visit."""
    months = (day - birth_date).days / 30.4375
    girl = sex == "2"
    values = {}
    for name, (boys, girls, spread) in GROWTH.items():
        median = _median(girls if girl else boys, months)
        places = "0.01" if name == "weight_kg" else "0.1"
        values[name] = Decimal(str(median * (1 + spread * (size + rng.gauss(0, 0.3))))).quantize(Decimal(places))
    hb = None
    if slot in HAEMOGLOBIN_SLOTS and (slot != "m8" or rng.random() < 0.5):
        hb = round(clamp(rng.gauss(121, 10), 85, 150))
        values["haemoglobin"] = hb
    if slot in HEARING_SLOTS:
        values["hearing_normal"] = rng.random() < 0.985
    if slot in VISION_SLOTS:
        values["vision_normal"] = rng.random() < 0.94
    values["development_normal"] = rng.random() < 0.97
    advice = [rng.choice(CHILD_GUIDANCE)]
    if hb is not None and hb < 110:
        advice.append("轻度贫血：补充含铁丰富食物，1个月后复查血红蛋白")
    values["guidance"] = "；".join(advice)
    values["referred"] = not values["development_normal"] or values.get("hearing_normal") is False
    return values
