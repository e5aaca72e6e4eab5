"""Who stands behind each indicator, in SQL: the denominator members as a QuerySet and the numerator as a Q.

Each function here mirrors one predicate of `publichealth.rules` (public-health-rules.md §8, §8.1) and the
randomised test `test_indicators_semantics.py` checks them against those rules person by person. A *family*
is a set of members shared by several indicators (the hypertension patients managed in the period are the
denominator of both htn_standardised_mgmt and htn_control), so one grouped query answers them all.

Nothing here filters by organisation or user: callers add `catchment_org_id__in` for the subtree they show.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least

from countyhealth.familydoctor.queries import contracted_resident_ids
from countyhealth.familydoctor.rules import years_before
from countyhealth.records.models import AnnualHealthCheck, PersonalInfo
from countyhealth.residents.models import Resident
from countyhealth.residents.rules import age_on

from ..models import ChildVisit, Enrolment, FollowUpVisit
from ..rules import CURRENT_RULES, RULE_SETS, Period, Programme, RuleSet, VisitMode

ENDS_MANAGEMENT = [Enrolment.EndReason.DEAD, Enrolment.EndReason.MOVED_OUT]
NEWBORN_SLOT = "newborn_home"


@dataclass(frozen=True)
class Family:
    """Denominator members of one or more indicators. `unit` is the row counted: a resident, an enrolment or
    a pregnancy (`resident_path` leads from the row to its resident; `weight`, when set, is the column whose sum
    is the denominator instead of the number of rows: live births for the maternal indicators). Resident families are a condition (`where`) on the
    listed residents, so `compute.tally` counts all of them in one pass over the residents; enrolment families
    bring the per-row SQL values their numerators read (`aliases`) and a grouped form of the same counts
    (`chronic_tally_sql`). `population` families take their denominator from the configured resident
    population (§8.1)."""

    key: str
    unit: str
    where: Callable[[Period], Q] | None = None
    enrolments: Callable[[Period], QuerySet] | None = None
    aliases: Callable[[Period], dict] = field(default=lambda period: {})
    population: bool = False
    weight: str = ""
    programme: Programme | None = None
    rules: RuleSet = CURRENT_RULES

    @property
    def resident_path(self) -> str:
        return "" if self.unit == "resident" else "resident"

    def members(self, period: Period) -> QuerySet:
        if self.unit == "resident":
            return listed_residents().filter(self.where(period))
        return self.enrolments(period)

    def rows(self, period: Period) -> QuerySet:
        return self.members(period).alias(**self.aliases(period))


# --- dates as integers -----------------------------------------------------------------------------------


class DateKey(Func):
    """A date column as the integer YYYYMMDD, computed by the database itself (on SQLite, Django's Extract
    functions are Python callbacks, one call per row and part). Completed years between two dates are then
    `(later - earlier) // 10000`, the §0 convention (29 Feb births come of age on 1 Mar)."""

    output_field = IntegerField()
    # date_part is double precision: cheaper per row than EXTRACT's numeric or TO_CHAR's formatting.
    template = ("CAST(date_part('year', %(expressions)s) * 10000 + date_part('month', %(expressions)s) * 100 "
                "+ date_part('day', %(expressions)s) AS INTEGER)")

    def as_sqlite(self, compiler, connection, **extra):
        # SQLite keeps dates as ISO text.
        return super().as_sql(compiler, connection, template="CAST(REPLACE(%(expressions)s, '-', '') AS INTEGER)",
                              **extra)


def _yyyymmdd(column: str):
    return DateKey(column)


def _quarter_index_of(column: str):
    """year × 4 + quarter − 1 of a date column, from its DateKey (integer division on both databases)."""
    key = DateKey(column)
    return key / Value(10000) * Value(4) + (key / Value(100) % Value(100) - Value(1)) / Value(3)


def earliest_birth_under(age: int, on: date) -> date:
    """The earliest birth date whose age on `on` is below `age` (§0 Age, via `age_on`)."""
    guess = date(on.year - age, on.month, 28 if (on.month, on.day) == (2, 29) else on.day)
    while age_on(guess, on) < age:
        guess -= timedelta(days=1)
    while age_on(guess, on) >= age:
        guess += timedelta(days=1)
    return guess


# --- residents ------------------------------------------------------------------------------------------


def listed_residents() -> QuerySet:
    """Residents as people: merged duplicates lead to their master and are never counted twice."""
    return Resident.objects.filter(is_active=True)


def resident_population() -> QuerySet:
    """§8.1 常住居民: residents with the active status (the fallback where a village has no configured
    population)."""
    return listed_residents().filter(living_here())


def living_here() -> Q:
    return Q(status=Resident.Status.ACTIVE)


def has_record() -> Q:
    return Q(record_number__isnull=False) & ~Q(record_number="")


def records_in_use_base(period: Period) -> Q:
    """§8 record_use denominator: every health record except those of dead or moved-out residents."""
    return has_record() & ~Q(status__in=[Resident.Status.DEAD, Resident.Status.MOVED_OUT])


def dynamic_entry_sources() -> list[tuple]:
    """(model, date field) of every record that counts as a dynamic entry of the health record (§8
    record_use: a spec service record — chronic follow-up, child-health visit, health check)."""
    return [(FollowUpVisit, "visit_date"), (ChildVisit, "visit_date"), (AnnualHealthCheck, "check_date")]


def record_use_window(period: Period) -> tuple[date, date]:
    """(first, last) day of the 365 days ending on the period end, both inclusive (`rules.record_use`:
    `on - 365 < entry <= on`)."""
    return period.end - timedelta(days=CURRENT_RULES.record_use_days - 1), period.end


def has_complete_e_record() -> Q:
    """e_record_coverage numerator (project decision, records.rules.personal_info_missing): a health record
    whose 个人基本信息表 has an answer in every PHS3 §2.1 group."""
    return has_record() & Q(pk__in=PersonalInfo.objects.filter(is_complete=True).values("resident_id"))


def record_in_use(period: Period) -> Q:
    first, last = record_use_window(period)
    q = Q()
    for model, column in dynamic_entry_sources():
        entries = model.objects.filter(**{f"{column}__gte": first, f"{column}__lte": last}).values("resident_id")
        q |= Q(pk__in=entries)
    return q


def elderly_target(period: Period) -> Q:
    """§5.2 year rule: for the year Y of the period end, residents born in Y − 65 or earlier."""
    year = period.end.year
    return living_here() & Q(birth_date__lte=date(year - CURRENT_RULES.elderly_age, 12, 31))


def elderly_check_window(period: Period) -> tuple[date, date]:
    """Checks in the period that fall in the year of its end (`is_elderly_managed` counts a check of year Y)."""
    return max(period.start, date(period.end.year, 1, 1)), period.end


def elderly_managed(period: Period) -> Q:
    """§5.2 接受健康管理: a health record and a complete health check with guidance in the year (the records
    app's `is_complete_for_elderly` is the §5.2 completeness verdict, guidance included)."""
    first, last = elderly_check_window(period)
    checks = AnnualHealthCheck.objects.filter(check_date__gte=first, check_date__lte=last,
                                              is_complete_for_elderly=True)
    return has_record() & Q(pk__in=checks.values("resident_id"))


def children(period: Period) -> Q:
    """§8 child_mgmt denominator: children 0–6, i.e. born by the period end and under 7 on it."""
    return living_here() & Q(birth_date__lte=period.end, birth_date__gte=earliest_birth_under(7, period.end))


def child_visited(period: Period) -> Q:
    visits = ChildVisit.objects.filter(visit_date__gte=period.start, visit_date__lte=period.end)
    return Q(pk__in=visits.values("resident_id"))


def live_births(period: Period) -> Q:
    """§8 newborn_visit denominator: children born in the period, whatever became of them since."""
    return Q(birth_date__gte=period.start, birth_date__lte=period.end)


def newborn_visited(period: Period) -> Q:
    """A newborn home visit dated day 0–28 of life (`rules.counts_for_newborn_visit`, project decision)."""
    last_day = ExpressionWrapper(OuterRef("birth_date") + timedelta(days=CURRENT_RULES.newborn_visit_max_days),
                                 output_field=DateField())
    visits = ChildVisit.objects.filter(resident_id=OuterRef("pk"), slot=NEWBORN_SLOT,
                                       visit_date__gte=OuterRef("birth_date"), visit_date__lte=last_day)
    return Q(Exists(visits))


# --- family-doctor contracts -----------------------------------------------------------------------------


def contracted(period: Period, resident_column: str = "pk") -> Q:
    """A family-doctor contract in force on the period end (familydoctor.queries)."""
    return Q(**{f"{resident_column}__in": contracted_resident_ids(period.end)})


def elderly_on(period: Period) -> Q:
    """The FD2016 key group "65 and over" as the family-doctor app reads it (age on the period end, its
    `years_before`), so this indicator and the family-doctor coverage page agree."""
    return living_here() & Q(birth_date__lte=years_before(period.end, 65))


# --- chronic programmes (§8.1) ----------------------------------------------------------------------------


def managed_in_period(programme: Programme, period: Period) -> QuerySet:
    """§8.1 年内已管理: enrolled on any day of the period; ended in the period by death or moving out → out;
    lost (失访) stays. As in `rules.managed_in_period`, only an *ended* enrolment has an end: a lost one
    keeps the date it was lost on but is still managed."""
    ended = Q(status=Enrolment.Status.ENDED, ended_on__isnull=False)
    ended_before = ended & Q(ended_on__lt=period.start)
    ended_out = ended & Q(ended_on__gte=period.start, ended_on__lte=period.end, end_reason__in=ENDS_MANAGEMENT)
    return (Enrolment.objects.filter(programme=programme, enrolled_on__lte=period.end)
            .exclude(ended_before).exclude(ended_out))


def counting_followups(programme: Programme, period: Period) -> QuerySet:
    """Face-to-face follow-ups of the outer enrolment dated in the period and not before its enrolment
    (diabetes: with FPG); phone visits never count (`rules.indicators._counting`)."""
    qs = (FollowUpVisit.objects.filter(enrolment_id=OuterRef("pk"), visit_date__gte=period.start,
                                       visit_date__lte=period.end)
          .filter(visit_date__gte=OuterRef("enrolled_on")))
    qs = qs.filter(mode__in=[m.value for m in VisitMode if m.face_to_face])
    if programme == Programme.DIABETES:
        qs = qs.filter(fpg__isnull=False)
    return qs.order_by()


def _quarter_index(day: date) -> int:
    return day.year * 4 + (day.month - 1) // 3


def required_followups(period: Period, rules: RuleSet = CURRENT_RULES):
    """§8.1 R per enrolment: 4, or the calendar quarters from the enrolment quarter to the period end."""
    cap = rules.standardised_min_followups
    from_start = _quarter_index(period.end) - _quarter_index(period.start) + 1
    enrolled_quarter = _quarter_index_of("enrolled_on")
    return Case(
        When(enrolled_on__lte=period.start, then=Value(min(cap, from_start))),
        default=Least(Value(cap), Value(_quarter_index(period.end) + 1) - enrolled_quarter),
        output_field=IntegerField(),
    )


def quarters_owed(period: Period):
    """The quarters from the later of the period start and the enrolment to the period end (one-per-quarter
    rule sets need a visit in each)."""
    enrolled_quarter = _quarter_index_of("enrolled_on")
    return Case(
        When(enrolled_on__lte=period.start,
             then=Value(_quarter_index(period.end) - _quarter_index(period.start) + 1)),
        default=Value(_quarter_index(period.end) + 1) - enrolled_quarter,
        output_field=IntegerField(),
    )


def _rule_set_spans() -> list[tuple[RuleSet, date | None, date | None]]:
    """Each rule set with the visit dates it judges (`rules_on`: before the first one, the first one)."""
    ordered = sorted(RULE_SETS, key=lambda r: r.effective_from)
    spans = []
    for i, ruleset in enumerate(ordered):
        start = None if i == 0 else ruleset.effective_from
        end = ordered[i + 1].effective_from if i + 1 < len(ordered) else None
        spans.append((ruleset, start, end))
    return spans


def _in_span(start: date | None, end: date | None, prefix: str = "") -> Q:
    q = Q()
    if start is not None:
        q &= Q(**{f"{prefix}visit_date__gte": start})
    if end is not None:
        q &= Q(**{f"{prefix}visit_date__lt": end})
    return q


def controlled_visit(programme: Programme, prefix: str = "") -> Q:
    """§3.4 / §4.4 on a FollowUpVisit row (`prefix`: the path to it), with the rule set and the age on the visit
    date (the `age_key` alias, see `_yyyymmdd`): hypertension SBP below the age target **and** DBP < 90;
    diabetes FPG < 7.0. A missing value is not controlled."""
    q = Q(pk__in=[])
    for ruleset, start, end in _rule_set_spans():
        if programme == Programme.HYPERTENSION:
            older = Q(age_key__gte=ruleset.htn_older_age * 10000)
            ok = (Q(**{f"{prefix}sbp__isnull": False, f"{prefix}dbp__isnull": False,
                       f"{prefix}dbp__lt": ruleset.htn_target_dbp})
                  & ((older & Q(**{f"{prefix}sbp__lt": ruleset.htn_older_target_sbp}))
                     | (~older & Q(**{f"{prefix}sbp__lt": ruleset.htn_target_sbp}))))
        else:
            ok = Q(**{f"{prefix}fpg__isnull": False, f"{prefix}fpg__lt": ruleset.dm_control_fpg})
        q |= _in_span(start, end, prefix) & ok
    return q


def chronic_aliases(programme: Programme, rules: RuleSet = CURRENT_RULES):
    def aliases(period: Period) -> dict:
        counting = counting_followups(programme, period)
        visit_days = counting.values("enrolment_id").annotate(n=Count("visit_date", distinct=True)).values("n")
        judged = counting
        if programme == Programme.HYPERTENSION:  # the control target depends on the age on the visit date
            judged = counting.alias(age_key=_yyyymmdd("visit_date") - _yyyymmdd("resident__birth_date"))
        last = (judged.order_by("-visit_date", "-pk")
                .annotate(ok=Case(When(controlled_visit(programme), then=Value(True)), default=Value(False),
                                  output_field=BooleanField()))
                .values("ok")[:1])
        out = {
            "followup_days": Coalesce(Subquery(visit_days, output_field=IntegerField()), 0),
            "required": required_followups(period, rules),
            "last_controlled": Coalesce(Subquery(last, output_field=BooleanField()), Value(False)),
        }
        if rules.one_per_quarter:
            quarters = (counting.annotate(q=_quarter_index_of("visit_date"))
                        .values("enrolment_id").annotate(n=Count("q", distinct=True)).values("n"))
            out["followup_quarters"] = Coalesce(Subquery(quarters, output_field=IntegerField()), 0)
            out["quarters_owed"] = quarters_owed(period)
        return out

    return aliases


def standardised(rules: RuleSet = CURRENT_RULES) -> Q:
    """§8.1 规范管理 over the family's aliases."""
    q = Q(followup_days__gte=F("required"))
    if rules.one_per_quarter:
        q &= Q(followup_quarters__gte=F("quarters_owed"))
    return q


def controlled() -> Q:
    return Q(last_controlled=True)


def chronic_family(programme: Programme, rules: RuleSet = CURRENT_RULES) -> Family:
    return Family(key=programme.value, unit="enrolment", programme=programme, rules=rules,
                  enrolments=lambda period: managed_in_period(programme, period),
                  aliases=chronic_aliases(programme, rules))


def in_numerator(numerator: Q):
    return Case(When(numerator, then=Value(True)), default=Value(False), output_field=BooleanField())


# The last follow-up of an enrolment as one sortable number: date, then recording order, then the verdict in
# the lowest bit, so MAX() picks the §8.1 last follow-up (same date → the later recorded) and `% 2` reads it.
_ORDER_FACTOR = 10**10


def _managed_flag(period: Period) -> Q:
    """`managed_in_period` as a condition on rows already known to be enrolled by a later end and not ended
    before the period start."""
    ended_out = Q(status=Enrolment.Status.ENDED, ended_on__isnull=False, ended_on__gte=period.start,
                  ended_on__lte=period.end, end_reason__in=ENDS_MANAGEMENT)
    return Q(enrolled_on__lte=period.end) & ~ended_out


def chronic_tally_sql(family: Family, periods: list[Period], org_ids: list[int] | None) -> tuple[str, list]:
    """The chronic family's counts per catchment organisation, for one or more periods sharing their start
    (the monthly trend asks for every month end at once), as one statement: the ORM groups the counting
    follow-ups (joined on the `followup_enrolment_date` index) by enrolment — per period: managed or not,
    distinct visit days, the last visit's verdict — and an outer GROUP BY adds them up by organisation.
    Columns: catchment_org_id, then per period members, standardised, controlled, contracted."""
    programme, rules = family.programme, family.rules
    start, last_end = periods[0].start, max(p.end for p in periods)
    assert all(p.start == start for p in periods)
    condition = Q(followups__visit_date__gte=start, followups__visit_date__lte=last_end,
                  followups__mode__in=[m.value for m in VisitMode if m.face_to_face])
    if programme == Programme.DIABETES:
        condition &= Q(followups__fpg__isnull=False)
    ended_before = Q(status=Enrolment.Status.ENDED, ended_on__isnull=False, ended_on__lt=start)
    enrolments = (Enrolment.objects.filter(programme=programme, enrolled_on__lte=last_end).exclude(ended_before)
                  .alias(fv=FilteredRelation("followups", condition=condition)))
    if org_ids is not None:
        enrolments = enrolments.filter(catchment_org_id__in=org_ids)
    if programme == Programme.HYPERTENSION:
        enrolments = enrolments.alias(age_key=_yyyymmdd("fv__visit_date") - _yyyymmdd("resident__birth_date"))
    counted = Q(fv__visit_date__gte=F("enrolled_on"))
    verdict = Case(When(controlled_visit(programme, "fv__"), then=Value(1)), default=Value(0),
                   output_field=IntegerField())
    last_key = (_yyyymmdd("fv__visit_date") * Value(_ORDER_FACTOR) + F("fv__id") * Value(2) + verdict)
    columns, outer = {}, []
    for i, period in enumerate(periods):
        in_period = counted & Q(fv__visit_date__lte=period.end)
        columns[f"m{i}"] = Case(When(_managed_flag(period), then=Value(1)), default=Value(0),
                                output_field=IntegerField())
        columns[f"r{i}"] = required_followups(period, rules)
        columns[f"c{i}"] = Case(When(contracted(period, "resident_id"), then=Value(1)), default=Value(0),
                                output_field=IntegerField())
        columns[f"d{i}"] = Count("fv__visit_date", distinct=True, filter=in_period)
        columns[f"k{i}"] = Max(last_key, filter=in_period, output_field=BigIntegerField())
        standardised = f"t.d{i} >= t.r{i}"
        if rules.one_per_quarter:
            columns[f"q{i}"] = Count(_quarter_index_of("fv__visit_date"), distinct=True, filter=in_period)
            columns[f"o{i}"] = quarters_owed(period)
            standardised += f" AND t.q{i} >= t.o{i}"
        outer += [f"SUM(t.m{i})",
                  f"SUM(CASE WHEN t.m{i} = 1 AND {standardised} THEN 1 ELSE 0 END)",
                  f"SUM(CASE WHEN t.m{i} = 1 AND t.k{i} %% 2 = 1 THEN 1 ELSE 0 END)",  # %% : the driver's escape
                  f"SUM(CASE WHEN t.m{i} = 1 THEN t.c{i} ELSE 0 END)"]
    inner = enrolments.order_by().values("id", "catchment_org_id").annotate(**columns)
    inner_sql, params = inner.query.sql_with_params()
    names = ["id", "catchment_org_id", *columns]
    sql = (f"WITH t({', '.join(names)}) AS ({inner_sql}) "
           f"SELECT t.catchment_org_id, {', '.join(outer)} FROM t GROUP BY t.catchment_org_id")
    return sql, list(params)
