"""Export of approved cards for the national direct-reporting system (网络直报), as a UTF-8 CSV file.

Columns (one row per card, in this order; dates ISO 8601, times local Asia/Shanghai `YYYY-MM-DD HH:MM`):
card_no, card_kind (initial/revision), revises_card_no, patient_name, guardian_name, id_document_type,
id_document_no, sex (GB/T 2261.1: 1/2), birth_date, work_unit, phone, residence_category, address_division_code
(GB/T 2260 + GB/T 10114, 12 digits), current_address, population_group, case_classification, acute_chronic,
onset_date, diagnosed_at, death_date, disease_code (catalogue code), disease_name, disease_subtype,
reporting_org_code, reporting_doctor, filled_at, remarks. Codes are the catalogue/choice codes of
notifiable-diseases.md §2.2, not the national system's numeric codes (mapping them is the import's job)."""

import csv
import io

from django.utils import timezone

COLUMNS = ("card_no", "card_kind", "revises_card_no", "patient_name", "guardian_name", "id_document_type",
           "id_document_no", "sex", "birth_date", "work_unit", "phone", "residence_category",
           "address_division_code", "current_address", "population_group", "case_classification", "acute_chronic",
           "onset_date", "diagnosed_at", "death_date", "disease_code", "disease_name", "disease_subtype",
           "reporting_org_code", "reporting_doctor", "filled_at", "remarks")


def _time(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def card_row(card) -> list[str]:
    values = {
        "revises_card_no": card.revises.card_no if card.revises_id else "",
        "birth_date": card.birth_date.isoformat() if card.birth_date else "",
        "onset_date": card.onset_date.isoformat() if card.onset_date else "",
        "death_date": card.death_date.isoformat() if card.death_date else "",
        "diagnosed_at": _time(card.diagnosed_at), "filled_at": _time(card.filled_at),
        "disease_code": card.disease.code, "disease_name": card.disease.name_zh,
        "reporting_org_code": card.reporting_org.code, "reporting_doctor": card.reporting_doctor.display_name,
    }
    return [values[c] if c in values else str(getattr(card, c) or "") for c in COLUMNS]


def to_csv(cards) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for card in cards:
        writer.writerow(card_row(card))
    return out.getvalue()
