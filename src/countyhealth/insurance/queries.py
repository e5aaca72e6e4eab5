"""Reads of the insurance app, always through visible_to(user)."""

from datetime import date, timedelta

from django.db.models import Count, Q, Sum

from countyhealth.accounts.access import scope_for
from countyhealth.orgs.models import Organisation

from . import rules
from .fees import VISIT_PREFIX
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
    """Per institution and day: visits, prescriptions, fees, insurance share, patient share.

    Visits are every outpatient visit (门诊人次) not cancelled, settled with insurance or paid in cash, plus bills
    settled at the counter without a clinic visit; fees are theirs. Insurance pays what settled settlements say
    (reversals excluded); the patient pays the rest. Three grouped queries, whatever the number of rows."""
    from countyhealth.clinic.models import Prescription, Visit

    start = today - timedelta(days=days - 1)
    orgs = institutions(user)
    if root is not None:
        orgs = orgs.filter(path__startswith=root.path)
    by_day = {start + timedelta(days=i): dict.fromkeys(SERIES, 0.0) for i in range(days)}
    by_org = {}

    def add(org_id, name, day, **values):
        for target in (by_day[day], by_org.setdefault(org_id, {"name": name, **dict.fromkeys(SERIES, 0.0)})):
            for key, value in values.items():
                target[key] += float(value or 0)

    visits = (Visit.objects.filter(organisation__in=orgs, visit_date__gte=start, visit_date__lte=today)
              .exclude(status="cancelled").values("organisation_id", "organisation__name", "visit_date")
              .annotate(n=Count("id"), fees=Sum("fee_total")).order_by())
    for row in visits:
        add(row["organisation_id"], row["organisation__name"], row["visit_date"], visits=row["n"], fees=row["fees"])
    prescriptions = (Prescription.objects.filter(organisation__in=orgs, visit__visit_date__gte=start,
                                                 visit__visit_date__lte=today)
                     .exclude(status="cancelled").values("organisation_id", "organisation__name", "visit__visit_date")
                     .annotate(n=Count("id")).order_by())
    for row in prescriptions:
        add(row["organisation_id"], row["organisation__name"], row["visit__visit_date"], prescriptions=row["n"])
    counter = ~Q(visit_ref__startswith=VISIT_PREFIX)
    settled = (Settlement.objects.filter(status=rules.SETTLED, settled_on__gte=start, settled_on__lte=today,
                                         organisation__in=orgs)
               .values("organisation_id", "organisation__name", "settled_on")
               .annotate(counter_n=Count("id", filter=counter), counter_fees=Sum("total", filter=counter),
                         general=Sum("fund_general"), lb=Sum("fund_two_disease")).order_by())
    for row in settled:
        fund = (row["general"] or 0) + (row["lb"] or 0)
        add(row["organisation_id"], row["organisation__name"], row["settled_on"], visits=row["counter_n"],
            fees=row["counter_fees"], fund=fund, lb=row["lb"])
    for target in (*by_day.values(), *by_org.values()):
        target["patient"] = max(0.0, target["fees"] - target["fund"])
    return {
        "days": [d.isoformat() for d in by_day],
        "series": {key: [round(v[key], 2) for v in by_day.values()] for key in SERIES},
        "institutions": sorted(({**o, **{k: round(o[k], 2) for k in SERIES}} for o in by_org.values()),
                               key=lambda o: (-o["fees"], o["name"])),
    }


SERIES = ("visits", "prescriptions", "fees", "fund", "lb", "patient")


def visits_to_settle(user):
    """Clinic visits dispensed and not yet settled, at the institutions the user settles for."""
    from countyhealth.clinic.models import Visit

    return (Visit.objects.visible_to(user).filter(status="dispensed", organisation__in=institutions(user))
            .select_related("resident", "organisation").order_by("-opened_at", "-pk"))
