"""The resident's health record (居民健康档案, PHS3 / WS365): record-number counters, the personal basic information
form, its change history, record status changes and the annual health check form.

Single answers are real columns; multi-selects and the printed form's repeatable rows are JSON lists. Every
coded field carries its code table (`field.code_table`, codes.py) and every row list its spec
(`field.row_spec`, rows.py), which forms, API schemas, validation and detail pages read."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from countyhealth.orgs.models import Organisation, Village
from countyhealth.residents.models import Resident
from countyhealth.residents.queries import ResidentScopedQuerySet

from . import codes, rows


def coded(verbose_name, table: dict, **kwargs) -> models.CharField:
    field = models.CharField(verbose_name, max_length=2, blank=True, default="",
                             choices=[(code, zh) for code, (zh, _en) in table.items()], **kwargs)
    field.code_table = table
    return field


def coded_list(verbose_name, table: dict) -> models.JSONField:
    field = models.JSONField(verbose_name, default=list, blank=True)
    field.code_table = table
    return field


def row_list(verbose_name, spec: rows.RowSpec) -> models.JSONField:
    field = models.JSONField(verbose_name, default=list, blank=True)
    field.row_spec = spec
    return field


def text(verbose_name, max_length=50) -> models.CharField:
    return models.CharField(verbose_name, max_length=max_length, blank=True, default="")


def number(verbose_name, digits=4, places=1) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=digits, decimal_places=places, null=True, blank=True)


def count(verbose_name) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(verbose_name, null=True, blank=True)


class RecordNumberCounter(models.Model):
    """The last serial given in a village (§1.2). Locked in the transaction that assigns a number, so numbers
    have no duplicates and no gaps; a rolled-back assignment rolls the counter back too."""

    village = models.OneToOneField(Village, models.PROTECT, related_name="+", verbose_name=_("village"))
    last_serial = models.PositiveIntegerField(_("last serial"), default=0)

    class Meta:
        verbose_name = _("record number counter")
        verbose_name_plural = _("record number counters")
        constraints = [models.CheckConstraint(condition=models.Q(last_serial__lte=99999),
                                              name="record_counter_max_serial")]

    def __str__(self):
        return f"{self.village_id}: {self.last_serial:05d}"


class PersonalInfoQuerySet(ResidentScopedQuerySet):
    pass


class PersonalInfo(models.Model):
    """个人基本信息表 (PHS3 §2.1), edited in place. Identity (name, sex, birth date, ID number, phone, residence
    type, ethnicity) stays on Resident."""

    resident = models.OneToOneField(Resident, models.CASCADE, related_name="personal_info",
                                    verbose_name=_("resident"))
    work_unit = text(_("Work unit"), 100)
    contact_name = text(_("Contact person"), 50)
    contact_phone = text(_("Contact phone"), 20)
    # Social
    blood_type = coded(_("Blood type (ABO)"), codes.BLOOD_TYPE)
    rh_negative = coded(_("RH negative"), codes.RH_NEGATIVE)
    education = coded(_("Education"), codes.EDUCATION)
    occupation = coded(_("Occupation"), codes.OCCUPATION)
    marital_status = coded(_("Marital status"), codes.MARITAL_STATUS)
    payment_methods = coded_list(_("Medical expense payment"), codes.PAYMENT_METHOD)
    payment_other = text(_("Other payment method"))
    # Allergy and exposure
    drug_allergies = coded_list(_("Drug allergies"), codes.DRUG_ALLERGY)
    drug_allergy_other = text(_("Other drug allergy"))
    exposures = coded_list(_("Exposure history"), codes.EXPOSURE)
    # Past history
    past_diseases = row_list(_("Past diseases"), rows.PAST_DISEASES)
    operations = row_list(_("Operations"), rows.OPERATIONS)
    injuries = row_list(_("Injuries"), rows.INJURIES)
    transfusions = row_list(_("Blood transfusions"), rows.TRANSFUSIONS)
    # Family history
    family_father = coded_list(_("Father"), codes.FAMILY_DISEASE)
    family_mother = coded_list(_("Mother"), codes.FAMILY_DISEASE)
    family_siblings = coded_list(_("Brothers and sisters"), codes.FAMILY_DISEASE)
    family_children = coded_list(_("Children"), codes.FAMILY_DISEASE)
    family_other = text(_("Other family disease"))
    hereditary_disease = text(_("Hereditary disease"), 100)
    # Disability
    disabilities = coded_list(_("Disability"), codes.DISABILITY)
    disability_other = text(_("Other disability"))
    # Living environment
    kitchen_exhaust = coded(_("Kitchen exhaust"), codes.KITCHEN_EXHAUST)
    fuel = coded(_("Fuel"), codes.FUEL)
    water = coded(_("Drinking water"), codes.WATER)
    toilet = coded(_("Toilet"), codes.TOILET)
    livestock_pen = coded(_("Livestock pen"), codes.LIVESTOCK_PEN)

    is_complete = models.BooleanField(_("complete"), default=False, editable=False)
    opened_at = models.DateTimeField(_("record opened"), auto_now_add=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+",
                                  verbose_name=_("opened by"))
    opened_org = models.ForeignKey(Organisation, models.PROTECT, null=True, related_name="+",
                                   verbose_name=_("record-opening organisation"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+",
                                   verbose_name=_("updated by"))

    objects = PersonalInfoQuerySet.as_manager()

    class Meta:
        verbose_name = _("personal basic information")
        verbose_name_plural = _("personal basic information")
        indexes = [models.Index(fields=["is_complete"], name="personalinfo_complete")]

    def __str__(self):
        return f"{self.resident_id}"

    @property
    def audit_resident_id(self):
        return self.resident_id


class PersonalInfoChange(models.Model):
    """One edit of the personal basic information: when, who, where and which fields (for the timeline)."""

    resident = models.ForeignKey(Resident, models.CASCADE, related_name="+")
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    organisation = models.ForeignKey(Organisation, models.PROTECT, null=True, related_name="+")
    fields = models.JSONField(_("fields changed"), default=list)

    objects = ResidentScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("personal information change")
        verbose_name_plural = _("personal information changes")
        indexes = [models.Index(fields=["resident", "changed_at"], name="pichange_resident_at")]

    def __str__(self):
        return f"{self.resident_id} @ {self.changed_at:%Y-%m-%d}"


class RecordStatusChange(models.Model):
    """History of Resident.status (§2): 失访 with a reason, 死亡 with date and cause, 迁出 with destination."""

    resident = models.ForeignKey(Resident, models.CASCADE, related_name="+")
    from_status = models.CharField(_("previous status"), max_length=10, choices=Resident.Status.choices)
    to_status = models.CharField(_("new status"), max_length=10, choices=Resident.Status.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    death_date = models.DateField(_("date of death"), null=True, blank=True)
    death_cause = models.CharField(_("cause of death"), max_length=200, blank=True)
    destination = models.CharField(_("moved to"), max_length=200, blank=True)
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    organisation = models.ForeignKey(Organisation, models.PROTECT, null=True, related_name="+")

    objects = ResidentScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("record status change")
        verbose_name_plural = _("record status changes")
        indexes = [models.Index(fields=["resident", "changed_at"], name="statuschange_resident_at")]

    def __str__(self):
        return f"{self.resident_id}: {self.from_status} → {self.to_status}"


class AnnualHealthCheckQuerySet(ResidentScopedQuerySet):
    pass


class AnnualHealthCheck(models.Model):
    """健康体检表 (PHS3 §2.2). `sbp`/`dbp` are the classified (higher) arm, `bmi` and `self_care_score` are
    computed, and `is_complete_for_elderly` (§5.2 project decision) is recomputed on every save."""

    resident = models.ForeignKey(Resident, models.CASCADE, related_name="health_checks", verbose_name=_("resident"))
    check_date = models.DateField(_("Check date"))
    responsible_doctor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                           related_name="+", verbose_name=pgettext_lazy("health check", "Responsible doctor"))
    organisation = models.ForeignKey(Organisation, models.PROTECT, null=True, related_name="+",
                                     verbose_name=_("organisation"))
    # 症状
    symptoms = coded_list(_("Symptoms"), codes.SYMPTOM)
    symptoms_other = text(_("Other symptoms"), 100)
    # 一般状况
    temperature = number(_("Temperature (℃)"), 3, 1)
    pulse_rate = count(_("Pulse rate (beats/min)"))
    respiratory_rate = count(_("Respiratory rate (breaths/min)"))
    sbp_left = count(_("Blood pressure left, systolic (mmHg)"))
    dbp_left = count(_("Blood pressure left, diastolic (mmHg)"))
    sbp_right = count(_("Blood pressure right, systolic (mmHg)"))
    dbp_right = count(_("Blood pressure right, diastolic (mmHg)"))
    sbp = models.PositiveSmallIntegerField(_("Systolic pressure (mmHg)"), null=True, editable=False)
    dbp = models.PositiveSmallIntegerField(_("Diastolic pressure (mmHg)"), null=True, editable=False)
    height_cm = number(_("Height (cm)"))
    weight_kg = number(_("Weight (kg)"))
    waist_cm = number(_("Waist (cm)"))
    bmi = models.DecimalField(_("Body mass index (kg/m²)"), max_digits=4, decimal_places=1, null=True,
                              editable=False)
    self_rated_health = coded(_("Self-rated health (elderly)"), codes.SELF_RATED_HEALTH)
    self_care_eating = coded(_("Self-care: eating"), codes.SELF_CARE_LEVEL)
    self_care_grooming = coded(_("Self-care: grooming"), codes.SELF_CARE_LEVEL)
    self_care_dressing = coded(_("Self-care: dressing"), codes.SELF_CARE_LEVEL)
    self_care_toileting = coded(_("Self-care: toileting"), codes.SELF_CARE_LEVEL)
    self_care_mobility = coded(_("Self-care: moving about"), codes.SELF_CARE_LEVEL)
    self_care_score = models.PositiveSmallIntegerField(_("Self-care score"), null=True, editable=False)
    cognition_screen = coded(_("Cognitive function (elderly)"), codes.SCREEN)
    mmse_score = count(_("Mini-mental state examination score"))
    mood_screen = coded(_("Emotional state (elderly)"), codes.SCREEN)
    depression_score = count(_("Geriatric depression score"))
    # 生活方式
    exercise_frequency = coded(_("Exercise frequency"), codes.EXERCISE_FREQUENCY)
    exercise_minutes = count(pgettext_lazy("health check", "Minutes per session"))
    exercise_years = count(_("Years exercising"))
    exercise_type = text(_("Type of exercise"))
    diet = coded_list(_("Diet"), codes.DIET)
    smoking_status = coded(_("Smoking"), codes.SMOKING_STATUS)
    cigarettes_per_day = count(_("Cigarettes per day"))
    smoking_start_age = count(_("Age started smoking"))
    smoking_quit_age = count(_("Age quit smoking"))
    drinking_frequency = coded(_("Drinking frequency"), codes.DRINKING_FREQUENCY)
    alcohol_liang_per_day = number(_("Alcohol per day (liang)"), 3, 1)
    drinking_quit = coded(_("Quit drinking"), codes.DRINKING_QUIT)
    drinking_quit_age = count(_("Age quit drinking"))
    drinking_start_age = count(_("Age started drinking"))
    drunk_last_year = coded(_("Drunk in the past year"), codes.YES_NO)
    drink_types = coded_list(_("Main drinks"), codes.DRINK_TYPE)
    drink_types_other = text(_("Other drinks"))
    occupational_exposure = coded(_("Occupational hazard exposure"), codes.ABSENT_PRESENT)
    occupational_work_type = text(_("Type of work"))
    occupational_years = count(_("Years in this work"))
    occupational_hazards = row_list(_("Hazards"), rows.HAZARDS)
    # 脏器功能
    lips = coded(_("Lips"), codes.LIPS)
    dentition = coded_list(_("Dentition"), codes.DENTITION)
    dentition_note = text(_("Teeth affected"))
    pharynx = coded(_("Pharynx"), codes.PHARYNX)
    vision_left = number(_("Vision left"), 2, 1)
    vision_right = number(_("Vision right"), 2, 1)
    vision_corrected_left = number(_("Corrected vision left"), 2, 1)
    vision_corrected_right = number(_("Corrected vision right"), 2, 1)
    hearing = coded(_("Hearing"), codes.HEARING)
    motor_function = coded(_("Motor function"), codes.MOTOR_FUNCTION)
    # 查体
    fundus = coded(_("Fundus"), codes.NORMAL_ABNORMAL)
    fundus_note = text(_("Fundus abnormality"), 100)
    skin = coded(_("Skin"), codes.SKIN)
    skin_note = text(_("Other skin finding"), 100)
    sclera = coded(_("Sclera"), codes.SCLERA)
    sclera_note = text(_("Other sclera finding"), 100)
    lymph_nodes = coded(_("Lymph nodes"), codes.LYMPH_NODES)
    lymph_nodes_note = text(_("Other lymph nodes"), 100)
    barrel_chest = coded(_("Barrel chest"), codes.NO_YES)
    breath_sounds = coded(_("Breath sounds"), codes.NORMAL_ABNORMAL)
    breath_sounds_note = text(_("Breath sound abnormality"), 100)
    rales = coded(_("Rales"), codes.RALES)
    rales_note = text(_("Other rales"), 100)
    heart_rate = count(_("Heart rate (beats/min)"))
    heart_rhythm = coded(_("Heart rhythm"), codes.HEART_RHYTHM)
    heart_murmur = coded(_("Heart murmur"), codes.ABSENT_PRESENT)
    heart_murmur_note = text(_("Murmur"), 100)
    abdominal_tenderness = coded(_("Abdominal tenderness"), codes.ABSENT_PRESENT)
    abdominal_mass = coded(_("Abdominal mass"), codes.ABSENT_PRESENT)
    hepatomegaly = coded(_("Hepatomegaly"), codes.ABSENT_PRESENT)
    splenomegaly = coded(_("Splenomegaly"), codes.ABSENT_PRESENT)
    shifting_dullness = coded(_("Shifting dullness"), codes.ABSENT_PRESENT)
    abdomen_note = text(_("Abdominal findings"), 200)
    leg_oedema = coded(_("Lower-limb oedema"), codes.LEG_OEDEMA)
    dorsalis_pedis = coded(_("Dorsalis pedis pulse"), codes.DORSALIS_PEDIS)
    dre = coded(_("Digital rectal examination"), codes.DRE)
    dre_note = text(_("Other rectal finding"), 100)
    breast = coded_list(_("Breasts"), codes.BREAST)
    breast_note = text(_("Other breast finding"), 100)
    gyn_vulva = coded(_("Vulva"), codes.NORMAL_ABNORMAL)
    gyn_vagina = coded(_("Vagina"), codes.NORMAL_ABNORMAL)
    gyn_cervix = coded(_("Cervix"), codes.NORMAL_ABNORMAL)
    gyn_uterus = coded(_("Uterus"), codes.NORMAL_ABNORMAL)
    gyn_adnexa = coded(_("Adnexa"), codes.NORMAL_ABNORMAL)
    gynaecology_note = text(_("Gynaecological abnormalities"), 200)
    exam_other = text(_("Other examination findings"), 200)
    # 辅助检查 — the eight tests of the elderly programme first (§5)
    haemoglobin = number(_("Haemoglobin (g/L)"), 4, 1)
    wbc = number(_("White blood cells (×10⁹/L)"), 5, 2)
    platelets = count(_("Platelets (×10⁹/L)"))
    blood_routine_other = text(_("Other blood count results"), 100)
    urine_protein = coded(_("Urine protein"), codes.URINE_DIPSTICK)
    urine_glucose = coded(_("Urine glucose"), codes.URINE_DIPSTICK)
    urine_ketone = coded(_("Urine ketones"), codes.URINE_DIPSTICK)
    urine_occult_blood = coded(_("Urine occult blood"), codes.URINE_DIPSTICK)
    urine_routine_other = text(_("Other urinalysis results"), 100)
    alt = number(_("ALT (U/L)"), 6, 1)
    ast = number(_("AST (U/L)"), 6, 1)
    albumin = number(_("Albumin (g/L)"), 4, 1)
    tbil = number(_("Total bilirubin (µmol/L)"), 5, 1)
    dbil = number(_("Direct bilirubin (µmol/L)"), 5, 1)
    creatinine = number(_("Serum creatinine (µmol/L)"), 6, 1)
    urea = number(_("Blood urea (mmol/L)"), 5, 2)
    potassium = number(_("Potassium (mmol/L)"), 4, 2)
    sodium = number(_("Sodium (mmol/L)"), 4, 1)
    fpg = number(_("Fasting plasma glucose (mmol/L)"), 4, 2)
    tc = number(_("Total cholesterol (mmol/L)"), 4, 2)
    tg = number(_("Triglycerides (mmol/L)"), 5, 2)
    ldl_c = number(_("LDL cholesterol (mmol/L)"), 4, 2)
    hdl_c = number(_("HDL cholesterol (mmol/L)"), 4, 2)
    ecg = coded(_("Electrocardiogram"), codes.NORMAL_ABNORMAL)
    ecg_note = text(_("ECG abnormality"), 200)
    abdominal_ultrasound = coded(_("Abdominal B-ultrasound"), codes.NORMAL_ABNORMAL)
    abdominal_ultrasound_note = text(_("Abdominal ultrasound abnormality"), 200)
    urine_microalbumin = number(_("Urine microalbumin (mg/dL)"), 6, 1)
    fecal_occult_blood = coded(_("Faecal occult blood"), codes.NEGATIVE_POSITIVE)
    hba1c = number(_("HbA1c (%)"), 3, 1)
    hbsag = coded(_("HBsAg"), codes.NEGATIVE_POSITIVE)
    chest_xray = coded(_("Chest X-ray"), codes.NORMAL_ABNORMAL)
    chest_xray_note = text(_("Chest X-ray abnormality"), 200)
    other_ultrasound = coded(_("Other B-ultrasound"), codes.NORMAL_ABNORMAL)
    other_ultrasound_note = text(_("Other ultrasound abnormality"), 200)
    cervical_smear = coded(_("Cervical smear"), codes.NORMAL_ABNORMAL)
    cervical_smear_note = text(_("Cervical smear abnormality"), 200)
    aux_other = text(_("Other tests"), 200)
    # 现存主要健康问题
    cerebrovascular = coded_list(_("Cerebrovascular disease"), codes.CEREBROVASCULAR)
    kidney_disease = coded_list(_("Kidney disease"), codes.KIDNEY)
    heart_disease = coded_list(_("Heart disease"), codes.HEART)
    vascular_disease = coded_list(_("Vascular disease"), codes.VASCULAR)
    eye_disease = coded_list(_("Eye disease"), codes.EYE)
    nervous_system_disease = coded(_("Nervous system disease"), codes.NOT_FOUND_PRESENT)
    other_system_disease = coded(_("Other system disease"), codes.NOT_FOUND_PRESENT)
    health_problems_note = text(_("Details of health problems"), 200)
    # 住院治疗情况, 主要用药情况, 非免疫规划预防接种史
    hospitalisations = row_list(_("Hospital admissions"), rows.HOSPITALISATIONS)
    home_sickbeds = row_list(_("Home sickbeds"), rows.HOME_SICKBEDS)
    medications = row_list(_("Main medications"), rows.MEDICATIONS)
    vaccinations = row_list(_("Non-programme vaccinations"), rows.VACCINATIONS)
    # 健康评价, 健康指导
    health_evaluation = coded(_("Health evaluation"), codes.HEALTH_EVALUATION)
    abnormalities = row_list(_("Abnormal findings"), rows.ABNORMALITIES)
    guidance = coded_list(_("Health guidance"), codes.GUIDANCE)
    risk_factor_control = coded_list(_("Risk factor control"), codes.RISK_FACTOR_CONTROL)
    weight_target_kg = number(_("Target weight (kg)"))
    vaccine_advised = text(_("Vaccine advised"))
    risk_factor_other = text(_("Other risk factor advice"), 100)

    is_complete_for_elderly = models.BooleanField(_("complete for the elderly programme"), default=False,
                                                  editable=False)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")

    objects = AnnualHealthCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("annual health check")
        verbose_name_plural = _("annual health checks")
        indexes = [
            models.Index(fields=["resident", "-check_date"], name="healthcheck_resident_date"),
            models.Index(fields=["check_date", "is_complete_for_elderly"], name="healthcheck_date_complete"),
        ]
        constraints = [models.UniqueConstraint(fields=["resident", "check_date"], name="healthcheck_one_per_day")]

    def __str__(self):
        return f"{self.resident_id} {self.check_date}"

    @property
    def audit_resident_id(self):
        return self.resident_id


# Input fields of the two forms, in the printed order (everything editable except the row owners).
def input_fields(model) -> list[models.Field]:
    skip = {"resident", "organisation", "opened_by", "opened_org", "updated_by", "created_by"}
    return [f for f in model._meta.concrete_fields
            if f.editable and not f.primary_key and f.name not in skip and not f.auto_created]


class Icd10Code(models.Model):
    """The diagnosis catalogue (ICD-10 as in 疾病分类与代码 国家临床版), loaded from `data/icd10*.csv` after each
    migrate (icd10.py), searchable by code, Chinese name and pinyin initials."""

    code = models.CharField(_("ICD-10 code"), max_length=16, primary_key=True)
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    initials = models.CharField(_("pinyin initials"), max_length=80, db_index=True)

    class Meta:
        verbose_name = _("ICD-10 code")
        verbose_name_plural = _("ICD-10 codes")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name_zh}"


class Diagnosis(models.Model):
    """A diagnosis made for a resident at an institution: in a clinic visit, or recorded on its own."""

    resident = models.ForeignKey(Resident, models.PROTECT, related_name="diagnoses", verbose_name=_("resident"))
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("institution"))
    code = models.ForeignKey(Icd10Code, models.PROTECT, related_name="+", verbose_name=_("diagnosis"))
    diagnosed_on = models.DateField(_("date of diagnosis"))
    diagnosed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                     verbose_name=_("doctor"))
    source = models.CharField(_("source"), max_length=80, blank=True,
                              help_text=_("The record the diagnosis belongs to, e.g. clinic.visit:12."))
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = ResidentScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("diagnosis")
        verbose_name_plural = _("diagnoses")
        indexes = [
            models.Index(fields=["resident", "-diagnosed_on"], name="diagnosis_resident"),
            models.Index(fields=["organisation", "diagnosed_on"], name="diagnosis_org_day"),
            models.Index(fields=["code", "diagnosed_on"], name="diagnosis_code_day"),
        ]

    def __str__(self):
        return f"{self.code_id} · {self.resident}"

    @property
    def audit_resident_id(self):
        return self.resident_id
