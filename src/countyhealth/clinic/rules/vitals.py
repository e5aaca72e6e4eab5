"""Plausibility ranges for vitals typed at the visit: a value outside is a typing error, not a finding.
Project decision, wide enough for any living adult or child (no clinical classification here: the
programmes classify in `publichealth.rules`)."""

from decimal import Decimal

VITAL_RANGES = {
    "sbp": (40, 300),
    "dbp": (20, 200),
    "heart_rate": (20, 250),
    "temperature": (Decimal("34.0"), Decimal("43.0")),
    "weight_kg": (Decimal("0.5"), Decimal("300")),
    "height_cm": (Decimal("30"), Decimal("250")),
    "fpg": (Decimal("1.0"), Decimal("40.0")),
    "random_glucose": (Decimal("1.0"), Decimal("40.0")),
}


def out_of_range(values: dict) -> list[str]:
    """Names of the given vitals outside their plausible range."""
    return [name for name, (low, high) in VITAL_RANGES.items()
            if values.get(name) is not None and not low <= values[name] <= high]
