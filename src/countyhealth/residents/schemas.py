"""API input and output shapes. Lengths are constrained here; identity rules are checked by the actions."""

from datetime import date, datetime

from ninja import Field, Schema
from pydantic import ConfigDict


class ResidentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(..., min_length=1, max_length=50)
    village_id: int
    sex: str = Field("", max_length=1, description="GB/T 2261.1: 1 male, 2 female; empty: from the ID number")
    birth_date: date | None = Field(None, description="Empty: from the ID number")
    id_number: str = Field("", max_length=24, description="18-character 公民身份号码")
    phone: str = Field("", max_length=20)
    ethnicity: str = Field("01", max_length=2, description="GB 3304 code")
    residence_type: str = Field("1", max_length=1, description="1 户籍, 2 非户籍")
    household_id: int | None = None
    household_address: str = Field("", max_length=200, description="Creates a household when household_id is empty")
    confirm_not_duplicate: bool = Field(False, description="Save although probable duplicates were reported")


class ResidentPatch(Schema):
    """Only the fields sent are changed."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=50)
    village_id: int | None = None
    sex: str | None = Field(None, max_length=1)
    birth_date: date | None = None
    id_number: str | None = Field(None, max_length=24)
    phone: str | None = Field(None, max_length=20)
    ethnicity: str | None = Field(None, max_length=2)
    residence_type: str | None = Field(None, max_length=1)
    household_id: int | None = None
    household_address: str | None = Field(None, max_length=200)
    confirm_not_duplicate: bool = False


class IdentifierOut(Schema):
    system: str
    value: str
    issuer: str


class ResidentOut(Schema):
    id: int
    name: str
    sex: str
    birth_date: date
    id_number: str | None
    phone: str
    ethnicity: str
    residence_type: str
    village_id: int
    village_name: str
    household_id: int | None
    household_number: str | None
    catchment_org_id: int
    status: str
    record_number: str | None
    is_active: bool
    master_id: int | None
    identifiers: list[IdentifierOut]
    created_at: datetime
    updated_at: datetime


class ResidentListItem(Schema):
    """A list row: ID number and phone masked (architecture §3)."""

    id: int
    name: str
    sex: str
    birth_date: date
    id_number: str
    phone: str
    village_id: int
    village_name: str


class ResidentPage(Schema):
    items: list[ResidentListItem]
    page: int
    has_next: bool
    break_glass_available: bool = Field(
        False, description="The query is an exact ID number with no visible result and the role may break glass"
    )


class CandidateOut(Schema):
    id: int
    score: int
    reasons: list[str]
    status: str
    resident_a: ResidentListItem
    resident_b: ResidentListItem


class CandidatePage(Schema):
    items: list[CandidateOut]
    page: int
    has_next: bool


class MergeIn(Schema):
    survivor_id: int = Field(..., description="The record kept")
    merged_id: int = Field(..., description="The duplicate, kept inactive and linked to the survivor")
    reason: str = Field(..., min_length=1, max_length=200)


class ReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=200)


class LinkOut(Schema):
    id: int
    survivor_id: int
    merged_id: int
    reason: str
    moved: dict[str, list[int | str]]
    merged_at: datetime
    unmerged_at: datetime | None
    unmerge_reason: str


class BreakGlassIn(Schema):
    id_number: str = Field(..., max_length=24)
    reason: str = Field(..., min_length=1, max_length=200)


class BreakGlassOut(Schema):
    resident_id: int
    expires_at: datetime | None = Field(None, description="Empty when the resident was already in scope")
