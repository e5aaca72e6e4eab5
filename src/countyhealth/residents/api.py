"""Residents JSON API (/api/residents/): the same actions, scope and audit as the pages.

Errors are ActionErrors rendered by core.api_errors as {"code", "message", "fields"}; out-of-scope ids are 404
and audited (`get_visible_or_404`)."""

from django.http import HttpRequest
from ninja import Query, Router
from ninja.responses import Status

from countyhealth.accounts.access import get_visible_or_404, scope_for
from countyhealth.accounts.roles import MERGES_RESIDENTS
from countyhealth.audit import log as audit
from countyhealth.core.pagination import paginate

from . import actions, queries
from .masking import mask_id_number, mask_phone
from .models import Resident
from .schemas import (
    BreakGlassIn,
    BreakGlassOut,
    CandidateOut,
    CandidatePage,
    LinkOut,
    MergeIn,
    ReasonIn,
    ResidentIn,
    ResidentListItem,
    ResidentOut,
    ResidentPage,
    ResidentPatch,
)
from .views import PAGE_SIZE, may_break_glass

router = Router(tags=["residents"])

DETAIL = Resident.objects.select_related("village", "household")


def _item(r: Resident) -> ResidentListItem:
    return ResidentListItem(id=r.pk, name=r.name, sex=r.sex, birth_date=r.birth_date,
                            id_number=mask_id_number(r.id_number), phone=mask_phone(r.phone),
                            village_id=r.village_id, village_name=r.village.name)


def _full(r: Resident) -> ResidentOut:
    return ResidentOut(
        id=r.pk, name=r.name, sex=r.sex, birth_date=r.birth_date, id_number=r.id_number, phone=r.phone,
        ethnicity=r.ethnicity, residence_type=r.residence_type, village_id=r.village_id, village_name=r.village.name,
        household_id=r.household_id, household_number=r.household.number if r.household else None,
        catchment_org_id=r.catchment_org_id, status=r.status, record_number=r.record_number, is_active=r.is_active,
        master_id=r.master_id,
        identifiers=[{"system": i.system, "value": i.value, "issuer": i.issuer} for i in r.identifiers.order_by("id")],
        created_at=r.created_at, updated_at=r.updated_at,
    )


def _link(link) -> LinkOut:
    return LinkOut(id=link.pk, survivor_id=link.survivor_id, merged_id=link.merged_id, reason=link.reason,
                   moved=link.moved, merged_at=link.merged_at, unmerged_at=link.unmerged_at,
                   unmerge_reason=link.unmerge_reason)


def _audit_candidates_shown(request, exc: actions.ProbableDuplicates):
    audit.record_access(request.user, [m.resident.pk for m in exc.matches], "residents.duplicate_check")


def _resident(request, resident_id: int) -> Resident:
    return get_visible_or_404(DETAIL, request.user, what="residents.resident", pk=resident_id)


@router.get("/", response=ResidentPage, summary="Search residents (ID numbers and phones masked)")
def list_residents(request: HttpRequest, q: str = Query("", max_length=64), page: int = Query(1, ge=1)):
    if not scope_for(request.user).sees_residents:
        raise actions.NotAllowed()
    qs = Resident.objects.visible_to(request.user).listed().select_related("village")
    found = paginate(queries.search(qs, q), page, size=PAGE_SIZE)
    audit.record_access(request.user, [r.pk for r in found.items], "residents.list")
    return ResidentPage(items=[_item(r) for r in found.items], page=found.number, has_next=found.has_next,
                        break_glass_available=may_break_glass(request.user, q, found) is not None)


@router.post("/", response={201: ResidentOut}, summary="Register a resident (409 probable_duplicate unless confirmed)")
def register_resident(request: HttpRequest, payload: ResidentIn):
    fields = payload.dict()
    confirm = fields.pop("confirm_not_duplicate")
    try:
        resident = actions.do_register_resident(acting_user=request.user, data=actions.ResidentData(**fields),
                                                confirm_not_duplicate=confirm)
    except actions.ProbableDuplicates as exc:
        _audit_candidates_shown(request, exc)
        raise
    resident = DETAIL.get(pk=resident.pk)
    audit.record_access(request.user, [resident.pk], "residents.detail")
    return Status(201, _full(resident))


@router.get("/duplicates", response=CandidatePage, summary="Open probable duplicates the user may review")
def list_duplicates(request: HttpRequest, page: int = Query(1, ge=1)):
    if request.user.role not in MERGES_RESIDENTS:
        raise actions.NotAllowed()
    qs = (queries.duplicate_candidates().visible_to(request.user).open()
          .select_related("resident_a__village", "resident_b__village").order_by("-score", "id"))
    found = paginate(qs, page, size=PAGE_SIZE)
    audit.record_access(request.user, [pk for c in found.items for pk in (c.resident_a_id, c.resident_b_id)],
                        "residents.duplicate_list")
    return CandidatePage(
        items=[CandidateOut(id=c.pk, score=c.score, reasons=c.reasons, status=c.status,
                            resident_a=_item(c.resident_a), resident_b=_item(c.resident_b)) for c in found.items],
        page=found.number, has_next=found.has_next,
    )


@router.post("/duplicates/{int:candidate_id}/not-duplicate", response=CandidateOut,
             summary="Mark a pair as two different people (never proposed again)")
def dismiss_duplicate(request: HttpRequest, candidate_id: int):
    candidate = get_visible_or_404(queries.duplicate_candidates(), request.user,
                                   what="residents.duplicate_candidate", pk=candidate_id)
    candidate = actions.do_mark_not_duplicate(acting_user=request.user, candidate_id=candidate.pk)
    a, b = (DETAIL.get(pk=pk) for pk in (candidate.resident_a_id, candidate.resident_b_id))
    return CandidateOut(id=candidate.pk, score=candidate.score, reasons=candidate.reasons, status=candidate.status,
                        resident_a=_item(a), resident_b=_item(b))


@router.post("/merge", response={201: LinkOut}, summary="Merge a duplicate into the record kept")
def merge_residents(request: HttpRequest, payload: MergeIn):
    for resident_id in (payload.survivor_id, payload.merged_id):
        _resident(request, resident_id)
    link = actions.do_merge_residents(acting_user=request.user, survivor_id=payload.survivor_id,
                                      merged_id=payload.merged_id, reason=payload.reason)
    return Status(201, _link(link))


@router.post("/links/{int:link_id}/unmerge", response=LinkOut, summary="Undo a merge (administrators)")
def unmerge_residents(request: HttpRequest, link_id: int, payload: ReasonIn):
    link = get_visible_or_404(queries.resident_links(), request.user, what="residents.resident_link", pk=link_id)
    return _link(actions.do_unmerge_residents(acting_user=request.user, link_id=link.pk, reason=payload.reason))


@router.post("/break-glass", response=BreakGlassOut,
             summary="Emergency 3-hour access to the resident holding an ID number (county roles)")
def break_glass(request: HttpRequest, payload: BreakGlassIn):
    resident, grant = actions.do_break_glass(acting_user=request.user, id_number=payload.id_number,
                                             reason=payload.reason)
    return BreakGlassOut(resident_id=resident.pk, expires_at=grant.expires_at if grant else None)


@router.get("/{int:resident_id}", response=ResidentOut, summary="One resident, in full")
def get_resident(request: HttpRequest, resident_id: int):
    resident = _resident(request, resident_id)
    audit.record_access(request.user, [resident.pk], "residents.detail")
    return _full(resident)


@router.patch("/{int:resident_id}", response=ResidentOut, summary="Change a resident (only the fields sent)")
def update_resident(request: HttpRequest, resident_id: int, payload: ResidentPatch):
    resident = _resident(request, resident_id)
    changes = payload.dict(exclude_unset=True)
    confirm = changes.pop("confirm_not_duplicate", False)
    text_fields = ("name", "sex", "id_number", "phone", "ethnicity", "residence_type", "household_address")
    for name in text_fields:
        if name in changes and changes[name] is None:
            changes[name] = ""
    if "household_address" in changes and "household_id" not in changes:
        changes["household_id"] = None
    data = actions.ResidentData.of(resident).updated(**changes)
    try:
        actions.do_update_resident(acting_user=request.user, resident_id=resident.pk, data=data,
                                   confirm_not_duplicate=confirm)
    except actions.ProbableDuplicates as exc:
        _audit_candidates_shown(request, exc)
        raise
    resident = DETAIL.get(pk=resident.pk)
    audit.record_access(request.user, [resident.pk], "residents.detail")
    return _full(resident)

