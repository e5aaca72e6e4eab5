"""Counting indicators: one grouped SQL query per family, by catchment organisation, rolled up the tree in Python.

Nothing is stored: every figure is counted from the records when asked (public-health-rules.md §8). A family's
query returns one row per catchment organisation (usually a village clinic) with the denominator and every
numerator of the family; `OrgTree.roll_up` adds those rows into each ancestor by the materialised `path`, so a
county, its townships and their clinics cost the same queries as one clinic."""

from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Sum

from countyhealth.orgs.models import Organisation, Village

from ..rules import Period, rate
from ..rules.dates import add_months
from . import maternal
from . import members as m
from .definitions import Indicator


@dataclass(frozen=True)
class Tally:
    numerator: int = 0
    denominator: int = 0

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(self.numerator + other.numerator, self.denominator + other.denominator)

    @property
    def rate(self) -> Decimal | None:
        return rate(self.numerator, self.denominator)


ByOrg = dict[int, dict[str, Tally]]  # organisation id → indicator code → tally

# PostgreSQL hashes an `IN (subquery)` inside an aggregate's FILTER only when the subquery's rows fit in
# work_mem; with the default 4 MB a county's contracts or a year's follow-ups do not, and every resident row
# then scans the subquery's whole result (measured: minutes at 1,000,000 residents). The indicator queries get
# the memory for their own transaction only.
ANALYTIC_WORK_MEM = "256MB"


@contextmanager
def analytic_queries():
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL work_mem = '{ANALYTIC_WORK_MEM}'")
        yield


def population_by_org(org_ids: Iterable[int] | None = None) -> dict[int, int]:
    """§8.1 resident population per catchment organisation: the configured `Village.population` where set,
    else the residents with active status of the villages without one. Two queries."""
    villages = Village.objects.filter(population__isnull=False)
    counted = m.resident_population().filter(village__population__isnull=True)
    if org_ids is not None:
        villages = villages.filter(clinic_id__in=org_ids)
        counted = counted.filter(catchment_org_id__in=org_ids)
    out: dict[int, int] = defaultdict(int)
    for row in villages.order_by().values("clinic_id").annotate(n=Sum("population")):
        out[row["clinic_id"]] += row["n"]
    for row in counted.order_by().values("catchment_org_id").annotate(n=Count("pk")):
        out[row["catchment_org_id"]] += row["n"]
    return dict(out)


def tally(indicators: Iterable[Indicator], period: Period, org_ids: Iterable[int] | None = None, *,
          population: dict[int, int] | None = None) -> ByOrg:
    """Numerator and denominator of each indicator per catchment organisation (`org_ids`: only those; None:
    all). Every resident family is counted in one pass over the residents, each chronic family and the
    deliveries (maternal indicators) in one statement each, and the population (two queries, unless
    `population_by_org` was passed in) when a family needs it."""
    org_ids = None if org_ids is None else list(org_ids)
    families: dict[str, list[Indicator]] = {}
    for indicator in indicators:
        families.setdefault(indicator.family.key, []).append(indicator)
    out: ByOrg = defaultdict(dict)
    resident_families = [members for members in families.values() if members[0].family.unit == "resident"]
    with analytic_queries():
        if resident_families:
            _tally_residents(resident_families, period, org_ids, out, population)
        for members in families.values():
            if members[0].family.unit == "enrolment":
                _tally_chronic(members, period, org_ids, out)
            elif members[0].family.unit == "pregnancy":
                for org, codes in maternal.counts(members, [period], org_ids)[0].items():
                    out[org].update({code: Tally(*pair) for code, pair in codes.items()})
    return dict(out)


def _tally_residents(families: list[list[Indicator]], period: Period, org_ids, out: ByOrg, population) -> None:
    rows = m.listed_residents()
    if org_ids is not None:
        rows = rows.filter(catchment_org_id__in=org_ids)
    counts = {}
    for members in families:
        where = members[0].family.where(period)
        counts[f"d_{members[0].family.key}"] = Count("pk", filter=where)
        for i in members:
            counts[f"n_{i.code}"] = Count("pk", filter=where & i.numerator(period))
    found = {row["catchment_org_id"]: row for row in rows.order_by().values("catchment_org_id").annotate(**counts)}
    for members in families:
        family = members[0].family
        if family.population:
            if population is None:
                population = population_by_org(org_ids)
            denominators = population
        else:
            denominators = {org: row[f"d_{family.key}"] for org, row in found.items()}
        for org in set(found) | set(denominators):
            row = found.get(org, {})
            for i in members:
                out[org][i.code] = Tally(row.get(f"n_{i.code}", 0), denominators.get(org, 0))


def chronic_counts(family, periods: list[Period], org_ids) -> list[dict[int, dict[str, int]]]:
    """Per period, per organisation: members, standardised, controlled and contracted counts."""
    sql, params = m.chronic_tally_sql(family, periods, org_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    out = [{} for _ in periods]
    for org, *values in rows:
        for i in range(len(periods)):
            total, standardised, controlled, contracted = (int(v or 0) for v in values[4 * i:4 * i + 4])
            if total:
                out[i][org] = {"total": total, "standardised": standardised, "controlled": controlled,
                               "contracted": contracted}
    return out


def _tally_chronic(members: list[Indicator], period: Period, org_ids, out: ByOrg) -> None:
    for org, counts in chronic_counts(members[0].family, [period], org_ids)[0].items():
        for i in members:
            out[org][i.code] = Tally(counts[i.outcome], counts["total"])


class OrgTree:
    """An organisation and everything below it, read in one query."""

    def __init__(self, root: Organisation):
        self.root = root
        self.orgs = list(Organisation.objects.subtree_of(root)
                         .only("id", "name", "path", "parent_id", "org_type", "is_active"))
        self.by_id = {o.pk: o for o in self.orgs}
        self.by_path = {o.path: o for o in self.orgs}

    @property
    def ids(self) -> list[int]:
        return list(self.by_id)

    def children(self, org: Organisation) -> list[Organisation]:
        return [o for o in self.orgs if o.parent_id == org.pk and o.is_active]

    def roll_up(self, by_org: ByOrg) -> ByOrg:
        """Each organisation's tallies plus those of everything below it."""
        totals: ByOrg = defaultdict(lambda: defaultdict(Tally))
        for org_id, tallies in by_org.items():
            org = self.by_id.get(org_id)
            if org is None:
                continue
            parts = org.path.split(".")
            for depth in range(1, len(parts) + 1):
                ancestor = self.by_path.get(".".join(parts[:depth]))
                if ancestor is None:  # above the root of this tree
                    continue
                for code, value in tallies.items():
                    totals[ancestor.pk][code] += value
        return totals

    def at(self, by_org: ByOrg) -> dict[str, Tally]:
        """Tallies of the root, rolled up."""
        return self.roll_up(by_org).get(self.root.pk, {})


def scoped_ids(tree: OrgTree) -> list[int] | None:
    """Catchment ids to filter on: None for the top of the consortium (every row is below it)."""
    return None if tree.root.parent_id is None else tree.ids


def month_ends(period: Period) -> list[date]:
    """The month ends of the period end's year up to the period end (the last one is the period end)."""
    out = []
    month = date(period.end.year, 1, 1)
    while month <= period.end:
        following = add_months(month, 1)
        out.append(min(following - timedelta(days=1), period.end))
        month = following
    return out


def trend(indicator: Indicator, tree: OrgTree, period: Period) -> list[tuple[date, Tally]]:
    """The indicator for the tree's root, cumulative from 1 January of the period end's year to each month
    end, in one statement: a resident indicator as a pair of filtered counts per month in one pass over the
    residents, a chronic one as per-month columns of `members.chronic_tally_sql`, a maternal one as per-month
    columns over the deliveries (`maternal.counts`). The population is read once: it has no period."""
    ids = scoped_ids(tree)
    periods = [Period(date(end.year, 1, 1), end) for end in month_ends(period)]
    family = indicator.family
    if family.unit == "pregnancy":
        with analytic_queries():
            counts = maternal.counts([indicator], periods, ids)
        return [(p.end, tree.at({org: {indicator.code: Tally(*c[indicator.code])} for org, c in by_org.items()})
                 .get(indicator.code, Tally())) for p, by_org in zip(periods, counts, strict=True)]
    if family.unit != "resident":
        points = []
        with analytic_queries():
            counts = chronic_counts(family, periods, ids)
        for p, by_org in zip(periods, counts, strict=True):
            rolled = tree.at({org: {indicator.code: Tally(c[indicator.outcome], c["total"])}
                              for org, c in by_org.items()})
            points.append((p.end, rolled.get(indicator.code, Tally())))
        return points
    rows = m.listed_residents()
    if ids is not None:
        rows = rows.filter(catchment_org_id__in=ids)
    counts = {}
    for i, p in enumerate(periods):
        where = family.where(p)
        counts[f"d{i}"] = Count("pk", filter=where)
        counts[f"n{i}"] = Count("pk", filter=where & indicator.numerator(p))
    with analytic_queries():
        found = list(rows.order_by().values("catchment_org_id").annotate(**counts))
    population = population_by_org(ids) if family.population else None
    points = []
    for i, p in enumerate(periods):
        by_org: ByOrg = defaultdict(dict)
        for row in found:
            denominator = 0 if population is not None else row[f"d{i}"]
            by_org[row["catchment_org_id"]][indicator.code] = Tally(row[f"n{i}"], denominator)
        if population is not None:
            for org, n in population.items():
                by_org[org][indicator.code] = Tally(by_org[org].get(indicator.code, Tally()).numerator, n)
        points.append((p.end, tree.at(by_org).get(indicator.code, Tally())))
    return points


def members_of(indicator: Indicator, period: Period, org_ids: Iterable[int], *, which: str = "all"):
    """The rows behind an indicator in the given catchments, each annotated `in_numerator`, ordered for paging.
    `which`: "all", "numerator" (counted) or "missing" (in the denominator only)."""
    family = indicator.family
    numerator = indicator.numerator(period)
    rows = family.rows(period).filter(catchment_org_id__in=list(org_ids))
    if which == "numerator":
        rows = rows.filter(numerator)
    elif which == "missing":
        rows = rows.exclude(numerator)
    resident = family.resident_path
    related = [f"{resident}__village" if resident else "village"] + ([resident] if resident else [])
    return rows.annotate(in_numerator=m.in_numerator(numerator)).select_related(*related).order_by("pk")


def resident_of(row):
    return row if isinstance(row, m.Resident) else row.resident
