"""Writes of the phone sync: register and revoke devices, and apply a pushed mutation exactly once.

A mutation runs its domain action (publichealth, familydoctor, residents) and stores its `Mutation` row in one
transaction: either both commit or neither, so a replay finds the stored result and nothing is half-applied."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pydantic import ValidationError

from countyhealth.accounts.roles import Role
from countyhealth.audit import log as audit
from countyhealth.core.errors import ActionError, NotVisible

from . import mutations
from .models import Device, Mutation
from .queries import catchment_org_ids

NAME_MAX = Device._meta.get_field("name").max_length


def token_lifetime() -> timedelta:
    return timedelta(days=getattr(settings, "SYNC_DEVICE_TOKEN_DAYS", 30))


@transaction.atomic
def do_register_device(*, acting_user, name: str, user_agent: str = "") -> tuple[Device, str]:
    """Log a phone in: the device belongs to the doctor and gets a bearer token shown once."""
    catchment_org_ids(acting_user)  # raises for users without a catchment
    name = " ".join((name or "").split())[:NAME_MAX] or str(_("Phone"))
    token = Device.new_token()
    device = Device.objects.create(user=acting_user, name=name, user_agent=(user_agent or "")[:300],
                                   token_hash=Device.hash(token), expires_at=timezone.now() + token_lifetime())
    audit.record_change(acting_user, "sync.device_registered", device, detail={"name": name})
    return device, token


@transaction.atomic
def do_revoke_device(*, acting_user, device_id: int, reason: str = "") -> Device:
    """An administrator (or the doctor, at logout) revokes a phone; its next request is refused and the app
    wipes its data."""
    device = Device.objects.visible_to(acting_user).select_for_update().filter(pk=device_id).first()
    if device is None:
        raise NotVisible()
    if device.revoked_at is not None:
        raise ActionError(_("This phone is already revoked."), code="already_revoked")
    if device.user_id != acting_user.pk and acting_user.role != Role.CONSORTIUM_ADMIN and not acting_user.is_superuser:
        raise NotVisible()
    device.revoked_at, device.revoked_by = timezone.now(), acting_user
    device.revoke_reason = " ".join((reason or "").split())[:200]
    device.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit.record_change(acting_user, "sync.device_revoked", device, detail={"reason": device.revoke_reason,
                                                                            "device_user": device.user_id})
    return device


def _rejected(error: ActionError) -> dict:
    return {"status": "rejected", **error.as_dict()}


def _refused(user, device, mutation_id, kind: str, error: ActionError) -> dict:
    """Audit the refusal after the mutation's transaction rolled back (an out-of-catchment attempt included)."""
    audit.record_change(user, "sync.mutation_rejected", detail={
        "kind": kind, "mutation": str(mutation_id), "device": device.pk, "code": error.code})
    return _rejected(error)


def apply_mutation(*, device: Device, mutation_id, kind: str, payload: dict) -> dict:
    """Apply one pushed change; the answer is stored, so the same mutation id always gets the same answer.
    A rejection is not stored: nothing was written, and the phone may send it again once fixed or in order."""
    done = Mutation.objects.filter(device=device, mutation_id=mutation_id).first()
    if done is not None:
        return {**done.result, "replayed": True}
    handler = mutations.HANDLERS.get(kind)
    if handler is None:
        return _rejected(ActionError(_("Unknown kind of change."), code="unknown_kind", field="kind"))
    user = device.user
    try:
        with transaction.atomic(durable=True):
            outcome = handler(user, device, payload)
            Mutation.objects.create(device=device, mutation_id=mutation_id, kind=kind, client_id=outcome.client_id,
                                    object_id=outcome.object_id, result=outcome.result)
            audit.record_change(user, "sync.mutation_applied", resident_id=outcome.resident_id,
                                detail={"kind": kind, "mutation": str(mutation_id), "device": device.pk,
                                        "object": outcome.object_id})
    except ValidationError as exc:
        fields = {".".join(str(p) for p in e["loc"]) or "__all__": [e["msg"]] for e in exc.errors()}
        return _refused(user, device, mutation_id, kind,
                        ActionError(_("The change is malformed."), code="malformed", fields=fields))
    except ActionError as exc:
        return _refused(user, device, mutation_id, kind, exc)
    except IntegrityError:
        # The same mutation arrived twice at once: the other request's row answers.
        done = Mutation.objects.filter(device=device, mutation_id=mutation_id).first()
        if done is not None:
            return {**done.result, "replayed": True}
        return _rejected(ActionError(_("The change clashes with a record saved at the same moment; retry."),
                                     code="retry"))
    return outcome.result
