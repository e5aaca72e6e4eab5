"""Remote ECG (远程心电): an uploaded ECG with its pre-analysis, the reader's signed reports and status history."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from countyhealth.orgs.models import Organisation
from countyhealth.residents.models import Resident
from countyhealth.residents.queries import ResidentScopedQuerySet

from . import rules


class EcgQuerySet(ResidentScopedQuerySet):
    def visible_to(self, user):
        """The resident's scope (readers reach it through the upload's AccessGrant), plus the uploading
        organisation's own ECGs."""
        from countyhealth.accounts.access import scope_for

        scope = scope_for(user)
        if not scope.sees_residents:
            return self.none()
        if scope.everything:
            return self
        return self.filter(models.Q(organisation_id__in=scope.org_ids)
                           | models.Q(id__in=super().visible_to(user).values("id")))


class Ecg(models.Model):
    class Status(models.TextChoices):
        WAITING = rules.WAITING, _("Waiting for a report")
        REPORTED = rules.REPORTED, _("Reported")
        AMENDED = rules.AMENDED, _("Amended")

    class Urgency(models.TextChoices):
        ROUTINE = "routine", _("Routine")
        URGENT = "urgent", _("Urgent")

    resident = models.ForeignKey(Resident, models.PROTECT, related_name="ecgs", verbose_name=_("resident"))
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="+",
                                     verbose_name=_("uploading organisation"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    file = models.FileField(_("file"), upload_to="ecg/", max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    source_format = models.CharField(_("format"), max_length=12)
    sampling_rate = models.FloatField(_("sampling rate (Hz)"))
    duration_s = models.FloatField(_("duration (s)"))
    symptoms = models.CharField(_("symptoms"), max_length=300, blank=True)
    chest_pain = models.BooleanField(_("chest pain"), default=False)
    chest_pain_onset = models.DateTimeField(_("chest pain onset"), null=True, blank=True)
    requested_urgency = models.CharField(_("urgency requested"), max_length=8, choices=Urgency.choices,
                                         default=Urgency.ROUTINE)
    analysis = models.JSONField(_("pre-analysis"), default=dict)
    urgent = models.BooleanField(_("urgent"), default=False)
    urgent_reasons = models.JSONField(default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WAITING)
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    claim_expires_at = models.DateTimeField(null=True, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    first_viewed_at = models.DateTimeField(_("first viewed"), null=True, blank=True)
    reported_at = models.DateTimeField(_("reported"), null=True, blank=True)
    transfer_decided_at = models.DateTimeField(_("transfer decided"), null=True, blank=True)
    referral = models.ForeignKey("referrals.Referral", models.PROTECT, null=True, blank=True, related_name="+")

    objects = EcgQuerySet.as_manager()

    class Meta:
        verbose_name = _("ECG")
        verbose_name_plural = _("ECGs")
        constraints = [models.UniqueConstraint(fields=["resident", "sha256"], name="ecg_resident_sha")]
        indexes = [
            models.Index(fields=["status", "-urgent", "uploaded_at"], name="ecg_worklist"),
            models.Index(fields=["organisation", "-uploaded_at"], name="ecg_org_uploaded"),
            models.Index(fields=["resident", "-uploaded_at"], name="ecg_resident"),
            models.Index(fields=["uploaded_at"], name="ecg_uploaded"),
        ]

    def __str__(self):
        return f"ECG {self.pk} · {self.resident}"

    @property
    def audit_resident_id(self):
        return self.resident_id


class EcgReport(models.Model):
    """A signed report. Never updated: a correction is a new version with the reason (`amends`)."""

    ecg = models.ForeignKey(Ecg, models.PROTECT, related_name="reports")
    version = models.PositiveSmallIntegerField(default=1)
    rhythm = models.CharField(_("rhythm"), max_length=100)
    heart_rate = models.PositiveSmallIntegerField(_("heart rate (/min)"), null=True, blank=True)
    axis_deg = models.SmallIntegerField(_("QRS axis (°)"), null=True, blank=True)
    pr_ms = models.PositiveSmallIntegerField(_("PR (ms)"), null=True, blank=True)
    qrs_ms = models.PositiveSmallIntegerField(_("QRS (ms)"), null=True, blank=True)
    qt_ms = models.PositiveSmallIntegerField(_("QT (ms)"), null=True, blank=True)
    qtc_ms = models.PositiveSmallIntegerField(_("QTc (ms)"), null=True, blank=True)
    phrases = models.JSONField(_("conclusion"), default=list)
    conclusion = models.TextField(_("free-text conclusion"), blank=True)
    critical = models.JSONField(default=list, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("signed"))
    amends = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="+")
    amend_reason = models.CharField(_("reason for the amendment"), max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ecg", "version"], name="ecg_report_version")]

    def __str__(self):
        return f"ECG {self.ecg_id} report v{self.version}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError("A signed ECG report cannot be changed; amend it.")
        super().save(*args, **kwargs)

    @property
    def audit_resident_id(self):
        return self.ecg.resident_id

    def phrase_labels(self) -> list[str]:
        return [str(rules.PHRASES.get(code, code)) for code in self.phrases]


class EcgStatusChange(models.Model):
    ecg = models.ForeignKey(Ecg, models.CASCADE, related_name="history")
    status = models.CharField(max_length=10)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)

    def __str__(self):
        return f"ECG {self.ecg_id} → {self.status}"
