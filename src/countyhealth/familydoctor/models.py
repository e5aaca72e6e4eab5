"""Family-doctor contracts (家庭医生签约服务, FD2016 / FD2022): teams, service packages and contracts.

A contract's period is [start_date, end_date]; a termination ends it early on `terminated_on` (its last day of
service). Whether a contract is in force on a date is always computed from these dates (`queries.active_at`),
never from the stored status, which a nightly sweep turns from active to expired after the end date."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from countyhealth.orgs.models import Organisation, Village
from countyhealth.residents.models import Resident

from .queries import ContractQuerySet, TeamQuerySet


class FamilyDoctorTeam(models.Model):
    """A family-doctor team (家庭医生团队) of a township centre or village clinic, serving a set of villages."""

    name = models.CharField(_("team name"), max_length=100)
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="family_doctor_teams",
                                     verbose_name=_("organisation"))
    villages = models.ManyToManyField(Village, related_name="family_doctor_teams", blank=True,
                                      verbose_name=_("villages served"))
    phone = models.CharField(_("service phone"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("family-doctor team")
        verbose_name_plural = _("family-doctor teams")
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="fd_team_org_name")]
        indexes = [models.Index(fields=["organisation", "is_active"], name="fd_team_org")]

    def __str__(self):
        return self.name


class TeamMember(models.Model):
    class Role(models.TextChoices):
        # FD2016 §3: teams of 家庭医生 (general practitioners, village doctors), nurses and public-health staff,
        # supported by specialists of the county hospital (the consortium's "1+1+N" teams).
        GP = "gp", _("General practitioner")
        VILLAGE_DOCTOR = "village_doctor", _("Village doctor")
        NURSE = "nurse", _("Nurse")
        PUBLIC_HEALTH = "public_health", _("Public-health staff")
        SPECIALIST = "specialist", _("Specialist (county hospital)")

    team = models.ForeignKey(FamilyDoctorTeam, models.CASCADE, related_name="members", verbose_name=_("team"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="family_doctor_memberships",
                             verbose_name=_("member"))
    role = models.CharField(_("team role"), max_length=16, choices=Role.choices)
    is_lead = models.BooleanField(_("team lead"), default=False)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["-is_lead", "id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="fd_member_unique"),
            models.UniqueConstraint(fields=["team"], condition=Q(is_lead=True), name="fd_member_one_lead"),
            models.CheckConstraint(condition=Q(is_lead=False) | Q(role="gp"), name="fd_member_lead_is_gp"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()}"


class ServicePackage(models.Model):
    """A signable service package (签约服务包) and how its annual fee is shared (FD2016 §5: 医保基金,
    基本公共卫生服务经费 and the resident)."""

    class TargetGroup(models.TextChoices):
        BASIC = "basic", _("All residents (basic)")
        ELDERLY = "elderly", _("Elderly (65 and over)")
        CHILD = "child", _("Children 0–6")
        MATERNAL = "maternal", _("Pregnant and postpartum women")
        CHRONIC = "chronic", _("Chronic disease (hypertension, diabetes)")
        DISABLED = "disabled", _("People with disabilities")
        SEVERE_MENTAL = "severe_mental", _("Severe mental disorder")
        TUBERCULOSIS = "tuberculosis", _("Pulmonary tuberculosis")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=50)
    name_en = models.CharField(_("name (English)"), max_length=80)
    target_group = models.CharField(_("target group"), max_length=16, choices=TargetGroup.choices)
    content_zh = models.TextField(_("content (Chinese)"), help_text=_("One service item per line."))
    content_en = models.TextField(_("content (English)"), blank=True, help_text=_("One service item per line."))
    annual_fee = models.DecimalField(_("annual fee (yuan)"), max_digits=8, decimal_places=2)
    insurance_amount = models.DecimalField(_("paid by medical insurance"), max_digits=8, decimal_places=2,
                                           default=0)
    public_funds_amount = models.DecimalField(_("paid by public-health funds"), max_digits=8, decimal_places=2,
                                              default=0)
    resident_amount = models.DecimalField(_("paid by the resident"), max_digits=8, decimal_places=2, default=0)
    is_active = models.BooleanField(_("offered"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("service package")
        verbose_name_plural = _("service packages")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(annual_fee=F("insurance_amount") + F("public_funds_amount") + F("resident_amount")),
                name="fd_package_shares_sum",
            ),
            models.CheckConstraint(
                condition=Q(insurance_amount__gte=0, public_funds_amount__gte=0, resident_amount__gte=0),
                name="fd_package_shares_positive",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if _english() and self.name_en else self.name_zh

    @property
    def items(self) -> list[str]:
        text = self.content_en if _english() and self.content_en else self.content_zh
        return [line.strip() for line in text.splitlines() if line.strip()]


def _english() -> bool:
    return (get_language() or "zh-hans").startswith("en")


class Contract(models.Model):
    """One signed family-doctor contract (家庭医生签约服务协议) of one resident with one team."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        TERMINATED = "terminated", _("Terminated")

    class TerminationReason(models.TextChoices):
        RESIDENT_REQUEST = "resident_request", _("Resident's request")
        CHANGED_TEAM = "changed_team", _("Changed to another team")
        MOVED_OUT = "moved_out", _("Moved out of the area")
        DIED = "died", _("Death")
        SIGNED_IN_ERROR = "signed_in_error", _("Signed in error")
        OTHER = "other", _("Other")

    class Signer(models.TextChoices):
        RESIDENT = "resident", _("The resident")
        GUARDIAN = "guardian", _("Guardian or family member")

    resident = models.ForeignKey(Resident, models.PROTECT, related_name="family_doctor_contracts",
                                 verbose_name=_("resident"))
    team = models.ForeignKey(FamilyDoctorTeam, models.PROTECT, related_name="contracts", verbose_name=_("team"))
    doctor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="family_doctor_contracts",
                               verbose_name=_("responsible doctor"))
    packages = models.ManyToManyField(ServicePackage, through="ContractPackage", related_name="contracts",
                                      verbose_name=_("service packages"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    previous = models.OneToOneField("self", models.PROTECT, null=True, blank=True, related_name="renewal",
                                    verbose_name=_("renewal of"))
    signer = models.CharField(_("signed by"), max_length=10, choices=Signer.choices, default=Signer.RESIDENT)
    signed_by_name = models.CharField(_("name of the signer"), max_length=50)
    # A PNG data URL drawn on the signing page's canvas (or sent by the phone app); empty for contracts
    # imported from paper. Capped by `rules.SIGNATURE_MAX_CHARS`.
    signature = models.TextField(_("signature"), blank=True)
    terminated_on = models.DateField(_("last day of service"), null=True, blank=True)
    termination_reason = models.CharField(_("reason for termination"), max_length=20, blank=True,
                                          choices=TerminationReason.choices)
    termination_note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("signed at"), auto_now_add=True)
    terminated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                      related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("family-doctor contract")
        verbose_name_plural = _("family-doctor contracts")
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gt=F("start_date")), name="fd_contract_end_after_start"),
            models.CheckConstraint(
                condition=Q(status="terminated", terminated_on__isnull=False)
                | (~Q(status="terminated") & Q(terminated_on__isnull=True)),
                name="fd_contract_termination_date",
            ),
            models.UniqueConstraint(fields=["resident", "start_date"], name="fd_contract_resident_start"),
        ]
        indexes = [
            # "Active at D" scans: by end date (start ≤ D is checked on the few rows left), per resident.
            models.Index(fields=["end_date", "start_date", "resident"], name="fd_contract_period"),
            models.Index(fields=["resident", "-start_date"], name="fd_contract_resident"),
            models.Index(fields=["team", "status"], name="fd_contract_team"),
            models.Index(fields=["status", "end_date"], name="fd_contract_status_end"),
        ]

    def __str__(self):
        return f"{self.resident} · {self.team} · {self.start_date}–{self.end_date}"

    @property
    def audit_resident_id(self):
        return self.resident_id

    @property
    def last_day(self):
        """The last day the contract is in force: the termination date, else the end date."""
        return self.terminated_on if self.terminated_on is not None else self.end_date

    def status_on(self, day) -> str:
        """The status a person reading on `day` should see, whatever the sweep has stored."""
        if self.terminated_on is not None and self.terminated_on < day:
            return self.Status.TERMINATED
        if self.status == self.Status.TERMINATED and self.start_date > day:
            return self.Status.TERMINATED
        if day > self.end_date:
            return self.Status.EXPIRED
        return self.Status.ACTIVE

    def is_active_on(self, day) -> bool:
        return self.start_date <= day <= self.last_day


class ContractPackage(models.Model):
    """A package of a contract with the fee shares at signing, so a later price change leaves it as signed."""

    contract = models.ForeignKey(Contract, models.CASCADE, related_name="contract_packages")
    package = models.ForeignKey(ServicePackage, models.PROTECT, related_name="+")
    annual_fee = models.DecimalField(_("annual fee (yuan)"), max_digits=8, decimal_places=2)
    resident_amount = models.DecimalField(_("paid by the resident"), max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = _("contracted package")
        verbose_name_plural = _("contracted packages")
        constraints = [models.UniqueConstraint(fields=["contract", "package"], name="fd_contract_package")]

    def __str__(self):
        return f"{self.contract_id} · {self.package}"
