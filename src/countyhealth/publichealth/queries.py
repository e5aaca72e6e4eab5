"""Scoped reads of the programmes: due lists (任务) and a resident's programme history."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, ExtractQuarter
from django.utils.translation import gettext_lazy as _

from .models import Enrolment, FollowUpVisit
from .rules import Programme, VisitMode

CHRONIC = [Programme.HYPERTENSION.value, Programme.DIABETES.value]


@dataclass(frozen=True)
class Bucket:
    code: str
    label: str


BUCKETS = (
    Bucket("overdue", _("Overdue")),
    Bucket("week", _("Due this week")),
    Bucket("behind", _("Behind this year's visits")),
    Bucket("upcoming", _("Next 30 days")),
)
SORTS = {
    "due": ("next_due", "id"),
    "-due": ("-next_due", "-id"),
    "name": ("resident__name_pinyin", "id"),
    "village": ("resident__village__division_code", "next_due", "id"),
    "programme": ("programme", "next_due", "id"),
}


def week_end(on: date) -> date:
    return on + timedelta(days=6 - on.weekday())


def quarters_elapsed(start: date, on: date) -> int:
    """Calendar quarters from the one holding `start` to the one holding `on` (§8.1 R rule, year to date)."""
    return (on.year - start.year) * 4 + (on.month - 1) // 3 - (start.month - 1) // 3 + 1


def due_list(user, *, bucket: str, on: date, programme: str | None = None, sort: str = "due"):
    qs = (Enrolment.objects.responsible_to(user).filter(status=Enrolment.Status.ACTIVE)
          .select_related("resident", "resident__village"))
    if programme:
        qs = qs.filter(programme=programme)
    if bucket == "overdue":
        qs = qs.filter(next_due__lt=on)
    elif bucket == "week":
        qs = qs.filter(next_due__gte=on, next_due__lte=week_end(on))
    elif bucket == "upcoming":
        qs = qs.filter(next_due__gte=on, next_due__lte=on + timedelta(days=30))
    elif bucket == "behind":
        qs = behind_this_year(qs, on)
    return qs.order_by(*SORTS.get(sort, SORTS["due"]))


def behind_this_year(qs, on: date):
    """Chronic patients with fewer face-to-face follow-ups this year than calendar quarters elapsed since
    the later of 1 January and their enrolment (the §8.1 standardised-management rule, year to date)."""
    year_start = date(on.year, 1, 1)
    visits = (FollowUpVisit.objects.filter(enrolment=OuterRef("pk"), visit_date__gte=year_start,
                                           visit_date__lte=on, mode__in=[VisitMode.CLINIC, VisitMode.HOME])
              .order_by().values("enrolment").annotate(n=Count("visit_date", distinct=True)).values("n"))
    current_quarter = (on.month - 1) // 3 + 1
    rows = qs.filter(programme__in=CHRONIC).annotate(
        visits_this_year=Coalesce(Subquery(visits, output_field=IntegerField()), 0))
    # Enrolled before this year: every quarter so far is owed; enrolled this year: from its quarter on.
    before = Q(enrolled_on__lt=year_start, visits_this_year__lt=current_quarter)
    this_year = Q(enrolled_on__gte=year_start) & Q(visits_this_year__lt=current_quarter + 1 - F("enrolled_quarter"))
    return rows.annotate(enrolled_quarter=ExtractQuarter("enrolled_on")).filter(before | this_year)


def bucket_counts(user, on: date, programme: str | None = None) -> dict[str, int]:
    return {b.code: due_list(user, bucket=b.code, on=on, programme=programme).count() for b in BUCKETS}


def enrolment_suggestions(user, *, on: date) -> dict:
    """Residents ≥ 35 not yet in the programme with a reading at the screening threshold in the last year
    (PHS3 §3.1 / §4.1; project decision: the system flags, a doctor confirms and enrols): a health check or a
    follow-up of the other chronic programme with BP ≥ 140/90 → hypertension; a health check with
    FPG ≥ 7.0 → diabetes. Each resident row carries the latest such reading (`reading_*`)."""
    from django.db.models import Exists

    from countyhealth.records.models import AnnualHealthCheck
    from countyhealth.residents.models import Resident

    from .rules import CURRENT_RULES as R

    since = on - timedelta(days=365)
    adults = (Resident.objects.visible_to(user).listed().filter(status=Resident.Status.ACTIVE)
              .filter(birth_date__lte=latest_birth_date_for_age(on, R.enrolment_min_age)).select_related("village"))

    def not_in(programme):
        return ~Exists(Enrolment.objects.current().filter(resident=OuterRef("pk"), programme=programme))

    def latest(rows, date_field):
        rows = rows.order_by(f"-{date_field}")
        return {"reading_date": Subquery(rows.values(date_field)[:1]), "reading_sbp": Subquery(rows.values("sbp")[:1]),
                "reading_dbp": Subquery(rows.values("dbp")[:1]), "reading_fpg": Subquery(rows.values("fpg")[:1])}

    high_bp = Q(sbp__gte=R.htn_flag_sbp) | Q(dbp__gte=R.htn_flag_dbp)
    checks = AnnualHealthCheck.objects.filter(resident=OuterRef("pk"), check_date__gte=since, check_date__lte=on)
    dm_visits = FollowUpVisit.objects.filter(resident=OuterRef("pk"), visit_date__gte=since, visit_date__lte=on,
                                             programme=Programme.DIABETES)
    hypertension = (adults.filter(not_in(Programme.HYPERTENSION))
                    .filter(Exists(checks.filter(high_bp)) | Exists(dm_visits.filter(high_bp)))
                    .annotate(**latest(checks.filter(high_bp), "check_date")))
    diabetes = (adults.filter(not_in(Programme.DIABETES)).filter(Exists(checks.filter(fpg__gte=R.dm_flag_fpg)))
                .annotate(**latest(checks.filter(fpg__gte=R.dm_flag_fpg), "check_date")))
    return {Programme.HYPERTENSION: hypertension.order_by("-reading_date", "id"),
            Programme.DIABETES: diabetes.order_by("-reading_date", "id")}


def latest_birth_date_for_age(on: date, age: int) -> date:
    """The latest birth date of someone `age` completed years old on `on` (§0 Age)."""
    try:
        return on.replace(year=on.year - age)
    except ValueError:  # `on` is 29 Feb and that year is not a leap year
        return date(on.year - age, 2, 28)


def managed_members(programme: str, resident_qs, at: date):
    """Residents of `resident_qs` under management in the programme on `at` (enrolled, not ended by then):
    the hypertension and diabetes key groups of the family-doctor coverage (FD2016)."""
    enrolled = Enrolment.objects.filter(programme=programme, enrolled_on__lte=at).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=at) | Q(status=Enrolment.Status.LOST))
    return resident_qs.filter(pk__in=enrolled.values("resident_id"))
