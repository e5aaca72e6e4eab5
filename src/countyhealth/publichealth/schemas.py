from datetime import date
from decimal import Decimal
from uuid import UUID

from ninja import Schema
from pydantic import Field


class EnrolIn(Schema):
    resident_id: int
    programme: str = Field(max_length=16)
    enrolled_on: date
    diagnosis_date: date | None = None


class EnrolmentOut(Schema):
    id: int
    resident_id: int
    programme: str
    status: str
    enrolled_on: date
    diagnosis_date: date | None
    next_due: date | None
    next_due_label: str
    last_visit_date: date | None
    last_class: str


class EndEnrolmentIn(Schema):
    reason: str = Field(max_length=20)
    ended_on: date


class FollowUpIn(Schema):
    resident_id: int
    programme: str = Field(max_length=16)
    visit_date: date
    mode: str = Field("clinic", max_length=8)
    client_uuid: UUID | None = None
    danger_signs: list[str] = Field(default_factory=list, max_length=20)
    symptoms: list[str] = Field(default_factory=list, max_length=30)
    sbp: int | None = Field(None, ge=0, le=999)
    dbp: int | None = Field(None, ge=0, le=999)
    heart_rate: int | None = Field(None, ge=0, le=999)
    temperature: Decimal | None = Field(None, max_digits=3, decimal_places=1)
    weight_kg: Decimal | None = Field(None, max_digits=4, decimal_places=1)
    height_cm: Decimal | None = Field(None, max_digits=4, decimal_places=1)
    fpg: Decimal | None = Field(None, max_digits=4, decimal_places=2)
    random_glucose: Decimal | None = Field(None, max_digits=4, decimal_places=2)
    dorsalis_pedis: str | None = Field(None, max_length=8)
    cigarettes_per_day: int | None = Field(None, ge=0, le=200)
    alcohol_ml_per_day: int | None = Field(None, ge=0, le=5000)
    exercise_sessions_per_week: int | None = Field(None, ge=0, le=50)
    exercise_minutes: int | None = Field(None, ge=0, le=1440)
    salt: str | None = Field(None, max_length=8)
    staple_food_g_per_day: int | None = Field(None, ge=0, le=5000)
    adherence: str | None = Field(None, max_length=12)
    medications: list[dict] = Field(default_factory=list, max_length=20)
    adr: bool = False
    adr_uncontrollable: bool = False
    new_or_worse_complication: bool = False
    pregnant: bool = False
    lactating: bool = False
    other_unmanageable: bool = False
    notes: str = Field("", max_length=2000)


class ReasonOut(Schema):
    code: str
    label: str
    kind: str | None = None


class FollowUpOut(Schema):
    id: int
    resident_id: int
    programme: str
    visit_date: date
    mode: str
    sbp: int | None
    dbp: int | None
    fpg: Decimal | None
    follow_up_class: str
    controlled: bool
    next_action: str
    next_due: date
    reasons: list[ReasonOut]
    referral_id: int | None


class ChildVisitIn(Schema):
    resident_id: int
    visit_date: date
    client_uuid: UUID | None = None
    weight_kg: Decimal | None = Field(None, max_digits=4, decimal_places=2)
    length_cm: Decimal | None = Field(None, max_digits=4, decimal_places=1)
    head_circumference_cm: Decimal | None = Field(None, max_digits=3, decimal_places=1)
    haemoglobin: int | None = Field(None, ge=0, le=999)
    hearing_normal: bool | None = None
    vision_normal: bool | None = None
    development_normal: bool | None = None
    guidance: str = Field("", max_length=2000)
    referred: bool = False


class ChildVisitOut(Schema):
    id: int
    resident_id: int
    slot: str
    visit_date: date


class DueItemOut(Schema):
    enrolment_id: int
    resident_id: int
    name: str
    village: str
    programme: str
    what: str
    next_due: date | None
    last_visit_date: date | None


class PregnancyIn(Schema):
    resident_id: int
    lmp: date
    registered_on: date
    edd: date | None = None
    gravidity: int = Field(1, ge=1, le=20)
    parity: int = Field(0, ge=0, le=19)


class DeliveryIn(Schema):
    delivery_date: date
    place: str = Field(max_length=8)
    live_births: int = Field(ge=0, le=6)
    discharge_date: date | None = None


class PregnancyOut(Schema):
    id: int
    resident_id: int
    enrolment_id: int
    lmp: date
    edd: date
    edd_corrected: bool
    registered_on: date
    gravidity: int
    parity: int
    delivery_date: date | None
    delivery_place: str
    discharge_date: date | None
    live_births: int | None


class MaternalVisitIn(Schema):
    resident_id: int
    visit_date: date
    client_uuid: UUID | None = None
    danger_signs: list[str] = []
    sbp: int | None = Field(None, ge=0, le=999)
    dbp: int | None = Field(None, ge=0, le=999)
    weight_kg: Decimal | None = Field(None, max_digits=4, decimal_places=1)
    haemoglobin: int | None = Field(None, ge=0, le=999)
    fundal_height_cm: Decimal | None = Field(None, max_digits=3, decimal_places=1)
    fetal_heart_rate: int | None = Field(None, ge=0, le=999)
    guidance: str = Field("", max_length=2000)


class MaternalFindingOut(Schema):
    code: str
    label: str
    emergency: bool


class MaternalVisitOut(Schema):
    id: int
    resident_id: int
    code: str
    label: str
    visit_date: date
    ga_days: int | None
    findings: list[MaternalFindingOut]
    next_action: str
    next_due: date | None
    referral_id: int | None
