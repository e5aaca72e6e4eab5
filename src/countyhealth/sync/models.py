"""Phone sync tables: registered devices, applied mutations (idempotency), and the change log (pull cursor)."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DeviceQuerySet(models.QuerySet):
    def live(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())

    def visible_to(self, user):
        """Administrators see the devices of their organisation's subtree; a doctor sees their own."""
        from countyhealth.accounts.access import scope_for
        from countyhealth.accounts.roles import Role

        if user.is_superuser:
            return self
        if user.role == Role.CONSORTIUM_ADMIN:
            scope = scope_for(user)
            return self if scope.everything else self.filter(
                Q(user__organisation_id__in=scope.org_ids) | Q(user=user))
        return self.filter(user=user)


class Device(models.Model):
    """A phone registered to a doctor at login; its bearer token is stored hashed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="sync_devices",
                             verbose_name=_("doctor"))
    name = models.CharField(_("device name"), max_length=100)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+")
    revoke_reason = models.CharField(_("reason"), max_length=200, blank=True)

    objects = DeviceQuerySet.as_manager()

    class Meta:
        verbose_name = _("phone")
        verbose_name_plural = _("phones")
        indexes = [models.Index(fields=["user", "-created_at"], name="sync_device_user")]

    def __str__(self):
        return self.name

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class Mutation(models.Model):
    """A phone change applied once: the stored result answers every replay of the same mutation id."""

    # Indexed by the unique (mutation_id, device), the mutation id first: a push looks up its 200 ids of one
    # device, and with the device first the planner read all of the phone's past mutations (thousands a year)
    # and filtered them, on every push.
    device = models.ForeignKey(Device, models.PROTECT, related_name="mutations", db_index=False)
    mutation_id = models.UUIDField()
    kind = models.CharField(max_length=30)
    # The phone's id of the record the mutation created (a registered resident), so later mutations may refer
    # to it before the phone has heard the server id.
    client_id = models.UUIDField(null=True, blank=True)
    object_id = models.BigIntegerField(null=True, blank=True)
    result = models.JSONField(default=dict)
    applied_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["mutation_id", "device"], name="sync_mutation_once")]
        indexes = [models.Index(fields=["client_id"], name="sync_mutation_client")]

    def __str__(self):
        return f"{self.kind} {self.mutation_id}"


class ChangeLog(models.Model):
    """One row per audited write touching a resident's synced data; the pull cursor is (txid, id).

    `txid` is PostgreSQL's transaction id (0 on SQLite, whose single writer commits in id order): a pull only
    returns rows of transactions older than every transaction still running, so a late commit is never
    skipped (architecture §7)."""

    id = models.BigAutoField(primary_key=True)
    txid = models.BigIntegerField(default=0)
    resident_id = models.BigIntegerField()
    # The resident's catchment when written, so a pull reads its own catchment's rows through one index.
    catchment_org_id = models.BigIntegerField()
    action = models.CharField(max_length=80)

    class Meta:
        indexes = [models.Index(fields=["catchment_org_id", "txid", "id"], name="sync_changelog_cursor")]

    def __str__(self):
        return f"{self.txid}.{self.id} {self.action}"
