"""/api/publichealth/: the same operations as the pages, through the same actions and scope."""

from django.utils import timezone
from ninja import Router
from ninja.responses import Status

from countyhealth.accounts.access import get_visible_or_404
from countyhealth.audit import log as audit
from countyhealth.core.pagination import paginate
from countyhealth.residents.models import Resident

from . import actions, maternal, queries
from .models import Enrolment, FollowUpVisit, Pregnancy
from .schemas import (
    ChildVisitIn,
    ChildVisitOut,
    DeliveryIn,
    DueItemOut,
    EndEnrolmentIn,
    EnrolIn,
    EnrolmentOut,
    FollowUpIn,
    FollowUpOut,
    MaternalVisitIn,
    MaternalVisitOut,
    PregnancyIn,
    PregnancyOut,
)

router = Router(tags=["publichealth"])


def _check_resident(request, resident_id: int) -> None:
    """Audit an out-of-scope attempt before the action's transaction (whose rollback would drop the row)."""
    get_visible_or_404(Resident.objects, request.user, what="publichealth.resident", pk=resident_id)


@router.post("/enrolments", response={201: EnrolmentOut}, summary="Enrol a resident in a programme")
def enrol(request, payload: EnrolIn):
    _check_resident(request, payload.resident_id)
    enrolment = actions.do_enrol(acting_user=request.user, **payload.dict())
    return Status(201, enrolment)


@router.post("/enrolments/{enrolment_id}/end", response=EnrolmentOut, summary="End an enrolment or mark lost")
def end_enrolment(request, enrolment_id: int, payload: EndEnrolmentIn):
    get_visible_or_404(Enrolment.objects, request.user, what="publichealth.enrolment", pk=enrolment_id)
    return actions.do_end_enrolment(acting_user=request.user, enrolment_id=enrolment_id, **payload.dict())


@router.get("/residents/{resident_id}/enrolments", response=list[EnrolmentOut],
            summary="A resident's programme enrolments")
def resident_enrolments(request, resident_id: int):
    resident = get_visible_or_404(Resident.objects, request.user, what="publichealth.resident", pk=resident_id)
    audit.record_access(request.user, [resident.pk], "publichealth.api.enrolments")
    return list(Enrolment.objects.filter(resident=resident).order_by("programme", "-enrolled_on"))


@router.post("/followups", response={201: FollowUpOut}, summary="Record a hypertension or diabetes follow-up")
def record_followup(request, payload: FollowUpIn):
    _check_resident(request, payload.resident_id)
    data = payload.dict(exclude={"resident_id", "programme", "client_uuid"}, exclude_none=True)
    visit = actions.do_record_followup(acting_user=request.user, resident_id=payload.resident_id,
                                       programme=payload.programme, data=data, client_uuid=payload.client_uuid)
    return Status(201, visit)


@router.get("/followups/{followup_id}", response=FollowUpOut, summary="One follow-up with its classification")
def get_followup(request, followup_id: int):
    visit = get_visible_or_404(FollowUpVisit.objects, request.user, what="publichealth.followup", pk=followup_id)
    audit.record_access(request.user, [visit.resident_id], "publichealth.api.followup")
    return visit


@router.post("/child-visits", response={201: ChildVisitOut}, summary="Record a 0–6 child-health visit")
def record_child_visit(request, payload: ChildVisitIn):
    _check_resident(request, payload.resident_id)
    data = payload.dict(exclude={"resident_id", "client_uuid"}, exclude_none=True)
    visit = actions.do_record_child_visit(acting_user=request.user, resident_id=payload.resident_id, data=data,
                                          client_uuid=payload.client_uuid)
    return Status(201, visit)


@router.post("/pregnancies", response={201: PregnancyOut}, summary="Register a pregnancy (建册)")
def register_pregnancy(request, payload: PregnancyIn):
    _check_resident(request, payload.resident_id)
    return Status(201, maternal.do_register_pregnancy(acting_user=request.user, **payload.dict()))


@router.get("/residents/{resident_id}/pregnancies", response=list[PregnancyOut],
            summary="A resident's pregnancies, newest first")
def resident_pregnancies(request, resident_id: int):
    resident = get_visible_or_404(Resident.objects, request.user, what="publichealth.resident", pk=resident_id)
    audit.record_access(request.user, [resident.pk], "publichealth.api.pregnancies")
    return list(Pregnancy.objects.filter(resident=resident).order_by("-lmp"))


@router.post("/residents/{resident_id}/delivery", response=PregnancyOut,
             summary="Record the delivery of the current pregnancy")
def record_delivery(request, resident_id: int, payload: DeliveryIn):
    _check_resident(request, resident_id)
    return maternal.do_record_delivery(acting_user=request.user, resident_id=resident_id, **payload.dict())


@router.post("/maternal-visits", response={201: MaternalVisitOut},
             summary="Record an antenatal or postpartum visit")
def record_maternal_visit(request, payload: MaternalVisitIn):
    _check_resident(request, payload.resident_id)
    data = payload.dict(exclude={"resident_id", "client_uuid"}, exclude_none=True)
    visit = maternal.do_record_maternal_visit(acting_user=request.user, resident_id=payload.resident_id, data=data,
                                              client_uuid=payload.client_uuid)
    return Status(201, visit)


@router.get("/due", response=list[DueItemOut], summary="The user's due list (任务)")
def due(request, bucket: str = "week", programme: str | None = None, page: int = 1, sort: str = "due"):
    bucket = bucket if bucket in {b.code for b in queries.BUCKETS} else "week"
    rows = paginate(queries.due_list(request.user, bucket=bucket, on=timezone.localdate(), programme=programme,
                                     sort=sort), page, size=50).items
    audit.record_access(request.user, [e.resident_id for e in rows], "publichealth.api.due")
    return [DueItemOut(enrolment_id=e.pk, resident_id=e.resident_id, name=e.resident.name,
                       village=e.resident.village.name, programme=e.programme, what=e.next_due_label,
                       next_due=e.next_due, last_visit_date=e.last_visit_date) for e in rows]
