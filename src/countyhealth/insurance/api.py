"""/api/insurance/: settlement (pre-settle, settle, reverse), receipts, 两病 qualification, reconciliation —
the same actions and scope as the pages."""

from decimal import Decimal

from ninja import Router
from ninja.responses import Status

from countyhealth.accounts.access import get_visible_or_404
from countyhealth.audit import log as audit
from countyhealth.core.errors import NotVisible
from countyhealth.core.pagination import paginate
from countyhealth.orgs.models import Organisation
from countyhealth.residents.models import Resident

from . import actions, queries, rules
from .fees import Line
from .models import Settlement
from .permissions import MANAGES, SETTLES, require
from .schemas import (
    PresettleIn,
    QualificationOut,
    QualificationRunOut,
    ReceiptOut,
    ReconcileIn,
    ReconciliationOut,
    ReverseIn,
    SettlementOut,
)

router = Router(tags=["insurance"])


def _settlement(request, settlement_id: int) -> Settlement:
    return get_visible_or_404(Settlement.objects, request.user, what="insurance.settlement", pk=settlement_id)


def _institution(request, organisation_id: int) -> Organisation:
    org = queries.institutions(request.user).filter(pk=organisation_id).first()
    if org is None:
        raise NotVisible()
    return org


@router.post("/settlements/presettle", response={201: SettlementOut},
             summary="Register the visit, upload its fees and get the split (1101, 2201, 2204, 2206)")
def presettle(request, payload: PresettleIn):
    get_visible_or_404(Resident.objects, request.user, what="insurance.resident", pk=payload.resident_id)
    org = _institution(request, payload.organisation_id)
    require(request.user, SETTLES)
    lines = [Line(code=li.code, name=li.name, quantity=Decimal(li.quantity), unit_price=Decimal(li.unit_price))
             for li in payload.lines]
    settlement = actions.do_presettle(acting_user=request.user, resident_id=payload.resident_id,
                                      organisation_id=org.pk, visit_ref=payload.visit_ref, lines=lines)
    return Status(201, settlement)


@router.post("/visits/{visit_id}/presettle", response={201: SettlementOut},
             summary="Pre-settle a dispensed clinic visit with its own fee lines")
def presettle_visit(request, visit_id: int):
    from countyhealth.clinic.models import Visit

    visit = get_visible_or_404(Visit.objects, request.user, what="insurance.visit", pk=visit_id)
    require(request.user, SETTLES)
    return Status(201, actions.do_presettle_visit(acting_user=request.user, visit=visit))


@router.post("/settlements/{settlement_id}/settle", response=SettlementOut, summary="Settle (2207)")
def settle(request, settlement_id: int):
    _settlement(request, settlement_id)
    require(request.user, SETTLES)
    return actions.do_settle(acting_user=request.user, settlement_id=settlement_id)


@router.post("/settlements/{settlement_id}/reverse", response=SettlementOut, summary="Reverse a settlement (2208)")
def reverse(request, settlement_id: int, payload: ReverseIn):
    _settlement(request, settlement_id)
    require(request.user, SETTLES)
    return actions.do_reverse_settlement(acting_user=request.user, settlement_id=settlement_id,
                                         reason=payload.reason)


@router.get("/settlements/{settlement_id}", response=ReceiptOut, summary="One settlement with its receipt lines")
def receipt(request, settlement_id: int):
    settlement = _settlement(request, settlement_id)
    audit.record_access(request.user, [settlement.resident_id], "insurance.api.receipt")
    return settlement


@router.get("/settlements", response=list[SettlementOut], summary="Settlements the user may see, newest first")
def settlement_list(request, status: str = "", page: int = 1):
    rows = paginate(queries.settlements(request.user, status=status), page, size=50).items
    audit.record_access(request.user, [s.resident_id for s in rows], "insurance.api.settlements")
    return rows


@router.get("/qualifications", response=list[QualificationOut], summary="两病 qualification: who, since when, why")
def qualification_list(request, qualified: str = "1", page: int = 1):
    rows = paginate(queries.qualifications(request.user, qualified=qualified), page, size=50).items
    audit.record_access(request.user, [q.resident_id for q in rows], "insurance.api.qualifications")
    return [{"resident_id": q.resident_id, "qualified": q.qualified, "diseases": q.diseases,
             "reasons": [rules.describe(r) for r in q.reasons], "since": q.since, "in_sync": q.in_sync}
            for q in rows]


@router.post("/qualifications/run", response=QualificationRunOut, summary="Re-decide 两病 qualification now")
def qualification_run(request):
    require(request.user, MANAGES)
    org = request.user.organisation
    scope = None if org.parent_id is None else list(Organisation.objects.subtree_of(org).values_list("id", flat=True))
    return actions.do_run_qualification(acting_user=request.user, organisation_ids=scope)


@router.post("/reconciliations", response={201: ReconciliationOut},
             summary="Reconcile one institution's day (5203 for pending rows, 3202, 3201)")
def reconcile(request, payload: ReconcileIn):
    org = _institution(request, payload.organisation_id)
    require(request.user, MANAGES | SETTLES)
    return Status(201, actions.do_reconcile(acting_user=request.user, organisation_id=org.pk, day=payload.day))


