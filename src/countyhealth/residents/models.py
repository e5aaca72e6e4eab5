from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from countyhealth.core.codes import ETHNICITY, SEX
from countyhealth.orgs.models import Organisation, Village

from .queries import AccessGrantQuerySet, ResidentQuerySet


class Household(models.Model):
    number = models.CharField(_("household number"), max_length=32, unique=True)
    village = models.ForeignKey(Village, models.PROTECT, related_name="households", verbose_name=_("village"))
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self):
        return self.number


class Resident(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        LOST = "lost", _("Lost to follow-up")
        DEAD = "dead", _("Dead")
        MOVED_OUT = "moved_out", _("Moved out")

    class ResidenceType(models.TextChoices):
        REGISTERED = "1", _("Registered (户籍)")
        NON_REGISTERED = "2", _("Non-registered (非户籍)")

    name = models.CharField(_("name"), max_length=50)
    sex = models.CharField(_("sex"), max_length=1, choices=[(k, v[0]) for k, v in SEX.items()])
    birth_date = models.DateField(_("date of birth"))
    id_number = models.CharField(_("ID number"), max_length=18, null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=2, default="01",
                                 choices=[(k, v[0]) for k, v in ETHNICITY.items()])
    residence_type = models.CharField(_("residence type"), max_length=1, choices=ResidenceType.choices,
                                      default=ResidenceType.REGISTERED)
    household = models.ForeignKey(Household, models.PROTECT, null=True, blank=True, related_name="members",
                                  verbose_name=_("household"))
    village = models.ForeignKey(Village, models.PROTECT, related_name="residents", verbose_name=_("village"))
    # Copied from the village on every write so that scope is one indexed column, not a join.
    catchment_org = models.ForeignKey(Organisation, models.PROTECT, related_name="+",
                                      verbose_name=_("responsible organisation"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    record_number = models.CharField(_("health record number"), max_length=17, null=True, blank=True, unique=True)

    # Normalised search keys (NFKC, simplified, no spaces; toneless pinyin and initials).
    name_normalised = models.CharField(max_length=50, editable=False, default="")
    name_pinyin = models.CharField(max_length=200, editable=False, default="")
    name_initials = models.CharField(max_length=50, editable=False, default="")

    # Master patient index: a merged duplicate keeps its row, points to its master and leaves the lists.
    master = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="merged_records",
                               verbose_name=_("merged into"))
    is_active = models.BooleanField(_("active record"), default=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+")

    objects = ResidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        constraints = [
            models.UniqueConstraint(fields=["id_number"], condition=models.Q(is_active=True),
                                    name="resident_active_id_number"),
        ]
        indexes = [
            models.Index(fields=["id_number"], name="resident_id_number"),
            models.Index(fields=["phone"], name="resident_phone"),
            models.Index(fields=["name_normalised", "id"], name="resident_name",
                         opclasses=["varchar_pattern_ops", "int8_ops"]),
            models.Index(fields=["name_initials", "id"], name="resident_initials",
                         opclasses=["varchar_pattern_ops", "int8_ops"]),
            models.Index(fields=["name_pinyin", "id"], name="resident_pinyin",
                         opclasses=["varchar_pattern_ops", "int8_ops"]),
            models.Index(fields=["catchment_org", "is_active", "id"], name="resident_catchment"),
            models.Index(fields=["village", "birth_date"], name="resident_village_birth"),
            models.Index(fields=["birth_date", "name_normalised"], name="resident_birth_name"),
        ]

    def __str__(self):
        return self.name

    @property
    def audit_resident_id(self):
        return self.pk


class ResidentIdentifier(models.Model):
    """Namespaced identifiers (ID number, record number, insurance number, hospital MRNs).

    Identifiers of a merged record stay here, so searching an old number leads to the master."""

    class System(models.TextChoices):
        ID_NUMBER = "id_number", _("ID number")
        LEGACY_ID_NUMBER = "legacy_id_number", _("15-digit ID number")
        RECORD_NUMBER = "record_number", _("Health record number")
        INSURANCE = "insurance", _("Insurance number")
        MRN = "mrn", _("Hospital MRN")

    resident = models.ForeignKey(Resident, models.CASCADE, related_name="identifiers")
    system = models.CharField(_("system"), max_length=20, choices=System.choices)
    value = models.CharField(_("value"), max_length=64)
    issuer = models.CharField(_("issuer"), max_length=32, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resident", "system", "issuer", "value"], name="identifier_unique"),
        ]
        indexes = [models.Index(fields=["system", "value"], name="identifier_lookup")]

    def __str__(self):
        return f"{self.get_system_display()} {self.value}"


class DuplicateCandidate(models.Model):
    """A probable duplicate pair queued for review (low id first). "Not the same" is kept for good."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MERGED = "merged", _("Merged")
        NOT_DUPLICATE = "not_duplicate", _("Not the same person")

    resident_a = models.ForeignKey(Resident, models.CASCADE, related_name="+")
    resident_b = models.ForeignKey(Resident, models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))
    reasons = models.JSONField(_("reasons"), default=list)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resident_a", "resident_b"], name="duplicate_pair_unique"),
            models.CheckConstraint(condition=models.Q(resident_a__lt=models.F("resident_b")),
                                   name="duplicate_pair_ordered"),
        ]
        indexes = [models.Index(fields=["status", "-score"], name="duplicate_status_score")]

    def __str__(self):
        return f"{self.resident_a_id} ~ {self.resident_b_id} ({self.score})"

    @property
    def audit_resident_id(self):
        return self.resident_a_id


class ResidentLink(models.Model):
    """One merge: who, why, and every row re-pointed to the survivor, so an unmerge moves exactly those back."""

    survivor = models.ForeignKey(Resident, models.PROTECT, related_name="+", verbose_name=_("kept record"))
    merged = models.ForeignKey(Resident, models.PROTECT, related_name="+", verbose_name=_("merged record"))
    reason = models.CharField(_("reason"), max_length=200)
    moved = models.JSONField(default=dict)  # {"app_label.model.field": [pk, ...]}
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(auto_now_add=True)
    unmerged_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+")
    unmerged_at = models.DateTimeField(null=True, blank=True)
    unmerge_reason = models.CharField(_("reason for undoing"), max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["merged", "unmerged_at"], name="link_merged_open")]

    def __str__(self):
        return f"{self.merged_id} → {self.survivor_id}"

    @property
    def audit_resident_id(self):
        return self.survivor_id


class AccessGrant(models.Model):
    """Care handed to another organisation (referral accepted, ECG sent for reading, break-glass)."""

    class Reason(models.TextChoices):
        BREAK_GLASS = "break_glass", _("Emergency access")
        REFERRAL = "referral", _("Referral")
        ECG_READING = "ecg_reading", _("ECG reading")
        IMAGING_READING = "imaging_reading", _("Imaging reading")
        LAB = "lab", _("Lab test")
        APPOINTMENT = "appointment", _("Appointment")

    resident = models.ForeignKey(Resident, models.CASCADE, related_name="access_grants")
    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    objects = AccessGrantQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["organisation", "expires_at"], name="grant_org_expires")]

    def __str__(self):
        return f"{self.get_reason_display()} · {self.resident_id} → {self.organisation_id}"

    @property
    def audit_resident_id(self):
        return self.resident_id
