"""/api/clinic/: visits, diagnoses, orders, prescriptions with review, dispensing, stock and shortages — the same
actions and scope as the pages."""

from django.utils import timezone
from ninja import Router
from ninja.responses import Status

from countyhealth.accounts.access import get_visible_or_404
from countyhealth.audit import log as audit
from countyhealth.core.errors import ActionError
from countyhealth.core.pagination import paginate
from countyhealth.residents.models import Resident

from . import actions, queries
from .actions.prescriptions import ReviewStopped
from .actions.visits import visit_diagnoses
from .models import Prescription, StockBatch, Visit
from .rules.review import Severity
from .schemas import (
    AdjustIn,
    BatchOut,
    DiagnosisIn,
    FindingOut,
    OrderIn,
    PrescriptionIn,
    PrescriptionOut,
    ReturnIn,
    ReviewOut,
    ShortageIn,
    ShortageOut,
    StockIn,
    VisitDetailOut,
    VisitIn,
    VisitOut,
)

router = Router(tags=["clinic"])


def _visit(request, visit_id: int) -> Visit:
    return get_visible_or_404(Visit.objects, request.user, what="clinic.visit", pk=visit_id)


def _detail(request, visit: Visit) -> dict:
    audit.record_access(request.user, [visit.resident_id], "clinic.api.visit")
    out = VisitOut.from_orm(visit).dict()
    return out | {
        "diagnoses": [d.code_id for d in visit_diagnoses(visit)],
        "fees": queries.visit_fees(visit),
        "due": queries.due_services(visit, timezone.localdate()),
        "prescription_ids": list(visit.prescriptions.order_by("id").values_list("id", flat=True)),
    }


@router.post("/visits", response={201: VisitDetailOut}, summary="Open an outpatient visit")
def open_visit(request, payload: VisitIn):
    get_visible_or_404(Resident.objects, request.user, what="clinic.resident", pk=payload.resident_id)
    data = payload.dict(exclude={"resident_id", "source", "appointment_ref"}, exclude_none=True)
    visit = actions.do_open_visit(acting_user=request.user, resident_id=payload.resident_id, data=data,
                                  source=payload.source, appointment_ref=payload.appointment_ref)
    return Status(201, _detail(request, visit))


@router.get("/visits", response=list[VisitOut], summary="Visits at the user's institution (one day)")
def list_visits(request, day: str | None = None, status: str | None = None, page: int = 1):
    try:
        on = timezone.datetime.strptime(day, "%Y-%m-%d").date() if day else timezone.localdate()
    except ValueError:
        raise ActionError("day must be YYYY-MM-DD", code="invalid", field="day") from None
    rows = paginate(queries.visits_at(request.user, on=on, status=status), page, size=50).items
    audit.record_access(request.user, [v.resident_id for v in rows], "clinic.api.visits")
    return rows


@router.get("/visits/{visit_id}", response=VisitDetailOut, summary="A visit with diagnoses, fees and due services")
def get_visit(request, visit_id: int):
    return _detail(request, _visit(request, visit_id))


@router.post("/visits/{visit_id}/diagnoses", response={201: VisitDetailOut}, summary="Add an ICD-10 diagnosis")
def add_diagnosis(request, visit_id: int, payload: DiagnosisIn):
    _visit(request, visit_id)
    actions.do_add_diagnosis(acting_user=request.user, visit_id=visit_id, **payload.dict())
    return Status(201, _detail(request, _visit(request, visit_id)))


@router.post("/visits/{visit_id}/orders", response={201: VisitDetailOut}, summary="Order a lab, ECG or imaging item")
def add_order(request, visit_id: int, payload: OrderIn):
    _visit(request, visit_id)
    actions.do_add_order(acting_user=request.user, visit_id=visit_id, **payload.dict())
    return Status(201, _detail(request, _visit(request, visit_id)))


def _items(payload: PrescriptionIn) -> list[dict]:
    return [item.dict() for item in payload.items]


@router.post("/visits/{visit_id}/review", response=ReviewOut, summary="Review a prescription without issuing it")
def review(request, visit_id: int, payload: PrescriptionIn):
    visit = _visit(request, visit_id)
    _parsed, findings = actions.review_items(visit, _items(payload), kind=payload.kind)
    return {"findings": [FindingOut(rule=f.rule, severity=f.severity, message=f.message, source=f.source)
                         for f in findings],
            "blocked": any(f.severity == Severity.BLOCK for f in findings)}


@router.post("/visits/{visit_id}/prescriptions", response={201: PrescriptionOut, 400: ReviewOut},
             summary="Review and issue a prescription (warnings need override_reason)")
def issue_prescription(request, visit_id: int, payload: PrescriptionIn):
    _visit(request, visit_id)
    try:
        rx = actions.do_issue_prescription(acting_user=request.user, visit_id=visit_id, items=_items(payload),
                                           kind=payload.kind, override_reason=payload.override_reason)
    except ReviewStopped as stopped:
        return Status(400, {"code": stopped.code, "message": str(stopped.message), "blocked": stopped.code ==
                            "review_blocked", "findings": [FindingOut(rule=f.rule, severity=f.severity,
                                                                      message=f.message, source=f.source)
                                                           for f in stopped.findings]})
    return Status(201, rx)


@router.post("/visits/{visit_id}/close", response=VisitOut, summary="Close a visit")
def close_visit(request, visit_id: int):
    _visit(request, visit_id)
    return actions.do_close_visit(acting_user=request.user, visit_id=visit_id)


def _prescription(request, prescription_id: int) -> Prescription:
    return get_visible_or_404(Prescription.objects, request.user, what="clinic.prescription", pk=prescription_id)


@router.get("/prescriptions/{prescription_id}", response=PrescriptionOut, summary="A prescription and its review")
def get_prescription(request, prescription_id: int):
    rx = _prescription(request, prescription_id)
    audit.record_access(request.user, [rx.resident_id], "clinic.api.prescription")
    return rx


@router.post("/prescriptions/{prescription_id}/dispense", response=PrescriptionOut,
             summary="Dispense: stock taken earliest expiry first, all or nothing")
def dispense(request, prescription_id: int):
    _prescription(request, prescription_id)
    return actions.do_dispense_prescription(acting_user=request.user, prescription_id=prescription_id)


@router.post("/prescriptions/{prescription_id}/cancel", response=PrescriptionOut, summary="Cancel an undispensed one")
def cancel(request, prescription_id: int):
    _prescription(request, prescription_id)
    return actions.do_cancel_prescription(acting_user=request.user, prescription_id=prescription_id)


@router.get("/stock", response=list[BatchOut], summary="Batches held at the user's institution")
def stock(request, q: str = "", page: int = 1):
    if request.user.organisation_id is None:
        return []
    return paginate(queries.batches_at(request.user, request.user.organisation_id, text=q.strip()), page,
                    size=100).items


@router.post("/stock", response={201: BatchOut}, summary="Receive stock into a batch")
def receive(request, payload: StockIn):
    return Status(201, actions.do_receive_stock(acting_user=request.user, **payload.dict()))


def _batch(request, batch_id: int) -> StockBatch:
    return get_visible_or_404(StockBatch.objects, request.user, what="clinic.batch", pk=batch_id)


@router.post("/stock/{batch_id}/adjust", response=BatchOut, summary="Stocktaking adjustment (never below zero)")
def adjust(request, batch_id: int, payload: AdjustIn):
    _batch(request, batch_id)
    return actions.do_adjust_stock(acting_user=request.user, batch_id=batch_id, **payload.dict())


@router.post("/stock/{batch_id}/return", response=BatchOut, summary="Return units of a batch")
def give_back(request, batch_id: int, payload: ReturnIn):
    _batch(request, batch_id)
    return actions.do_return_stock(acting_user=request.user, batch_id=batch_id, **payload.dict())


@router.get("/shortages", response=list[ShortageOut], summary="Open shortages (缺药登记) the user oversees")
def shortages(request, page: int = 1):
    return paginate(queries.shortages_for(request.user), page, size=100).items


@router.post("/shortages", response={201: ShortageOut}, summary="Register a shortage")
def register_shortage(request, payload: ShortageIn):
    return Status(201, actions.do_register_shortage(acting_user=request.user, **payload.dict()))
