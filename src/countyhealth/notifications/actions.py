"""Sending and reading notifications. `notify_*` run inside the caller's action, so a notification exists
exactly when the event that caused it committed; `do_*` are the recipient's own writes."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from countyhealth.accounts.roles import Role
from countyhealth.core import bulk
from countyhealth.orgs.models import Organisation

from .models import Notification


def notify_users(user_ids: Iterable[int], *, kind: str, title: str, body: str = "", url: str = "",
                 urgent: bool = False, resident_id: int | None = None) -> list[Notification]:
    return notify_each([(user_ids, {"kind": kind, "title": title, "body": body, "url": url, "urgent": urgent,
                                    "resident_id": resident_id})])


@transaction.atomic(savepoint=False)
def notify_each(messages: Iterable[tuple[Iterable[int], dict]]) -> list[Notification]:
    """Many `notify_users` in one INSERT (core.bulk: COPY on PostgreSQL, a push's referrals notify every
    clinician of the county hospital): (user ids, its keyword arguments, all of them) for each message."""
    rows = [
        Notification(recipient_id=user_id, kind=m["kind"], title=str(m["title"])[:200], body=str(m["body"]),
                     url=m["url"], urgent=m["urgent"], resident_id=m["resident_id"])
        for user_ids, m in messages
        for user_id in dict.fromkeys(user_ids)
    ]
    return bulk.insert(rows)


def org_user_ids(org_id: int, *, roles: Iterable[Role] | None = None, subtree: bool = False) -> list[int]:
    """Active users of an organisation (and of its subtree when asked), optionally of some roles only."""
    users = _active_users(roles)
    if subtree:
        org = Organisation.objects.get(pk=org_id)
        users = users.filter(organisation__in=Organisation.objects.subtree_of(org))
    else:
        users = users.filter(organisation_id=org_id)
    return list(users.values_list("id", flat=True))


def org_users(org_ids: Iterable[int], *, roles: Iterable[Role] | None = None) -> dict[int, list[int]]:
    """`org_user_ids` of many organisations (no subtree) in one query: organisation id → its user ids."""
    org_ids = list(org_ids)
    users = _active_users(roles).filter(organisation_id__in=org_ids)
    found: dict[int, list[int]] = {org_id: [] for org_id in org_ids}
    for user_id, org_id in users.order_by("id").values_list("id", "organisation_id"):
        found[org_id].append(user_id)
    return found


def _active_users(roles: Iterable[Role] | None):
    users = get_user_model().objects.filter(is_active=True)
    return users if roles is None else users.filter(role__in=list(roles))


def notify_org(org_id: int, *, roles: Iterable[Role] | None = None, subtree: bool = False,
               **message) -> list[Notification]:
    """Every active user of the organisation (with one of `roles`, when given) gets the notification."""
    return notify_users(org_user_ids(org_id, roles=roles, subtree=subtree), **message)


def do_mark_read(*, acting_user, notification_id: int) -> int:
    """Mark one of the user's own notifications read; returns how many changed (0 if already read)."""
    return (Notification.objects.for_user(acting_user).unread().filter(pk=notification_id)
            .update(read_at=timezone.now()))


def do_mark_all_read(*, acting_user) -> int:
    return Notification.objects.for_user(acting_user).unread().update(read_at=timezone.now())
