"""One handler per kind of phone change. Each validates the payload's shape (pydantic), resolves the phone's
ids, and calls the domain action — the same rules as the PC. Runs inside a savepoint of the push's transaction
(`ingest.apply_one`); follow-ups usually take the bulk path of `ingest.FollowUps`, which reuses their shapes."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal
from uuid import UUID

from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field

from countyhealth.core.choices import choice_label
from countyhealth.core.codes import label
from countyhealth.core.errors import ActionError, Conflict, NotVisible
from countyhealth.familydoctor import actions as familydoctor
from countyhealth.publichealth import actions as publichealth
from countyhealth.publichealth.models import Enrolment
from countyhealth.publichealth.rules import FollowUpClass, NextAction, Programme, elderly_due_list_opens
from countyhealth.records import actions as records
from countyhealth.records import codes as record_codes
from countyhealth.records import rules as record_rules
from countyhealth.residents.actions.registration import ResidentData, do_register_resident, do_update_resident
from countyhealth.residents.models import Resident

from .models import Mutation


@dataclass(frozen=True)
class Outcome:
    result: dict
    resident_id: int | None
    object_id: int | None = None
    client_id: UUID | None = None


class Shape(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ResidentRef(Shape):
    """A resident by server id, or by the client id of a registration pushed earlier from the same doctor."""

    resident: int | None = None
    resident_client_id: UUID | None = None


def resident_id_of(user, ref: ResidentRef) -> int:
    if ref.resident is not None:
        return ref.resident
    if ref.resident_client_id is not None:
        rid = (Mutation.objects.filter(device__user=user, kind="register_resident", client_id=ref.resident_client_id)
               .values_list("object_id", flat=True).first())
        if rid is not None:
            return rid
        # Out of order: the registration has not reached the server yet; the phone sends it first and retries.
        raise ActionError(_("The resident's registration has not been received yet."), code="resident_unknown")
    raise ActionError(_("Which resident?"), code="malformed", field="resident")


class FollowUpData(Shape):
    visit_date: date
    mode: Literal["clinic", "home", "phone"] = "home"
    sbp: int | None = None
    dbp: int | None = None
    heart_rate: int | None = None
    temperature: Decimal | None = None
    weight_kg: Decimal | None = None
    height_cm: Decimal | None = None
    fpg: Decimal | None = None
    random_glucose: Decimal | None = None
    danger_signs: list[str] = Field(default_factory=list, max_length=20)
    adr: bool = False
    adr_uncontrollable: bool = False
    new_or_worse_complication: bool = False
    pregnant: bool = False
    lactating: bool = False
    other_unmanageable: bool = False
    cigarettes_per_day: int | None = Field(default=None, ge=0, le=200)
    salt: Literal["", "light", "moderate", "heavy"] = ""
    adherence: Literal["", "regular", "intermittent", "none"] = ""
    notes: str = Field(default="", max_length=2000)


class FollowUpPayload(ResidentRef):
    programme: Literal["hypertension", "diabetes"]
    client_id: UUID
    data: FollowUpData


def decision_result(visit) -> dict:
    return {
        "status": "applied", "server_id": visit.pk, "client_id": str(visit.client_uuid),
        "resident": visit.resident_id, "follow_up_class": visit.follow_up_class,
        "follow_up_class_label": choice_label(FollowUpClass, visit.follow_up_class),
        "next_action": visit.next_action, "next_action_label": choice_label(NextAction, visit.next_action),
        "next_due": visit.next_due.isoformat(), "reasons": visit.reasons,
    }


def record_followup(user, device, payload: dict) -> Outcome:
    p = FollowUpPayload.model_validate(payload)
    rid = resident_id_of(user, p)
    visit = publichealth.do_record_followup(acting_user=user, resident_id=rid, programme=p.programme,
                                            data=p.data.model_dump(), client_uuid=p.client_id)
    return Outcome(decision_result(visit), visit.resident_id, visit.pk)


class ChildVisitData(Shape):
    visit_date: date
    weight_kg: Decimal | None = None
    length_cm: Decimal | None = None
    head_circumference_cm: Decimal | None = None
    haemoglobin: int | None = None
    guidance: str = Field(default="", max_length=2000)


class ChildVisitPayload(ResidentRef):
    client_id: UUID
    data: ChildVisitData


def record_child_visit(user, device, payload: dict) -> Outcome:
    p = ChildVisitPayload.model_validate(payload)
    rid = resident_id_of(user, p)
    data = {k: v for k, v in p.data.model_dump().items() if v not in (None, "")}
    visit = publichealth.do_record_child_visit(acting_user=user, resident_id=rid, data=data, client_uuid=p.client_id)
    return Outcome({"status": "applied", "server_id": visit.pk, "client_id": str(visit.client_uuid),
                    "resident": rid, "slot": visit.slot}, rid, visit.pk)


class ElderlyCheckData(Shape):
    """The part of the 健康体检表 a village doctor fills in at an elderly resident's home (PHS3 §5: assessment
    and physical examination); the eight tests are added at the township, so the check stays incomplete until
    then."""

    check_date: date
    sbp_left: int | None = None
    dbp_left: int | None = None
    sbp_right: int | None = None
    dbp_right: int | None = None
    pulse_rate: int | None = None
    height_cm: Decimal | None = None
    weight_kg: Decimal | None = None
    waist_cm: Decimal | None = None
    self_rated_health: str = Field(default="", max_length=2)
    self_care_eating: str = Field(default="", max_length=2)
    self_care_grooming: str = Field(default="", max_length=2)
    self_care_dressing: str = Field(default="", max_length=2)
    self_care_toileting: str = Field(default="", max_length=2)
    self_care_mobility: str = Field(default="", max_length=2)
    cognition_screen: str = Field(default="", max_length=2)
    mmse_score: int | None = None
    mood_screen: str = Field(default="", max_length=2)
    depression_score: int | None = None


class ElderlyCheckPayload(ResidentRef):
    client_id: UUID
    data: ElderlyCheckData


def record_elderly_check(user, device, payload: dict) -> Outcome:
    """The elderly programme's yearly service is the 健康体检表 (PHS3 §5): `records.do_record_health_check`,
    which validates it, derives the classified blood pressure, BMI and §5.1 self-care score, and judges whether
    it is complete for the programme. The next due date is the §5.2 rule's: the next year's list opens on
    1 January once the check is complete; until then the enrolment's own."""
    p = ElderlyCheckPayload.model_validate(payload)
    rid = resident_id_of(user, p)
    enrolment = Enrolment.objects.visible_to(user).current().filter(resident_id=rid, programme=Programme.ELDERLY).first()
    if enrolment is None:
        if not Resident.objects.visible_to(user).filter(pk=rid).exists():
            raise NotVisible()
        raise ActionError(_("The resident is not in the elderly programme."), code="not_enrolled", field="programme")
    data = {k: v for k, v in p.data.model_dump().items() if v not in (None, "")}
    check = records.do_record_health_check(acting_user=user, resident_id=rid, data=data)
    next_due = (elderly_due_list_opens(check.check_date.year + 1) if check.is_complete_for_elderly
                else enrolment.next_due)
    band = record_rules.self_care_band(check.self_care_score) if check.self_care_score is not None else ""
    return Outcome({
        "status": "applied", "server_id": check.pk, "client_id": str(p.client_id), "resident": rid,
        "sbp": check.sbp, "dbp": check.dbp, "bmi": str(check.bmi) if check.bmi is not None else None,
        "self_care_score": check.self_care_score, "self_care_band": band,
        "self_care_band_label": label(record_codes.SELF_CARE_LEVEL, band) if band else "",
        "complete_for_elderly": check.is_complete_for_elderly,
        "next_due": next_due.isoformat() if next_due else None,
    }, rid, check.pk)


class RegisterPayload(Shape):
    client_id: UUID
    name: str = Field(max_length=50)
    sex: Literal["", "0", "1", "2", "9"] = ""
    birth_date: date | None = None
    id_number: str = Field(default="", max_length=18)
    phone: str = Field(default="", max_length=20)
    village_id: int
    household_address: str = Field(default="", max_length=200)
    confirm_not_duplicate: bool = False


def register_resident(user, device, payload: dict) -> Outcome:
    p = RegisterPayload.model_validate(payload)
    data = ResidentData(name=p.name, village_id=p.village_id, sex=p.sex, birth_date=p.birth_date,
                        id_number=p.id_number, phone=p.phone, household_address=p.household_address)
    resident = do_register_resident(acting_user=user, data=data, confirm_not_duplicate=p.confirm_not_duplicate)
    return Outcome({"status": "applied", "server_id": resident.pk, "client_id": str(p.client_id),
                    "resident": resident.pk}, resident.pk, resident.pk, p.client_id)


class Signature(Shape):
    signed_by_name: str = Field(max_length=50)
    signer: Literal["resident", "guardian"] = "resident"
    signature: str = Field(max_length=400_000)


class SignPayload(ResidentRef):
    client_id: UUID
    team_id: int
    package_ids: list[int] = Field(min_length=1, max_length=20)
    start_date: date
    signed: Signature


def _contract_result(contract, client_id) -> dict:
    return {"status": "applied", "server_id": contract.pk, "client_id": str(client_id),
            "resident": contract.resident_id, "start_date": contract.start_date.isoformat(),
            "end_date": contract.end_date.isoformat()}


def sign_contract(user, device, payload: dict) -> Outcome:
    p = SignPayload.model_validate(payload)
    rid = resident_id_of(user, p)
    contract = familydoctor.do_sign_contract(acting_user=user, data=familydoctor.ContractData(
        resident_id=rid, team_id=p.team_id, doctor_id=user.pk, package_ids=p.package_ids, start_date=p.start_date,
        signed=familydoctor.SignatureData(**p.signed.model_dump())))
    return Outcome(_contract_result(contract, p.client_id), rid, contract.pk)


class RenewPayload(Shape):
    client_id: UUID
    contract_id: int
    signed: Signature


def renew_contract(user, device, payload: dict) -> Outcome:
    p = RenewPayload.model_validate(payload)
    contract = familydoctor.do_renew_contract(acting_user=user, contract_id=p.contract_id,
                                              signed=familydoctor.SignatureData(**p.signed.model_dump()))
    return Outcome(_contract_result(contract, p.client_id), contract.resident_id, contract.pk)


class UpdatePayload(Shape):
    resident: int
    base: dict[Literal["name", "phone", "id_number"], str]
    changes: dict[Literal["name", "phone", "id_number"], str] = Field(min_length=1)


class EditConflict(Conflict):
    """The PC changed a field the phone changed too: both values go back to the phone, field by field."""

    def __init__(self, fields: dict):
        super().__init__(_("This resident was changed on the platform too: choose the value to keep."),
                         code="edit_conflict")
        self.both = fields

    def as_dict(self) -> dict:
        return {**super().as_dict(), "conflicts": self.both}


def _text(value) -> str:
    return "" if value is None else str(value)


def update_resident(user, device, payload: dict) -> Outcome:
    """Per-field merge (architecture §7): a field the phone did not change keeps the server value; a field both
    sides changed to different values is a conflict and nothing is saved."""
    p = UpdatePayload.model_validate(payload)
    resident = Resident.objects.visible_to(user).select_for_update().filter(pk=p.resident).first()
    if resident is None:
        raise NotVisible()
    conflicts = {}
    for name, mine in p.changes.items():
        server = _text(getattr(resident, name))
        base = p.base.get(name, server)
        if server != base and server != mine:
            conflicts[name] = {"base": base, "server": server, "phone": mine}
    if conflicts:
        raise EditConflict(conflicts)
    resident = do_update_resident(acting_user=user, resident_id=resident.pk,
                                  data=ResidentData.of(resident).updated(**p.changes))
    return Outcome({"status": "applied", "server_id": resident.pk, "resident": resident.pk,
                    "version": resident.updated_at.isoformat()}, resident.pk, resident.pk)


HANDLERS = {
    "followup": record_followup,
    "child_visit": record_child_visit,
    "elderly_check": record_elderly_check,
    "register_resident": register_resident,
    "sign_contract": sign_contract,
    "renew_contract": renew_contract,
    "update_resident": update_resident,
}
