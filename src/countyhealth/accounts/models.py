import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from countyhealth.orgs.models import Department, Organisation

from .roles import Role


class User(AbstractUser):
    organisation = models.ForeignKey(Organisation, models.PROTECT, null=True, blank=True, related_name="users",
                                     verbose_name=_("organisation"))
    department = models.ForeignKey(Department, models.PROTECT, null=True, blank=True, related_name="users",
                                   verbose_name=_("department"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, blank=True)
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    is_system = models.BooleanField(_("system user"), default=False,
                                    help_text=_("Named user that background jobs act as."))

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class ApiTokenQuerySet(models.QuerySet):
    def live(self):
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=timezone.now())
        )


class ApiToken(models.Model):
    """A machine credential. Only the SHA-256 of the token is stored; the token is shown once."""

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return "cht_" + secrets.token_urlsafe(32)
