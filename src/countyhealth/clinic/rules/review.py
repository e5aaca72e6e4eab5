"""Prescription review (处方审核 / 合理用药): pure rules over the prescription and the patient, each citing its
source. A BLOCK finding stops the prescription until it is corrected; a WARN finding needs the doctor's
override reason, stored with the finding.

Sources:
- 处方管理办法 (卫生部令第53号, 2007) 第十九条: ≤ 7 days' supply, longer for chronic disease with a reason.
- 长期处方管理规范（试行）(国卫办医发〔2021〕17号) 第四、十七条: stable chronic patients; ≤ 4 weeks,
  up to 12 weeks when the condition is stable.
- 医疗机构处方审核规范 (国卫办医发〔2018〕14号) 第十五条: dose, allergy, duplication, interactions, age.
- Drug labels (说明书) and the maximum daily doses in `data/drugs.csv` (column max_daily_source)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Severity(StrEnum):
    BLOCK = "block"
    WARN = "warn"


# Administration frequency → doses per day. PRN counts as three a day for supply and dose checks (project
# decision: the most a village doctor writes for an as-needed analgesic or antipyretic).
FREQUENCIES: dict[str, tuple[Decimal, object]] = {
    "qd": (Decimal(1), _("Once a day")),
    "bid": (Decimal(2), _("Twice a day")),
    "tid": (Decimal(3), _("Three times a day")),
    "qid": (Decimal(4), _("Four times a day")),
    "qn": (Decimal(1), _("Every night")),
    "q12h": (Decimal(2), _("Every 12 hours")),
    "q8h": (Decimal(3), _("Every 8 hours")),
    "prn": (Decimal(3), _("As needed")),
    "st": (Decimal(1), _("Once, now")),
}
ORDINARY_MAX_DAYS = 7
LONG_TERM_USUAL_DAYS = 28
LONG_TERM_MAX_DAYS = 84
SOURCE_PRESCRIPTION_RULES = "处方管理办法 (2007) 第十九条"
SOURCE_LONG_TERM = "长期处方管理规范（试行）(2021) 第四、十七条"


@dataclass(frozen=True)
class DrugFacts:
    code: str
    name: str
    ingredient: str
    therapeutic_class: str
    allergy_class: str
    unit_amount: Decimal
    dose_unit: str
    chronic: bool


@dataclass(frozen=True)
class ItemFacts:
    drug: DrugFacts
    dose: Decimal  # per administration, in the drug's dose unit
    frequency: str
    days: int


@dataclass(frozen=True)
class PatientFacts:
    age: int
    allergy_codes: frozenset[str]  # records.codes.DRUG_ALLERGY codes
    allergy_text: str
    chronic_patient: bool  # in hypertension or diabetes management
    stable: bool  # … and the last follow-up was controlled


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    source: str
    drug_codes: tuple[str, ...] = ()


def doses_per_day(frequency: str) -> Decimal:
    return FREQUENCIES[frequency][0]


def daily_dose(item: ItemFacts) -> Decimal:
    return item.dose * doses_per_day(item.frequency)


def quantity_needed(item: ItemFacts) -> int:
    """Dispensing units for the whole supply, rounded up (a started box of insulin counts whole)."""
    per_day = 1 if item.frequency == "st" else doses_per_day(item.frequency) * item.days
    total = item.dose * per_day / item.drug.unit_amount
    return int(total.to_integral_value(rounding=ROUND_CEILING))


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")


def check_max_daily_dose(items: Iterable[ItemFacts], limits: Mapping[str, tuple[Decimal, str]]) -> list[Finding]:
    found = []
    for item in items:
        limit = limits.get(item.drug.code)
        if limit and daily_dose(item) > limit[0]:
            found.append(Finding("max_daily_dose", Severity.BLOCK, str(_(
                "%(drug)s: %(dose)s %(unit)s a day is above the maximum daily dose of %(max)s %(unit)s.") % {
                "drug": item.drug.name, "dose": _fmt(daily_dose(item)), "unit": item.drug.dose_unit,
                "max": _fmt(limit[0])}), limit[1], (item.drug.code,)))
    return found


# 个人基本信息表 drug-allergy codes (records.codes.DRUG_ALLERGY) → allergy classes they block, and the classes
# with cross-reactivity that warn.
ALLERGY_BLOCKS = {"2": "penicillin", "3": "sulfonamide", "4": "aminoglycoside"}
ALLERGY_CROSS = {"2": ("cephalosporin", "《β-内酰胺类抗菌药物皮肤试验指导原则（2021年版）》")}
ALLERGY_SOURCE = "医疗机构处方审核规范 (2018) 第十五条; 说明书【禁忌】"
FORM_SUFFIXES = ("肠溶胶囊", "缓释胶囊", "肠溶片", "缓释片", "控释片", "咀嚼片", "胶囊", "片", "注射液", "颗粒",
                 "气雾剂", "散", "丸", "水")


def generic_stem(name: str) -> str:
    """阿莫西林胶囊 → 阿莫西林: the name a resident writes under 其他药物过敏."""
    name = name.split("(")[0]
    for suffix in FORM_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def check_allergy(items: Iterable[ItemFacts], patient: PatientFacts) -> list[Finding]:
    found = []
    blocked = {ALLERGY_BLOCKS[c] for c in patient.allergy_codes if c in ALLERGY_BLOCKS}
    for item in items:
        drug = item.drug
        named = patient.allergy_text and generic_stem(drug.name) in patient.allergy_text
        if (drug.allergy_class and drug.allergy_class in blocked) or named:
            found.append(Finding("allergy", Severity.BLOCK, str(_(
                "%(drug)s: the resident's health record lists an allergy to this kind of drug.") % {
                "drug": drug.name}), ALLERGY_SOURCE, (drug.code,)))
            continue
        for code, (cls, source) in ALLERGY_CROSS.items():
            if code in patient.allergy_codes and drug.allergy_class == cls:
                found.append(Finding("allergy_cross", Severity.WARN, str(_(
                    "%(drug)s: possible cross-allergy with the resident's penicillin allergy.") % {
                    "drug": drug.name}), source, (drug.code,)))
    return found


# Classes where two drugs together are usual or harmless (replacement fluids, vitamins, minerals).
DUPLICATE_EXEMPT = {"vitamin", "infusion", "calcium", "iron", "potassium", "rehydration"}
DUPLICATE_SOURCE = "医疗机构处方审核规范 (2018) 第十五条 (重复给药)"


def check_duplicates(items: list[ItemFacts]) -> list[Finding]:
    found = []
    for i, first in enumerate(items):
        for second in items[i + 1:]:
            a, b = first.drug, second.drug
            codes = (a.code, b.code)
            if a.ingredient == b.ingredient:
                found.append(Finding("duplicate_ingredient", Severity.BLOCK, str(_(
                    "%(a)s and %(b)s contain the same active ingredient.") % {"a": a.name, "b": b.name}),
                    DUPLICATE_SOURCE, codes))
            elif a.therapeutic_class == b.therapeutic_class and a.therapeutic_class not in DUPLICATE_EXEMPT:
                found.append(Finding("duplicate_class", Severity.WARN, str(_(
                    "%(a)s and %(b)s belong to the same drug class (duplicate therapy).") % {
                    "a": a.name, "b": b.name}), DUPLICATE_SOURCE, codes))
    return found


@dataclass(frozen=True)
class Interaction:
    a: str  # ingredient or therapeutic class
    b: str
    severity: Severity
    message: object
    source: str


INTERACTIONS = (
    Interaction("simvastatin", "macrolide", Severity.BLOCK,
                _("Simvastatin with a macrolide raises the risk of rhabdomyolysis (contraindicated)."),
                "辛伐他汀片说明书【禁忌】强效CYP3A4抑制剂"),
    Interaction("domperidone", "macrolide", Severity.BLOCK,
                _("Domperidone with a macrolide prolongs the QT interval (contraindicated)."),
                "多潘立酮片说明书【禁忌】; EMA 2014"),
    Interaction("domperidone", "azole_antifungal", Severity.BLOCK,
                _("Domperidone with an azole antifungal prolongs the QT interval (contraindicated)."),
                "多潘立酮片说明书【禁忌】; EMA 2014"),
    Interaction("domperidone", "amiodarone", Severity.BLOCK,
                _("Domperidone with amiodarone prolongs the QT interval (contraindicated)."),
                "多潘立酮片说明书【禁忌】"),
    Interaction("clozapine", "carbamazepine", Severity.BLOCK,
                _("Clozapine with carbamazepine raises the risk of agranulocytosis (contraindicated)."),
                "氯氮平片说明书【药物相互作用】"),
    Interaction("acei", "arb", Severity.WARN,
                _("An ACE inhibitor with an ARB (dual RAS blockade) is not recommended: hyperkalaemia, renal harm."),
                "中国高血压防治指南 (2018年修订版)"),
    Interaction("acei", "potassium_sparing", Severity.WARN,
                _("An ACE inhibitor with a potassium-sparing diuretic can cause hyperkalaemia."),
                "螺内酯片说明书【药物相互作用】"),
    Interaction("arb", "potassium_sparing", Severity.WARN,
                _("An ARB with a potassium-sparing diuretic can cause hyperkalaemia."),
                "螺内酯片说明书【药物相互作用】"),
    Interaction("potassium_sparing", "potassium", Severity.WARN,
                _("Potassium supplements with a potassium-sparing diuretic can cause hyperkalaemia."),
                "螺内酯片说明书【药物相互作用】"),
    Interaction("warfarin", "antiplatelet", Severity.WARN,
                _("Warfarin with aspirin raises the risk of bleeding."), "华法林钠片说明书【药物相互作用】"),
    Interaction("warfarin", "nsaid", Severity.WARN,
                _("Warfarin with an NSAID raises the risk of bleeding."), "华法林钠片说明书【药物相互作用】"),
    Interaction("warfarin", "nitroimidazole", Severity.WARN,
                _("Metronidazole or tinidazole raises the effect of warfarin (bleeding)."),
                "华法林钠片说明书【药物相互作用】"),
    Interaction("clopidogrel", "omeprazole", Severity.WARN,
                _("Omeprazole weakens the effect of clopidogrel; prefer pantoprazole."),
                "硫酸氢氯吡格雷片说明书【药物相互作用】; FDA 2009"),
    Interaction("methylxanthine", "quinolone", Severity.WARN,
                _("Quinolones raise theophylline levels (toxicity)."), "氨茶碱片说明书【药物相互作用】"),
    Interaction("digoxin", "amiodarone", Severity.WARN,
                _("Amiodarone raises digoxin levels; halve the digoxin dose."), "地高辛片说明书【药物相互作用】"),
    Interaction("sulfonylurea", "sulfonamide", Severity.WARN,
                _("Co-trimoxazole raises the effect of sulfonylureas (hypoglycaemia)."),
                "格列本脲片说明书【药物相互作用】"),
    Interaction("metoclopramide", "antipsychotic", Severity.WARN,
                _("Metoclopramide with an antipsychotic raises the risk of extrapyramidal effects."),
                "甲氧氯普胺片说明书【药物相互作用】"),
    Interaction("colchicine", "macrolide", Severity.WARN,
                _("Clarithromycin or erythromycin raises colchicine levels (toxicity)."),
                "秋水仙碱片说明书【药物相互作用】"),
)


def _matches(drug: DrugFacts, key: str) -> bool:
    return key in (drug.ingredient, drug.therapeutic_class)


def check_interactions(items: list[ItemFacts], table: Iterable[Interaction] = INTERACTIONS) -> list[Finding]:
    found = []
    drugs = [item.drug for item in items]
    for rule in table:
        for a in drugs:
            for b in drugs:
                if a.code != b.code and _matches(a, rule.a) and _matches(b, rule.b):
                    found.append(Finding("interaction", rule.severity, f"{a.name} + {b.name}: {rule.message}",
                                         rule.source, (a.code, b.code)))
    return found


@dataclass(frozen=True)
class AgeRule:
    key: str  # ingredient or therapeutic class
    under: int | None  # applies below this age (years) …
    from_age: int | None  # … or from this age on
    severity: Severity
    message: object
    source: str


AGE_RULES = (
    AgeRule("quinolone", 18, None, Severity.BLOCK, _("Quinolones are contraindicated under 18."),
            "左氧氟沙星片说明书【儿童用药】"),
    AgeRule("tetracycline", 8, None, Severity.BLOCK, _("Tetracyclines are contraindicated under 8 (tooth staining)."),
            "多西环素片说明书【儿童用药】"),
    AgeRule("loperamide", 2, None, Severity.BLOCK, _("Loperamide is contraindicated under 2."),
            "盐酸洛哌丁胺胶囊说明书【禁忌】"),
    AgeRule("metoclopramide", 1, None, Severity.BLOCK, _("Metoclopramide is contraindicated under 1."),
            "EMA 2013 甲氧氯普胺风险评估"),
    AgeRule("aminoglycoside", 6, None, Severity.WARN, _("Avoid aminoglycosides in children under 6 (ototoxicity)."),
            "抗菌药物临床应用指导原则 (2015年版)"),
    AgeRule("aspirin", 16, None, Severity.WARN, _("Aspirin under 16 risks Reye's syndrome."), "阿司匹林说明书【儿童用药】"),
    AgeRule("benzodiazepine", None, 65, Severity.WARN,
            _("Benzodiazepines in older adults raise the risk of falls and confusion."), "AGS Beers Criteria 2019"),
    AgeRule("tricyclic", None, 65, Severity.WARN, _("Tricyclic antidepressants are strongly anticholinergic in older adults."),
            "AGS Beers Criteria 2019"),
    AgeRule("glibenclamide", None, 65, Severity.WARN, _("Glibenclamide causes prolonged hypoglycaemia in older adults."),
            "AGS Beers Criteria 2019; 中国老年2型糖尿病防治临床指南 (2022)"),
    AgeRule("antihistamine_h1", None, 65, Severity.WARN,
            _("First-generation antihistamines are anticholinergic in older adults."), "AGS Beers Criteria 2019"),
)
# Second-generation antihistamines share the class but not the warning.
AGE_RULE_EXCEPTIONS = {"antihistamine_h1": {"loratadine", "cetirizine"}}


def check_age(items: Iterable[ItemFacts], age: int, table: Iterable[AgeRule] = AGE_RULES) -> list[Finding]:
    found = []
    for item in items:
        for rule in table:
            if not _matches(item.drug, rule.key) or item.drug.ingredient in AGE_RULE_EXCEPTIONS.get(rule.key, ()):
                continue
            if (rule.under is not None and age < rule.under) or (rule.from_age is not None and age >= rule.from_age):
                found.append(Finding("age", rule.severity, f"{item.drug.name}: {rule.message}", rule.source,
                                     (item.drug.code,)))
    return found


def check_days_supply(items: list[ItemFacts], *, long_term: bool, patient: PatientFacts) -> list[Finding]:
    found = []
    longest = max((item.days for item in items), default=0)
    if not long_term:
        if longest > ORDINARY_MAX_DAYS:
            found.append(Finding("days_supply", Severity.WARN, str(_(
                "An ordinary prescription is limited to %(max)s days' supply; give the reason for %(days)s days.") % {
                "max": ORDINARY_MAX_DAYS, "days": longest}), SOURCE_PRESCRIPTION_RULES))
        return found
    if not patient.chronic_patient:
        found.append(Finding("long_term_patient", Severity.BLOCK, str(_(
            "Long-term prescriptions are for patients under hypertension or diabetes management.")),
            SOURCE_LONG_TERM))
    if longest > LONG_TERM_MAX_DAYS:
        found.append(Finding("days_supply", Severity.BLOCK, str(_(
            "A long-term prescription covers at most %(max)s days (12 weeks).") % {"max": LONG_TERM_MAX_DAYS}),
            SOURCE_LONG_TERM))
    elif longest > LONG_TERM_USUAL_DAYS and patient.chronic_patient and not patient.stable:
        found.append(Finding("days_supply", Severity.BLOCK, str(_(
            "More than 4 weeks needs a stable patient: the last follow-up was not controlled.")), SOURCE_LONG_TERM))
    for item in items:
        if not item.drug.chronic and item.drug.therapeutic_class not in LONG_TERM_CLASSES:
            found.append(Finding("long_term_drug", Severity.WARN, str(_(
                "%(drug)s is not a usual long-term medicine for chronic disease.") % {"drug": item.drug.name}),
                SOURCE_LONG_TERM, (item.drug.code,)))
    return found


# Besides antihypertensives and antidiabetics, classes a stable chronic patient commonly takes long-term.
LONG_TERM_CLASSES = {"statin", "antiplatelet", "antiplatelet_p2y12", "nitrate", "antianginal", "urate_lowering",
                     "thyroid_hormone", "antithyroid", "antiepileptic", "antipsychotic", "ssri", "five_ari",
                     "alpha_blocker_uro", "cardiac_glycoside", "anticoagulant", "tcm_blood_stasis", "ics"}


def review(items: list[ItemFacts], patient: PatientFacts, *, long_term: bool,
           limits: Mapping[str, tuple[Decimal, str]]) -> list[Finding]:
    """Every finding for the prescription, blocking ones first."""
    findings = (check_max_daily_dose(items, limits) + check_allergy(items, patient) + check_duplicates(items)
                + check_interactions(items) + check_age(items, patient.age)
                + check_days_supply(items, long_term=long_term, patient=patient))
    return sorted(findings, key=lambda f: f.severity != Severity.BLOCK)


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == Severity.BLOCK]
