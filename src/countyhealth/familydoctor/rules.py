"""Family-doctor contract rules as small pure functions, each citing its source.

FD2016 = 《关于推进家庭医生签约服务的指导意见》(国医改办发〔2016〕1号); FD2022 = 《关于推进家庭医生签约服务高质量
发展的指导意见》(国卫基层发〔2022〕10号); PHS3 = 《国家基本公共卫生服务规范（第三版）》. Choices the texts leave
open are marked **Project decision**. Failures raise `ActionError` with the input field they concern."""

import base64
import binascii
import calendar
import struct
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from countyhealth.accounts.roles import Role
from countyhealth.core.errors import ActionError
from countyhealth.residents.rules import age_on

# Who signs contracts: the roles that register residents. Who manages teams: township staff and above
# (FD2016 §3: teams are organised by the primary-care institution).
SIGNS_CONTRACTS = frozenset({Role.VILLAGE_DOCTOR, Role.TOWNSHIP_DOCTOR, Role.PUBLIC_HEALTH_OFFICER,
                             Role.CONSORTIUM_ADMIN})
MANAGES_TEAMS = frozenset({Role.TOWNSHIP_DOCTOR, Role.PUBLIC_HEALTH_OFFICER, Role.CONSORTIUM_ADMIN})
# User roles that may be team members: clinical and public-health staff of the consortium.
MEMBER_USER_ROLES = frozenset({Role.VILLAGE_DOCTOR, Role.TOWNSHIP_DOCTOR, Role.COUNTY_DOCTOR,
                               Role.PUBLIC_HEALTH_OFFICER})
# Team roles that may be a resident's responsible doctor: FD2016 §3 names 全科医生 and 乡村医生 as family
# doctors; a county specialist supports the team but is not the first responsible person.
RESPONSIBLE_TEAM_ROLES = frozenset({"gp", "village_doctor"})

# FD2016 §4 / FD2022 §3: 签约周期原则上为1年. FD2022 allows other periods where agreed; **Project decision:**
# at most 3 years.
MAX_PERIOD_YEARS = 3
# **Project decision:** paper contracts may be entered up to a year late; a start date more than 90 days ahead
# is refused (nobody signs for next year), and a renewal opens 90 days before the end of the contract.
MAX_BACKDATE_DAYS = 365
MAX_AHEAD_DAYS = 90
RENEWAL_WINDOW_DAYS = 90
# The national programme began with FD2016; an earlier start date is a typing error.
EARLIEST_START = date(2016, 1, 1)

# PHS3 target groups: 老年人 = 65 and over (老年人健康管理服务规范), 0–6岁儿童 = under 7 (§0 "出生至不满7周岁").
ELDERLY_AGE = 65
CHILD_AGE_LIMIT = 7

# **Project decision:** a 600×200 canvas of handwriting is 5–30 KB of PNG; 200,000 characters of data URL
# (about 150 KB of PNG) leaves room for a phone's larger canvas and refuses photographs.
SIGNATURE_MAX_CHARS = 200_000
SIGNATURE_PREFIX = "data:image/png;base64,"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SIGNATURE_MAX_SIDE = 4000
SIGNATURE_MIN_BYTES = 67  # the smallest valid PNG; anything shorter is not an image


def add_years(day: date, years: int) -> date:
    """Same month and day `years` later (or earlier); 29 Feb becomes 28 Feb in a common year."""
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def years_before(day: date, years: int) -> date:
    """The latest birth date with age ≥ `years` on `day` (周岁, §0 Age: someone born on 28 Feb is a year older on
    29 Feb; someone born on 29 Feb only on 1 Mar of a common year)."""
    return add_years(day, -years)


def default_end_date(start: date) -> date:
    """FD2016 签约周期一年: the day before the first anniversary (1 Jan → 31 Dec; 29 Feb → 28 Feb next year,
    the anniversary of 29 Feb falling on 1 Mar as a birthday does, §0)."""
    year = start.year + 1
    if start.month == 2 and start.day == 29 and not calendar.isleap(year):
        anniversary = date(year, 3, 1)
    else:
        anniversary = start.replace(year=year)
    return anniversary - timedelta(days=1)


def check_period(start: date, end: date, *, birth_date: date, today: date, renewal: bool = False) -> None:
    """Contract dates that are not absurd. A renewal's start is computed, so only the end is checked for it."""
    if start < birth_date:
        raise ActionError(_("The contract cannot start before the resident was born."), code="start_before_birth",
                          field="start_date")
    if not renewal:
        if start < max(EARLIEST_START, today - timedelta(days=MAX_BACKDATE_DAYS)):
            raise ActionError(_("The start date is more than a year ago. Enter the date the contract was signed."),
                              code="start_too_early", field="start_date")
        if start > today + timedelta(days=MAX_AHEAD_DAYS):
            raise ActionError(_("The start date cannot be more than 90 days ahead."), code="start_too_late",
                              field="start_date")
    if end <= start:
        raise ActionError(_("The end date must be after the start date."), code="end_before_start",
                          field="end_date")
    if end > add_years(start, MAX_PERIOD_YEARS):
        raise ActionError(_("A contract cannot run for more than 3 years."), code="period_too_long",
                          field="end_date")


def check_package_fits(target_group: str, package_name: str, *, birth_date: date, sex: str, on: date) -> None:
    """The package's target group must fit the resident on the start date where the group is defined by age or
    sex (PHS3): 老年人 ≥ 65, 0–6岁儿童 < 7, 孕产妇 women. Disease and disability groups rest on the doctor's
    knowledge of the record and are not checked here."""
    age = age_on(birth_date, on)
    if target_group == "elderly" and age < ELDERLY_AGE:
        raise ActionError(
            _("%(package)s is for residents aged 65 and over; this resident is %(age)s on the start date.")
            % {"package": package_name, "age": age},
            code="package_age", field="package_ids",
        )
    if target_group == "child" and age >= CHILD_AGE_LIMIT:
        raise ActionError(
            _("%(package)s is for children under 7; this resident is %(age)s on the start date.")
            % {"package": package_name, "age": age},
            code="package_age", field="package_ids",
        )
    if target_group == "maternal" and sex != "2":
        raise ActionError(_("%(package)s is for pregnant and postpartum women.") % {"package": package_name},
                          code="package_sex", field="package_ids")


def check_signature(data_url: str) -> None:
    """A signature is a PNG data URL of sensible size: the canvas of the signing page or the phone app."""
    if not data_url:
        raise ActionError(_("The signature is missing: ask the resident or guardian to sign."),
                          code="signature_missing", field="signature")
    if len(data_url) > SIGNATURE_MAX_CHARS:
        raise ActionError(_("The signature image is too large."), code="signature_too_large", field="signature")
    if not data_url.startswith(SIGNATURE_PREFIX):
        raise ActionError(_("The signature must be a PNG image."), code="signature_invalid", field="signature")
    try:
        raw = base64.b64decode(data_url[len(SIGNATURE_PREFIX):], validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) < SIGNATURE_MIN_BYTES or not raw.startswith(PNG_MAGIC) or raw[12:16] != b"IHDR":
        raise ActionError(_("The signature must be a PNG image."), code="signature_invalid", field="signature")
    width, height = struct.unpack(">II", raw[16:24])
    if not (0 < width <= SIGNATURE_MAX_SIDE and 0 < height <= SIGNATURE_MAX_SIDE):
        raise ActionError(_("The signature image has impossible dimensions."), code="signature_invalid",
                          field="signature")


def renewal_start(end_date: date, *, today: date) -> date:
    """A renewal starts the day after the contract ends, or today if it has already ended."""
    return max(end_date + timedelta(days=1), today)


def check_renewal_open(end_date: date, *, today: date) -> None:
    if (end_date - today).days > RENEWAL_WINDOW_DAYS:
        raise ActionError(
            _("A contract can be renewed from 90 days before it ends (this one ends on %(end)s).")
            % {"end": end_date.isoformat()},
            code="renewal_too_early",
        )


def check_termination_date(terminated_on: date, *, start: date, end: date, today: date) -> None:
    """The termination date is the contract's last day of service. The day before the start voids a contract
    that should never have been in force; a date after the end or in the future is refused."""
    if terminated_on < start - timedelta(days=1):
        raise ActionError(_("The last day of service cannot be before the contract started."),
                          code="termination_before_start", field="terminated_on")
    if terminated_on > end:
        raise ActionError(_("The last day of service cannot be after the contract's end date."),
                          code="termination_after_end", field="terminated_on")
    if terminated_on > max(today, start - timedelta(days=1)):
        raise ActionError(_("The last day of service cannot be in the future."), code="termination_in_future",
                          field="terminated_on")


def default_termination_date(start: date, end: date, *, today: date) -> date:
    """What the terminate form proposes: today, or the day before the start for a contract not yet in force
    (which voids it)."""
    if start > today:
        return start - timedelta(days=1)
    return min(today, end)
