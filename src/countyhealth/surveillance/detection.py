"""The daily early-warning run: every township × disease series through its method (§3.1), one batch per
method and percentile, signals for the evaluated days. Called by the scheduled task and by officers' "run now"."""

from datetime import date, timedelta

import numpy as np
from django.db import transaction

from countyhealth.audit import log as audit

from . import actions
from .algorithms.registry import run
from .models import DailyCount, NotifiableDisease
from .queries import areas, current_diseases

HISTORY_DAYS = 3 * 366 + 21  # MPM needs three years and the ±2-week window (§3.2)


def load_counts(area_ids, disease_ids, start: date, end: date) -> np.ndarray:
    """Array (areas, diseases, days) of daily counts; days without a row are 0 (§3 conventions)."""
    a_index = {a: i for i, a in enumerate(area_ids)}
    d_index = {d: i for i, d in enumerate(disease_ids)}
    out = np.zeros((len(area_ids), len(disease_ids), (end - start).days + 1))
    rows = (DailyCount.objects.filter(day__gte=start, day__lte=end, area_id__in=area_ids, disease_id__in=disease_ids)
            .values_list("area_id", "disease_id", "day", "count").iterator(chunk_size=20000))
    for area_id, disease_id, day, count in rows:
        out[a_index[area_id], d_index[disease_id], (day - start).days] = count
    return out


def alarms_for(diseases, area_ids, counts, dates, evaluate_from: int):
    """(area index, disease, day index, observed, expected, threshold, algorithm) for each alarm at or after
    `evaluate_from`. MPM compares 7-day sums, so its `observed` is the week's sum."""
    found = []
    groups: dict = {}
    for j, disease in enumerate(diseases):
        key = ("fixed", 0.0) if disease.method == NotifiableDisease.Method.FIXED else ("mpm", disease.percentile)
        groups.setdefault(key, []).append(j)
    for (method, pct), cols in groups.items():
        block = counts[:, cols, :].reshape(-1, counts.shape[2])
        params = {"percentile": pct} if method == "mpm" else {}
        result = run(method, block, dates=dates, params=params)
        observed = block if method == "fixed" else _week_sums(block)
        hits = np.argwhere(result.alarm[:, evaluate_from:] == 1)
        for row, t in hits:
            t += evaluate_from
            a, c = divmod(row, len(cols))
            found.append((a, diseases[cols[c]], t, float(observed[row, t]), _num(result.expected[row, t]),
                          _num(result.upperbound[row, t]), "fixed_threshold" if method == "fixed" else "mpm"))
    return found


def _week_sums(block):
    c = np.cumsum(block, axis=1)
    out = c.copy()
    out[:, 7:] = c[:, 7:] - c[:, :-7]
    return out


def _num(x):
    return None if np.isnan(x) else float(x)


def evaluate(*, acting_user, as_of: date, days: int = 1) -> int:
    """Evaluate the `days` days ending `as_of` for every township and current disease; returns new signals."""
    area_list = areas()
    diseases = list(current_diseases(as_of))
    start = as_of - timedelta(days=HISTORY_DAYS)
    dates = [start + timedelta(days=i) for i in range((as_of - start).days + 1)]
    counts = load_counts([a.id for a in area_list], [d.id for d in diseases], start, as_of)
    created = 0
    with transaction.atomic():
        for a, disease, t, observed, expected, threshold, algorithm in alarms_for(
                diseases, [a.id for a in area_list], counts, dates, len(dates) - days):
            signal = actions.raise_signal(area_id=area_list[a].id, disease=disease, day=dates[t],
                                          algorithm=algorithm, observed=observed, expected=expected,
                                          threshold=threshold)
            created += signal is not None
        audit.record_change(acting_user, "surveillance.signals_evaluated", None,
                            detail={"as_of": as_of.isoformat(), "days": days, "signals": created})
    return created
