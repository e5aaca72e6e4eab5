"""The maternal indicators (早孕建册率, 产后访视率; public-health-rules.md §8) in SQL.

They do not fit the resident families' one-row-per-resident counting: the unit is a *delivery* — one
`Pregnancy` row delivered in the period — and the denominator is not a count of rows but the live births of
those deliveries (twins count 2). §8 writes both rates as "women delivering in the period … ÷ live births in the
period" and adds "Maternal rates divide women by live births (twins count 2), as written", so that is what is
counted. **Documented limit:** the live births are read from the delivery records of the maternal programme
(`Pregnancy.live_births`), so a birth to a woman never registered for maternal care is in neither numerator
nor denominator; the newborn visit rate (`newborn_visit`) counts births from the children's own records.

Catchment: the organisation on the pregnancy's enrolment (the woman's village clinic at registration), as for
the chronic programmes. Each predicate mirrors `rules.maternal.counts_for_early_registration` /
`counts_for_postpartum_visit`; `test_indicators_semantics.py` compares the two pregnancy by pregnancy."""

from datetime import timedelta

from django.db.models import (
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce

from ..models import MaternalVisit, Pregnancy
from ..rules import CURRENT_RULES, Period, RuleSet
from ..rules.maternal import TERM_DAYS
from .members import Family

LIVE_BIRTHS = "live_births"


def delivered_in(period: Period) -> QuerySet:
    """Deliveries recorded with a date in the period (index `pregnancy_delivery`), with their catchment."""
    return (Pregnancy.objects.filter(delivery_date__gte=period.start, delivery_date__lte=period.end)
            .alias(catchment_org_id=F("enrolment__catchment_org_id")))


def _date_plus(column, days: int):
    return ExpressionWrapper(column + timedelta(days=days), output_field=DateField())


def registered_early(rules: RuleSet = CURRENT_RULES):
    """早孕建册 (§7 antenatal_1 "before 13 w", §8 early_registration): registered **and** first-examined at
    GA ≤ the rule set's cut-off (12w6d = 90 d). GA = 280 d − (EDD − date) (§7; the EDD is LMP + 280 d unless
    corrected by ultrasound), so GA ≤ cut-off ⇔ date ≤ EDD − (280 − cut-off) d. An antenatal visit that early
    exists exactly when the first one is that early."""

    def numerator(period: Period) -> Q:
        last_day = TERM_DAYS - rules.antenatal_1_max_ga_days
        exams = MaternalVisit.objects.filter(pregnancy_id=OuterRef("pk"), code__startswith="antenatal",
                                             visit_date__lte=_date_plus(OuterRef("edd"), -last_day))
        return Q(registered_on__lte=_date_plus(F("edd"), -last_day)) & Q(Exists(exams))

    return numerator


def visited_after_delivery(rules: RuleSet = CURRENT_RULES):
    """产后访视 (§8 postpartum_visit): a postpartum visit on day 0 … 28 after discharge (home delivery: after
    delivery), both ends inclusive (§0 Days)."""

    def numerator(period: Period) -> Q:
        start = Coalesce(OuterRef("discharge_date"), OuterRef("delivery_date"))
        visits = MaternalVisit.objects.filter(pregnancy_id=OuterRef("pk"), code__startswith="postpartum",
                                              visit_date__gte=start,
                                              visit_date__lte=_date_plus(start, rules.postpartum_visit_max_days))
        return Q(Exists(visits))

    return numerator


DELIVERIES = Family("deliveries", "pregnancy", enrolments=delivered_in, weight=LIVE_BIRTHS)


def counts(indicators, periods: list[Period], org_ids) -> list[dict[int, dict[str, tuple[int, int]]]]:
    """Per period, per catchment organisation, per indicator: (women counted, live births), all periods in one
    grouped statement over the deliveries of their union (the monthly trend asks for every month end)."""
    first, last = min(p.start for p in periods), max(p.end for p in periods)
    rows = delivered_in(Period(first, last))
    if org_ids is not None:
        rows = rows.filter(catchment_org_id__in=list(org_ids))
    columns = {}
    for i, period in enumerate(periods):
        within = Q(delivery_date__gte=period.start, delivery_date__lte=period.end)
        columns[f"d{i}"] = Coalesce(Sum(LIVE_BIRTHS, filter=within), 0)
        for indicator in indicators:
            columns[f"n{i}_{indicator.code}"] = Count("pk", filter=within & indicator.numerator(period))
    found = list(rows.order_by().values(org=F("enrolment__catchment_org_id")).annotate(**columns))
    out = []
    for i in range(len(periods)):
        out.append({row["org"]: {ind.code: (row[f"n{i}_{ind.code}"], row[f"d{i}"]) for ind in indicators}
                    for row in found})
    return out
