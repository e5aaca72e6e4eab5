"""Outpatient visits (门诊), prescriptions with their review (合理用药), fees, and drug stock by batch.

Diagnoses live in `records.Diagnosis` (source "clinic.visit:<pk>"), not here. Visits copy the resident's
catchment organisation so scope is one indexed column; the organisation where the visit happened also sees it.
Stock quantities change only through conditional UPDATEs in `actions.stock` (architecture §4)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from countyhealth.orgs.models import Organisation
from countyhealth.residents.models import Resident
from countyhealth.residents.queries import catchment_scope

from .rules.status import VisitStatus


class OrgScopedQuerySet(models.QuerySet):
    """Rows owned by an organisation (stock, shortages): the user's organisation subtree."""

    def visible_to(self, user):
        from countyhealth.accounts.access import scope_for

        scope = scope_for(user)
        if scope.everything:
            return self
        return self.filter(organisation_id__in=scope.org_ids)


class VisitQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The resident's catchment scope (`catchment_scope`), plus visits held at the user's organisations."""
        from countyhealth.accounts.access import scope_for
        from countyhealth.accounts.roles import Reach

        scope = scope_for(user)
        if not scope.sees_residents:
            return self.none()
        if scope.everything and scope.reach is Reach.SUBTREE:
            return self
        return catchment_scope(self, user, resident_key="resident_id") | self.filter(organisation_id__in=scope.org_ids)


class Drug(models.Model):
    """One line of the drug catalogue (国家基本药物目录 2018 subset, `data/drugs.csv`)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name_zh = models.CharField(_("generic name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=80)
    ingredient = models.CharField(_("active ingredient"), max_length=40, db_index=True)
    initials = models.CharField(_("pinyin initials"), max_length=30, db_index=True)
    dosage_form = models.CharField(_("dosage form"), max_length=20)
    strength = models.CharField(_("strength"), max_length=40)
    # Amount of active ingredient in one dispensing unit, in `dose_unit` (mg, IU, ml…): the dose rules' basis.
    unit_amount = models.DecimalField(_("amount per unit"), max_digits=10, decimal_places=3)
    dose_unit = models.CharField(_("dose unit"), max_length=8)
    unit = models.CharField(_("dispensing unit"), max_length=8)
    price = models.DecimalField(_("price per unit (yuan)"), max_digits=8, decimal_places=2)
    category = models.CharField(_("category"), max_length=40)
    therapeutic_class = models.CharField(_("therapeutic class"), max_length=40)
    allergy_class = models.CharField(_("allergy class"), max_length=20, blank=True)
    antihypertensive = models.BooleanField(_("antihypertensive"), default=False)
    antidiabetic = models.BooleanField(_("antidiabetic"), default=False)
    reorder_level = models.PositiveIntegerField(_("low-stock level"), default=20)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("drug")
        verbose_name_plural = _("drugs")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name_zh} {self.strength}"

    @property
    def chronic(self) -> bool:
        return self.antihypertensive or self.antidiabetic


class FeeItem(models.Model):
    """A priced service (一般诊疗费, 血常规, 心电图…) from `data/fee_items.csv`."""

    class Kind(models.TextChoices):
        CONSULTATION = "consultation", _("Consultation")
        LAB = "lab", _("Laboratory")
        ECG = "ecg", _("ECG")
        IMAGING = "imaging", _("Imaging")
        TREATMENT = "treatment", _("Treatment")
        DRUG = "drug", _("Drugs")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name_zh = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    price = models.DecimalField(_("price (yuan)"), max_digits=8, decimal_places=2)
    org_type = models.CharField(_("institution type"), max_length=24, blank=True,
                                help_text=_("Empty: any institution."))

    class Meta:
        verbose_name = _("fee item")
        verbose_name_plural = _("fee items")
        ordering = ["kind", "code"]

    def __str__(self):
        return self.name_zh


class Visit(models.Model):
    """One outpatient visit. Status moves only through `rules.status.TRANSITIONS` (history in VisitStatusChange);
    the insurance app moves dispensed → settled with `actions.do_mark_settled`."""

    class Source(models.TextChoices):
        WALK_IN = "walk_in", _("Walk-in")
        APPOINTMENT = "appointment", _("Appointment")

    resident = models.ForeignKey(Resident, models.PROTECT, related_name="clinic_visits", verbose_name=_("resident"))
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("institution"))
    catchment_org = models.ForeignKey(Organisation, models.PROTECT, related_name="+")
    doctor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("doctor"))
    visit_date = models.DateField(_("visit date"))
    source = models.CharField(_("registration"), max_length=12, choices=Source.choices, default=Source.WALK_IN)
    appointment_ref = models.CharField(_("appointment"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=VisitStatus.choices, default=VisitStatus.OPEN)
    chief_complaint = models.CharField(_("chief complaint"), max_length=200)
    present_illness = models.TextField(_("history of present illness"), blank=True, max_length=2000)
    sbp = models.PositiveSmallIntegerField(_("systolic BP (mmHg)"), null=True, blank=True)
    dbp = models.PositiveSmallIntegerField(_("diastolic BP (mmHg)"), null=True, blank=True)
    heart_rate = models.PositiveSmallIntegerField(_("heart rate (/min)"), null=True, blank=True)
    temperature = models.DecimalField(_("temperature (℃)"), max_digits=3, decimal_places=1, null=True, blank=True)
    weight_kg = models.DecimalField(_("weight (kg)"), max_digits=4, decimal_places=1, null=True, blank=True)
    height_cm = models.DecimalField(_("height (cm)"), max_digits=4, decimal_places=1, null=True, blank=True)
    fpg = models.DecimalField(_("fasting glucose (mmol/L)"), max_digits=4, decimal_places=1, null=True, blank=True)
    random_glucose = models.DecimalField(_("random glucose (mmol/L)"), max_digits=4, decimal_places=1, null=True,
                                         blank=True)
    fee_total = models.DecimalField(_("total fees (yuan)"), max_digits=10, decimal_places=2, default=0)
    settlement_ref = models.CharField(_("settlement"), max_length=64, blank=True)
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("outpatient visit")
        verbose_name_plural = _("outpatient visits")
        indexes = [
            models.Index(fields=["organisation", "visit_date", "status"], name="visit_org_date"),
            models.Index(fields=["resident", "visit_date"], name="visit_resident_date"),
            models.Index(fields=["catchment_org", "visit_date"], name="visit_catchment_date"),
        ]

    def __str__(self):
        return f"{self.resident} · {self.visit_date}"

    @property
    def audit_resident_id(self):
        return self.resident_id

    @property
    def diagnosis_source(self) -> str:
        return f"clinic.visit:{self.pk}"


class VisitStatusChange(models.Model):
    visit = models.ForeignKey(Visit, models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=12, choices=VisitStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=VisitStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["visit", "at"], name="visitstatus_visit_at")]

    def __str__(self):
        return f"{self.visit_id}: {self.from_status} → {self.to_status}"


class VisitOrder(models.Model):
    """A lab, ECG or imaging order placed in the visit (linked to that module's page when it exists)."""

    visit = models.ForeignKey(Visit, models.CASCADE, related_name="orders")
    fee_item = models.ForeignKey(FeeItem, models.PROTECT, related_name="+", verbose_name=_("item"))
    kind = models.CharField(_("kind"), max_length=16, choices=FeeItem.Kind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    ordered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    ordered_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.fee_item_id} · {self.visit_id}"


class PrescriptionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(visit__in=Visit.objects.visible_to(user).values("pk"))


class Prescription(models.Model):
    class Kind(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinary")
        LONG_TERM = "long_term", _("Long-term prescription")

    class Status(models.TextChoices):
        ISSUED = "issued", _("Issued")
        DISPENSED = "dispensed", _("Dispensed")
        CANCELLED = "cancelled", _("Cancelled")

    visit = models.ForeignKey(Visit, models.PROTECT, related_name="prescriptions")
    resident = models.ForeignKey(Resident, models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="+")
    doctor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("doctor"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.ORDINARY)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ISSUED)
    override_reason = models.CharField(_("reason for overriding warnings"), max_length=300, blank=True)
    total = models.DecimalField(_("total (yuan)"), max_digits=10, decimal_places=2, default=0)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    dispensed_at = models.DateTimeField(_("dispensed"), null=True, blank=True)
    dispensed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                     related_name="+")

    objects = PrescriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("prescription")
        verbose_name_plural = _("prescriptions")
        indexes = [models.Index(fields=["organisation", "status", "issued_at"], name="rx_org_status")]

    def __str__(self):
        return f"Rx {self.pk}"

    @property
    def audit_resident_id(self):
        return self.resident_id


class PrescriptionItem(models.Model):
    prescription = models.ForeignKey(Prescription, models.CASCADE, related_name="items")
    drug = models.ForeignKey(Drug, models.PROTECT, related_name="+", verbose_name=_("drug"))
    dose = models.DecimalField(_("dose per time"), max_digits=8, decimal_places=3,
                               help_text=_("In the drug's dose unit (mg, IU…)."))
    frequency = models.CharField(_("frequency"), max_length=8)
    days = models.PositiveSmallIntegerField(_("days"))
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(max_digits=8, decimal_places=2)
    amount = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.drug_id} × {self.quantity}"


class ReviewFinding(models.Model):
    """One rule that fired when the prescription was issued; warnings carry the doctor's override reason."""

    prescription = models.ForeignKey(Prescription, models.CASCADE, related_name="findings")
    rule = models.CharField(max_length=40)
    severity = models.CharField(max_length=8)
    message = models.CharField(max_length=300)
    source = models.CharField(max_length=200)
    override_reason = models.CharField(max_length=300, blank=True)

    def __str__(self):
        return f"{self.rule} ({self.severity})"


class FeeLine(models.Model):
    """A fee on the visit: consultation, order, or drug (one line per prescription item). The insurance app reads
    these through `queries.visit_fees(visit)`; `drug` tells it which lines are listed drugs (两病)."""

    visit = models.ForeignKey(Visit, models.CASCADE, related_name="fee_lines")
    kind = models.CharField(_("kind"), max_length=16, choices=FeeItem.Kind.choices)
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("item"), max_length=100)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    unit_price = models.DecimalField(_("unit price"), max_digits=8, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    drug = models.ForeignKey(Drug, models.PROTECT, null=True, blank=True, related_name="+")
    prescription = models.ForeignKey(Prescription, models.CASCADE, null=True, blank=True, related_name="fee_lines")
    order = models.ForeignKey(VisitOrder, models.CASCADE, null=True, blank=True, related_name="fee_lines")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.name} {self.amount}"


class StockBatch(models.Model):
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("institution"))
    drug = models.ForeignKey(Drug, models.PROTECT, related_name="batches", verbose_name=_("drug"))
    batch_number = models.CharField(_("batch number"), max_length=40)
    expiry_date = models.DateField(_("expiry date"))
    quantity = models.PositiveIntegerField(_("quantity"), default=0)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock batch")
        verbose_name_plural = _("stock batches")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "drug", "batch_number"], name="stockbatch_unique"),
            models.CheckConstraint(condition=models.Q(quantity__gte=0), name="stockbatch_not_negative"),
        ]
        indexes = [models.Index(fields=["organisation", "drug", "expiry_date"], name="stockbatch_fefo")]

    def __str__(self):
        return f"{self.drug} · {self.batch_number}"


class StockMovement(models.Model):
    class Kind(models.TextChoices):
        RECEIVE = "receive", _("Received")
        DISPENSE = "dispense", _("Dispensed")
        ADJUST = "adjust", _("Adjusted")
        RETURN = "return", _("Returned")

    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="+")
    batch = models.ForeignKey(StockBatch, models.PROTECT, related_name="movements")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    change = models.IntegerField(_("change"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    prescription = models.ForeignKey(Prescription, models.PROTECT, null=True, blank=True, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["organisation", "at"], name="stockmove_org_at")]

    def __str__(self):
        return f"{self.kind} {self.change}"


class Shortage(models.Model):
    """缺药登记: a drug low or out at an institution, open until stock is received; the township sees its
    clinics' rows (organisation subtree)."""

    class Level(models.TextChoices):
        LOW = "low", _("Low stock")
        OUT = "out", _("Out of stock")

    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("institution"))
    drug = models.ForeignKey(Drug, models.PROTECT, related_name="+", verbose_name=_("drug"))
    level = models.CharField(_("level"), max_length=4, choices=Level.choices)
    on_hand = models.PositiveIntegerField(_("on hand"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("drug shortage")
        verbose_name_plural = _("drug shortages")
        constraints = [models.UniqueConstraint(fields=["organisation", "drug"], condition=models.Q(resolved_at=None),
                                               name="shortage_one_open")]
        indexes = [models.Index(fields=["organisation", "resolved_at", "registered_at"], name="shortage_org_open")]

    def __str__(self):
        return f"{self.drug_id} @ {self.organisation_id}"
