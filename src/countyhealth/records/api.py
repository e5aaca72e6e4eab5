"""Health record JSON API (/api/records/): the same actions, scope and audit as the pages.

Every path takes the resident id; an id out of the user's scope is 404 and audited (`get_visible_or_404`).
Errors are ActionErrors rendered by core.api_errors as {"code", "message", "fields"}."""

from datetime import date

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from countyhealth.accounts.access import get_visible_or_404
from countyhealth.audit import log as audit
from countyhealth.core import timeline
from countyhealth.core.pagination import paginate
from countyhealth.residents.models import Resident

from . import actions, diagnoses, queries
from .models import AnnualHealthCheck, PersonalInfo, input_fields
from .schemas import (
    CheckListItem,
    CheckPage,
    HealthCheckIn,
    HealthCheckOut,
    PersonalInfoIn,
    PersonalInfoOut,
    PersonalInfoPatch,
    RecordOut,
    StatusIn,
    TimelineEntryOut,
    TimelinePage,
)

router = Router(tags=["records"])
PAGE_SIZE = 20
KIND_QUERY = Query(None, description="Kinds to keep (repeatable); empty: everything")


def _resident(request, resident_id: int) -> Resident:
    return get_visible_or_404(Resident.objects, request.user, what="residents.resident", pk=resident_id)


def _check(request, resident: Resident, check_id: int) -> AnnualHealthCheck:
    return get_visible_or_404(AnnualHealthCheck.objects, request.user, what="records.health_check", pk=check_id,
                              resident_id=resident.pk)


def _record(resident: Resident) -> RecordOut:
    resident.refresh_from_db(fields=["record_number", "status"])
    info = queries.personal_info_of(resident)
    return RecordOut(resident_id=resident.pk, name=resident.name, record_number=resident.record_number,
                     status=resident.status, personal_info=PersonalInfoOut.model_validate(info) if info else None)


def _stored_values(obj) -> dict:
    """The input fields of a stored form, as an action takes them (partial updates send the rest)."""
    return {f.name: getattr(obj, f.name) for f in input_fields(type(obj)) if not f.is_relation}


@router.get("/{int:resident_id}", response=RecordOut, summary="A resident's health record")
def get_record(request: HttpRequest, resident_id: int):
    resident = _resident(request, resident_id)
    audit.record_access(request.user, [resident.pk], "records.record")
    return _record(resident)


@router.post("/{int:resident_id}", response={201: RecordOut},
             summary="Open the health record (建档): personal information and the 17-digit record number")
def open_record(request: HttpRequest, resident_id: int, payload: PersonalInfoIn):
    resident = _resident(request, resident_id)
    actions.do_open_health_record(acting_user=request.user, resident_id=resident.pk,
                                  personal_info=payload.model_dump())
    audit.record_access(request.user, [resident.pk], "records.record")
    return Status(201, _record(resident))


@router.patch("/{int:resident_id}", response=RecordOut, summary="Change the personal information (fields sent)")
def update_record(request: HttpRequest, resident_id: int, payload: PersonalInfoPatch):
    resident = _resident(request, resident_id)
    info = PersonalInfo.objects.filter(resident=resident).first()
    current = _stored_values(info) if info else {}
    actions.do_update_personal_info(acting_user=request.user, resident_id=resident.pk,
                                    personal_info={**current, **payload.model_dump(exclude_unset=True)})
    audit.record_access(request.user, [resident.pk], "records.record")
    return _record(resident)


@router.post("/{int:resident_id}/status", response=RecordOut,
             summary="Change the record status (lost: reason; dead: date and cause; moved out: destination)")
def change_status(request: HttpRequest, resident_id: int, payload: StatusIn):
    resident = _resident(request, resident_id)
    actions.do_change_record_status(acting_user=request.user, resident_id=resident.pk, **payload.model_dump())
    return _record(resident)


@router.get("/{int:resident_id}/checks", response=CheckPage, summary="A resident's health checks, newest first")
def list_checks(request: HttpRequest, resident_id: int, page: int = Query(1, ge=1)):
    resident = _resident(request, resident_id)
    found = paginate(queries.checks_of(resident), page, size=PAGE_SIZE)
    audit.record_access(request.user, [resident.pk], "records.health_check_list")
    return CheckPage(items=[CheckListItem.model_validate(c) for c in found.items], page=found.number,
                     has_next=found.has_next)


@router.post("/{int:resident_id}/checks", response={201: HealthCheckOut}, summary="Record a health check (健康体检表)")
def create_check(request: HttpRequest, resident_id: int, payload: HealthCheckIn):
    resident = _resident(request, resident_id)
    check = actions.do_record_health_check(acting_user=request.user, resident_id=resident.pk,
                                           data=payload.model_dump())
    return Status(201, HealthCheckOut.model_validate(check))


@router.get("/{int:resident_id}/checks/{int:check_id}", response=HealthCheckOut, summary="One health check")
def get_check(request: HttpRequest, resident_id: int, check_id: int):
    resident = _resident(request, resident_id)
    check = _check(request, resident, check_id)
    audit.record_access(request.user, [resident.pk], "records.health_check")
    return HealthCheckOut.model_validate(check)


@router.put("/{int:resident_id}/checks/{int:check_id}", response=HealthCheckOut,
            summary="Correct a health check (the whole form is sent again)")
def update_check(request: HttpRequest, resident_id: int, check_id: int, payload: HealthCheckIn):
    resident = _resident(request, resident_id)
    check = _check(request, resident, check_id)
    check = actions.do_update_health_check(acting_user=request.user, check_id=check.pk, data=payload.model_dump())
    return HealthCheckOut.model_validate(check)


@router.get("/{int:resident_id}/timeline", response=TimelinePage,
            summary="Everything that happened to the resident in every institution, newest first, a page at a time")
def get_timeline(request: HttpRequest, resident_id: int, kind: list[str] = KIND_QUERY,
                 before: str | None = Query(None, description="`next` of the previous page; empty: the newest entries"),
                 limit: int = Query(timeline.PAGE_SIZE, ge=1, le=200)):
    resident = _resident(request, resident_id)
    labels = timeline.kind_labels()
    found = timeline.page_for(resident, request.user, kinds=[k for k in kind or [] if k in labels], before=before,
                              limit=limit)
    audit.record_access(request.user, [resident.pk], "records.timeline")
    items = [TimelineEntryOut(at=e.at, kind=e.kind, title=str(e.title), summary=str(e.summary),
                              organisation=e.organisation, url=str(e.url) if e.url else None) for e in found.entries]
    return TimelinePage(items=items, next=found.next_cursor, has_next=found.next_cursor is not None,
                        kinds={code: str(text) for code, text in labels.items()})


class Icd10Out(Schema):
    code: str
    name_zh: str
    name_en: str


class DiagnosisIn(Schema):
    code: str
    diagnosed_on: date
    note: str = ""


class DiagnosisOut(Schema):
    id: int
    resident_id: int
    code: str = Field(..., alias="code_id")
    name: str = Field(..., alias="code.name_zh")
    diagnosed_on: date
    organisation: str = Field(..., alias="organisation.name")
    source: str
    note: str


@router.get("/icd10", response=list[Icd10Out], summary="Search the ICD-10 catalogue (code, name, pinyin initials)")
def search_icd10(request: HttpRequest, q: str):
    return diagnoses.search_icd10(q)


@router.get("/{int:resident_id}/diagnoses", response=list[DiagnosisOut], summary="A resident's diagnoses")
def list_diagnoses(request: HttpRequest, resident_id: int):
    resident = _resident(request, resident_id)
    audit.record_access(request.user, [resident.pk], "records.api.diagnoses")
    return list(diagnoses.diagnoses_of(resident)[:200])


@router.post("/{int:resident_id}/diagnoses", response={201: DiagnosisOut}, summary="Record a diagnosis")
def record_diagnosis(request: HttpRequest, resident_id: int, payload: DiagnosisIn):
    _resident(request, resident_id)
    diagnosis = diagnoses.do_record_diagnosis(acting_user=request.user, resident_id=resident_id, **payload.dict())
    return Status(201, diagnoses.diagnoses_of(diagnosis.resident).get(pk=diagnosis.pk))
