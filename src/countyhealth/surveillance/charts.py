"""Data handed to the ECharts scripts (static/surveillance/charts.js) through json_script."""

from datetime import timedelta

from django.utils.translation import gettext as _

from .algorithms.registry import run
from .models import Signal
from .queries import heat_map, series

CURVE_DAYS = 365


def curve_data(area, disease, end, *, user) -> dict:
    """Daily cases, 7-day sums, the MPM threshold band and signal markers over the year ending `end`."""
    history = 3 * 366 + 21
    start = end - timedelta(days=history + CURVE_DAYS)
    counts = series(area_id=area.id, disease_id=disease.id, start=start, end=end)
    dates = [start + timedelta(days=i) for i in range(len(counts))]
    result = run("mpm", [counts], dates=dates, params={"percentile": disease.percentile})
    keep = slice(len(counts) - CURVE_DAYS, None)
    weekly = [sum(counts[max(0, i - 6):i + 1]) for i in range(len(counts))][keep]
    threshold = [None if x != x else round(float(x), 2) for x in result.upperbound[0][keep]]
    markers = list(Signal.objects.visible_to(user).filter(
        area=area, disease=disease, day__gte=dates[keep][0], day__lte=end).values_list("day", "algorithm"))
    return {
        "title": f"{disease.name_zh} · {area.name}",
        "dates": [d.isoformat() for d in dates[keep]], "daily": counts[keep], "weekly": weekly,
        "threshold": threshold, "signals": [{"day": d.isoformat(), "algorithm": a} for d, a in markers],
        "text": {"daily": _("Daily cases"), "weekly": _("Cases in 7 days"),
                 "threshold": _("Threshold (P%(p)s)") % {"p": int(disease.percentile * 100)},
                 "signal": _("Signal")},
    }


def heat_map_data(user, end) -> dict:
    areas, diseases, totals = heat_map(user, end=end)
    return {
        "areas": [a.name for a in areas], "diseases": [d.name_zh for d in diseases],
        "cells": [[j, i, totals.get((a.id, d.id), 0)] for i, a in enumerate(areas) for j, d in enumerate(diseases)],
        "text": {"title": _("Cases in the last 7 days")},
    }


def syndrome_curve_data(org, syndrome: str, end, *, user) -> dict:
    """Daily visits with the syndrome over the year ending `end`, the compared series (7-day sums under MPM,
    the day's count under EARS C2), the threshold and the signals."""
    from . import rules, syndromic

    method = syndromic.method_for(syndrome, end)
    start = min(syndromic.window(syndrome, method, end), end - timedelta(days=CURVE_DAYS - 1))
    counts = syndromic.series([org.id], syndrome, start, end)
    dates = [start + timedelta(days=i) for i in range(counts.shape[1])]
    result, compared = syndromic.detect(counts, dates, method)
    keep = slice(max(0, len(dates) - CURVE_DAYS), None)
    markers = list(Signal.objects.visible_to(user).filter(
        area=org, disease=None, syndrome=syndrome, day__gte=dates[keep][0], day__lte=end)
        .values_list("day", "algorithm"))
    label = rules.SYNDROME_LABELS[syndrome]
    return {
        "title": f"{label} · {org.name}", "method": method,
        "dates": [d.isoformat() for d in dates[keep]], "daily": [int(x) for x in counts[0][keep]],
        "weekly": [int(x) for x in compared[0][keep]],
        "threshold": [None if x != x else round(float(x), 2) for x in result.upperbound[0][keep]],
        "signals": [{"day": d.isoformat(), "algorithm": a} for d, a in markers],
        "text": {"daily": _("Visits with the syndrome"),
                 "weekly": _("Visits in 7 days") if method == "mpm" else _("Visits that day"),
                 "threshold": _("Threshold (P80)") if method == "mpm" else _("Threshold (EARS C2)"),
                 "signal": _("Signal")},
    }
