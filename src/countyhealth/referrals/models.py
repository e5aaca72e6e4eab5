"""Referrals between institutions (双向转诊): upward with a summary of recent records, accepted with an appointment
slot or an admission time, or declined; downward with a discharge summary and a care plan. Every status change
has a `ReferralEvent` row (the referral's timeline); the transitions are the table in `rules.py`."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from countyhealth.appointments.models import Booking
from countyhealth.orgs.models import Department, Organisation
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
        ARRIVED = "arrived", _("Patient arrived")
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
    diagnosis = models.CharField(_("diagnosis"), max_length=200, blank=True)
    department = models.ForeignKey(Department, models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("target department"))
    booking = models.ForeignKey(Booking, models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("appointment"))
    admission_at = models.DateTimeField(_("admission time"), null=True, blank=True)
    decline_reason = models.CharField(_("reason for declining"), max_length=500, blank=True)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                     related_name="+")
    feedback = models.TextField(_("feedback to the sender"), blank=True)
    discharge_summary = models.TextField(_("discharge summary"), blank=True)
    # Downward: {"programme": "hypertension"|"diabetes", "next_followup_on": "YYYY-MM-DD", "notes": "…"}
    care_plan = models.JSONField(_("care plan"), default=dict, blank=True)
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
            models.Index(fields=["created_at", "direction"], name="referral_month"),
        ]

    def __str__(self):
        return f"{self.get_direction_display()} · {self.resident}"

    @property
    def audit_resident_id(self):
        return self.resident_id


class ReferralEvent(models.Model):
    """One row per transition: the referral's own timeline (created, accepted, arrived, completed…)."""

    referral = models.ForeignKey(Referral, models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=10, choices=Referral.Status.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("referral event")
        verbose_name_plural = _("referral events")
        indexes = [models.Index(fields=["referral", "at"], name="referral_event_at")]

    def __str__(self):
        return f"{self.referral_id} · {self.status}"
