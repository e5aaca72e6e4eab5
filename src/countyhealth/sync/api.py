"""/api/sync/: the phone app's login, rule tables, catchment download, change pull and mutation push
(bearer device token), and the devices administrators revoke (session or API token)."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from countyhealth.accounts.access import get_visible_or_404
from countyhealth.audit import log as audit
from countyhealth.core.pagination import paginate
from countyhealth.residents.queries import villages_for

from . import actions, ingest, queries
from .auth import device_auth
from .models import Device
from .rules_data import rules_payload
from .schemas import DeviceOut, LoginIn, LoginOut, PushIn, RevokeIn

router = Router(tags=["sync"])


@router.post("/login", auth=None, response=LoginOut, summary="Log a phone in and register it to the doctor")
def login(request, payload: LoginIn):
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None or not user.is_active:
        raise HttpError(401, _("Wrong user name or password."))
    device, token = actions.do_register_device(acting_user=user, name=payload.device_name,
                                               user_agent=request.headers.get("User-Agent", ""))
    return {"token": token, "device_id": device.pk, "expires_at": device.expires_at, "username": user.username,
            "display_name": user.get_full_name() or user.username}


@router.post("/logout", auth=device_auth, summary="Log the phone out: its token stops working")
def logout(request):
    actions.do_revoke_device(acting_user=request.user, device_id=request.auth.pk, reason="logout")
    return {"ok": True}


@router.get("/rules", auth=None, summary="Rule tables of the follow-up classification, as data")
def rules(request):
    return rules_payload()


@router.get("/profile", auth=device_auth, summary="The doctor, villages, teams and packages for the phone")
def profile(request):
    user = request.user
    return {
        "username": user.username, "display_name": user.get_full_name() or user.username,
        "device_id": request.auth.pk, "expires_at": request.auth.expires_at.isoformat(),
        "villages": [{"id": v.pk, "name": v.name} for v in villages_for(user).order_by("name")],
        "teams": queries.teams_for(user), "packages": queries.packages(),
    }


class CatchmentQuery(Schema):
    # An opaque keyset position ("" for the first page), as the server handed it out in `next_after`.
    after: str = Field(default="", max_length=20)


@router.get("/catchment", auth=device_auth, summary="First download of the catchment, one page of residents")
def catchment(request, params: Query[CatchmentQuery]):
    after = queries.parse_position(params.after)
    # The cursor is read before the residents, so a change made during the download is pulled afterwards.
    cursor = queries.head_cursor() if after == 0 else None
    residents, next_after = queries.catchment_page(request.user, after=after)
    audit.record_access(request.user, [r["id"] for r in residents], "sync.catchment")
    return {"cursor": cursor, "residents": residents, "next_after": str(next_after) if next_after else None}


@router.get("/changes", auth=device_auth, summary="Residents changed since the phone's cursor")
def changes(request, cursor: str):
    ids, new_cursor, more = queries.changes_after(request.user, cursor)
    residents = queries.bundles(ids)
    audit.record_access(request.user, ids, "sync.changes")
    return {"cursor": new_cursor, "residents": residents, "more": more}


@router.post("/push", auth=device_auth, summary="Apply the phone's queued changes, each once")
def push(request, payload: PushIn):
    outcomes = ingest.apply_push(device=request.auth, items=payload.mutations)
    return {"results": [{"id": str(item.id), **outcome} for item, outcome in zip(payload.mutations, outcomes,
                                                                                 strict=True)]}


@router.get("/devices", response=list[DeviceOut], summary="Registered phones (administrators: their area's)")
def devices(request, page: int = 1):
    rows = paginate(Device.objects.visible_to(request.user).select_related("user").order_by("-created_at", "-id"),
                    page, 50).items
    return [{**{f: getattr(d, f) for f in DeviceOut.model_fields if f != "username"}, "username": d.user.username}
            for d in rows]


@router.post("/devices/{device_id}/revoke", response=DeviceOut, summary="Revoke a phone")
def revoke(request, device_id: int, payload: RevokeIn):
    get_visible_or_404(Device.objects, request.user, what="sync.device", pk=device_id)
    d = actions.do_revoke_device(acting_user=request.user, device_id=device_id, reason=payload.reason)
    return {**{f: getattr(d, f) for f in DeviceOut.model_fields if f != "username"}, "username": d.user.username}
