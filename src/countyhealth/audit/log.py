"""The only way rows get into the audit tables."""

from countyhealth.core import bulk, hooks
from countyhealth.core.context import client_address

from .models import AccessLog, AuditLog


def _who(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return None, "", None
    return user.pk, user.get_username(), getattr(user, "organisation_id", None)


def record_change(user, action: str, obj=None, *, resident_id=None, detail: dict | None = None) -> AuditLog:
    user_id, username, org_id = _who(user)
    row = AuditLog.objects.create(
        user_id=user_id,
        username=username,
        org_id=org_id,
        resident_id=resident_id,
        client_address=client_address.get(),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail or {},
    )
    # Upper apps follow writes through their audit rows (sync's change log), inside the same transaction.
    hooks.announce("audit.change_recorded", row=row)
    return row


AUDIT_FIELDS = ("user_id", "username", "org_id", "resident_id", "client_address", "action", "object_type",
                "object_id", "detail")


def record_changes(user, action: str, entries) -> None:
    """Many changes of one kind in one statement (a batch of lab results, a phone's push), no model instance
    built; `entries` are (obj, resident_id, detail) triples. The apps that follow writes hear of the batch
    once, as its action and resident ids (`audit.changes_recorded`)."""
    if not entries:
        return
    user_id, username, org_id = _who(user)
    address = client_address.get()
    bulk.insert_values(AuditLog, AUDIT_FIELDS, [
        (user_id, username, org_id, resident_id, address, action, obj._meta.label_lower if obj is not None else "",
         str(obj.pk) if obj is not None else "", detail or {})
        for obj, resident_id, detail in entries])
    hooks.announce("audit.changes_recorded", action=action, resident_ids=[rid for _o, rid, _d in entries])


def record_denied(user, what: str, lookup: dict, *, resident_id=None) -> AuditLog:
    """An attempt to reach an existing object out of the user's scope."""
    return record_change(
        user, "access.scope_denied", resident_id=resident_id, detail={"what": what, "lookup": _plain(lookup)}
    )


def record_access(user, resident_ids, what: str) -> None:
    user_id, username, org_id = _who(user)
    address = client_address.get()
    AccessLog.objects.bulk_create(
        [
            AccessLog(
                user_id=user_id,
                username=username,
                org_id=org_id,
                resident_id=rid,
                client_address=address,
                what=what,
            )
            for rid in dict.fromkeys(resident_ids)
        ]
    )


def _plain(lookup: dict) -> dict:
    return {k: (v if isinstance(v, int | str | None) else str(v)) for k, v in lookup.items()}
