from datetime import date, datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field


class VisitIn(Schema):
    resident_id: int
    chief_complaint: str = Field(max_length=200)
    present_illness: str = Field("", max_length=2000)
    source: str = Field("walk_in", max_length=12)
    appointment_ref: str = Field("", max_length=40)
    sbp: int | None = Field(None, ge=0, le=999)
    dbp: int | None = Field(None, ge=0, le=999)
    heart_rate: int | None = Field(None, ge=0, le=999)
    temperature: Decimal | None = Field(None, max_digits=3, decimal_places=1)
    weight_kg: Decimal | None = Field(None, max_digits=4, decimal_places=1)
    height_cm: Decimal | None = Field(None, max_digits=4, decimal_places=1)
    fpg: Decimal | None = Field(None, max_digits=4, decimal_places=1)
    random_glucose: Decimal | None = Field(None, max_digits=4, decimal_places=1)


class FeeLineOut(Schema):
    id: int
    kind: str
    code: str
    name: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    drug_code: str | None = Field(None, alias="drug.code")
    prescription_id: int | None


class DueOut(Schema):
    code: str
    label: str
    due: date | None
    url: str
    in_visit: bool


class VisitOut(Schema):
    id: int
    resident_id: int
    organisation_id: int
    doctor_id: int
    visit_date: date
    status: str
    chief_complaint: str
    sbp: int | None
    dbp: int | None
    heart_rate: int | None
    fee_total: Decimal
    settlement_ref: str
    opened_at: datetime


class VisitDetailOut(VisitOut):
    diagnoses: list[str]
    fees: list[FeeLineOut]
    due: list[DueOut]
    prescription_ids: list[int]


class DiagnosisIn(Schema):
    code: str = Field(max_length=16)
    note: str = Field("", max_length=500)


class OrderIn(Schema):
    fee_item_code: str = Field(max_length=20)
    note: str = Field("", max_length=200)


class LineIn(Schema):
    drug: str = Field(max_length=20)
    dose: Decimal = Field(gt=0, max_digits=8, decimal_places=3)
    frequency: str = Field(max_length=8)
    days: int = Field(ge=1, le=365)


class PrescriptionIn(Schema):
    kind: str = Field("ordinary", max_length=12)
    items: list[LineIn] = Field(min_length=1, max_length=10)
    override_reason: str = Field("", max_length=300)


class FindingOut(Schema):
    rule: str
    severity: str
    message: str
    source: str


class ReviewOut(Schema):
    code: str = ""
    message: str = ""
    findings: list[FindingOut]
    blocked: bool


class ItemOut(Schema):
    drug: str = Field(alias="drug.code")
    dose: Decimal
    frequency: str
    days: int
    quantity: int
    amount: Decimal


class PrescriptionOut(Schema):
    id: int
    visit_id: int
    kind: str
    status: str
    total: Decimal
    override_reason: str
    items: list[ItemOut]
    findings: list[FindingOut]


class StockIn(Schema):
    drug: str = Field(max_length=20)
    batch_number: str = Field(max_length=40)
    expiry_date: date
    quantity: int = Field(ge=1, le=100_000)


class AdjustIn(Schema):
    change: int = Field(ge=-100_000, le=100_000)
    reason: str = Field(max_length=200)


class ReturnIn(Schema):
    quantity: int = Field(ge=1, le=100_000)
    reason: str = Field(max_length=200)


class BatchOut(Schema):
    id: int
    organisation_id: int
    drug: str = Field(alias="drug.code")
    batch_number: str
    expiry_date: date
    quantity: int


class ShortageIn(Schema):
    drug: str = Field(max_length=20)
    note: str = Field("", max_length=200)


class ShortageOut(Schema):
    id: int
    organisation_id: int
    drug: str = Field(alias="drug.code")
    level: str
    on_hand: int
    registered_at: datetime
