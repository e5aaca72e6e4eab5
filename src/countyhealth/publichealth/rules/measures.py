"""Measurement conventions of public-health-rules.md §0: glucose, BMI (WS428), central obesity, two-arm BP."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

MG_DL_PER_MMOL_L = Decimal(18)
ONE_DECIMAL = Decimal("0.1")


def round_half_up(value, places: Decimal = ONE_DECIMAL) -> Decimal:
    """Half-up rounding on the decimal text of the value, so a float 6.95 rounds to 7.0, not 6.9."""
    return Decimal(str(value)).quantize(places, rounding=ROUND_HALF_UP)


class GlucoseUnit(StrEnum):
    MMOL_L = "mmol/L"
    MG_DL = "mg/dL"


def glucose_mmol(value, unit: GlucoseUnit = GlucoseUnit.MMOL_L) -> Decimal:
    """§0 Glucose: mmol/L to 1 decimal, rounded half-up **before** any classification; mg/dL ÷ 18."""
    raw = Decimal(str(value))
    if unit == GlucoseUnit.MG_DL:
        raw = raw / MG_DL_PER_MMOL_L
    return round_half_up(raw)


class BmiClass(StrEnum):
    """WS428 (WS/T 428-2013) adult weight classes."""

    LOW = "low"
    NORMAL = "normal"
    OVERWEIGHT = "overweight"
    OBESE = "obese"

    @property
    def label(self):
        return BMI_CLASS_LABELS[self]


BMI_CLASS_LABELS = {
    BmiClass.LOW: _("Underweight"),
    BmiClass.NORMAL: _("Normal weight"),
    BmiClass.OVERWEIGHT: _("Overweight"),
    BmiClass.OBESE: _("Obese"),
}
# WS428: lower bound of each class (kg/m²), checked from the top.
BMI_BANDS = ((Decimal("28.0"), BmiClass.OBESE), (Decimal("24.0"), BmiClass.OVERWEIGHT),
             (Decimal("18.5"), BmiClass.NORMAL), (Decimal("0"), BmiClass.LOW))
# WS428 central obesity: waist ≥ 90 cm men, ≥ 85 cm women (GB/T 2261.1 sex codes).
CENTRAL_OBESITY_WAIST_CM = {"1": Decimal(90), "2": Decimal(85)}


def bmi(weight_kg, height_cm) -> Decimal:
    """§0 BMI: kg/m², 1 decimal half-up (WS428)."""
    metres = Decimal(str(height_cm)) / 100
    if metres <= 0:
        raise ValueError("Height must be positive.")
    return round_half_up(Decimal(str(weight_kg)) / (metres * metres))


def bmi_class(value) -> BmiClass:
    """WS428: <18.5 low, 18.5–<24 normal, 24–<28 overweight, ≥28 obese (on the rounded BMI)."""
    rounded = round_half_up(value)
    return next(cls for bound, cls in BMI_BANDS if rounded >= bound)


def has_central_obesity(waist_cm, sex: str) -> bool | None:
    """WS428 central obesity; None when sex is not male or female (GB 2261 codes 0 and 9), as the
    threshold is sex-specific."""
    limit = CENTRAL_OBESITY_WAIST_CM.get(sex)
    return None if limit is None else Decimal(str(waist_cm)) >= limit


@dataclass(frozen=True)
class BloodPressure:
    sbp: int
    dbp: int


def classified_bp(left: BloodPressure | None, right: BloodPressure | None) -> BloodPressure | None:
    """§0 BP, **project decision** (HTN2020 measurement practice): with both arms measured, the higher arm is
    classified — the arm with the higher SBP, then the higher DBP. Readings of the two arms are never mixed."""
    readings = [r for r in (left, right) if r is not None]
    return max(readings, key=lambda r: (r.sbp, r.dbp)) if readings else None
