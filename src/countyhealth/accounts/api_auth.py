"""API authentication: the browser session (with CSRF) or a per-user bearer token, same scope rules."""

from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from .models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        row = ApiToken.objects.live().select_related("user", "user__organisation").filter(
            key_hash=ApiToken.hash(token)
        ).first()
        if row is None or not row.user.is_active:
            return None
        # Touch at most once a minute: a busy machine client should not write on every request.
        now = timezone.now()
        if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        return row.user


# The token first: a request carrying a bearer token is a machine client and needs no CSRF token, while
# SessionAuth checks CSRF before it looks at the cookie and would refuse it.
api_auth = [TokenAuth(), SessionAuth()]
