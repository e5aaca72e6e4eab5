"""Referrals between institutions (双向转诊). This first cut is the plain record the public-health programme needs
for its emergency referrals; acceptance with appointment slots, tracking and feedback come with the referrals
issue."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from countyhealth.orgs.models import Organisation
from countyhealth.residents.models import Resident
from countyhealth.residents.queries import ResidentScopedQuerySet


class ReferralQuerySet(ResidentScopedQuerySet):
    def visible_to(self, user):
        """The resident's scope, plus referrals sent to or from the user's organisations."""
        from countyhealth.accounts.access import scope_for

        scope = scope_for(user)
        if not scope.sees_residents:
            return self.none()
        if scope.everything:
            return self
        by_org = models.Q(to_org_id__in=scope.org_ids) | models.Q(from_org_id__in=scope.org_ids)
        return self.filter(by_org | models.Q(id__in=super().visible_to(user).values("id")))


class Referral(models.Model):
    class Direction(models.TextChoices):
        UP = "up", _("Upward")
        DOWN = "down", _("Downward")

    class Urgency(models.TextChoices):
        ROUTINE = "routine", _("Routine")
        URGENT = "urgent", _("Urgent")
        EMERGENCY = "emergency", _("Emergency (green channel)")

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    resident = models.ForeignKey(Resident, models.PROTECT, related_name="referrals", verbose_name=_("resident"))
    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SENT)
    from_org = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("from"))
    to_org = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("to"))
    reason = models.CharField(_("reason"), max_length=500)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    source = models.CharField(_("source"), max_length=80, blank=True,
                              help_text=_("The record that triggered the referral, e.g. a follow-up visit."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["to_org", "status", "-created_at"], name="referral_to_status"),
            models.Index(fields=["from_org", "-created_at"], name="referral_from"),
            models.Index(fields=["resident", "-created_at"], name="referral_resident"),
        ]

    def __str__(self):
        return f"{self.get_direction_display()} · {self.resident}"

    @property
    def audit_resident_id(self):
        return self.resident_id
