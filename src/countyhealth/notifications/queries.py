"""A user reads only their own notifications: the recipient is the scope."""

from .models import Notification


def inbox(user, *, unread_only: bool = False):
    rows = Notification.objects.for_user(user)
    if unread_only:
        rows = rows.unread()
    return rows.order_by("read_at", "-urgent", "-created_at") if unread_only else rows.order_by("-created_at")


def badge(user) -> dict:
    """Unread count, and the newest unread notification's id so the page can tell a new one arrived."""
    unread = Notification.objects.for_user(user).unread()
    newest = unread.order_by("-id").values("id", "title", "urgent", "url").first()
    return {"unread": unread.count(), "newest": newest}
