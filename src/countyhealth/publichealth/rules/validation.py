"""Impossible-value checks for measurements entered on public-health forms.

The ranges are **project decisions**: wide enough for every real patient of the programmes (newborns to
adults), narrow enough to catch typing errors. `validate_vitals` returns {field: message}; empty means valid.
"""

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from .facts import Programme, VisitFacts
from .measures import glucose_mmol, round_half_up

# field → (low, high), both inclusive
VITAL_RANGES = {
    "sbp": (50, 300),  # mmHg
    "dbp": (30, 200),  # mmHg
    "heart_rate": (20, 250),  # /min
    "temperature": (Decimal("34.0"), Decimal("43.0")),  # ℃
    "weight_kg": (Decimal("0.3"), Decimal("350")),
    "height_cm": (Decimal("20"), Decimal("250")),
    "waist_cm": (Decimal("30"), Decimal("250")),
    "fpg": (Decimal("1.0"), Decimal("40.0")),  # mmol/L, after rounding
    "random_glucose": (Decimal("1.0"), Decimal("40.0")),
}
RANGE_MESSAGES = {
    "sbp": _("Systolic pressure must be between %(low)s and %(high)s mmHg."),
    "dbp": _("Diastolic pressure must be between %(low)s and %(high)s mmHg."),
    "heart_rate": _("Heart rate must be between %(low)s and %(high)s beats per minute."),
    "temperature": _("Temperature must be between %(low)s and %(high)s ℃."),
    "weight_kg": _("Weight must be between %(low)s and %(high)s kg."),
    "height_cm": _("Height must be between %(low)s and %(high)s cm."),
    "waist_cm": _("Waist circumference must be between %(low)s and %(high)s cm."),
    "fpg": _("Fasting glucose must be between %(low)s and %(high)s mmol/L."),
    "random_glucose": _("Random glucose must be between %(low)s and %(high)s mmol/L."),
}
GLUCOSE_FIELDS = ("fpg", "random_glucose")


def validate_vitals(*, visit_date: date | None = None, birth_date: date | None = None,
                    today: date | None = None, **values) -> dict[str, str]:
    """Check each given measurement (keyword = field name of `VITAL_RANGES`; None means not measured) and
    the visit date. Glucose is judged after rounding to 1 decimal (§0). SBP must exceed DBP: a pulse
    pressure of 0 is not a real reading either (project decision)."""
    unknown = set(values) - set(VITAL_RANGES)
    if unknown:
        raise TypeError(f"Unknown measurement fields: {sorted(unknown)}")
    errors: dict[str, str] = {}
    for name, value in values.items():
        if value is None:
            continue
        low, high = VITAL_RANGES[name]
        number = glucose_mmol(value) if name in GLUCOSE_FIELDS else round_half_up(value, Decimal(1) / 100)
        if not low <= number <= high:
            errors[name] = RANGE_MESSAGES[name] % {"low": low, "high": high}
    sbp, dbp = values.get("sbp"), values.get("dbp")
    if (sbp is None) != (dbp is None):
        errors.setdefault("dbp" if dbp is None else "sbp",
                          _("Enter both systolic and diastolic pressure."))
    elif sbp is not None and "sbp" not in errors and "dbp" not in errors and sbp <= dbp:
        errors["sbp"] = _("Systolic pressure must be higher than diastolic pressure.")
    if visit_date is not None:
        if birth_date is not None and visit_date < birth_date:
            errors["visit_date"] = _("The visit date is before the date of birth.")
        elif visit_date > (today or date.today()):
            errors["visit_date"] = _("The visit date is in the future.")
    return errors


def validate_follow_up(facts: VisitFacts, *, today: date | None = None) -> dict[str, str]:
    """`validate_vitals` for a follow-up plus the measurements its classification needs: BP for
    hypertension; FPG for diabetes (**project decision** §4.2: the form refuses to save without it)."""
    errors = validate_vitals(
        visit_date=facts.visit_date, birth_date=facts.birth_date, today=today, sbp=facts.sbp, dbp=facts.dbp,
        heart_rate=facts.heart_rate, temperature=facts.temperature, fpg=facts.fpg,
        random_glucose=facts.random_glucose,
    )
    required = {"sbp": facts.sbp, "dbp": facts.dbp} if facts.programme == Programme.HYPERTENSION else {}
    if facts.programme == Programme.DIABETES:
        required["fpg"] = facts.fpg
    for name, value in required.items():
        if value is None:
            errors[name] = _("Required for this follow-up.")
    return errors
