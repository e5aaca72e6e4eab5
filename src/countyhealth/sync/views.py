"""Pages of the phone sync: the installable app shell (its service worker and manifest) and the list of
registered phones where an administrator revokes one."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from countyhealth.accounts.access import get_visible_or_404
from countyhealth.core.errors import ActionError
from countyhealth.core.pagination import paginate

from . import actions
from .models import Device
from .schemas import PUSH_MAX
from .strings import app_strings

# Everything the app needs offline; the service worker caches these on install (no CDN).
SHELL_ASSETS = ("sync/app.css", "sync/rules.js", "sync/store.js", "sync/app.js", "sync/icon-192.png",
                "sync/icon-512.png")


def app_shell(request):
    """The phone app: no patient data in the page (it lives in IndexedDB), so it is served without a session and
    cached by the service worker."""
    return render(request, "sync/app.html", {"strings": app_strings(), "push_max": PUSH_MAX})


@never_cache
def service_worker(request):
    """Served from /sync/ so its scope covers the app; the cache name changes with the asset URLs."""
    assets = [reverse("sync:app"), reverse("sync:manifest"), *(static(a) for a in SHELL_ASSETS)]
    version = abs(hash(tuple(assets))) % 10**8
    body = render(request, "sync/sw.js", {"assets": json.dumps(assets), "version": version}).content
    response = HttpResponse(body, content_type="application/javascript")
    response["Service-Worker-Allowed"] = reverse("sync:app")
    return response


def manifest(request):
    data = {
        "name": _("Village doctor"), "short_name": _("Village doctor"), "start_url": reverse("sync:app"),
        "scope": reverse("sync:app"), "display": "standalone", "background_color": "#ffffff",
        "theme_color": "#1f6f5c", "lang": request.LANGUAGE_CODE,
        "icons": [{"src": static("sync/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                  {"src": static("sync/icon-512.png"), "sizes": "512x512", "type": "image/png"}],
    }
    return HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/manifest+json")


@login_required
def device_list(request):
    page = paginate(Device.objects.visible_to(request.user).select_related("user", "revoked_by")
                    .order_by("-created_at", "-id"), request.GET.get("page"), size=30)
    return render(request, "sync/device_list.html", {"page": page})


@login_required
@require_POST
def revoke_device(request, pk: int):
    get_visible_or_404(Device.objects, request.user, what="sync.device", pk=pk)
    try:
        actions.do_revoke_device(acting_user=request.user, device_id=pk, reason=request.POST.get("reason", ""))
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The phone is revoked: it can no longer sync and clears its data."))
    return redirect("sync:device-list")
