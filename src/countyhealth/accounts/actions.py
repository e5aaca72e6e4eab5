from django.db import transaction
from django.utils import timezone

from countyhealth.audit import log as audit

from .models import ApiToken


def record_password_changed(user) -> None:
    audit.record_change(user, "accounts.password_changed", user)


@transaction.atomic
def do_issue_api_token(*, acting_user, name: str, expires_at=None) -> tuple[ApiToken, str]:
    """Returns the token row and the raw token, which is never stored and shown only once."""
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        user=acting_user, name=name[:100], prefix=raw[4:12], key_hash=ApiToken.hash(raw), expires_at=expires_at
    )
    audit.record_change(acting_user, "accounts.api_token_issued", token)
    return token, raw


@transaction.atomic
def do_revoke_api_token(*, acting_user, token_id: int) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token_id, user=acting_user)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record_change(acting_user, "accounts.api_token_revoked", token)
    return token
