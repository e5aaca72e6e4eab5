from datetime import date, datetime, time

from ninja import Schema
from pydantic import Field


class SessionIn(Schema):
    department_id: int
    date: date
    start: time
    end: time
    slot_minutes: int = Field(30, ge=1, le=1440)
    capacity: int = Field(ge=0, le=10000)
    doctor_id: int | None = None


class SlotOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    pool: str
    capacity: int
    booked: int
    free: int


class SessionOut(Schema):
    id: int
    organisation_id: int
    department_id: int
    department_name: str
    doctor_id: int | None
    date: date
    starts_at: datetime
    ends_at: datetime
    status: str
    current_number: int | None

    @staticmethod
    def resolve_department_name(obj) -> str:
        return obj.department.name


class SessionDetailOut(SessionOut):
    slots: list[SlotOut]

    @staticmethod
    def resolve_slots(obj) -> list:
        return list(obj.slots.order_by("starts_at", "pool"))


class BookingIn(Schema):
    slot_id: int
    resident_id: int


class WaitlistIn(Schema):
    resident_id: int


class FinishIn(Schema):
    outcome: str = Field(max_length=12)


class BookingOut(Schema):
    id: int
    slot_id: int
    session_id: int
    resident_id: int
    organisation_id: int
    starts_at: datetime
    ends_at: datetime
    status: str
    source: str
    queue_number: int | None


class WaitlistOut(Schema):
    id: int
    session_id: int
    resident_id: int
    status: str
    booking_id: int | None


class QueueOut(Schema):
    session_id: int
    current_number: int | None
    waiting: list[int]
