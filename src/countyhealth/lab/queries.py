"""Reads of the lab: a resident's results and trends, the critical-value worklist, recognisable results and the
recognition figures. Scope comes from the models' `visible_to`."""

from collections import defaultdict
from datetime import timedelta

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from . import catalogue, rules
from .models import CriticalAlert, LabOrder, LabResult, RecognitionRule


def recognition_windows() -> dict[tuple[str, str], int]:
    return {(r.test_code, r.performing_org_type): r.window_days
            for r in RecognitionRule.objects.filter(is_active=True)}


def recognisable_results(resident_id: int, test_code: str, *, now=None) -> list[LabResult]:
    """Results of this test for the resident that a recognition rule covers (level of the performing lab,
    window), quality-control passed, newest first. Shown on the order page before the doctor re-orders."""
    now = now or timezone.now()
    windows = {org_type: days for (code, org_type), days in recognition_windows().items() if code == test_code}
    if not windows:
        return []
    since = now - timedelta(days=max(windows.values()))
    rows = (LabResult.objects.filter(resident_id=resident_id, test_code=test_code, specimen_at__gte=since)
            .select_related("report__performing_org").order_by("-specimen_at")[:20])
    return [r for r in rows if r.performing_org_type in windows and rules.recognisable(
        specimen_at=r.specimen_at, window_days=windows[r.performing_org_type], qc_passed=r.qc_passed, now=now)]


def resident_results(resident_id: int, *, limit: int = 500) -> list[LabResult]:
    return list(LabResult.objects.filter(resident_id=resident_id).select_related("report__performing_org")
                .order_by("-specimen_at", "id")[:limit])


def trends(results: list[LabResult]) -> list[dict]:
    """One series per test measured more than once, oldest first, for the ECharts trend chart."""
    by_test = defaultdict(list)
    for r in results:
        by_test[r.test_code].append(r)
    series = []
    for test in catalogue.TESTS:
        rows = by_test.get(test.code, [])
        if len(rows) < 2:
            continue
        rows = sorted(rows, key=lambda r: r.specimen_at)
        ref = rows[-1].reference
        series.append({
            "code": test.code, "name": test.name_zh, "unit": test.unit, "reference": ref,
            "points": [[timezone.localtime(r.specimen_at).strftime("%Y-%m-%d"), float(r.value), r.flag] for r in rows],
        })
    return series


def latest_by_test(results: list[LabResult]) -> list[LabResult]:
    seen, latest = set(), []
    for r in results:  # newest first
        if r.test_code not in seen:
            seen.add(r.test_code)
            latest.append(r)
    order = {t.code: i for i, t in enumerate(catalogue.TESTS)}
    return sorted(latest, key=lambda r: order.get(r.test_code, 99))


def worklist(user, *, status: str = "open"):
    """Critical values the user may see, oldest open first (the board); closed ones newest first."""
    qs = CriticalAlert.objects.visible_to(user).select_related(
        "resident", "ordering_org", "performing_org", "ordering_doctor", "ack_by")
    if status == "open":
        return qs.filter(status=rules.AlertStatus.OPEN).order_by("notified_at", "id")
    return qs.exclude(status=rules.AlertStatus.OPEN).order_by("-notified_at", "-id")


def recognition_by_month(user, *, months: int = 12) -> list[dict]:
    """Tests avoided by recognition and fees saved per month, over the orders the user may see."""
    since = timezone.now() - timedelta(days=31 * months)
    rows = (LabOrder.objects.visible_to(user).filter(placed_at__gte=since)
            .annotate(month=TruncMonth("placed_at")).values("month", "decision")
            .annotate(n=Count("id"), saved=Sum("fee_avoided")).order_by("month"))
    table: dict = {}
    for row in rows:
        entry = table.setdefault(row["month"], {"month": row["month"], "ordered": 0, "recognised": 0, "saved": 0})
        entry[row["decision"]] = row["n"]
        if row["decision"] == LabOrder.Decision.RECOGNISED:
            entry["saved"] = row["saved"] or 0
    return list(table.values())
