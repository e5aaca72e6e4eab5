from datetime import date, datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field


class LineIn(Schema):
    code: str = Field(max_length=40, description="National insurance catalogue code (医保目录编码)")
    name: str = Field(max_length=100)
    quantity: Decimal = Field(gt=0, max_digits=8, decimal_places=2)
    unit_price: Decimal = Field(ge=0, max_digits=10, decimal_places=2)


class PresettleIn(Schema):
    resident_id: int
    organisation_id: int
    visit_ref: str = Field(max_length=64, description="The visit being charged, e.g. clinic.visit:123")
    lines: list[LineIn] = Field(max_length=100)


class ReverseIn(Schema):
    reason: str = Field(min_length=1, max_length=200)


class ItemOut(Schema):
    sn: int
    code: str
    name: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    pool: str


class SettlementOut(Schema):
    id: int
    resident_id: int
    organisation_id: int
    visit_ref: str
    status: str
    msgid: str
    setl_id: str
    total: Decimal
    deductible: Decimal
    fund_general: Decimal
    fund_two_disease: Decimal
    patient_pays: Decimal
    repaired: bool
    error: str
    settled_at: datetime | None


class ReceiptOut(SettlementOut):
    psn_no: str
    items: list[ItemOut]

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.all())


class QualificationOut(Schema):
    resident_id: int
    qualified: bool
    diseases: list[str]
    reasons: list[str]
    since: date
    in_sync: bool


class QualificationRunOut(Schema):
    checked: int
    qualified: int
    disqualified: int
    changed: int
    sent: int


class ReconcileIn(Schema):
    organisation_id: int
    day: date


class ReconciliationOut(Schema):
    id: int
    organisation_id: int
    day: date
    balanced: bool
    local: dict
    remote: dict
    repaired: list
    mismatches: list
