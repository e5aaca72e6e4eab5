from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from countyhealth.accounts.access import get_visible_or_404
from countyhealth.core.pagination import paginate

from . import actions, queries
from .models import Notification


@login_required
def inbox(request):
    unread_only = request.GET.get("unread") == "1"
    page = paginate(queries.inbox(request.user, unread_only=unread_only), request.GET.get("page"), size=30)
    return render(request, "notifications/inbox.html", {"page": page, "unread_only": unread_only})


@login_required
def badge(request):
    """The top bar's badge, polled by htmx; carries the newest unread id so the page can chime once."""
    return render(request, "notifications/badge.html", queries.badge(request.user))


@login_required
@require_POST
def open_notification(request, pk: int):
    """Mark read and follow the link: clicking a notification is reading it."""
    notification = get_visible_or_404(Notification.objects, request.user, what="notifications.notification", pk=pk)
    actions.do_mark_read(acting_user=request.user, notification_id=pk)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request):
    actions.do_mark_all_read(acting_user=request.user)
    return redirect("notifications:inbox")
