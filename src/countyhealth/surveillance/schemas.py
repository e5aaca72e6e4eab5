from datetime import date, datetime

from ninja import Schema


class CardOut(Schema):
    id: int
    card_no: str
    card_kind: str
    status: str
    resident_id: int
    disease_code: str
    disease_subtype: str
    patient_name: str
    sex: str
    birth_date: date | None
    current_address: str
    population_group: str
    case_classification: str
    onset_date: date | None
    diagnosed_at: datetime
    due_at: datetime
    submitted_at: datetime | None
    approved_at: datetime | None
    reported_at: datetime | None
    reporting_org_id: int
    return_reason: str
    revises_id: int | None
    duplicate_of_id: int | None
    duplicate_kept: bool

    @staticmethod
    def resolve_disease_code(obj):
        return obj.disease.code


class CardFieldsIn(Schema):
    disease_subtype: str | None = None
    patient_name: str | None = None
    guardian_name: str | None = None
    id_document_no: str | None = None
    sex: str | None = None
    birth_date: date | None = None
    work_unit: str | None = None
    phone: str | None = None
    residence_category: str | None = None
    current_address: str | None = None
    population_group: str | None = None
    case_classification: str | None = None
    acute_chronic: str | None = None
    onset_date: date | None = None
    death_date: date | None = None
    remarks: str | None = None


class DuplicateIn(Schema):
    keep: bool


class ReasonIn(Schema):
    reason: str


class NotesIn(Schema):
    notes: str


class SignalOut(Schema):
    id: int
    area_id: int
    area_name: str
    disease_code: str | None
    syndrome: str
    day: date
    algorithm: str
    observed: float
    expected: float | None
    threshold: float | None
    status: str
    created_at: datetime
    responded_at: datetime | None
    dismiss_reason: str
    investigation_notes: str

    @staticmethod
    def resolve_area_name(obj):
        return obj.area.name

    @staticmethod
    def resolve_disease_code(obj):
        return obj.disease.code if obj.disease_id else None


class SeriesOut(Schema):
    area_id: int
    disease_code: str
    dates: list[date]
    counts: list[int]
    weekly: list[int]
    threshold: list[float | None]


class SyndromeSeriesOut(Schema):
    org_id: int
    syndrome: str
    method: str
    dates: list[date]
    counts: list[int]
    compared: list[int]
    threshold: list[float | None]
