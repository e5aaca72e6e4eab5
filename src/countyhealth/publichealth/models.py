"""Programme enrolments and their visits (PHS3 hypertension, diabetes, elderly, 0–6 child and maternal programmes).

Each enrolment carries its own `next_due` and a copy of the resident's catchment organisation, so a doctor's due
list is one indexed range scan, not a computation over visits."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from countyhealth.orgs.models import Organisation
from countyhealth.referrals.models import Referral
from countyhealth.residents.models import Resident
from countyhealth.residents.queries import CatchmentScopedQuerySet, ResidentScopedQuerySet

from .rules import FollowUpClass, GestationalAge, NextAction, Programme, VisitMode, maternal_visit_label
from .rules.facts import PROGRAMME_LABELS


def _choices(enum, labels=None):
    return [(m.value, labels[m] if labels else m.label) for m in enum]


PROGRAMME_CHOICES = _choices(Programme, PROGRAMME_LABELS)


class EnrolmentQuerySet(CatchmentScopedQuerySet):
    def current(self):
        return self.filter(status__in=[Enrolment.Status.ACTIVE, Enrolment.Status.LOST])


class Enrolment(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Under management")
        LOST = "lost", _("Lost to follow-up")
        ENDED = "ended", _("Ended")

    class EndReason(models.TextChoices):
        DEAD = "dead", _("Death")
        MOVED_OUT = "moved_out", _("Moved out")
        AGED_OUT = "aged_out", _("Aged out of the programme")
        DIAGNOSIS_REVISED = "diagnosis_revised", _("Diagnosis revised")
        COMPLETED = "completed", _("Programme completed")
        PREGNANCY_LOSS = "pregnancy_loss", _("Pregnancy ended without a birth")

    # No index of their own on resident and catchment_org: `enrolment_resident` and `enrolment_due` lead with
    # them, and every index costs each follow-up's update of the enrolment.
    resident = models.ForeignKey(Resident, models.PROTECT, related_name="enrolments", verbose_name=_("resident"),
                                 db_index=False)
    programme = models.CharField(_("programme"), max_length=16, choices=PROGRAMME_CHOICES)
    enrolled_on = models.DateField(_("enrolled on"))
    diagnosis_date = models.DateField(_("diagnosis date"), null=True, blank=True)
    responsible_doctor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                           related_name="+", verbose_name=_("responsible doctor"))
    catchment_org = models.ForeignKey(Organisation, models.PROTECT, related_name="+",
                                      verbose_name=_("responsible organisation"), db_index=False)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("end reason"), max_length=20, choices=EndReason.choices, blank=True)
    next_due = models.DateField(_("next due"), null=True, blank=True)
    next_due_label = models.CharField(_("what is due"), max_length=100, blank=True)
    last_visit_date = models.DateField(_("last visit"), null=True, blank=True)
    last_class = models.CharField(_("last classification"), max_length=20, blank=True,
                                  choices=_choices(FollowUpClass))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme enrolment")
        verbose_name_plural = _("programme enrolments")
        constraints = [
            models.UniqueConstraint(fields=["resident", "programme"], condition=models.Q(status__in=["active", "lost"]),
                                    name="enrolment_one_current"),
        ]
        indexes = [
            models.Index(fields=["catchment_org", "status", "next_due"], name="enrolment_due"),
            models.Index(fields=["programme", "catchment_org", "enrolled_on"], name="enrolment_programme_org"),
            models.Index(fields=["resident", "programme"], name="enrolment_resident"),
        ]

    def __str__(self):
        return f"{self.resident} · {self.get_programme_display()}"

    @property
    def audit_resident_id(self):
        return self.resident_id


class FollowUpVisitQuerySet(ResidentScopedQuerySet):
    def face_to_face(self):
        return self.exclude(mode=VisitMode.PHONE)


class FollowUpVisit(models.Model):
    """One hypertension or diabetes follow-up with the national form's fields (PHS3 附件 随访服务记录表).

    A visit is never edited into another classification: the classification is computed on save from the rules
    in force on the visit date and stored with its reasons."""

    class Adherence(models.TextChoices):
        REGULAR = "regular", _("Regular")
        INTERMITTENT = "intermittent", _("Intermittent")
        NONE = "none", _("Not taking")

    class Salt(models.TextChoices):
        LIGHT = "light", _("Light")
        MODERATE = "moderate", _("Moderate")
        HEAVY = "heavy", _("Heavy")

    class Pulse(models.TextChoices):
        NORMAL = "normal", _("Palpable")
        WEAK = "weak", _("Weakened")
        ABSENT = "absent", _("Absent")

    # Indexed by `followup_resident_date` and `followup_enrolment_date`, which lead with them.
    resident = models.ForeignKey(Resident, models.PROTECT, related_name="followups", verbose_name=_("resident"),
                                 db_index=False)
    enrolment = models.ForeignKey(Enrolment, models.PROTECT, related_name="followups", db_index=False)
    programme = models.CharField(_("programme"), max_length=16, choices=PROGRAMME_CHOICES)
    visit_date = models.DateField(_("visit date"))
    mode = models.CharField(_("visit mode"), max_length=8, choices=_choices(VisitMode))
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("organisation"))
    doctor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                               verbose_name=_("doctor"))

    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    danger_signs = models.JSONField(_("danger signs"), default=list, blank=True)
    sbp = models.PositiveSmallIntegerField(_("systolic BP (mmHg)"), null=True, blank=True)
    dbp = models.PositiveSmallIntegerField(_("diastolic BP (mmHg)"), null=True, blank=True)
    heart_rate = models.PositiveSmallIntegerField(_("heart rate (/min)"), null=True, blank=True)
    temperature = models.DecimalField(_("temperature (℃)"), max_digits=3, decimal_places=1, null=True, blank=True)
    weight_kg = models.DecimalField(_("weight (kg)"), max_digits=4, decimal_places=1, null=True, blank=True)
    height_cm = models.DecimalField(_("height (cm)"), max_digits=4, decimal_places=1, null=True, blank=True)
    bmi = models.DecimalField(_("BMI"), max_digits=4, decimal_places=1, null=True, blank=True)
    fpg = models.DecimalField(_("fasting glucose (mmol/L)"), max_digits=3, decimal_places=1, null=True, blank=True)
    random_glucose = models.DecimalField(_("random glucose (mmol/L)"), max_digits=3, decimal_places=1,
                                         null=True, blank=True)
    dorsalis_pedis = models.CharField(_("dorsalis pedis pulse"), max_length=8, choices=Pulse.choices, blank=True)
    cigarettes_per_day = models.PositiveSmallIntegerField(_("cigarettes per day"), null=True, blank=True)
    alcohol_ml_per_day = models.PositiveSmallIntegerField(_("liquor per day (ml)"), null=True, blank=True)
    exercise_sessions_per_week = models.PositiveSmallIntegerField(_("exercise sessions per week"), null=True,
                                                                  blank=True)
    exercise_minutes = models.PositiveSmallIntegerField(_("minutes per session"), null=True, blank=True)
    salt = models.CharField(_("salt intake"), max_length=8, choices=Salt.choices, blank=True)
    staple_food_g_per_day = models.PositiveSmallIntegerField(_("staple food per day (g)"), null=True, blank=True)
    adherence = models.CharField(_("medication adherence"), max_length=12, choices=Adherence.choices, blank=True)
    medications = models.JSONField(_("medications"), default=list, blank=True)
    adr = models.BooleanField(_("adverse drug reaction"), default=False)
    adr_uncontrollable = models.BooleanField(_("adverse reaction cannot be controlled"), default=False)
    new_or_worse_complication = models.BooleanField(_("new or worse complication"), default=False)
    pregnant = models.BooleanField(_("pregnant"), default=False)
    lactating = models.BooleanField(_("lactating"), default=False)
    other_unmanageable = models.BooleanField(_("other condition the clinic cannot handle"), default=False)
    notes = models.TextField(_("notes"), blank=True, max_length=2000)

    follow_up_class = models.CharField(_("classification"), max_length=20, choices=_choices(FollowUpClass))
    controlled = models.BooleanField(_("controlled"))
    next_action = models.CharField(_("next action"), max_length=20, choices=_choices(NextAction))
    next_due = models.DateField(_("next due"))
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    referral = models.ForeignKey(Referral, models.PROTECT, null=True, blank=True, related_name="+")
    client_uuid = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = FollowUpVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        indexes = [
            models.Index(fields=["enrolment", "visit_date"], name="followup_enrolment_date"),
            models.Index(fields=["resident", "visit_date"], name="followup_resident_date"),
            models.Index(fields=["programme", "visit_date"], name="followup_programme_date"),
        ]

    def __str__(self):
        return f"{self.resident} · {self.visit_date}"

    @property
    def audit_resident_id(self):
        return self.resident_id


class ChildVisit(models.Model):
    """A 0–6 child-health visit (PHS3 §6) fulfilling one slot of the schedule."""

    resident = models.ForeignKey(Resident, models.PROTECT, related_name="child_visits", verbose_name=_("child"))
    enrolment = models.ForeignKey(Enrolment, models.PROTECT, related_name="child_visits")
    slot = models.CharField(_("scheduled visit"), max_length=16)
    visit_date = models.DateField(_("visit date"))
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("organisation"))
    doctor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("doctor"))
    weight_kg = models.DecimalField(_("weight (kg)"), max_digits=4, decimal_places=2, null=True, blank=True)
    length_cm = models.DecimalField(_("length/height (cm)"), max_digits=4, decimal_places=1, null=True, blank=True)
    head_circumference_cm = models.DecimalField(_("head circumference (cm)"), max_digits=3, decimal_places=1,
                                                null=True, blank=True)
    haemoglobin = models.PositiveSmallIntegerField(_("haemoglobin (g/L)"), null=True, blank=True)
    hearing_normal = models.BooleanField(_("hearing screen normal"), null=True, blank=True)
    vision_normal = models.BooleanField(_("vision screen normal"), null=True, blank=True)
    development_normal = models.BooleanField(_("development normal"), null=True, blank=True)
    findings = models.JSONField(_("findings"), default=list, blank=True)
    guidance = models.TextField(_("guidance"), blank=True, max_length=2000)
    referred = models.BooleanField(_("referred"), default=False)
    client_uuid = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ResidentScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("child health visit")
        verbose_name_plural = _("child health visits")
        indexes = [models.Index(fields=["resident", "visit_date"], name="childvisit_resident_date")]

    def __str__(self):
        return f"{self.resident} · {self.slot} · {self.visit_date}"

    @property
    def audit_resident_id(self):
        return self.resident_id


class Pregnancy(models.Model):
    """One pregnancy under maternal care (PHS3 §7), from registration (建册) to the 42-day check. Its enrolment
    carries the due date; `live_births` is the maternal indicators' denominator (twins count 2)."""

    class Place(models.TextChoices):
        HOSPITAL = "hospital", _("In hospital")
        HOME = "home", _("At home")

    resident = models.ForeignKey(Resident, models.PROTECT, related_name="pregnancies", verbose_name=_("resident"))
    enrolment = models.OneToOneField(Enrolment, models.PROTECT, related_name="pregnancy")
    lmp = models.DateField(_("last menstrual period"))
    edd = models.DateField(_("expected date of delivery"))
    edd_corrected = models.BooleanField(_("EDD corrected by ultrasound"), default=False)
    registered_on = models.DateField(_("registered on"))
    gravidity = models.PositiveSmallIntegerField(_("gravidity"), default=1)
    parity = models.PositiveSmallIntegerField(_("parity"), default=0)
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    discharge_date = models.DateField(_("discharge date"), null=True, blank=True)
    delivery_place = models.CharField(_("place of delivery"), max_length=8, choices=Place.choices, blank=True)
    live_births = models.PositiveSmallIntegerField(_("live births"), null=True, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ResidentScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("pregnancy")
        verbose_name_plural = _("pregnancies")
        indexes = [models.Index(fields=["delivery_date"], name="pregnancy_delivery")]

    def __str__(self):
        return f"{self.resident} · {self.lmp}"

    @property
    def audit_resident_id(self):
        return self.resident_id


class MaternalVisit(models.Model):
    """An antenatal or postpartum visit (PHS3 §7 forms 第1次产前检查服务记录表 … 产后42天健康检查记录表)."""

    resident = models.ForeignKey(Resident, models.PROTECT, related_name="maternal_visits", verbose_name=_("resident"))
    pregnancy = models.ForeignKey(Pregnancy, models.PROTECT, related_name="visits")
    code = models.CharField(_("scheduled visit"), max_length=20)
    visit_date = models.DateField(_("visit date"))
    ga_days = models.PositiveSmallIntegerField(_("gestational age (days)"), null=True, blank=True)
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("organisation"))
    doctor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("doctor"))
    weight_kg = models.DecimalField(_("weight (kg)"), max_digits=4, decimal_places=1, null=True, blank=True)
    sbp = models.PositiveSmallIntegerField(_("systolic BP"), null=True, blank=True)
    dbp = models.PositiveSmallIntegerField(_("diastolic BP"), null=True, blank=True)
    haemoglobin = models.PositiveSmallIntegerField(_("haemoglobin (g/L)"), null=True, blank=True)
    fundal_height_cm = models.DecimalField(_("fundal height (cm)"), max_digits=3, decimal_places=1, null=True,
                                           blank=True)
    fetal_heart_rate = models.PositiveSmallIntegerField(_("fetal heart rate (/min)"), null=True, blank=True)
    danger_signs = models.JSONField(_("danger signs"), default=list, blank=True)
    findings = models.JSONField(_("findings"), default=list, blank=True)
    next_action = models.CharField(_("next step"), max_length=20)
    next_due = models.DateField(_("next due"), null=True, blank=True)
    guidance = models.TextField(_("guidance"), blank=True, max_length=2000)
    referral = models.ForeignKey(Referral, models.PROTECT, null=True, blank=True, related_name="+")
    client_uuid = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ResidentScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("maternal visit")
        verbose_name_plural = _("maternal visits")
        indexes = [models.Index(fields=["resident", "visit_date"], name="maternalvisit_resident_date")]

    def __str__(self):
        return f"{self.resident} · {self.code} · {self.visit_date}"

    @property
    def label(self) -> str:
        return maternal_visit_label(self.code)

    @property
    def ga_label(self) -> str:
        return "" if self.ga_days is None else str(GestationalAge(self.ga_days))

    @property
    def audit_resident_id(self):
        return self.resident_id


class IndicatorSnapshot(models.Model):
    """One indicator's numerator and denominator for one catchment organisation and one standard period, as
    counted from the records by the scheduled refresh (indicators/snapshots.py). The consortium-wide
    dashboard reads these instead of counting a million residents while the user waits; every other view
    counts live. Rows of a period are replaced as a whole, so a period's figures are always from one pass."""

    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="+")
    period_start = models.DateField()
    period_end = models.DateField()
    indicator = models.CharField(max_length=40)
    numerator = models.PositiveIntegerField()
    denominator = models.PositiveIntegerField()
    computed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["period_start", "period_end"], name="indicator_snapshot_period")]
        constraints = [
            models.UniqueConstraint(fields=["period_start", "period_end", "organisation", "indicator"],
                                    name="indicator_snapshot_unique"),
        ]

    def __str__(self):
        return f"{self.indicator} {self.period_start}–{self.period_end} @{self.organisation_id}"
