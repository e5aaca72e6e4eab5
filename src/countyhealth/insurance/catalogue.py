"""Catalogue matching (医保目录对照, 对码): local drugs and services → national insurance catalogue codes.

Drug codes are "X" + the drug's ATC code (the national drug code's leading part); the simulator's 两病 list
recognises antihypertensive (C02 C03 C07 C08 C09) and antidiabetic (A10) ATC groups. ATC codes: WHO Collaborating
Centre for Drug Statistics Methodology, ATC/DDD Index. Services keep the local code behind "F"."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from .fees import Line

ATC_BY_GENERIC_NAME = {
    "硝苯地平": "C08CA05", "氨氯地平": "C08CA01", "苯磺酸氨氯地平": "C08CA01", "非洛地平": "C08CA02",
    "尼群地平": "C08CA09", "卡托普利": "C09AA01", "依那普利": "C09AA02", "马来酸依那普利": "C09AA02",
    "贝那普利": "C09AA07", "培哚普利": "C09AA04", "缬沙坦": "C09CA03", "氯沙坦": "C09CA01",
    "厄贝沙坦": "C09CA04", "替米沙坦": "C09CA07", "氢氯噻嗪": "C03AA03", "吲达帕胺": "C03BA11",
    "螺内酯": "C03DA01", "呋塞米": "C03CA01", "美托洛尔": "C07AB02", "酒石酸美托洛尔": "C07AB02",
    "比索洛尔": "C07AB07", "阿替洛尔": "C07AB03", "普萘洛尔": "C07AA05", "可乐定": "C02AC01",
    "利血平": "C02AA02", "复方利血平": "C02LA01",
    "二甲双胍": "A10BA02", "盐酸二甲双胍": "A10BA02", "格列本脲": "A10BB01", "格列齐特": "A10BB09",
    "格列吡嗪": "A10BB07", "格列美脲": "A10BB12", "阿卡波糖": "A10BF01", "瑞格列奈": "A10BX02",
    "胰岛素": "A10AB01", "人胰岛素": "A10AB01", "精蛋白锌胰岛素": "A10AC01", "预混胰岛素": "A10AD01",
    "阿司匹林": "B01AC06", "阿莫西林": "J01CA04", "对乙酰氨基酚": "N02BE01", "布洛芬": "M01AE01",
    "奥美拉唑": "A02BC01", "阿托伐他汀": "C10AA05", "辛伐他汀": "C10AA01",
}


# The clinic catalogue's `ingredient` (data/drugs.csv) → ATC, for every antihypertensive and antidiabetic it lists
# and the common others.
ATC_BY_INGREDIENT = {
    "amlodipine": "C08CA01", "nifedipine": "C08CA05", "felodipine": "C08CA02", "nitrendipine": "C08CA09",
    "captopril": "C09AA01", "enalapril": "C09AA02", "benazepril": "C09AA07", "perindopril": "C09AA04",
    "valsartan": "C09CA03", "losartan": "C09CA01", "irbesartan": "C09CA04", "telmisartan": "C09CA07",
    "candesartan": "C09CA06", "metoprolol": "C07AB02", "bisoprolol": "C07AB07", "propranolol": "C07AA05",
    "atenolol": "C07AB03", "hydrochlorothiazide": "C03AA03", "indapamide": "C03BA11", "spironolactone": "C03DA01",
    "reserpine": "C02AA02", "prazosin": "C02CA01",
    "metformin": "A10BA02", "glimepiride": "A10BB12", "gliclazide": "A10BB09", "glipizide": "A10BB07",
    "glibenclamide": "A10BB01", "acarbose": "A10BF01", "voglibose": "A10BF03", "repaglinide": "A10BX02",
    "pioglitazone": "A10BG03", "sitagliptin": "A10BH01", "insulin_regular": "A10AB01",
    "insulin_premix": "A10AD01", "insulin_glargine": "A10AE04",
    "amoxicillin": "J01CA04", "aspirin": "B01AC06", "ibuprofen": "M01AE01", "paracetamol": "N02BE01",
    "omeprazole": "A02BC01", "atorvastatin": "C10AA05", "simvastatin": "C10AA01",
}


def drug_code(generic_name: str, local_code: str) -> str:
    atc = ATC_BY_GENERIC_NAME.get(generic_name)
    return f"X{atc}" if atc else f"X-{local_code}"


def clinic_drug_code(drug) -> str:
    """A clinic Drug → its insurance code (unmatched drugs keep their local code and get no 两病 listing)."""
    atc = ATC_BY_INGREDIENT.get(drug.ingredient) or ATC_BY_GENERIC_NAME.get(drug.name_zh)
    return f"X{atc}" if atc else f"X-{drug.code}"


# The counter's own list for bills not coming from a clinic visit (e.g. a drug refill at the counter):
# (code, name, unit price in yuan).
COUNTER_ITEMS = [
    ("F110200001", _("General consultation fee (一般诊疗费)"), Decimal("10.00")),
    ("F250102001", _("Fasting blood glucose test"), Decimal("6.00")),
    ("F310701001", _("Electrocardiogram"), Decimal("15.00")),
    (drug_code("硝苯地平", ""), _("Nifedipine sustained-release tablets 20 mg ×30"), Decimal("18.60")),
    (drug_code("卡托普利", ""), _("Captopril tablets 25 mg ×100"), Decimal("6.20")),
    (drug_code("二甲双胍", ""), _("Metformin tablets 0.5 g ×60"), Decimal("12.40")),
    (drug_code("阿莫西林", ""), _("Amoxicillin capsules 0.25 g ×24"), Decimal("9.80")),
    (drug_code("布洛芬", ""), _("Ibuprofen sustained-release capsules 0.3 g ×20"), Decimal("8.50")),
]


def counter_line(code: str, quantity) -> Line:
    for item_code, name, price in COUNTER_ITEMS:
        if item_code == code:
            return Line(code=item_code, name=str(name), quantity=Decimal(quantity), unit_price=price)
    raise KeyError(code)
