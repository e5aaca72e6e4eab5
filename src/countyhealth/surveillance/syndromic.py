"""Syndromic surveillance (症状监测, notifiable-diseases.md §4): counting visits per institution, day and
syndrome, and the early warning over those series.

Visit diagnoses come from `records.Diagnosis` (organisation, day, resident, ICD-10). Chief complaints and
temperatures live in the visits of apps above this one (the clinic): they reach us through `VISIT_SOURCES`,
callables `(start, end) -> iterable of (org_id, day, resident_id, chief_complaint, temperature)` that an upper
app registers with `register_visit_source` from its `ready()` (the clinic does).

Method (§4): a syndrome's series go through the moving percentile method at P80 once three years of counts
exist, through EARS C2 before (minSigma 0.5, the production default of §3.3)."""

from datetime import date, timedelta

import numpy as np
from django.db import transaction
from django.db.models import Exists, OuterRef

from countyhealth.audit import log as audit
from countyhealth.orgs.models import Organisation
from countyhealth.records.models import Diagnosis

from . import rules
from .algorithms.registry import run
from .models import SyndromeCount

HISTORY_DAYS = 3 * 366 + 21  # MPM: three years and the ±2-week window (§3.2)
EARS_DAYS = 40  # C2 needs 9 days; a few weeks keep the chart readable
MPM_PERCENTILE = 0.8
EARS_PARAMS = {"minSigma": 0.5}

VISIT_SOURCES: list = []


def register_visit_source(source) -> None:
    if source not in VISIT_SOURCES:
        VISIT_SOURCES.append(source)


def count(start: date, end: date) -> dict[tuple, int]:
    """(org id, day, syndrome) → residents, for the days start…end."""
    diagnoses = (Diagnosis.objects.filter(diagnosed_on__gte=start, diagnosed_on__lte=end)
                 .values_list("organisation_id", "diagnosed_on", "resident_id", "code_id").iterator(chunk_size=10000))
    visits = (row for source in VISIT_SOURCES for row in source(start, end))
    return rules.syndromic_counts(diagnoses, visits)


@transaction.atomic(durable=True)
def do_count_syndromes(*, acting_user, start: date, end: date) -> int:
    """Recount the days start…end (replacing their rows, so a rerun or a late visit is counted once)."""
    counts = count(start, end)
    SyndromeCount.objects.filter(day__gte=start, day__lte=end).delete()
    SyndromeCount.objects.bulk_create(
        [SyndromeCount(org_id=org, day=day, syndrome=syndrome, count=n) for (org, day, syndrome), n in counts.items()],
        batch_size=5000)
    audit.record_change(acting_user, "surveillance.syndromes_counted", None,
                        detail={"start": start.isoformat(), "end": end.isoformat(), "rows": len(counts)})
    return len(counts)


def method_for(syndrome: str, as_of: date) -> str:
    """MPM once the syndrome has three years of counts, EARS C2 before (§4)."""
    first = SyndromeCount.objects.filter(syndrome=syndrome).order_by("day").values_list("day", flat=True).first()
    return "mpm" if first is not None and (as_of - first).days >= HISTORY_DAYS else "C2"


def series(org_ids, syndrome: str, start: date, end: date) -> np.ndarray:
    """Array (orgs, days) of counts; days without a row are 0."""
    index = {o: i for i, o in enumerate(org_ids)}
    out = np.zeros((len(org_ids), (end - start).days + 1))
    rows = SyndromeCount.objects.filter(syndrome=syndrome, day__gte=start, day__lte=end, org_id__in=org_ids)
    for org, day, n in rows.values_list("org_id", "day", "count").iterator(chunk_size=20000):
        out[index[org], (day - start).days] = n
    return out


def window(syndrome: str, method: str, as_of: date) -> date:
    """First day of the series handed to the algorithm; C2 never starts before the first count (leading
    zeros before counting began would make the first real day look like an outbreak)."""
    if method == "mpm":
        return as_of - timedelta(days=HISTORY_DAYS)
    first = SyndromeCount.objects.filter(syndrome=syndrome).order_by("day").values_list("day", flat=True).first()
    return max(as_of - timedelta(days=EARS_DAYS), first or as_of)


def detect(counts: np.ndarray, dates: list[date], method: str):
    """The algorithm's result and the series it compares (7-day sums for MPM, daily counts for C2)."""
    if method == "mpm":
        result = run("mpm", counts, dates=dates, params={"percentile": MPM_PERCENTILE})
        csum = np.cumsum(counts, axis=1)
        compared = csum.copy()
        compared[:, 7:] = csum[:, 7:] - csum[:, :-7]
        return result, compared
    return run("C2", counts, params=EARS_PARAMS), counts


def evaluate(*, acting_user, as_of: date, days: int = 2) -> int:
    """Every institution × syndrome series through its method for the `days` days ending `as_of`; returns the
    number of new signals (one per institution, syndrome, algorithm and day)."""
    from .actions import raise_signal

    created = 0
    with transaction.atomic():
        for syndrome in rules.SYNDROMES:
            method = method_for(syndrome.code, as_of)
            start = window(syndrome.code, method, as_of)
            org_ids = sorted(set(SyndromeCount.objects.filter(syndrome=syndrome.code, day__gte=start, day__lte=as_of)
                                 .values_list("org_id", flat=True)))
            if not org_ids or start > as_of:
                continue
            dates = [start + timedelta(days=i) for i in range((as_of - start).days + 1)]
            result, compared = detect(series(org_ids, syndrome.code, start, as_of), dates, method)
            first = max(0, len(dates) - days)
            for row, t in np.argwhere(result.alarm[:, first:] == 1):
                t += first
                signal = raise_signal(area_id=org_ids[row], syndrome=syndrome.code, day=dates[t], algorithm=method,
                                      observed=float(compared[row, t]), expected=_num(result.expected[row, t]),
                                      threshold=_num(result.upperbound[row, t]))
                created += signal is not None
        audit.record_change(acting_user, "surveillance.syndromes_evaluated", None,
                            detail={"as_of": as_of.isoformat(), "days": days, "signals": created})
    return created


def _num(x):
    return None if np.isnan(x) else float(x)


def institutions(user, since: date) -> list[Organisation]:
    """Institutions in the user's scope that have syndromic counts since `since`."""
    from countyhealth.accounts.access import scope_for

    scope = scope_for(user)
    orgs = Organisation.objects.all() if scope.everything else Organisation.objects.filter(id__in=scope.org_ids)
    counted = SyndromeCount.objects.filter(org=OuterRef("pk"), day__gte=since)  # the (org, syndrome, day) key
    return list(orgs.filter(Exists(counted)).order_by("path"))
