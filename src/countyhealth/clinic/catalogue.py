"""The drug and fee catalogues shipped as data (`data/drugs.csv`, `data/fee_items.csv`), loaded by the data
migration and read by the review rules (maximum daily doses with their source)."""

import csv
from decimal import Decimal
from functools import cache
from pathlib import Path

from pypinyin import Style, lazy_pinyin

DATA = Path(__file__).resolve().parent / "data"

# Low-stock level by dispensing unit: a few weeks of one patient's tablets, a few vials or bottles.
REORDER_LEVELS = {"片": 100, "粒": 100, "丸": 200, "袋": 20, "支": 10, "瓶": 10}


def drug_initials(name: str) -> str:
    """Pinyin initials of the Chinese part of a drug name (阿莫西林胶囊 → amxljn), for search."""
    letters = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")
    return "".join(letter for letter in letters if letter.isascii() and letter.isalpha()).lower()[:30]


def _rows(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def drug_rows() -> tuple[dict, ...]:
    return tuple(_rows("drugs.csv"))


def drug_fields(row: dict) -> dict:
    """Model fields of one catalogue row."""
    return {
        "code": row["code"], "name_zh": row["name_zh"], "name_en": row["name_en"], "ingredient": row["ingredient"],
        "initials": drug_initials(row["name_zh"]), "dosage_form": row["dosage_form"], "strength": row["strength"],
        "unit_amount": Decimal(row["unit_amount"]), "dose_unit": row["dose_unit"], "unit": row["unit"],
        "price": Decimal(row["price"]), "category": row["category"], "therapeutic_class": row["therapeutic_class"],
        "allergy_class": row["allergy_class"], "antihypertensive": row["antihypertensive"] == "1",
        "antidiabetic": row["antidiabetic"] == "1", "reorder_level": REORDER_LEVELS.get(row["unit"], 20),
    }


def fee_item_rows() -> list[dict]:
    return [row | {"price": Decimal(row["price"])} for row in _rows("fee_items.csv")]


@cache
def max_daily_doses() -> dict[str, tuple[Decimal, str]]:
    """Drug code → (maximum daily dose in the drug's dose unit, source). Drugs without a ceiling are absent."""
    return {row["code"]: (Decimal(row["max_daily"]), row["max_daily_source"])
            for row in drug_rows() if row["max_daily"]}


def load(drug_model, fee_model, using: str = "default") -> int:
    """Insert catalogue rows missing from the database (the data migration, and after each migrate or flush:
    a test database flushed between browser tests gets its catalogue back, as records' ICD-10 does)."""
    have = set(drug_model.objects.using(using).values_list("code", flat=True))
    drugs = [drug_model(**drug_fields(row)) for row in drug_rows() if row["code"] not in have]
    drug_model.objects.using(using).bulk_create(drugs)
    have = set(fee_model.objects.using(using).values_list("code", flat=True))
    fees = [fee_model(**row) for row in fee_item_rows() if row["code"] not in have]
    fee_model.objects.using(using).bulk_create(fees)
    return len(drugs) + len(fees)


def on_post_migrate(sender, using="default", apps=None, **kwargs) -> None:
    from .models import Drug, FeeItem

    load(Drug, FeeItem, using)
