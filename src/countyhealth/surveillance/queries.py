"""Reads: the township an organisation belongs to, who reviews cards, worklists, missed reports, series."""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from countyhealth.accounts.roles import Role
from countyhealth.orgs.models import Organisation, OrgType
from countyhealth.records.models import Diagnosis

from . import rules
from .models import CaseReport, DailyCount, NotifiableDisease, Signal, SyndromeCount


def _ancestor_paths(org) -> list[str]:
    parts = org.path.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def township_of(org) -> Organisation:
    """The township health centre above (or at) `org`; the organisation itself when none (county hospital)."""
    if org.org_type == OrgType.TOWNSHIP_CENTRE:
        return org
    found = (Organisation.objects.filter(path__in=_ancestor_paths(org), org_type=OrgType.TOWNSHIP_CENTRE)
             .order_by("-path").first())
    return found or org


def officer_ids(org) -> list[int]:
    """Public-health officers of `org` or any organisation above it (they review its cards and signals)."""
    return list(get_user_model().objects.filter(
        is_active=True, role=Role.PUBLIC_HEALTH_OFFICER, organisation__path__in=_ancestor_paths(org))
        .values_list("id", flat=True))


def areas() -> list[Organisation]:
    return list(Organisation.objects.filter(org_type=OrgType.TOWNSHIP_CENTRE, is_active=True).order_by("path"))


def current_diseases(on: date | None = None):
    on = on or timezone.localdate()
    return NotifiableDisease.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on), valid_from__lte=on)


WORKLISTS = {
    "draft": Q(status__in=[rules.DRAFT, rules.RETURNED]),
    "review": Q(status=rules.SUBMITTED),
    "approved": Q(status=rules.APPROVED),
    "overdue": Q(status__in=list(rules.OPEN)),  # and due_at passed, below
    "all": Q(),
}


def cards(user, worklist: str = "all"):
    qs = (CaseReport.objects.visible_to(user).filter(WORKLISTS.get(worklist, Q()))
          .select_related("disease", "reporting_org", "area"))
    if worklist == "overdue":
        qs = qs.filter(due_at__lt=timezone.now())
    return qs.order_by("due_at", "id")


def missed_diagnoses(user, *, days: int = 30):
    """漏报: diagnoses of a notifiable disease in the last `days` days with no card at all."""
    prefixes = {p for d in current_diseases() for p, _s, _h in d.icd10}
    match = Q()
    for prefix in sorted(prefixes):
        if prefix[:3] not in rules.NEVER_AUTO_DRAFT:
            match |= Q(code__code__startswith=prefix)
    since = timezone.localdate() - timedelta(days=days)
    with_card = CaseReport.objects.filter(diagnosis__isnull=False).values("diagnosis_id")
    return (Diagnosis.objects.visible_to(user).filter(match, diagnosed_on__gte=since)
            .exclude(id__in=with_card).select_related("resident", "code", "organisation")
            .order_by("-diagnosed_on", "-id"))


def signals(user):
    return Signal.objects.visible_to(user).select_related("area", "disease").order_by("-day", "-id")


def series(*, area_id: int, disease_id: int, start: date, end: date) -> list[int]:
    """Daily counts from start to end inclusive, 0 on days without a row."""
    rows = dict(DailyCount.objects.filter(area_id=area_id, disease_id=disease_id, day__gte=start, day__lte=end)
                .values_list("day", "count"))
    return [rows.get(start + timedelta(days=i), 0) for i in range((end - start).days + 1)]


def heat_map(user, *, end: date, days: int = 7) -> tuple[list, list, dict]:
    """Cases in the last `days` days per (township, disease) over the user's areas."""
    from countyhealth.accounts.access import scope_for

    scope = scope_for(user)
    area_list = [a for a in areas() if scope.everything or a.id in scope.org_ids]
    rows = (DailyCount.objects.filter(day__gt=end - timedelta(days=days), day__lte=end,
                                      area__in=[a.id for a in area_list])
            .values_list("area_id", "disease_id", "count"))
    totals: dict = {}
    for area_id, disease_id, count in rows:
        totals[(area_id, disease_id)] = totals.get((area_id, disease_id), 0) + count
    disease_ids = {d for _a, d in totals}
    diseases = [d for d in current_diseases(end) if d.id in disease_ids]
    return area_list, diseases, totals


def syndrome_week(orgs, end: date, days: int = 7) -> list[dict]:
    """Residents per syndrome at each of `orgs` over the `days` days ending `end` (one query)."""
    totals: dict = {}
    rows = (SyndromeCount.objects.filter(org__in=[o.id for o in orgs], day__gt=end - timedelta(days=days),
                                         day__lte=end).values_list("org_id", "syndrome", "count"))
    for org_id, syndrome, n in rows:
        totals[(org_id, syndrome)] = totals.get((org_id, syndrome), 0) + n
    return [{"org": o, "counts": [totals.get((o.id, s.code), 0) for s in rules.SYNDROMES]} for o in orgs
            if any(totals.get((o.id, s.code)) for s in rules.SYNDROMES)]


def response_summary(user, *, since: date) -> dict:
    """Signal response (CIDARS, design §5): signals raised since `since` in the user's areas, the share verified
    and the median hours from raising to verification (targets ≥ 97 % and ≤ 1.1 h)."""
    import statistics

    rows = list(Signal.objects.visible_to(user).filter(day__gte=since).values_list("created_at", "responded_at"))
    hours = [(r - c).total_seconds() / 3600 for c, r in rows if r is not None]
    return {"total": len(rows), "responded": len(hours),
            "share": 100 * len(hours) / len(rows) if rows else None,
            "median_hours": statistics.median(hours) if hours else None}
