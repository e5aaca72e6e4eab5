"""Notifiable diseases, case report cards (传染病报告卡), daily counts and early-warning signals.

Counts for the algorithms live in `DailyCount(area, disease, day, count)`: an approved card adds one to its
township's day; the demo seeds years of counts directly (individual cases for years are not generated)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from countyhealth.orgs.models import Organisation
from countyhealth.records.models import Diagnosis
from countyhealth.residents.models import Resident
from countyhealth.residents.queries import ResidentScopedQuerySet

from . import rules


class NotifiableDisease(models.Model):
    class DiseaseClass(models.TextChoices):
        A = "A", _("Class A")
        B = "B", _("Class B")
        C = "C", _("Class C")

    class Method(models.TextChoices):
        FIXED = "fixed_threshold", _("Fixed threshold")
        MPM = "mpm", _("Moving percentile")

    code = models.CharField(_("code"), max_length=40)
    name_zh = models.CharField(_("Chinese name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=100)
    disease_class = models.CharField(_("class"), max_length=1, choices=DiseaseClass.choices)
    managed_as_class_a = models.BooleanField(_("managed as class A"), default=False)
    report_hours = models.PositiveSmallIntegerField(_("report within (hours)"))
    icd10 = models.JSONField(_("ICD-10 prefixes"), default=list)  # [[prefix, subtype, hours|None], …]
    subtypes = models.JSONField(_("subtypes"), default=list, blank=True)  # [{"code", "name_zh"}]
    allows_carrier = models.BooleanField(_("carriers reported"), default=False)
    method = models.CharField(_("early-warning method"), max_length=20, choices=Method.choices)
    percentile = models.FloatField(_("percentile"), default=0.8)
    # Further algorithms run daily besides `method` (§3.1 "available per disease in configuration"):
    # [{"algorithm": registry name (C1, C2, C3, C3_textbook, cusum, farrington, mpm, fixed), "params": {R names}}]
    algorithms = models.JSONField(_("further early-warning algorithms"), default=list, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("notifiable disease")
        verbose_name_plural = _("notifiable diseases")
        ordering = ["disease_class", "id"]
        constraints = [models.UniqueConstraint(fields=["code", "valid_from"], name="disease_code_version")]

    def __str__(self):
        return self.name_zh

    def as_rule_row(self) -> dict:
        return {"code": self.code, "report_hours": self.report_hours, "icd10": self.icd10,
                "valid_from": self.valid_from, "valid_to": self.valid_to}


class CaseReportQuerySet(ResidentScopedQuerySet):
    def visible_to(self, user):
        """The resident's scope, plus cards filed by the user's organisations."""
        from countyhealth.accounts.access import scope_for

        scope = scope_for(user)
        if not scope.sees_residents:
            return self.none()
        if scope.everything:
            return self
        return self.filter(models.Q(reporting_org_id__in=scope.org_ids)
                           | models.Q(id__in=super().visible_to(user).values("id")))


class CaseReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = rules.DRAFT, _("Draft")
        SUBMITTED = rules.SUBMITTED, _("Awaiting review")
        RETURNED = rules.RETURNED, _("Returned")
        APPROVED = rules.APPROVED, _("Approved")
        REPORTED = rules.REPORTED, _("Sent to direct reporting")
        VOID = rules.VOID, _("Deleted")

    class Kind(models.TextChoices):
        INITIAL = "initial", _("Initial report")
        REVISION = "revision", _("Revision")

    class Residence(models.TextChoices):
        LOCAL_COUNTY = "local_county", _("This county")
        OTHER_COUNTY = "other_county", _("Another county of this city")
        OTHER_CITY = "other_city", _("Another city of this province")
        OTHER_PROVINCE = "other_province", _("Another province")
        HK_MO_TW = "hk_mo_tw", _("Hong Kong, Macao, Taiwan")
        FOREIGN = "foreign", _("Foreign")

    class Group(models.TextChoices):
        KINDERGARTEN_CHILD = "kindergarten_child", _("Kindergarten child")
        SCATTERED_CHILD = "scattered_child", _("Child at home")
        STUDENT = "student", _("Student")
        TEACHER = "teacher", _("Teacher")
        CHILDCARE_WORKER = "childcare_worker", _("Childcare worker")
        FOOD_SERVICE = "food_service", _("Food service")
        COMMERCIAL_SERVICE = "commercial_service", _("Commercial service")
        MEDICAL_STAFF = "medical_staff", _("Medical staff")
        WORKER = "worker", _("Worker")
        MIGRANT_WORKER = "migrant_worker", _("Migrant worker")
        FARMER = "farmer", _("Farmer")
        HERDSMAN = "herdsman", _("Herdsman")
        FISHERMAN = "fisherman", _("Fisherman")
        CADRE_STAFF = "cadre_staff", _("Office staff")
        RETIREE = "retiree", _("Retired")
        HOMEMAKER_UNEMPLOYED = "homemaker_unemployed", _("Homemaker or unemployed")
        OTHER = "other", _("Other")
        UNKNOWN = "unknown", _("Unknown")

    class Classification(models.TextChoices):
        SUSPECTED = "suspected", _("Suspected case")
        CLINICAL = "clinical", _("Clinically diagnosed case")
        CONFIRMED = "confirmed", _("Laboratory-confirmed case")
        CARRIER = "carrier", _("Carrier")

    class AcuteChronic(models.TextChoices):
        ACUTE = "acute", _("Acute")
        CHRONIC = "chronic", _("Chronic")

    card_no = models.CharField(_("card number"), max_length=32)
    card_kind = models.CharField(_("card kind"), max_length=10, choices=Kind.choices, default=Kind.INITIAL)
    revises = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="revisions",
                                verbose_name=_("revises"))
    amend_reason = models.CharField(_("reason for the revision"), max_length=300, blank=True)
    # 重卡 (§2.3 item 7): the earlier card of the same person and disease inside the window; the officer merges
    # this card into it (void, revision of the original) or keeps both (`duplicate_kept`).
    duplicate_of = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("possible duplicate of"))
    duplicate_kept = models.BooleanField(_("kept although a possible duplicate"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    resident = models.ForeignKey(Resident, models.PROTECT, related_name="+", verbose_name=_("resident"))
    diagnosis = models.ForeignKey(Diagnosis, models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("diagnosis"))
    disease = models.ForeignKey(NotifiableDisease, models.PROTECT, related_name="+", verbose_name=_("disease"))
    disease_subtype = models.CharField(_("subtype"), max_length=30, blank=True)
    patient_name = models.CharField(_("patient name"), max_length=50)
    guardian_name = models.CharField(_("parent or guardian"), max_length=50, blank=True)
    id_document_type = models.CharField(_("ID document"), max_length=20, default="resident_id")
    id_document_no = models.CharField(_("ID number"), max_length=32, blank=True)
    sex = models.CharField(_("sex"), max_length=1)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    work_unit = models.CharField(_("work unit (school)"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    residence_category = models.CharField(_("patient belongs to"), max_length=16, choices=Residence.choices,
                                          default=Residence.LOCAL_COUNTY)
    address_division_code = models.CharField(_("address division code"), max_length=12, blank=True)
    current_address = models.CharField(_("current address"), max_length=200)
    population_group = models.CharField(_("population group"), max_length=24, choices=Group.choices, blank=True)
    case_classification = models.CharField(_("case classification"), max_length=12,
                                           choices=Classification.choices, blank=True)
    acute_chronic = models.CharField(_("acute or chronic"), max_length=8, choices=AcuteChronic.choices, blank=True)
    onset_date = models.DateField(_("onset date"), null=True, blank=True)
    diagnosed_at = models.DateTimeField(_("diagnosis time"))
    death_date = models.DateField(_("date of death"), null=True, blank=True)
    remarks = models.CharField(_("remarks"), max_length=300, blank=True)
    return_reason = models.CharField(_("reason for return"), max_length=300, blank=True)
    reporting_org = models.ForeignKey(Organisation, models.PROTECT, related_name="+",
                                      verbose_name=_("reporting institution"))
    area = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("township"))
    reporting_doctor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                         verbose_name=_("reporting doctor"))
    filled_at = models.DateTimeField(_("filled"), null=True, blank=True)
    due_at = models.DateTimeField(_("report due"))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("approved by"))
    reported_at = models.DateTimeField(_("sent to direct reporting"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(_("overdue warning sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CaseReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("case report card")
        verbose_name_plural = _("case report cards")
        constraints = [
            models.UniqueConstraint(fields=["reporting_org", "card_no"], name="card_no_per_org"),
            models.UniqueConstraint(fields=["diagnosis"], condition=models.Q(card_kind="initial"),
                                    name="card_one_per_diagnosis"),
        ]
        indexes = [
            models.Index(fields=["status", "due_at"], name="card_status_due"),
            models.Index(fields=["reporting_org", "status", "due_at"], name="card_org_status_due"),
            models.Index(fields=["resident", "disease"], name="card_resident_disease"),
        ]

    def __str__(self):
        return f"{self.card_no} · {self.patient_name} · {self.disease}"

    @property
    def audit_resident_id(self):
        return self.resident_id

    @property
    def is_overdue(self):
        from django.utils import timezone

        return self.status in rules.OPEN and self.due_at < timezone.now()


class CaseReportEvent(models.Model):
    """One row per status change of a card (the history the officer and the CDC see)."""

    report = models.ForeignKey(CaseReport, models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=10, choices=CaseReport.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.report_id} → {self.status}"


class DailyCount(models.Model):
    """Cases of one disease in one township on one day: the series the algorithms read."""

    area = models.ForeignKey(Organisation, models.PROTECT, related_name="+")
    disease = models.ForeignKey(NotifiableDisease, models.PROTECT, related_name="+")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["area", "disease", "day"], name="daily_count_key")]
        indexes = [models.Index(fields=["disease", "day"], name="daily_count_disease_day")]

    def __str__(self):
        return f"{self.area_id}/{self.disease_id}/{self.day}: {self.count}"


class SyndromeCount(models.Model):
    """Residents seen with one syndrome at one institution on one day (§4): the syndromic series."""

    org = models.ForeignKey(Organisation, models.PROTECT, related_name="+")
    syndrome = models.CharField(max_length=20, choices=[(s.code, s.label) for s in rules.SYNDROMES])
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "syndrome", "day"], name="syndrome_count_key")]
        indexes = [models.Index(fields=["syndrome", "day"], name="syndrome_count_day")]

    def __str__(self):
        return f"{self.org_id}/{self.syndrome}/{self.day}: {self.count}"


class SignalQuerySet(models.QuerySet):
    def visible_to(self, user):
        from countyhealth.accounts.access import scope_for

        scope = scope_for(user)
        if scope.reach is None:
            return self.none()
        return self if scope.everything else self.filter(area_id__in=scope.org_ids)


class Signal(models.Model):
    class Status(models.TextChoices):
        NEW = rules.NEW, _("New")
        DISMISSED = rules.DISMISSED, _("Dismissed")
        INVESTIGATING = rules.INVESTIGATING, _("Field investigation")
        CLOSED = rules.CLOSED, _("Closed")

    area = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("area"))
    disease = models.ForeignKey(NotifiableDisease, models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("disease"))
    syndrome = models.CharField(_("syndrome"), max_length=20, blank=True,
                                choices=[(s.code, s.label) for s in rules.SYNDROMES])
    day = models.DateField(_("day"))
    algorithm = models.CharField(_("algorithm"), max_length=20)
    observed = models.FloatField(_("observed"))
    expected = models.FloatField(_("expected"), null=True)
    threshold = models.FloatField(_("threshold"), null=True)
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.NEW)
    created_at = models.DateTimeField(_("raised"), auto_now_add=True)
    responded_at = models.DateTimeField(_("verified"), null=True, blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("verified by"))
    dismiss_reason = models.CharField(_("reason for dismissal"), max_length=300, blank=True)
    investigation_notes = models.TextField(_("investigation notes"), blank=True)

    objects = SignalQuerySet.as_manager()

    class Meta:
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        constraints = [
            models.UniqueConstraint(fields=["area", "disease", "algorithm", "day"], name="signal_key"),
            models.UniqueConstraint(fields=["area", "syndrome", "algorithm", "day"], condition=models.Q(disease=None),
                                    name="signal_syndrome_key"),
            models.CheckConstraint(condition=models.Q(disease__isnull=False, syndrome="")
                                   | models.Q(disease__isnull=True) & ~models.Q(syndrome=""),
                                   name="signal_disease_or_syndrome"),
        ]
        indexes = [models.Index(fields=["day", "status"], name="signal_day_status"),
                   models.Index(fields=["area", "disease", "day"], name="signal_series"),
                   models.Index(fields=["area", "syndrome", "day"], name="signal_syndrome_series")]

    def __str__(self):
        return f"{self.subject} · {self.area} · {self.day}"

    @property
    def subject(self) -> str:
        """What the signal is about: the disease, or the syndrome of a syndromic signal."""
        return self.disease.name_zh if self.disease_id else str(rules.SYNDROME_LABELS.get(self.syndrome, self.syndrome))

    @property
    def response_hours(self):
        if self.responded_at is None:
            return None
        return (self.responded_at - self.created_at).total_seconds() / 3600
