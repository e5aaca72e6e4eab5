"""The 考核指标 as data (public-health-rules.md §8): code, name, the formula shown to users, its source, and
the SQL that counts it (`members`; the maternal ones in `maternal`, whose unit is a delivery and whose
denominator is live births).

Every indicator belongs to a `Family` whose members are its denominator; indicators of one family are counted
by one grouped query (`compute.tally`)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ..rules import Period, Programme
from . import maternal
from . import members as m

PHS3 = _("National Basic Public Health Service Specification, 3rd edition (PHS3)")
PROJECT = _("Project-defined (no national formula)")

GROUP_RECORDS = _("Health records")
GROUP_CHRONIC = _("Chronic disease management")
GROUP_KEY_POPULATIONS = _("Elderly and children")
GROUP_MATERNAL = _("Maternal care")
GROUP_CONTRACTS = _("Family-doctor contracts")

POPULATION = m.Family("population", "resident", lambda period: m.living_here(), population=True)
RECORDS = m.Family("records", "resident", m.records_in_use_base)
HYPERTENSION = m.chronic_family(Programme.HYPERTENSION)
DIABETES = m.chronic_family(Programme.DIABETES)
ELDERLY = m.Family("elderly", "resident", m.elderly_target)
CHILDREN = m.Family("children", "resident", m.children)
BIRTHS = m.Family("births", "resident", m.live_births)
ELDERLY_ON_DATE = m.Family("elderly_on_date", "resident", m.elderly_on)
DELIVERIES = maternal.DELIVERIES

RESIDENT_POPULATION = _("Resident population (常住人口): the configured population of each village, or where none "
                        "is configured the residents with active status")
MANAGED = _("%(disease)s patients managed in the period: enrolled on any day of it; patients who died or moved "
            "out during the period are left out, patients lost to follow-up stay in")
LIVE_BIRTHS = _("Live births of the deliveries recorded in the period (twins count 2). The national formula's "
                "live births are read from the delivery records of maternal care, so births to women never "
                "registered for maternal care are not counted (project decision, public-health-rules.md §8)")
STANDARDISED = _("Patients with at least R face-to-face follow-ups (clinic or home) on different days in the "
                 "period%(fpg)s; R = 4, or for patients enrolled during the period the calendar quarters from "
                 "the enrolment quarter to the period end; phone follow-ups and the health check do not count")


@dataclass(frozen=True)
class Indicator:
    code: str
    name: Promise
    numerator_text: Promise | str
    denominator_text: Promise | str
    source: Promise
    group: Promise
    family: m.Family
    numerator: Callable[[Period], Q]
    outcome: str = ""  # chronic families: which column of `members.chronic_tally_sql` is the numerator

    @property
    def formula(self) -> str:
        return _("%(numerator)s ÷ %(denominator)s × 100%%") % {
            "numerator": self.numerator_text, "denominator": self.denominator_text}


class _Text:
    """A message with %-parameters filled when it is read, so it follows the active language."""

    def __init__(self, message, **params):
        self.message, self.params = message, params

    def __str__(self):
        return str(self.message) % {k: str(v) for k, v in self.params.items()}


INDICATORS: tuple[Indicator, ...] = (
    Indicator("record_coverage", _("Health record coverage"), _("Residents with a health record"),
              RESIDENT_POPULATION, PHS3, GROUP_RECORDS, POPULATION, lambda period: m.has_record()),
    Indicator("e_record_coverage", _("Electronic health record coverage"),
              _("Residents with an electronic health record whose personal basic information form is complete "
                "(every group of the form answered; project decision)"),
              RESIDENT_POPULATION, PHS3, GROUP_RECORDS, POPULATION, lambda period: m.has_complete_e_record()),
    Indicator("record_use", _("Health record use rate"),
              _("Records with a dynamic entry (chronic follow-up, child-health visit or health check) in the 365 "
                "days up to the period end"),
              _("Health records, except those of residents who died or moved out"), PHS3, GROUP_RECORDS, RECORDS,
              m.record_in_use),
    Indicator("htn_standardised_mgmt", _("Hypertension standardised management rate"),
              _Text(STANDARDISED, fpg=""), _Text(MANAGED, disease=_("Hypertension")), PHS3, GROUP_CHRONIC,
              HYPERTENSION, lambda period: m.standardised(), "standardised"),
    Indicator("htn_control", _("Blood pressure control rate of managed patients"),
              _("Patients whose last face-to-face follow-up in the period is controlled: SBP below 140 mmHg "
                "(150 at 65 or over on that day) and DBP below 90 mmHg; no follow-up counts as not controlled"),
              _Text(MANAGED, disease=_("Hypertension")), PHS3, GROUP_CHRONIC, HYPERTENSION,
              lambda period: m.controlled(), "controlled"),
    Indicator("dm_standardised_mgmt", _("Type 2 diabetes standardised management rate"),
              _Text(STANDARDISED, fpg=_(" with fasting glucose")), _Text(MANAGED, disease=_("Type 2 diabetes")),
              PHS3, GROUP_CHRONIC, DIABETES, lambda period: m.standardised(), "standardised"),
    Indicator("dm_control", _("Blood glucose control rate of managed patients"),
              _("Patients whose last face-to-face follow-up in the period has a fasting glucose below 7.0 mmol/L; "
                "no follow-up counts as not controlled"),
              _Text(MANAGED, disease=_("Type 2 diabetes")), PHS3, GROUP_CHRONIC, DIABETES,
              lambda period: m.controlled(), "controlled"),
    Indicator("elderly_mgmt", _("Elderly health management rate"),
              _("Residents 65 or over with a health record and a complete health check with health guidance in "
                "the period (in the year of the period end)"),
              _("Residents aged 65 or over on 31 December of the year of the period end"), PHS3,
              GROUP_KEY_POPULATIONS, ELDERLY, m.elderly_managed),
    Indicator("child_mgmt", _("Child (0–6) health management rate"),
              _("Children with at least one child-health visit in the period"),
              _("Children 0–6 years (under 7 at the period end)"), PHS3, GROUP_KEY_POPULATIONS, CHILDREN,
              m.child_visited),
    Indicator("newborn_visit", _("Newborn home visit rate"),
              _("Newborns with a newborn home visit within 28 days of birth (project decision)"),
              _("Live births in the period"), PHS3, GROUP_KEY_POPULATIONS, BIRTHS, m.newborn_visited),
    Indicator("early_registration", _("Early pregnancy registration rate"),
              _("Women who delivered in the period and were registered and first examined before 13 weeks of "
                "pregnancy (12 weeks 6 days at the latest)"),
              LIVE_BIRTHS, PHS3, GROUP_MATERNAL, DELIVERIES, maternal.registered_early()),
    Indicator("postpartum_visit", _("Postpartum visit rate"),
              _("Women who delivered in the period with a postpartum visit within 28 days of discharge (of the "
                "delivery when at home)"),
              LIVE_BIRTHS, PHS3, GROUP_MATERNAL, DELIVERIES, maternal.visited_after_delivery()),
    Indicator("contract_coverage", _("Family-doctor contract coverage"),
              _("Residents with a family-doctor contract in force at the period end"), RESIDENT_POPULATION,
              PROJECT, GROUP_CONTRACTS, POPULATION, m.contracted),
    Indicator("contract_coverage_key_elderly", _("Contract coverage: elderly (65 and over)"),
              _("Residents 65 or over with a family-doctor contract in force at the period end"),
              _("Residents aged 65 or over at the period end"), PROJECT, GROUP_CONTRACTS, ELDERLY_ON_DATE,
              m.contracted),
    Indicator("contract_coverage_key_child", _("Contract coverage: children 0–6"),
              _("Children 0–6 with a family-doctor contract in force at the period end"),
              _("Children 0–6 years (under 7 at the period end)"), PROJECT, GROUP_CONTRACTS, CHILDREN,
              m.contracted),
    Indicator("contract_coverage_key_htn", _("Contract coverage: hypertension patients"),
              _("Managed hypertension patients with a family-doctor contract in force at the period end"),
              _Text(MANAGED, disease=_("Hypertension")), PROJECT, GROUP_CONTRACTS, HYPERTENSION,
              lambda period: m.contracted(period, "resident_id"), "contracted"),
    Indicator("contract_coverage_key_dm", _("Contract coverage: type 2 diabetes patients"),
              _("Managed type 2 diabetes patients with a family-doctor contract in force at the period end"),
              _Text(MANAGED, disease=_("Type 2 diabetes")), PROJECT, GROUP_CONTRACTS, DIABETES,
              lambda period: m.contracted(period, "resident_id"), "contracted"),
)
BY_CODE = {i.code: i for i in INDICATORS}
