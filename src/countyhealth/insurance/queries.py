"""Reads of the insurance app, always through visible_to(user)."""

from datetime import date, timedelta

from django.db.models import Count, Sum

from countyhealth.accounts.access import scope_for
from countyhealth.orgs.models import Organisation

from . import rules
from .models import Qualification, ReconciliationRun, Settlement


def settlements(user, *, status: str = ""):
    qs = Settlement.objects.visible_to(user).select_related("resident", "organisation").order_by("-created_at", "-pk")
    return qs.filter(status=status) if status else qs


def qualifications(user, *, qualified: str = ""):
    qs = Qualification.objects.visible_to(user).select_related("resident", "catchment_org").order_by("-since", "-pk")
    if qualified in ("1", "0"):
        qs = qs.filter(qualified=qualified == "1")
    return qs


def reconciliation_runs(user):
    scope = scope_for(user)
    qs = ReconciliationRun.objects.select_related("organisation", "by").order_by("-at", "-pk")
    return qs if scope.everything else qs.filter(organisation_id__in=scope.org_ids)


def institutions(user):
    """Designated institutions the user may settle at, reconcile, or chart."""
    scope = scope_for(user)
    qs = Organisation.objects.filter(org_type__in=["village_clinic", "township_centre", "county_hospital"])
    return qs if scope.everything else qs.filter(id__in=scope.org_ids)


def workload(user, *, root: Organisation | None, days: int = 30, today: date) -> dict:
    """Per institution and day: settled visits, fees, insurance share, patient share (reversals excluded).

    Clinic visits and prescriptions are counted where the clinic module records them; every settled visit is a
    visit, so without the clinic the settled count stands for visits."""
    start = today - timedelta(days=days - 1)
    orgs = institutions(user)
    if root is not None:
        orgs = orgs.filter(path__startswith=root.path)
    rows = (Settlement.objects.filter(status=rules.SETTLED, settled_on__gte=start, settled_on__lte=today,
                                      organisation__in=orgs)
            .values("organisation_id", "organisation__name", "settled_on")
            .annotate(visits=Count("id"), fees=Sum("total"), fund_general=Sum("fund_general"),
                      fund_lb=Sum("fund_two_disease"), patient=Sum("patient_pays"))
            .order_by("settled_on", "organisation__name"))
    by_day = {start + timedelta(days=i): {"visits": 0, "fees": 0.0, "fund": 0.0, "lb": 0.0, "patient": 0.0}
              for i in range(days)}
    by_org = {}
    for row in rows:
        fund = float(row["fund_general"] or 0) + float(row["fund_lb"] or 0)
        day = by_day[row["settled_on"]]
        day["visits"] += row["visits"]
        day["fees"] += float(row["fees"] or 0)
        day["fund"] += fund
        day["lb"] += float(row["fund_lb"] or 0)
        day["patient"] += float(row["patient"] or 0)
        org = by_org.setdefault(row["organisation_id"], {"name": row["organisation__name"], "visits": 0,
                                                         "fees": 0.0, "fund": 0.0, "patient": 0.0})
        org["visits"] += row["visits"]
        org["fees"] += float(row["fees"] or 0)
        org["fund"] += fund
        org["patient"] += float(row["patient"] or 0)
    return {
        "days": [d.isoformat() for d in by_day],
        "series": {key: [round(v[key], 2) for v in by_day.values()] for key in ("visits", "fees", "fund", "lb",
                                                                                 "patient")},
        "institutions": sorted(by_org.values(), key=lambda o: -o["fees"]),
    }


def visits_to_settle(user):
    """Clinic visits dispensed and not yet settled, at the institutions the user settles for."""
    from countyhealth.clinic.models import Visit

    return (Visit.objects.visible_to(user).filter(status="dispensed", organisation__in=institutions(user))
            .select_related("resident", "organisation").order_by("-opened_at", "-pk"))
