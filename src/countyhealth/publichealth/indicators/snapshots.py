"""Stored counts for the consortium-wide dashboard (public-health-rules.md §8 still governs every figure).

Counting every indicator for a million residents takes 15–20 s on PostgreSQL (bench/publichealth_indicators.py),
too long to make a county director wait for each page. A scheduled job therefore counts the standard periods
— the dashboard's one-click periods and the year's month ends its trend chart needs — with the same
`compute.tally`, per catchment organisation, and stores them. The dashboard of the whole consortium uses them
when they exist for the chosen period and shows when they were counted; any other organisation, any custom
period and every list of residents are counted live, so a doctor's own work shows at once; so is an indicator
added since the last count (after a deploy), until the next one."""

from collections.abc import Callable
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Min, Sum
from django.utils import timezone

from countyhealth.orgs.models import Organisation

from ..models import IndicatorSnapshot
from ..rules import Period
from . import compute
from .definitions import INDICATORS, Indicator
from .scope import quick_periods

# A snapshot older than this is not shown: the hourly job has stopped, and live counting is slow but right.
MAX_AGE = timedelta(hours=26)


def standard_periods(today: date | None = None) -> list[Period]:
    """The one-click periods and the cumulative month ends of this year, each once."""
    today = today or timezone.localdate()
    periods = [period for _, period in quick_periods(today)]
    periods += [Period(date(today.year, 1, 1), end) for end in compute.month_ends(Period(date(today.year, 1, 1),
                                                                                          today))]
    return list(dict.fromkeys(periods))


def periods_ending_today(today: date | None = None) -> list[Period]:
    """What changes during the day: the periods that run up to today (the hourly refresh)."""
    today = today or timezone.localdate()
    return [p for p in standard_periods(today) if p.end == today]


def refresh(periods: list[Period], progress: Callable[[int, int], None] | None = None) -> int:
    """Count and store each period (one transaction per period); returns the rows written. An indicator
    without members anywhere gets a zero row on the top organisation, so that every counted indicator has a
    row and one without any (`not_counted`: added since the last count) is told apart."""
    written = 0
    top = Organisation.objects.filter(parent__isnull=True).order_by("pk").values_list("pk", flat=True).first()
    for done, period in enumerate(periods, 1):
        by_org = compute.tally(INDICATORS, period)
        now = timezone.now()
        rows = [IndicatorSnapshot(organisation_id=org_id, period_start=period.start, period_end=period.end,
                                  indicator=code, numerator=t.numerator, denominator=t.denominator,
                                  computed_at=now)
                for org_id, tallies in by_org.items() for code, t in tallies.items()]
        rows += [IndicatorSnapshot(organisation_id=top, period_start=period.start, period_end=period.end,
                                   indicator=i.code, numerator=0, denominator=0, computed_at=now)
                 for i in not_counted(by_org) if top is not None]
        with transaction.atomic():
            IndicatorSnapshot.objects.filter(period_start=period.start, period_end=period.end).delete()
            IndicatorSnapshot.objects.bulk_create(rows, batch_size=2000)
        written += len(rows)
        if progress:
            progress(done, len(periods))
    return written


def _fresh(rows):
    """Rows counted within MAX_AGE (a period's rows share one counting time)."""
    return rows.filter(computed_at__gte=timezone.now() - MAX_AGE)


def stored(period: Period) -> tuple[compute.ByOrg, object] | None:
    """The stored tallies of a period by catchment organisation, and when they were counted; None when the
    period has no fresh snapshot."""
    rows = _fresh(IndicatorSnapshot.objects.filter(period_start=period.start, period_end=period.end))
    computed_at = rows.aggregate(at=Min("computed_at"))["at"]
    if computed_at is None:
        return None
    by_org: compute.ByOrg = {}
    for org_id, code, numerator, denominator in rows.values_list("organisation_id", "indicator", "numerator",
                                                                 "denominator"):
        by_org.setdefault(org_id, {})[code] = compute.Tally(numerator, denominator)
    return by_org, computed_at


def not_counted(by_org: compute.ByOrg) -> list[Indicator]:
    """The indicators that have no tally at all in `by_org`: for stored counts, those added since."""
    seen = {code for tallies in by_org.values() for code in tallies}
    return [i for i in INDICATORS if i.code not in seen]


def stored_trend(code: str, period: Period) -> list[tuple[date, compute.Tally]] | None:
    """The whole consortium's trend points (cumulative from 1 January to each month end) from snapshots, in
    one grouped query; None when any month is missing."""
    ends = compute.month_ends(period)
    rows = (_fresh(IndicatorSnapshot.objects.filter(indicator=code, period_start=date(period.end.year, 1, 1),
                                                    period_end__in=ends))
            .values("period_end").annotate(n=Sum("numerator"), d=Sum("denominator")))
    found = {row["period_end"]: compute.Tally(row["n"], row["d"]) for row in rows}
    if len(found) < len(ends):
        return None
    return [(end, found[end]) for end in ends]
