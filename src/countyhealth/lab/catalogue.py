"""The test catalogue (检验项目目录) as data: codes, LOINC codes, names, stored units, accepted units with their
conversion, reference intervals by sex and age, critical limits and the fee used for recognition savings.

Sources:
- Critical limits: `shared/design/critical-values.md` §3 (adult seed; neonate rows where the table has them).
  Low rule `value < low`, high rule `value > high` (`>=` where the table says so).
- Reference intervals: WS/T 404.1–404.8-2012 《临床常用生化检验项目参考区间》 (K, Na, Ca, creatinine, glucose),
  WS/T 405-2012 《血细胞分析参考区间》 (Hb, WBC, PLT), 《中国成人血脂异常防治指南（2016年修订版）》 (lipids, desirable
  levels), 《中国2型糖尿病防治指南（2020年版）》 (HbA1c), manufacturer 99th percentile (hs-cTnT, Roche 14 ng/L).
- Unit conversions: critical-values.md §3 (glucose mg/dL ÷ 18.0, creatinine mg/dL × 88.4); Hb g/dL × 10;
  HbA1c IFCC mmol/mol → NGSP % = 0.09148 × IFCC + 2.152 (NGSP/IFCC master equation).
- Fees: the county's price list for 2026 is not in the repository; the figures are typical county-hospital
  fees in yuan (**project decision**, used only for the "money saved" estimate).
"""

from dataclasses import dataclass, field
from decimal import Decimal

D = Decimal


@dataclass(frozen=True)
class Unit:
    """A unit accepted on input and how to reach the stored unit: stored = value × factor + offset."""

    name: str
    factor: Decimal = D(1)
    offset: Decimal = D(0)


@dataclass(frozen=True)
class Band:
    """Reference interval or critical limits for a sex ("" both) and an age range in days [min, max)."""

    low: Decimal | None
    high: Decimal | None
    sex: str = ""  # GB/T 2261.1: "1" male, "2" female
    min_days: int = 0
    max_days: int | None = None
    high_inclusive: bool = False  # critical rule `>=` instead of `>`

    def applies(self, sex: str, age_days: int) -> bool:
        return (not self.sex or self.sex == sex) and age_days >= self.min_days and (
            self.max_days is None or age_days < self.max_days)


NEONATE_DAYS = 29  # 0–28 days (critical-values.md §3)


@dataclass(frozen=True)
class LabTest:
    code: str
    loinc: str
    name_zh: str
    name_en: str
    unit: str
    decimals: int
    units: tuple[Unit, ...]
    reference: tuple[Band, ...]
    critical: tuple[Band, ...] = ()
    fee: Decimal = D(0)
    aliases: tuple[str, ...] = field(default=())

    def unit_for(self, name: str) -> Unit | None:
        key = _unit_key(name)
        return next((u for u in self.units if _unit_key(u.name) == key), None)

    def band(self, bands: tuple[Band, ...], sex: str, age_days: int) -> Band | None:
        """The most specific band: a neonate or sex-specific row before the general one."""
        fitting = [b for b in bands if b.applies(sex, age_days)]
        fitting.sort(key=lambda b: (b.max_days is None, not b.sex))
        return fitting[0] if fitting else None


def _unit_key(name: str) -> str:
    return name.strip().replace("μ", "µ").replace("umol", "µmol").replace("^", "").replace("*", "×").lower()


def _u(name, factor="1", offset="0"):
    return Unit(name, D(factor), D(offset))


def _b(low, high, sex="", min_days=0, max_days=None, high_inclusive=False):
    return Band(D(low) if low is not None else None, D(high) if high is not None else None, sex, min_days,
                max_days, high_inclusive)


MMOL = _u("mmol/L")
TESTS: tuple[LabTest, ...] = (
    LabTest("potassium", "2823-3", "血钾", "Potassium", "mmol/L", 2, (MMOL, _u("mEq/L")),
            (_b("3.5", "5.3"),), (_b("2.8", "6.2"),), D(8), ("K",)),
    LabTest("sodium", "2951-2", "血钠", "Sodium", "mmol/L", 0, (MMOL, _u("mEq/L")),
            (_b("137", "147"),), (_b("120", "160"),), D(8), ("NA",)),
    LabTest("calcium_total", "17861-6", "血钙（总）", "Calcium (total)", "mmol/L", 2, (MMOL, _u("mg/dL", "0.2495")),
            (_b("2.11", "2.52"),), (_b("1.75", "3.5"),), D(8), ("CA",)),
    LabTest("glucose", "2345-7", "血糖", "Glucose", "mmol/L", 1, (MMOL, _u("mg/dL", str(1 / D(18)))),
            (_b("3.9", "6.1"),), (_b("2.2", None, max_days=NEONATE_DAYS), _b("2.8", "22.2")), D(6), ("GLU",)),
    LabTest("fpg", "1558-6", "空腹血糖", "Fasting plasma glucose", "mmol/L", 1,
            (MMOL, _u("mg/dL", str(1 / D(18)))),
            (_b("3.9", "6.1"),), (_b("2.2", None, max_days=NEONATE_DAYS), _b("2.8", "22.2")), D(6), ("FPG",)),
    LabTest("hba1c", "4548-4", "糖化血红蛋白", "HbA1c", "%", 1, (_u("%"), _u("mmol/mol", "0.09148", "2.152")),
            (_b("4.0", "6.0"),), (), D(70), ("HBA1C",)),
    LabTest("tc", "2093-3", "总胆固醇", "Total cholesterol", "mmol/L", 2, (MMOL, _u("mg/dL", "0.02586")),
            (_b(None, "5.2"),), (), D(6), ("TC", "CHOL")),
    LabTest("tg", "2571-8", "甘油三酯", "Triglycerides", "mmol/L", 2, (MMOL, _u("mg/dL", "0.01129")),
            (_b(None, "1.7"),), (), D(6), ("TG",)),
    LabTest("ldl_c", "13457-7", "低密度脂蛋白胆固醇", "LDL cholesterol", "mmol/L", 2, (MMOL, _u("mg/dL", "0.02586")),
            (_b(None, "3.4"),), (), D(10), ("LDL",)),
    LabTest("hdl_c", "2085-9", "高密度脂蛋白胆固醇", "HDL cholesterol", "mmol/L", 2, (MMOL, _u("mg/dL", "0.02586")),
            (_b("1.0", None),), (), D(10), ("HDL",)),
    LabTest("creatinine", "2160-0", "肌酐", "Creatinine", "µmol/L", 0, (_u("µmol/L"), _u("mg/dL", "88.4")),
            (_b("57", "111", sex="1"), _b("41", "81", sex="2"), _b("41", "111")), (_b(None, "707"),), D(5),
            ("CREA", "CR")),
    LabTest("haemoglobin", "718-7", "血红蛋白", "Haemoglobin", "g/L", 0, (_u("g/L"), _u("g/dL", "10")),
            (_b("130", "175", sex="1"), _b("115", "150", sex="2"), _b("115", "175")), (_b("60", "200"),), D(5),
            ("HGB", "HB")),
    LabTest("wbc", "6690-2", "白细胞", "White blood cells", "×10⁹/L", 1, (_u("×10⁹/L"), _u("10*9/L"), _u("10^9/L")),
            (_b("3.5", "9.5"),), (_b("2.0", "30.0"),), D(5), ("WBC",)),
    LabTest("platelets", "777-3", "血小板", "Platelets", "×10⁹/L", 0, (_u("×10⁹/L"), _u("10*9/L"), _u("10^9/L")),
            (_b("125", "350"),), (_b("30", "1000"),), D(5), ("PLT",)),
    LabTest("inr", "6301-6", "国际标准化比值", "INR", "ratio", 1, (_u("ratio"), _u("INR"), _u("")),
            (_b("0.8", "1.2"),), (_b(None, "4.5"),), D(15), ("INR",)),
    LabTest("troponin_t", "67151-1", "高敏肌钙蛋白T", "hs-Troponin T", "ng/L", 0, (_u("ng/L"), _u("pg/mL")),
            (_b(None, "14"),), (_b(None, "14"),), D(120), ("TNT", "HSTNT")),
)

BY_CODE = {t.code: t for t in TESTS}
# OBX-3 may carry our code, the LOINC code or a common LIS mnemonic.
_LOOKUP = {key.upper(): t for t in TESTS for key in (t.code, t.loinc, *t.aliases)}


def find(code: str) -> LabTest | None:
    return _LOOKUP.get((code or "").strip().upper())


def choices() -> list[tuple[str, str]]:
    return [(t.code, f"{t.name_zh} {t.name_en}") for t in TESTS]


# The chronic-disease panel the demo seed and the diabetes/hypertension follow-ups use.
CHRONIC_PANEL = ("fpg", "hba1c", "tc", "tg", "ldl_c", "hdl_c", "creatinine", "potassium")
