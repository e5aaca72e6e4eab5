from datetime import datetime

from ninja import Schema


class EcgOut(Schema):
    id: int
    resident_id: int
    organisation_id: int
    status: str
    urgent: bool
    urgent_reasons: list[str]
    sha256: str
    source_format: str
    sampling_rate: float
    duration_s: float
    uploaded_at: datetime
    first_viewed_at: datetime | None
    reported_at: datetime | None
    transfer_decided_at: datetime | None
    referral_id: int | None
    claimed_by_id: int | None
    analysis: dict


class UploadOut(Schema):
    created: bool
    ecg: EcgOut


class ReportIn(Schema):
    rhythm: str
    heart_rate: int | None = None
    axis_deg: int | None = None
    pr_ms: int | None = None
    qrs_ms: int | None = None
    qt_ms: int | None = None
    qtc_ms: int | None = None
    phrases: list[str] = []
    conclusion: str = ""


class AmendIn(ReportIn):
    reason: str


class ReportOut(Schema):
    id: int
    ecg_id: int
    version: int
    rhythm: str
    phrases: list[str]
    conclusion: str
    critical: list[str]
    signed_by_id: int
    signed_at: datetime
    amend_reason: str


class GreenChannelIn(Schema):
    reason: str = ""


class GreenChannelOut(Schema):
    referral_id: int
    transfer_decided_at: datetime | None
