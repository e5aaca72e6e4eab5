"""Remote imaging (远程影像): a study a township uploads for a resident, its DICOM files (kept unchanged here
before they go to Orthanc), the status history, and the radiologist's signed reports (never updated: an
amendment is a new version with a reason)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from countyhealth.orgs.models import Organisation
from countyhealth.residents.models import Resident
from countyhealth.residents.queries import ResidentScopedQuerySet


class StudyQuerySet(ResidentScopedQuerySet):
    def visible_to(self, user):
        """The resident's scope, plus studies sent from or to the user's organisations (the uploading township
        keeps its studies after the resident moves; the county reads what it was sent)."""
        from countyhealth.accounts.access import scope_for

        scope = scope_for(user)
        if not scope.sees_residents:
            return self.none()
        if scope.everything:
            return self
        by_org = models.Q(to_org_id__in=scope.org_ids) | models.Q(from_org_id__in=scope.org_ids)
        return self.filter(by_org | models.Q(id__in=super().visible_to(user).values("id")))


class ImagingStudy(models.Model):
    class Urgency(models.TextChoices):
        ROUTINE = "routine", _("Routine")
        URGENT = "urgent", _("Urgent")

    class Status(models.TextChoices):
        TRANSFERRING = "transferring", _("Waiting to be sent to the PACS")
        AWAITING_READ = "awaiting_read", _("Awaiting report")
        REPORTED = "reported", _("Reported")

    resident = models.ForeignKey(Resident, models.PROTECT, related_name="imaging_studies", verbose_name=_("resident"))
    from_org = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("sent by"))
    to_org = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("read at"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    clinical_question = models.CharField(_("clinical question"), max_length=1000)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.TRANSFERRING)
    # Urgent first in the worklist: a smallint sorts on one index with the upload time.
    priority = models.PositiveSmallIntegerField(default=0)

    # What the DICOM files say (copied once from the headers; the files stay the source).
    study_instance_uid = models.CharField(_("Study Instance UID"), max_length=64)
    modality = models.CharField(_("modality"), max_length=16, blank=True)
    study_description = models.CharField(_("study description"), max_length=200, blank=True)
    study_date = models.DateField(_("study date"), null=True, blank=True)
    dicom_patient_name = models.CharField(_("patient name in the files"), max_length=200, blank=True)
    dicom_patient_id = models.CharField(_("patient ID in the files"), max_length=64, blank=True)
    mismatch_confirmed = models.JSONField(_("mismatches confirmed by the uploader"), default=list, blank=True)

    # Transfer to Orthanc: retried with backoff by the sweep until every instance is stored.
    orthanc_study_id = models.CharField(max_length=64, blank=True)
    transfer_attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_transfer_error = models.CharField(max_length=500, blank=True)
    stored_at = models.DateTimeField(_("stored in the PACS"), null=True, blank=True)
    # What QIDO-RS found in the PACS after the last transfer (the worklist's summary; null until asked).
    pacs_series_count = models.PositiveIntegerField(_("series in the PACS"), null=True, blank=True)
    pacs_instance_count = models.PositiveIntegerField(_("images in the PACS"), null=True, blank=True)

    # Worklist claim: one radiologist at a time, until claim_expires_at.
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    claim_expires_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    reported_at = models.DateTimeField(_("reported"), null=True, blank=True)

    objects = StudyQuerySet.as_manager()

    class Meta:
        verbose_name = _("imaging study")
        verbose_name_plural = _("imaging studies")
        constraints = [
            # One study per Study Instance UID and resident: uploading it again adds only missing files.
            models.UniqueConstraint(fields=["resident", "study_instance_uid"], name="imaging_study_uid_once"),
        ]
        indexes = [
            models.Index(fields=["to_org", "status", "-priority", "created_at"], name="imaging_worklist"),
            models.Index(fields=["from_org", "-created_at"], name="imaging_from"),
            models.Index(fields=["resident", "-created_at"], name="imaging_resident"),
            models.Index(fields=["next_attempt_at"], name="imaging_transfer_due"),
            # The DICOMweb proxy finds the study from the Study Instance UID in the path.
            models.Index(fields=["study_instance_uid"], name="imaging_study_uid"),
        ]

    def __str__(self):
        return f"{self.modality or _('Study')} · {self.resident}"

    @property
    def audit_resident_id(self):
        return self.resident_id

    @property
    def is_urgent(self) -> bool:
        return self.urgency == self.Urgency.URGENT


class ImagingInstance(models.Model):
    """One DICOM file, stored byte for byte under its SHA-256 (the same file twice is stored once)."""

    study = models.ForeignKey(ImagingStudy, models.CASCADE, related_name="instances")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    sop_instance_uid = models.CharField(max_length=64)
    series_instance_uid = models.CharField(max_length=64)
    instance_number = models.IntegerField(null=True, blank=True)
    orthanc_instance_id = models.CharField(max_length=64, blank=True)
    orthanc_series_id = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["study", "sop_instance_uid"], name="imaging_instance_once"),
        ]
        indexes = [
            models.Index(fields=["orthanc_series_id"], name="imaging_inst_oseries"),
            models.Index(fields=["orthanc_instance_id"], name="imaging_inst_oinstance"),
        ]

    def __str__(self):
        return self.sop_instance_uid


class StudyEvent(models.Model):
    """History row per transition or claim (rules.TRANSITIONS)."""

    study = models.ForeignKey(ImagingStudy, models.CASCADE, related_name="events")
    event = models.CharField(max_length=20)
    status = models.CharField(max_length=16, choices=ImagingStudy.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [models.Index(fields=["study", "at"], name="imaging_event_study")]

    def __str__(self):
        return f"{self.event} · {self.at:%Y-%m-%d %H:%M}"


class ImagingReport(models.Model):
    """A signed report version. Rows are inserted, never updated: version n+1 amends version n."""

    study = models.ForeignKey(ImagingStudy, models.PROTECT, related_name="reports")
    version = models.PositiveSmallIntegerField(default=1)
    findings = models.TextField(_("findings"))
    impression = models.TextField(_("impression"))
    amendment_reason = models.CharField(_("reason for the amendment"), max_length=500, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("signed"), auto_now_add=True)

    class Meta:
        verbose_name = _("imaging report")
        constraints = [models.UniqueConstraint(fields=["study", "version"], name="imaging_report_version")]

    def __str__(self):
        return f"{self.study} · v{self.version}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("a signed imaging report is never changed; amend it with a new version")
        super().save(*args, **kwargs)

    @property
    def audit_resident_id(self):
        return self.study.resident_id
