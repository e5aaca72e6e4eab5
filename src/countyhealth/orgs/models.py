from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

division_code_validator = RegexValidator(r"^\d{6}(\d{3}(\d{3})?)?$", _("Enter a 6, 9 or 12 digit division code."))


class OrgType(models.TextChoices):
    HEALTH_BUREAU = "health_bureau", _("Health bureau")
    COUNTY_HOSPITAL = "county_hospital", _("County hospital")
    TOWNSHIP_CENTRE = "township_centre", _("Township health centre")
    VILLAGE_CLINIC = "village_clinic", _("Village clinic")


class OrganisationQuerySet(models.QuerySet):
    def subtree_of(self, org):
        return self.filter(path__startswith=org.path)


class Organisation(models.Model):
    """A node of the consortium tree. `path` is materialised ("001.003.042") so a subtree is one prefix match."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    org_type = models.CharField(_("type"), max_length=20, choices=OrgType.choices)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("parent"))
    path = models.CharField(_("path"), max_length=255, unique=True, editable=False)
    division_code = models.CharField(_("division code"), max_length=12, validators=[division_code_validator])
    is_active = models.BooleanField(_("active"), default=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["path"]
        indexes = [models.Index(fields=["org_type"], name="org_type_idx")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.path:
            self.path = self.next_child_path(self.parent)
        super().save(*args, **kwargs)

    @property
    def depth(self) -> int:
        return self.path.count(".")

    @classmethod
    def next_child_path(cls, parent) -> str:
        siblings = cls.objects.filter(parent=parent) if parent else cls.objects.filter(parent__isnull=True)
        last = siblings.order_by("-path").values_list("path", flat=True).first()
        serial = int(last.rsplit(".", 1)[-1]) + 1 if last else 1
        return f"{parent.path}.{serial:03d}" if parent else f"{serial:03d}"


class DepartmentKind(models.TextChoices):
    CLINICAL = "clinical", _("Clinical")
    CARDIOLOGY = "cardiology", _("Cardiology")
    RADIOLOGY = "radiology", _("Radiology")
    LAB = "lab", _("Laboratory")
    EMERGENCY = "emergency", _("Emergency / chest-pain centre")
    ECG = "ecg", _("Remote ECG centre")
    PUBLIC_HEALTH = "public_health", _("Public health")
    MEDICAL_AFFAIRS = "medical_affairs", _("Medical affairs office")


class Department(models.Model):
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="departments",
                                     verbose_name=_("organisation"))
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=DepartmentKind.choices)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="department_org_code")]

    def __str__(self):
        return f"{self.organisation.name} · {self.name}"


class Village(models.Model):
    """An administrative village (村委会/居委会) and the clinic whose catchment it is."""

    division_code = models.CharField(_("division code"), max_length=12, unique=True,
                                     validators=[RegexValidator(r"^\d{12}$", _("Enter a 12 digit division code."))])
    name = models.CharField(_("name"), max_length=100)
    clinic = models.ForeignKey(Organisation, models.PROTECT, related_name="villages", verbose_name=_("clinic"))
    population = models.PositiveIntegerField(_("resident population"), null=True, blank=True)

    class Meta:
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        ordering = ["division_code"]

    def __str__(self):
        return self.name
