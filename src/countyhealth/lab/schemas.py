from datetime import datetime
from decimal import Decimal

from ninja import Schema


class ResultOut(Schema):
    id: int
    report_id: int
    test_code: str
    value: Decimal
    unit: str
    reported_value: str
    reported_unit: str
    reference: str
    flag: str
    specimen_at: datetime


class ReportOut(Schema):
    id: int
    resident_id: int
    ordering_org_id: int
    ordering_doctor_id: int | None
    performing_org_id: int
    report_number: str
    specimen_at: datetime
    reported_at: datetime
    qc_status: str
    source: str
    results: list[ResultOut]

    @staticmethod
    def resolve_results(obj):
        return list(obj.results.all())


class AlertEventOut(Schema):
    step: str
    level: int
    at: datetime
    by_id: int
    recipients: list[str]
    note: str


class AlertOut(Schema):
    id: int
    resident_id: int
    result_id: int
    test_code: str
    value: Decimal
    unit: str
    flag: str
    status: str
    level: int
    ordering_org_id: int
    ordering_doctor_id: int | None
    performing_org_id: int
    notified_at: datetime
    due_at: datetime | None
    ack_by_id: int | None
    ack_at: datetime | None
    readback_value: str
    action_taken: str


class AlertDetailOut(AlertOut):
    events: list[AlertEventOut]

    @staticmethod
    def resolve_events(obj):
        return list(obj.events.all())


class AcknowledgeIn(Schema):
    readback_value: str
    action_taken: str


class OrderIn(Schema):
    resident_id: int
    test_code: str
    accept_result_id: int | None = None
    reason: str = ""


class OrderOut(Schema):
    id: int
    resident_id: int
    test_code: str
    decision: str
    recognised_result_id: int | None
    candidates: int
    reason: str
    fee_avoided: Decimal
    placed_at: datetime
    placer_order_number: str

    @staticmethod
    def resolve_placer_order_number(obj):
        return f"LO{obj.pk}"


class ResultRowIn(Schema):
    test_code: str
    value: str
    unit: str = ""


class ResultEntryIn(Schema):
    specimen_at: datetime
    report_number: str = ""
    qc_status: str = "passed"
    results: list[ResultRowIn]


class UploadOut(Schema):
    id: int
    rows: int
    filename: str
    uploaded_at: datetime
    new: bool
