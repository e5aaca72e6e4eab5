"""Lab results shared across the consortium: orders, reports and results per resident, the HL7 messages they
came in, critical-value alerts with their history, and result recognition rules and decisions."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from countyhealth.orgs.models import Department, Organisation, OrgType
from countyhealth.residents.models import Resident
from countyhealth.residents.queries import ResidentScopedQuerySet

from . import catalogue
from .rules import FLAG_LABELS, AlertStatus


class SharedResultQuerySet(ResidentScopedQuerySet):
    org_fields = ("ordering_org_id", "performing_org_id")

    def visible_to(self, user):
        """The resident's scope, plus rows ordered or performed by the user's organisations."""
        from countyhealth.accounts.access import scope_for

        scope = scope_for(user)
        if not scope.sees_residents:
            return self.none()
        if scope.everything:
            return self
        by_org = models.Q()
        for name in self.org_fields:
            by_org |= models.Q(**{f"{name}__in": scope.org_ids})
        return self.filter(by_org | models.Q(id__in=super().visible_to(user).values("id")))


class Hl7Message(models.Model):
    """Every ORU message received, accepted or not, with the acknowledgement sent back."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    sender = models.CharField(_("sending facility"), max_length=64)
    control_id = models.CharField(_("message control id"), max_length=64)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    raw = models.TextField(_("message"))
    ack = models.TextField(_("acknowledgement"))
    error_code = models.CharField(_("error code"), max_length=40, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("HL7 message")
        verbose_name_plural = _("HL7 messages")
        constraints = [
            # Idempotency (architecture §5): a repeated MSH-10 from the same sender is answered, not stored twice.
            models.UniqueConstraint(fields=["sender", "control_id"], condition=models.Q(status="accepted"),
                                    name="hl7_accepted_once"),
        ]
        indexes = [models.Index(fields=["-received_at"], name="hl7_received")]

    def __str__(self):
        return f"{self.sender} {self.control_id} ({self.status})"


class ResultUpload(models.Model):
    """A CSV file of results (`entry.do_upload_results_csv`); the same bytes from the same lab are stored once."""

    performing_org = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("performing lab"))
    sha256 = models.CharField(max_length=64)
    filename = models.CharField(_("file"), max_length=200)
    rows = models.PositiveIntegerField(_("rows"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("result file")
        verbose_name_plural = _("result files")
        constraints = [models.UniqueConstraint(fields=["performing_org", "sha256"], name="resultupload_once")]

    def __str__(self):
        return self.filename


class OrderQuerySet(SharedResultQuerySet):
    org_fields = ("ordering_org_id",)  # an order is seen by the resident's scope and the ordering organisation


class LabOrder(models.Model):
    """A doctor's request for a test, with the recognition decision: re-order, or accept an existing result."""

    class Decision(models.TextChoices):
        ORDERED = "ordered", _("Ordered")
        RECOGNISED = "recognised", _("Existing result accepted")

    resident = models.ForeignKey(Resident, models.PROTECT, related_name="lab_orders", verbose_name=_("resident"))
    test_code = models.CharField(_("test"), max_length=32, choices=catalogue.choices())
    ordering_org = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("ordering institution"))
    ordering_department = models.ForeignKey(Department, models.PROTECT, null=True, blank=True, related_name="+",
                                            verbose_name=_("ordering department"))
    ordering_doctor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                        verbose_name=_("ordering doctor"))
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices)
    recognised_result = models.ForeignKey("LabResult", models.PROTECT, null=True, blank=True, related_name="+",
                                          verbose_name=_("accepted result"))
    candidates = models.PositiveSmallIntegerField(_("recognisable results shown"), default=0)
    reason = models.CharField(_("reason for repeating"), max_length=300, blank=True)
    fee_avoided = models.DecimalField(_("fee avoided (yuan)"), max_digits=10, decimal_places=2, default=0)
    placed_at = models.DateTimeField(_("placed"), auto_now_add=True)
    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("lab order")
        verbose_name_plural = _("lab orders")
        indexes = [
            models.Index(fields=["resident", "-placed_at"], name="laborder_resident"),
            models.Index(fields=["ordering_org", "-placed_at"], name="laborder_org"),
            models.Index(fields=["decision", "placed_at"], name="laborder_decision"),
        ]

    def __str__(self):
        return f"LO{self.pk} {self.test.name_zh}"

    @property
    def test(self):
        return catalogue.BY_CODE[self.test_code]

    @property
    def audit_resident_id(self):
        return self.resident_id


class LabReport(models.Model):
    """One report (检验报告单) from a performing lab: several results of one specimen."""

    class Source(models.TextChoices):
        HL7 = "hl7", _("HL7 message")
        FORM = "form", _("Entered")
        CSV = "csv", _("CSV file")
        SEED = "seed", _("Imported")

    class QC(models.TextChoices):
        PASSED = "passed", _("Quality control passed")
        FAILED = "failed", _("Quality control failed")
        UNKNOWN = "unknown", _("Not stated")

    resident = models.ForeignKey(Resident, models.PROTECT, related_name="lab_reports", verbose_name=_("resident"))
    order = models.ForeignKey(LabOrder, models.PROTECT, null=True, blank=True, related_name="reports")
    ordering_org = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("ordering institution"))
    ordering_department = models.ForeignKey(Department, models.PROTECT, null=True, blank=True, related_name="+",
                                            verbose_name=_("ordering department"))
    ordering_doctor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("ordering doctor"))
    performing_org = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("performing lab"))
    report_number = models.CharField(_("report number"), max_length=64, blank=True)
    specimen_at = models.DateTimeField(_("specimen collected"))
    reported_at = models.DateTimeField(_("reported"))
    qc_status = models.CharField(_("quality control"), max_length=8, choices=QC.choices, default=QC.UNKNOWN)
    source = models.CharField(_("source"), max_length=6, choices=Source.choices)
    message = models.ForeignKey(Hl7Message, models.PROTECT, null=True, blank=True, related_name="reports")
    upload = models.ForeignKey(ResultUpload, models.PROTECT, null=True, blank=True, related_name="reports")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = SharedResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("lab report")
        verbose_name_plural = _("lab reports")
        indexes = [
            models.Index(fields=["resident", "-specimen_at"], name="labreport_resident"),
            models.Index(fields=["ordering_org", "-specimen_at"], name="labreport_ordering"),
            models.Index(fields=["performing_org", "-specimen_at"], name="labreport_performing"),
        ]

    def __str__(self):
        return f"{self.performing_org} · {self.report_number or self.pk}"

    @property
    def audit_resident_id(self):
        return self.resident_id


class LabResult(models.Model):
    """One analyte. `value` is in the catalogue's stored unit; what the lab sent is kept beside it."""

    report = models.ForeignKey(LabReport, models.CASCADE, related_name="results")
    resident = models.ForeignKey(Resident, models.PROTECT, related_name="+")  # copied for the per-test index
    test_code = models.CharField(_("test"), max_length=32, choices=catalogue.choices())
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4)
    unit = models.CharField(_("unit"), max_length=20)
    reported_value = models.CharField(_("reported value"), max_length=40)
    reported_unit = models.CharField(_("reported unit"), max_length=20, blank=True)
    reference = models.CharField(_("reference interval"), max_length=40, blank=True)
    flag = models.CharField(_("flag"), max_length=2, choices=list(FLAG_LABELS.items()))
    specimen_at = models.DateTimeField(_("specimen collected"))
    performing_org_type = models.CharField(max_length=20, choices=OrgType.choices)  # for recognition look-ups
    qc_passed = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("lab result")
        verbose_name_plural = _("lab results")
        indexes = [models.Index(fields=["resident", "test_code", "-specimen_at"], name="labresult_trend")]

    def __str__(self):
        return f"{self.test.name_zh} {self.display_value} {self.unit}"

    @property
    def test(self):
        return catalogue.BY_CODE[self.test_code]

    @property
    def is_critical(self) -> bool:
        return self.flag in ("LL", "HH")

    @property
    def display_value(self) -> str:
        """The value without the column's padding zeros; one converted from another unit keeps the decimals it was
        rounded to (rules.normalise): 126 mg/dL glucose shows 7.0 mmol/L, not 7."""
        accepted = self.test.unit_for(self.reported_unit)
        if accepted is not None and (accepted.factor != 1 or accepted.offset != 0):
            return f"{self.value.quantize(Decimal(1).scaleb(-self.test.decimals)):f}"
        return f"{self.value.normalize():f}"


class CriticalAlertQuerySet(SharedResultQuerySet):
    def visible_to(self, user):
        """Also every alert the user was called to (a medical-affairs officer sees what reached them)."""
        notified = AlertRecipient.objects.filter(user_id=user.pk).values("alert_id")
        return (super().visible_to(user) | self.filter(id__in=notified)) if user.is_authenticated else self.none()

    def open(self):
        return self.filter(status=AlertStatus.OPEN)


class CriticalAlert(models.Model):
    """The critical-value register (危急值登记): one row per critical result, its history in AlertEvent."""

    class Status(models.TextChoices):
        OPEN = AlertStatus.OPEN, _("Awaiting acknowledgement")
        ACKNOWLEDGED = AlertStatus.ACKNOWLEDGED, _("Acknowledged")
        VOIDED = AlertStatus.VOIDED, _("Voided")

    result = models.OneToOneField(LabResult, models.PROTECT, related_name="alert")
    resident = models.ForeignKey(Resident, models.PROTECT, related_name="+", verbose_name=_("resident"))
    test_code = models.CharField(_("test"), max_length=32, choices=catalogue.choices())
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4)
    unit = models.CharField(_("unit"), max_length=20)
    flag = models.CharField(_("flag"), max_length=2, choices=list(FLAG_LABELS.items()))
    ordering_org = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("ordering institution"))
    ordering_department = models.ForeignKey(Department, models.PROTECT, null=True, blank=True, related_name="+")
    ordering_doctor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("ordering doctor"))
    performing_org = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("performing lab"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    notified_at = models.DateTimeField(_("notified"))
    due_at = models.DateTimeField(_("acknowledgement due"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("last escalated"), null=True, blank=True)
    ack_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("acknowledged by"))
    ack_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    readback_value = models.CharField(_("read-back value"), max_length=40, blank=True)
    action_taken = models.CharField(_("action taken"), max_length=500, blank=True)

    objects = CriticalAlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("critical value")
        verbose_name_plural = _("critical values")
        indexes = [
            models.Index(fields=["due_at"], name="alert_due", condition=models.Q(status="open")),
            models.Index(fields=["ordering_org", "status", "notified_at"], name="alert_org_status"),
            models.Index(fields=["resident", "-notified_at"], name="alert_resident"),
        ]

    def __str__(self):
        return f"{self.test.name_zh} {self.display_value} {self.unit}"

    @property
    def test(self):
        return catalogue.BY_CODE[self.test_code]

    @property
    def display_value(self) -> str:
        return f"{self.value.normalize():f}"

    @property
    def audit_resident_id(self):
        return self.resident_id


class AlertEvent(models.Model):
    """Append-only history of an alert: detected and notified, escalated, read-back rejected, acknowledged."""

    class Step(models.TextChoices):
        NOTIFIED = "notified", _("Notified")
        ESCALATED = "escalated", _("Escalated")
        READBACK_REJECTED = "readback_rejected", _("Read-back did not match")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")

    alert = models.ForeignKey(CriticalAlert, models.CASCADE, related_name="events")
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    level = models.PositiveSmallIntegerField(_("level"), default=0)
    at = models.DateTimeField(_("time"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recipients = models.JSONField(_("recipients"), default=list)  # names shown in the history
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["alert", "at"], name="alertevent_alert")]

    def __str__(self):
        return f"{self.alert_id} {self.step} {self.at:%Y-%m-%d %H:%M}"


class AlertRecipient(models.Model):
    """Who was called for an alert, at which level: they may open it and acknowledge it."""

    alert = models.ForeignKey(CriticalAlert, models.CASCADE, related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["alert", "user"], name="alertrecipient_once")]
        indexes = [models.Index(fields=["user", "alert"], name="alertrecipient_user")]

    def __str__(self):
        return f"{self.alert_id} → {self.user_id}"


class EscalationContact(models.Model):
    """Who an unacknowledged alert escalates to (critical-values.md §2): level 1 the department head (科主任) or,
    for a township or village order, the centre director (分院院长); level 2 the medical-affairs office (医务科)."""

    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="+", verbose_name=_("organisation"))
    department = models.ForeignKey(Department, models.CASCADE, null=True, blank=True, related_name="+",
                                   verbose_name=_("department"))
    level = models.PositiveSmallIntegerField(_("level"), choices=[(1, _("Department head / centre director")),
                                                                  (2, _("Medical affairs office"))])
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("user"))

    class Meta:
        verbose_name = _("escalation contact")
        verbose_name_plural = _("escalation contacts")
        constraints = [models.UniqueConstraint(fields=["organisation", "department", "level", "user"],
                                               name="escalation_contact_once")]

    def __str__(self):
        return f"{self.organisation} L{self.level} {self.user}"


class RecognitionRule(models.Model):
    """Which tests from which level of institution are recognised, and for how many days (互认规则)."""

    test_code = models.CharField(_("test"), max_length=32, choices=catalogue.choices())
    performing_org_type = models.CharField(_("performing institution level"), max_length=20, choices=OrgType.choices)
    window_days = models.PositiveSmallIntegerField(_("recognised for (days)"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("recognition rule")
        verbose_name_plural = _("recognition rules")
        constraints = [models.UniqueConstraint(fields=["test_code", "performing_org_type"], name="recognition_once")]

    def __str__(self):
        return f"{self.test_code} · {self.performing_org_type} · {self.window_days}d"
