"""Sending and reading notifications. `notify_*` run inside the caller's action, so a notification exists
exactly when the event that caused it committed; `do_*` are the recipient's own writes."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from countyhealth.accounts.roles import Role
from countyhealth.orgs.models import Organisation

from .models import Notification


@transaction.atomic(savepoint=False)
def notify_users(user_ids: Iterable[int], *, kind: str, title: str, body: str = "", url: str = "",
                 urgent: bool = False, resident_id: int | None = None) -> list[Notification]:
    rows = [
        Notification(recipient_id=user_id, kind=kind, title=str(title)[:200], body=str(body), url=url,
                     urgent=urgent, resident_id=resident_id)
        for user_id in dict.fromkeys(user_ids)
    ]
    return Notification.objects.bulk_create(rows)


def org_user_ids(org_id: int, *, roles: Iterable[Role] | None = None, subtree: bool = False) -> list[int]:
    """Active users of an organisation (and of its subtree when asked), optionally of some roles only."""
    users = get_user_model().objects.filter(is_active=True)
    if subtree:
        org = Organisation.objects.get(pk=org_id)
        users = users.filter(organisation__in=Organisation.objects.subtree_of(org))
    else:
        users = users.filter(organisation_id=org_id)
    if roles is not None:
        users = users.filter(role__in=list(roles))
    return list(users.values_list("id", flat=True))


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
