"""/api/notifications/: the signed-in user's own notifications (the recipient is the scope)."""

from datetime import datetime

from ninja import Router, Schema

from countyhealth.accounts.access import get_visible_or_404
from countyhealth.core.pagination import paginate

from . import actions, queries
from .models import Notification

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    urgent: bool
    created_at: datetime
    read_at: datetime | None


class BadgeOut(Schema):
    unread: int
    newest_id: int | None


@router.get("/", response=list[NotificationOut], summary="My notifications, newest first")
def list_notifications(request, unread: bool = False, page: int = 1):
    return paginate(queries.inbox(request.user, unread_only=unread), page, size=50).items


@router.get("/badge", response=BadgeOut, summary="Unread count and the newest unread notification")
def badge(request):
    found = queries.badge(request.user)
    return {"unread": found["unread"], "newest_id": found["newest"]["id"] if found["newest"] else None}


@router.post("/{notification_id}/read", response=NotificationOut, summary="Mark one notification read")
def mark_read(request, notification_id: int):
    notification = get_visible_or_404(Notification.objects, request.user, what="notifications.notification",
                                      pk=notification_id)
    actions.do_mark_read(acting_user=request.user, notification_id=notification_id)
    notification.refresh_from_db()
    return notification


@router.post("/read-all", response=BadgeOut, summary="Mark all my notifications read")
def mark_all_read(request):
    actions.do_mark_all_read(acting_user=request.user)
    return {"unread": 0, "newest_id": None}
