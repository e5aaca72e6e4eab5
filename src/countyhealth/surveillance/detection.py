"""The daily early-warning run: every township × disease series through each algorithm its catalogue row
names (§3.1: the default method — fixed threshold or MPM — plus the algorithms configured in
`NotifiableDisease.algorithms`), one batch per algorithm and parameter set, signals named by the algorithm for
the evaluated days. Called by the scheduled task and by officers' "run now".

Windows (project decision, so that one old outbreak or a season does not dominate today's baseline):
EARS reads the 30 days before the evaluated days; CUSUM takes m from the 365 days before a 28-day monitored stretch (§3.4 warns
that a fixed m over-signals on seasonal series); Farrington Flexible runs on the 7-day sums ending each
evaluated day (weekly method on rolling weeks) with as many weeks as b years back need; MPM reads three years
and 20 days (§3.2)."""

import json
from datetime import date, timedelta

import numpy as np
from django.db import transaction

from countyhealth.audit import log as audit

from . import actions
from .algorithms.registry import run
from .models import DailyCount, NotifiableDisease
from .queries import areas, current_diseases

HISTORY_DAYS = 3 * 366 + 21  # MPM needs three years and the ±2-week window (§3.2)
EARS_DAYS = 30  # days before the first evaluated day (C3 needs 11)
CUSUM_HISTORY, CUSUM_MONITORED = 365, 28
DAILY = ("C1", "C2", "C3", "C3_textbook", "cusum")
SIGNAL_NAME = {"fixed": "fixed_threshold"}  # the name signals carry (kept from the first release)


def configured(disease) -> list[tuple[str, dict]]:
    """(registry algorithm, parameters) for every algorithm run on `disease`, its default method first."""
    default = ("fixed", {}) if disease.method == NotifiableDisease.Method.FIXED else (
        "mpm", {"percentile": disease.percentile})
    extra = [(a["algorithm"], dict(a.get("params") or {})) for a in disease.algorithms or []]
    return [default, *[e for e in extra if e != default]]


def _farrington_weeks(params) -> int:
    return 52 * int(params.get("b", 5)) + int(params.get("w", 3)) + 1


def history_days(diseases) -> int:
    """Days of counts the run needs: MPM's three years, or more when Farrington looks further back."""
    weeks = [_farrington_weeks(p) for d in diseases for a, p in configured(d) if a == "farrington"]
    return max([HISTORY_DAYS, *[7 * w - 1 for w in weeks]])


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


def _evaluate_block(algorithm, params, block, dates, evaluate_from):
    """[(row, t, observed, expected, threshold)] for the alarms of one algorithm at t ≥ evaluate_from; `block` is
    (series, days), `t` indexes `dates`."""
    n = block.shape[1]
    if algorithm == "farrington":
        return _farrington(params, block, evaluate_from)
    offset = 0
    if algorithm in ("C1", "C2", "C3", "C3_textbook"):
        offset = max(0, evaluate_from - EARS_DAYS)
    elif algorithm == "cusum":
        offset = max(0, min(evaluate_from, n - CUSUM_MONITORED) - CUSUM_HISTORY)
        params = {"range": min(CUSUM_HISTORY, n - offset - 1) + 1, **params}
    part = block[:, offset:]
    result = run(algorithm, part, dates=dates[offset:], params=params)
    observed = _week_sums(part) if algorithm == "mpm" else part
    hits = np.argwhere(result.alarm[:, max(0, evaluate_from - offset):] == 1)
    start = max(0, evaluate_from - offset)
    return [(row, offset + start + t, float(observed[row, start + t]), _num(result.expected[row, start + t]),
             _num(result.upperbound[row, start + t])) for row, t in hits]


def _farrington(params, block, evaluate_from):
    """Farrington Flexible on the 7-day sums ending each evaluated day (rolling weeks, freq 52)."""
    weeks = _farrington_weeks(params)
    found = []
    for t in range(max(evaluate_from, 7 * weeks - 1), block.shape[1]):
        weekly = block[:, t - 7 * weeks + 1:t + 1].reshape(block.shape[0], weeks, 7).sum(axis=2)
        result = run("farrington", weekly, freq=52, params={**params, "range": weeks})
        for row in np.flatnonzero(result.alarm[:, -1] == 1):
            found.append((row, t, float(weekly[row, -1]), _num(result.expected[row, -1]),
                          _num(result.upperbound[row, -1])))
    return found


def alarms_for(diseases, area_ids, counts, dates, evaluate_from: int):
    """(area index, disease, day index, observed, expected, threshold, algorithm) for each alarm at or after
    `evaluate_from`, for every algorithm configured for each disease. MPM and Farrington compare 7-day sums,
    so their `observed` is the week's sum."""
    groups: dict = {}
    for j, disease in enumerate(diseases):
        for algorithm, params in configured(disease):
            groups.setdefault((algorithm, json.dumps(params, sort_keys=True)), []).append(j)
    found = []
    for (algorithm, params), cols in groups.items():
        block = counts[:, cols, :].reshape(-1, counts.shape[2])
        for row, t, observed, expected, threshold in _evaluate_block(algorithm, json.loads(params), block, dates,
                                                                     evaluate_from):
            a, c = divmod(row, len(cols))
            found.append((a, diseases[cols[c]], t, observed, expected, threshold,
                          SIGNAL_NAME.get(algorithm, algorithm)))
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
    start = as_of - timedelta(days=history_days(diseases))
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
