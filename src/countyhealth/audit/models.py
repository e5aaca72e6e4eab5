"""Append-only audit tables. They hold plain ids (no foreign keys) so no delete elsewhere can touch them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("audit rows are append-only")

    def delete(self):
        raise PermissionError("audit rows are append-only")


class AppendOnly(models.Model):
    at = models.DateTimeField(_("time"), auto_now_add=True)
    user_id = models.BigIntegerField(_("user id"), null=True)
    username = models.CharField(_("user"), max_length=150, blank=True)
    org_id = models.BigIntegerField(_("organisation id"), null=True)
    resident_id = models.BigIntegerField(_("resident id"), null=True)
    client_address = models.GenericIPAddressField(_("client address"), null=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit rows are append-only")


class AuditLog(AppendOnly):
    """One row per write (and per refused out-of-scope attempt)."""

    action = models.CharField(_("action"), max_length=80)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        indexes = [
            models.Index(fields=["resident_id", "at"], name="auditlog_resident_at"),
            models.Index(fields=["user_id", "at"], name="auditlog_user_at"),
            models.Index(fields=["at"], name="auditlog_at"),
            models.Index(fields=["action", "at"], name="auditlog_action_at"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.action}"


class AccessLog(AppendOnly):
    """One row per resident read: a detail page writes one, a list page one per resident shown."""

    what = models.CharField(_("what was read"), max_length=80)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [
            models.Index(fields=["resident_id", "at"], name="accesslog_resident_at"),
            models.Index(fields=["user_id", "at"], name="accesslog_user_at"),
            models.Index(fields=["at"], name="accesslog_at"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.what}"
