"""The ICD-10 catalogue as data: every `data/icd10*.csv` file (columns code,name_zh,name_en) is loaded into
`Icd10Code` after each migrate, adding new codes and updating changed names, so a catalogue edit is a data
file change and never a hand-written migration. Codes are never deleted: old diagnoses keep theirs."""

import csv
import re
from pathlib import Path

from countyhealth.residents.names import search_keys

DATA = Path(__file__).parent / "data"


def catalogue_rows() -> dict[str, tuple[str, str]]:
    rows = {}
    for path in sorted(DATA.glob("icd10*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                rows[row["code"].strip().upper()] = (row["name_zh"].strip(), row.get("name_en", "").strip())
    return rows


def load_catalogue(using: str = "default") -> int:
    """Insert or update the catalogue; returns how many codes were written."""
    from .models import Icd10Code

    wanted = catalogue_rows()
    have = {c.code: c for c in Icd10Code.objects.using(using).all()}
    changed = []
    for code, (zh, en) in wanted.items():
        current = have.get(code)
        if current is None or (current.name_zh, current.name_en) != (zh, en):
            changed.append(Icd10Code(code=code, name_zh=zh, name_en=en, initials=re.sub(r"[^a-z0-9]", "", search_keys(zh)[2])))
    Icd10Code.objects.using(using).bulk_create(
        changed, update_conflicts=True, unique_fields=["code"], update_fields=["name_zh", "name_en", "initials"],
    )
    return len(changed)


def on_post_migrate(sender, using="default", **kwargs) -> None:
    load_catalogue(using)
