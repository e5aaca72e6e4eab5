"""/api/surveillance/: report cards, signals and count series, through the same actions and scope as the pages."""

from datetime import timedelta

from django.utils import timezone
from ninja import Router

from countyhealth.accounts.access import get_visible_or_404, scope_for
from countyhealth.audit import log as audit
from countyhealth.core.errors import NotVisible
from countyhealth.core.pagination import paginate

from . import actions, queries, rules, syndromic
from .charts import curve_data, syndrome_curve_data
from .models import CaseReport, Signal
from .schemas import (
    CardFieldsIn,
    CardOut,
    DuplicateIn,
    NotesIn,
    ReasonIn,
    SeriesOut,
    SignalOut,
    SyndromeSeriesOut,
)

router = Router(tags=["surveillance"])


def _card(request, card_id):
    return get_visible_or_404(CaseReport.objects.select_related("disease"), request.user,
                              what="surveillance.card", pk=card_id)


@router.get("/cards", response=list[CardOut], summary="Report cards of a worklist (draft, review, approved, overdue, all)")
def list_cards(request, worklist: str = "all", page: int = 1):
    rows = paginate(queries.cards(request.user, worklist), page, size=50).items
    audit.record_access(request.user, [c.resident_id for c in rows], "surveillance.api.cards")
    return rows


@router.get("/cards/{card_id}", response=CardOut, summary="One report card")
def get_card(request, card_id: int):
    card = _card(request, card_id)
    audit.record_access(request.user, [card.resident_id], "surveillance.api.card")
    return card


def _fields(payload):
    return {k: v for k, v in payload.dict(exclude_unset=True).items()}


@router.patch("/cards/{card_id}", response=CardOut, summary="Save fields of a draft or returned card")
def save_card(request, card_id: int, payload: CardFieldsIn):
    _card(request, card_id)
    return actions.do_save_card(acting_user=request.user, card_id=card_id, fields=_fields(payload))


@router.post("/cards/{card_id}/submit", response=CardOut, summary="Complete and submit the card")
def submit_card(request, card_id: int, payload: CardFieldsIn):
    _card(request, card_id)
    return actions.do_submit_card(acting_user=request.user, card_id=card_id, fields=_fields(payload))


@router.post("/cards/{card_id}/approve", response=CardOut, summary="Approve a submitted card")
def approve_card(request, card_id: int):
    _card(request, card_id)
    return actions.do_approve_card(acting_user=request.user, card_id=card_id)


@router.post("/cards/{card_id}/return", response=CardOut, summary="Return a submitted card for correction")
def return_card(request, card_id: int, payload: ReasonIn):
    _card(request, card_id)
    return actions.do_return_card(acting_user=request.user, card_id=card_id, reason=payload.reason)


@router.post("/cards/{card_id}/amend", response=CardOut, summary="Start a revision card of an approved card")
def amend_card(request, card_id: int, payload: ReasonIn):
    _card(request, card_id)
    return actions.do_amend_card(acting_user=request.user, card_id=card_id, reason=payload.reason)


@router.post("/cards/{card_id}/duplicate", response=CardOut,
             summary="Decide on a possible duplicate: keep both cards, or merge this one into the earlier card")
def resolve_duplicate(request, card_id: int, payload: DuplicateIn):
    _card(request, card_id)
    return actions.do_resolve_duplicate(acting_user=request.user, card_id=card_id, keep=payload.keep)


@router.get("/signals", response=list[SignalOut], summary="Signals, newest first")
def list_signals(request, status: str | None = None, page: int = 1):
    qs = queries.signals(request.user)
    if status:
        qs = qs.filter(status=status)
    return paginate(qs, page, size=100).items


def _signal(request, signal_id):
    return get_visible_or_404(Signal.objects.select_related("area", "disease"), request.user,
                              what="surveillance.signal", pk=signal_id)


@router.get("/signals/{signal_id}", response=SignalOut, summary="One signal")
def get_signal(request, signal_id: int):
    return _signal(request, signal_id)


@router.post("/signals/{signal_id}/dismiss", response=SignalOut, summary="Dismiss a signal with a reason")
def dismiss_signal(request, signal_id: int, payload: ReasonIn):
    _signal(request, signal_id)
    actions.do_dismiss_signal(acting_user=request.user, signal_id=signal_id, reason=payload.reason)
    return _signal(request, signal_id)


@router.post("/signals/{signal_id}/escalate", response=SignalOut, summary="Escalate to a field investigation")
def escalate_signal(request, signal_id: int, payload: NotesIn):
    _signal(request, signal_id)
    actions.do_escalate_signal(acting_user=request.user, signal_id=signal_id, notes=payload.notes)
    return _signal(request, signal_id)


@router.get("/series", response=SeriesOut, summary="Daily counts of one township and disease, with the MPM threshold")
def get_series(request, area_id: int, disease: str):
    scope = scope_for(request.user)
    area = next((a for a in queries.areas() if a.id == area_id and (scope.everything or a.id in scope.org_ids)), None)
    row = queries.current_diseases().filter(code=disease).first()
    if area is None or row is None or scope.reach is None:
        if area is None:
            audit.record_denied(request.user, "surveillance.series", {"area_id": area_id})
        raise NotVisible()
    data = curve_data(area, row, timezone.localdate(), user=request.user)
    return {"area_id": area.id, "disease_code": row.code, "dates": data["dates"], "counts": data["daily"],
            "weekly": data["weekly"], "threshold": data["threshold"]}




@router.get("/syndromes", response=SyndromeSeriesOut,
            summary="Daily residents with a syndrome at one institution, with the method's threshold")
def get_syndrome_series(request, org_id: int, syndrome: str):
    today = timezone.localdate()
    org = next((o for o in syndromic.institutions(request.user, today - timedelta(days=365)) if o.id == org_id), None)
    if org is None or syndrome not in rules.SYNDROME_LABELS:
        if org is None:
            audit.record_denied(request.user, "surveillance.syndromes", {"org_id": org_id})
        raise NotVisible()
    data = syndrome_curve_data(org, syndrome, today, user=request.user)
    return {"org_id": org.id, "syndrome": syndrome, "method": data["method"], "dates": data["dates"],
            "counts": data["daily"], "compared": data["weekly"], "threshold": data["threshold"]}
