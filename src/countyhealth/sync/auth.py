"""Bearer authentication of a registered phone: a live (not revoked, not expired) device of an active user."""

from django.utils import timezone
from ninja.security import HttpBearer

from .models import Device


class DeviceAuth(HttpBearer):
    def authenticate(self, request, token):
        device = (Device.objects.live().select_related("user", "user__organisation")
                  .filter(token_hash=Device.hash(token)).first())
        if device is None or not device.user.is_active:
            return None
        now = timezone.now()
        if device.last_seen_at is None or (now - device.last_seen_at).total_seconds() > 60:
            Device.objects.filter(pk=device.pk).update(last_seen_at=now)
        request.user = device.user
        request.device = device
        return device


device_auth = DeviceAuth()
