"""Reads: the readers' worklist, an organisation's uploads, turnaround figures."""

import statistics

from django.db.models import Count, F, Max, Q
from django.utils import timezone

from countyhealth.accounts.access import scope_for

from . import rules
from .models import Ecg

LIST_RELATED = ("resident", "organisation", "claimed_by")


def worklist(user):
    """Unreported ECGs the user may read: urgent first, then the longest waiting."""
    return (Ecg.objects.visible_to(user).filter(status=rules.WAITING).select_related(*LIST_RELATED)
            .order_by("-urgent", "uploaded_at", "id"))


def worklist_version(user, now) -> str:
    """A short fingerprint of the user's whole worklist: it changes when an ECG arrives or leaves (reported), when
    a claim is taken, renewed or released, and once a minute (the waiting times). One aggregate over the waiting
    ECGs (the `ecg_worklist` index), so an open worklist can ask several times a second whether to redraw."""
    row = (Ecg.objects.visible_to(user).filter(status=rules.WAITING)
           .aggregate(n=Count("id"), last=Max("id"), claims=Count("claimed_by"), claim_end=Max("claim_expires_at")))
    claim_end = int(row["claim_end"].timestamp()) if row["claim_end"] else 0
    return f"{row['n']}.{row['last'] or 0}.{row['claims']}.{claim_end}.{int(now.timestamp()) // 60}"


def uploads(user):
    """What the user's organisations sent, newest first (the township's view)."""
    scope = scope_for(user)
    qs = Ecg.objects.visible_to(user)
    if not scope.everything:
        qs = qs.filter(organisation_id__in=scope.org_ids)
    return qs.select_related(*LIST_RELATED).order_by("-uploaded_at", "-id")


def overdue_urgent(user):
    """Urgent ECGs not reported within rules.URGENT_TURNAROUND (10 min)."""
    limit = timezone.now() - rules.URGENT_TURNAROUND
    return worklist(user).filter(urgent=True, uploaded_at__lt=limit)


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 1)
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1], 1)


def turnaround(user, *, since) -> dict:
    """Volume and upload→report minutes (median, p90) by township and by urgency since a date."""
    rows = (Ecg.objects.visible_to(user).filter(uploaded_at__gte=since)
            .values("organisation__name", "urgent", "uploaded_at", "reported_at")
            .order_by())
    by_org, by_urgency = {}, {True: [], False: []}
    counts, unreported = {}, {}
    for row in rows.iterator(chunk_size=2000):
        org = row["organisation__name"]
        counts[org] = counts.get(org, 0) + 1
        if row["reported_at"] is None:
            unreported[org] = unreported.get(org, 0) + 1
            continue
        minutes = (row["reported_at"] - row["uploaded_at"]).total_seconds() / 60
        by_org.setdefault(org, []).append(minutes)
        by_urgency[row["urgent"]].append(minutes)
    orgs = sorted(counts)
    return {
        "organisations": [{"name": org, "count": counts[org], "unreported": unreported.get(org, 0),
                           "median": _percentile(by_org.get(org, []), 50), "p90": _percentile(by_org.get(org, []), 90)}
                          for org in orgs],
        "urgency": [{"urgent": key, "count": len(values), "median": _percentile(values, 50),
                     "p90": _percentile(values, 90)} for key, values in by_urgency.items()],
    }


def urgent_late(qs):
    """Reported urgent ECGs whose report took longer than the urgent target."""
    return qs.filter(urgent=True).filter(Q(reported_at__gt=F("uploaded_at") + rules.URGENT_TURNAROUND))
