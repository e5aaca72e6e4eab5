"""/api/referrals/: the same operations as the pages, through the same actions and scope."""

from ninja import Router
from ninja.responses import Status

from countyhealth.accounts.access import get_visible_or_404
from countyhealth.audit import log as audit
from countyhealth.core.pagination import paginate
from countyhealth.residents.models import Resident

from . import actions, dashboard, queries
from .models import Referral
from .schemas import AcceptIn, FeedbackIn, ReasonIn, ReferDownIn, ReferralDetailOut, ReferralOut, ReferUpIn

router = Router(tags=["referrals"])


def _referral(request, referral_id: int) -> Referral:
    return get_visible_or_404(Referral.objects, request.user, what="referrals.referral", pk=referral_id)


def _check_resident(request, resident_id: int) -> None:
    get_visible_or_404(Resident.objects, request.user, what="referrals.resident", pk=resident_id)


@router.get("/", response=list[ReferralOut], summary="Incoming or outgoing referrals, newest first")
def list_referrals(request, box: str = "incoming", status: str | None = None, page: int = 1):
    rows = paginate(queries.box(request.user, box if box in queries.BOXES else "incoming", status=status),
                    page, size=50).items
    audit.record_access(request.user, [r.resident_id for r in rows], "referrals.api.list")
    return rows


@router.post("/", response={201: ReferralOut}, summary="Refer a resident up to the county hospital")
def refer_up(request, payload: ReferUpIn):
    _check_resident(request, payload.resident_id)
    return Status(201, actions.do_refer_up(acting_user=request.user, **payload.dict()))


@router.post("/down", response={201: ReferralOut}, summary="Refer a patient down with a care plan")
def refer_down(request, payload: ReferDownIn):
    _check_resident(request, payload.resident_id)
    data = payload.dict()
    return Status(201, actions.do_refer_down(acting_user=request.user, **data))


@router.get("/dashboard", summary="Referral figures: per month, per institution, acceptance time, first-visit rate")
def get_dashboard(request):
    return dashboard.figures(request.user, months=12)


@router.get("/{referral_id}", response=ReferralDetailOut, summary="One referral with its timeline")
def get_referral(request, referral_id: int):
    referral = _referral(request, referral_id)
    audit.record_access(request.user, [referral.resident_id], "referrals.api.detail")
    return {**ReferralOut.from_orm(referral).dict(), "events": list(referral.events.order_by("at", "id"))}


@router.post("/{referral_id}/accept", response=ReferralOut, summary="Accept with a slot or an admission time")
def accept(request, referral_id: int, payload: AcceptIn):
    _referral(request, referral_id)
    return actions.do_accept_referral(acting_user=request.user, referral_id=referral_id, **payload.dict())


@router.post("/{referral_id}/decline", response=ReferralOut, summary="Decline with a reason")
def decline(request, referral_id: int, payload: ReasonIn):
    _referral(request, referral_id)
    return actions.do_decline_referral(acting_user=request.user, referral_id=referral_id, reason=payload.reason)


@router.post("/{referral_id}/arrive", response=ReferralOut, summary="The patient arrived")
def arrive(request, referral_id: int):
    _referral(request, referral_id)
    return actions.do_mark_arrived(acting_user=request.user, referral_id=referral_id)


@router.post("/{referral_id}/complete", response=ReferralOut, summary="Complete with feedback to the sender")
def complete(request, referral_id: int, payload: FeedbackIn):
    _referral(request, referral_id)
    return actions.do_complete_referral(acting_user=request.user, referral_id=referral_id, feedback=payload.feedback)


@router.post("/{referral_id}/cancel", response=ReferralOut, summary="The sender withdraws the referral")
def cancel(request, referral_id: int, payload: ReasonIn):
    _referral(request, referral_id)
    return actions.do_cancel_referral(acting_user=request.user, referral_id=referral_id, reason=payload.reason)
