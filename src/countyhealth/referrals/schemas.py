from datetime import datetime

from ninja import Schema
from pydantic import Field


class ReferUpIn(Schema):
    resident_id: int
    reason: str = Field(max_length=500)
    urgency: str = Field("routine", max_length=10)
    diagnosis: str = Field("", max_length=200)
    department_id: int | None = None
    slot_id: int | None = None


class CarePlanIn(Schema):
    programme: str = Field("", max_length=16)
    next_followup_on: str = Field("", max_length=10)
    notes: str = Field("", max_length=1000)


class ReferDownIn(Schema):
    resident_id: int
    to_org_id: int
    reason: str = Field(max_length=500)
    diagnosis: str = Field("", max_length=200)
    discharge_summary: str = Field(max_length=5000)
    care_plan: CarePlanIn | None = None


class AcceptIn(Schema):
    slot_id: int | None = None
    admission_at: datetime | None = None
    note: str = Field("", max_length=500)


class ReasonIn(Schema):
    reason: str = Field(max_length=500)


class FeedbackIn(Schema):
    feedback: str = Field(max_length=5000)


class EventOut(Schema):
    status: str
    note: str
    by_id: int
    at: datetime


class ReferralOut(Schema):
    id: int
    resident_id: int
    direction: str
    urgency: str
    status: str
    from_org_id: int
    to_org_id: int
    department_id: int | None
    reason: str
    diagnosis: str
    booking_id: int | None
    admission_at: datetime | None
    decline_reason: str
    feedback: str
    discharge_summary: str
    care_plan: dict
    summary: dict
    created_at: datetime
    responded_at: datetime | None


class ReferralDetailOut(ReferralOut):
    events: list[EventOut]
