"""Local records of insurance settlements (医保结算), 两病 qualification and reconciliation runs.

A Settlement is written BEFORE the platform is asked to settle (status pending, with its msgid), in its own
transaction, and completed after the answer: a crash in between leaves a pending row that reconciliation
resolves by asking the platform (5203), never by settling again."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from countyhealth.orgs.models import Organisation
from countyhealth.residents.models import Resident
from countyhealth.residents.queries import CatchmentScopedQuerySet, catchment_scope


class SettlementQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The resident's catchment scope, plus settlements made at the user's institutions."""
        from countyhealth.accounts.access import scope_for

        scope = scope_for(user)
        if not scope.sees_residents:
            return self.none()
        if scope.everything:
            return self
        by_org = Q(organisation_id__in=scope.org_ids)
        return self.filter(by_org | Q(id__in=catchment_scope(Settlement.objects.all(), user,
                                                              resident_key="resident_id").values("id")))


class Settlement(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Pre-settled")
        PENDING = "pending", _("Awaiting the platform")
        SETTLED = "settled", _("Settled")
        FAILED = "failed", _("Not settled")
        CANCELLED = "cancelled", _("Cancelled")
        REVERSED = "reversed", _("Reversed")

    resident = models.ForeignKey(Resident, models.PROTECT, related_name="+", verbose_name=_("resident"))
    catchment_org = models.ForeignKey(Organisation, models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("institution"))
    visit_ref = models.CharField(_("visit"), max_length=64)
    msgid = models.CharField(_("message id"), max_length=40, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    psn_no = models.CharField(_("insured person number"), max_length=32, blank=True)
    mdtrt_id = models.CharField(_("platform visit id"), max_length=32, blank=True)
    setl_id = models.CharField(_("platform settlement id"), max_length=32, blank=True)
    total = models.DecimalField(_("total fees"), max_digits=10, decimal_places=2, default=0)
    deductible = models.DecimalField(_("deductible"), max_digits=10, decimal_places=2, default=0)
    fund_general = models.DecimalField(_("outpatient pooled fund"), max_digits=10, decimal_places=2, default=0)
    fund_two_disease = models.DecimalField(_("hypertension/diabetes drug benefit"), max_digits=10, decimal_places=2, default=0)
    patient_pays = models.DecimalField(_("patient pays"), max_digits=10, decimal_places=2, default=0)
    answer = models.JSONField(default=dict, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    repaired = models.BooleanField(_("completed by reconciliation"), default=False)
    reversal_msgid = models.CharField(max_length=40, blank=True)
    reversal_reason = models.CharField(_("reason for reversal"), max_length=200, blank=True)
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SettlementQuerySet.as_manager()

    class Meta:
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        constraints = [
            # One live settlement per visit: a second one is refused even when two cashiers click together.
            models.UniqueConstraint(fields=["visit_ref"], condition=Q(status__in=["pending", "settled"]),
                                    name="settlement_one_per_visit"),
        ]
        indexes = [
            models.Index(fields=["organisation", "settled_on"], name="settlement_org_day"),
            models.Index(fields=["organisation", "-created_at"], name="settlement_org_created"),
            models.Index(fields=["status", "updated_at"], name="settlement_status"),
            models.Index(fields=["resident", "-created_at"], name="settlement_resident"),
            models.Index(fields=["visit_ref"], name="settlement_visit"),
        ]

    def __str__(self):
        return f"{self.resident} · {self.total}"

    @property
    def audit_resident_id(self):
        return self.resident_id

    @property
    def fund_total(self):
        return self.fund_general + self.fund_two_disease


class SettlementItem(models.Model):
    """A fee line as uploaded (2204): what was charged, and which pool paid for it."""

    settlement = models.ForeignKey(Settlement, models.CASCADE, related_name="items")
    sn = models.PositiveSmallIntegerField()
    code = models.CharField(_("insurance code"), max_length=40)
    name = models.CharField(_("item"), max_length=100)
    quantity = models.DecimalField(_("quantity"), max_digits=8, decimal_places=2)
    unit_price = models.DecimalField(_("unit price"), max_digits=10, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    pool = models.CharField(_("paid from"), max_length=10, blank=True)

    class Meta:
        ordering = ["sn"]
        constraints = [models.UniqueConstraint(fields=["settlement", "sn"], name="settlement_item_sn")]

    def __str__(self):
        return f"{self.name} × {self.quantity}"


class SettlementChange(models.Model):
    """History of a settlement's status (rules.SETTLEMENT_TRANSITIONS)."""

    settlement = models.ForeignKey(Settlement, models.CASCADE, related_name="changes")
    status = models.CharField(max_length=10, choices=Settlement.Status.choices)
    note = models.CharField(max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.settlement_id} → {self.status}"


class Qualification(models.Model):
    """A resident's 两病 status as last decided, and whether the platform has been told."""

    resident = models.OneToOneField(Resident, models.PROTECT, related_name="+", verbose_name=_("resident"))
    catchment_org = models.ForeignKey(Organisation, models.PROTECT, related_name="+")
    qualified = models.BooleanField(_("qualified"), default=False)
    diseases = models.JSONField(_("conditions"), default=list)
    reasons = models.JSONField(_("reasons"), default=list)
    since = models.DateField(_("since"))
    sent = models.JSONField(default=list, blank=True)  # the diseases the platform has registered (2503/2504)
    in_sync = models.BooleanField(_("sent to insurance"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CatchmentScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("hypertension/diabetes benefit qualification")
        indexes = [
            models.Index(fields=["catchment_org", "qualified", "-since"], name="qualification_org"),
            models.Index(fields=["in_sync"], name="qualification_sync"),
        ]

    def __str__(self):
        return f"{self.resident_id}: {', '.join(self.diseases) or '-'}"

    @property
    def audit_resident_id(self):
        return self.resident_id


class QualificationChange(models.Model):
    qualification = models.ForeignKey(Qualification, models.CASCADE, related_name="changes")
    qualified = models.BooleanField()
    diseases = models.JSONField(default=list)
    reasons = models.JSONField(default=list)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.qualification_id} → {self.qualified}"


class ReconciliationRun(models.Model):
    """One day's reconciliation of one institution: totals (3201), line by line (3202), pending rows (5203)."""

    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("institution"))
    day = models.DateField(_("day"))
    balanced = models.BooleanField(_("balanced"))
    local = models.JSONField(default=dict)
    remote = models.JSONField(default=dict)
    repaired = models.JSONField(default=list)
    mismatches = models.JSONField(default=list)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "-day"], name="reconciliation_org_day")]

    def __str__(self):
        return f"{self.organisation_id} {self.day}"
