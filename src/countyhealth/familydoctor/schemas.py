"""API input and output shapes. Lengths and formats are constrained here; the contract rules are the actions'."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from .rules import SIGNATURE_MAX_CHARS

SignerKind = Literal["resident", "guardian"]
TerminationReason = Literal["resident_request", "changed_team", "moved_out", "died", "signed_in_error", "other"]
SIGNATURE_PATTERN = r"^data:image/png;base64,[A-Za-z0-9+/=]+$"


class MemberOut(Schema):
    user_id: int
    name: str
    role: str
    role_label: str
    is_lead: bool
    phone: str
    organisation: str


class TeamOut(Schema):
    id: int
    name: str
    organisation_id: int
    organisation: str
    phone: str
    is_active: bool
    village_ids: list[int]
    members: list[MemberOut]


class PackageOut(Schema):
    id: int
    code: str
    name: str
    target_group: str
    items: list[str]
    annual_fee: Decimal
    insurance_amount: Decimal
    public_funds_amount: Decimal
    resident_amount: Decimal


class ContractPackageOut(Schema):
    package_id: int
    code: str
    name: str
    annual_fee: Decimal
    resident_amount: Decimal


class ContractOut(Schema):
    id: int
    resident_id: int
    team_id: int
    team: str
    doctor_id: int
    doctor: str
    packages: list[ContractPackageOut]
    start_date: date
    end_date: date
    status: str = Field(..., description="Stored status (active, expired, terminated)")
    status_today: str = Field(..., description="Status as of today, from the dates")
    in_force_today: bool
    previous_id: int | None
    renewal_id: int | None
    signer: str
    signed_by_name: str
    has_signature: bool
    terminated_on: date | None
    termination_reason: str
    termination_note: str
    created_at: datetime


class SignatureIn(Schema):
    signer: SignerKind = "resident"
    signed_by_name: str = Field(..., min_length=1, max_length=50)
    signature: str = Field(..., min_length=1, max_length=SIGNATURE_MAX_CHARS, pattern=SIGNATURE_PATTERN,
                           description="PNG data URL (data:image/png;base64,…) of the signature")


class SignIn(SignatureIn):
    model_config = ConfigDict(extra="forbid")

    team_id: int
    doctor_id: int
    package_ids: list[int] = Field(..., min_length=1, max_length=20)
    start_date: date
    end_date: date | None = Field(None, description="Empty: one year (the day before the anniversary)")


class RenewIn(SignatureIn):
    model_config = ConfigDict(extra="forbid")

    doctor_id: int | None = Field(None, description="Empty: the current responsible doctor")
    package_ids: list[int] | None = Field(None, min_length=1, max_length=20,
                                          description="Empty: the current packages")
    end_date: date | None = None


class TerminateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    terminated_on: date = Field(..., description="Last day of service")
    reason: TerminationReason
    note: str = Field("", max_length=200)


class CoverageRowOut(Schema):
    label: str
    organisation_id: int | None
    village_id: int | None
    group: str | None
    contracted: int
    total: int
    rate: float | None
    configured_population: bool


class CoverageOut(Schema):
    organisation_id: int
    organisation: str
    at: date
    contracted: int
    total: int
    rate: float | None
    rows: list[CoverageRowOut]
    key_groups: list[CoverageRowOut]


class CoverageResidentOut(Schema):
    id: int
    name: str
    sex: str
    birth_date: date
    id_number: str = Field(..., description="Masked")
    village_id: int
    village: str
    contract_id: int | None
    team: str | None


class CoverageResidentPage(Schema):
    items: list[CoverageResidentOut]
    page: int
    has_next: bool
