from datetime import date, datetime

from ninja import Schema


class StudyOut(Schema):
    id: int
    resident_id: int
    from_org_id: int
    to_org_id: int
    status: str
    urgency: str
    clinical_question: str
    modality: str
    study_description: str
    study_date: date | None
    study_instance_uid: str
    created_at: datetime
    stored_at: datetime | None
    pacs_series_count: int | None
    pacs_instance_count: int | None
    reported_at: datetime | None
    transfer_attempts: int
    last_transfer_error: str
    next_attempt_at: datetime | None
    claimed_by_id: int | None
    claim_expires_at: datetime | None


class UploadOut(Schema):
    created: bool
    study: StudyOut


class ReportOut(Schema):
    id: int
    version: int
    findings: str
    impression: str
    amendment_reason: str
    signed_by_id: int
    signed_at: datetime


class SeriesOut(Schema):
    uid: str
    orthanc_id: str
    count: int
    viewer_url: str


class StudyDetailOut(Schema):
    study: StudyOut
    dicomweb_url: str  # the study's QIDO-RS / WADO-RS base in the same-origin proxy
    series: list[SeriesOut]
    reports: list[ReportOut]


class ReportIn(Schema):
    findings: str
    impression: str


class AmendIn(ReportIn):
    reason: str
