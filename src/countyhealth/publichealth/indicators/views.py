"""Indicator pages: the dashboard (cards, bar chart of the child organisations, monthly trend) and the residents
behind a number. Thin: figures come from `compute`, access from `scope`."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from countyhealth.accounts.access import scope_for
from countyhealth.audit import log as audit
from countyhealth.core.pagination import paginate
from countyhealth.orgs.models import Organisation
from countyhealth.residents.masking import mask_id_number, mask_phone
from countyhealth.residents.rules import age_on

from ..rules import Period
from . import compute, snapshots
from .definitions import BY_CODE, INDICATORS, Indicator
from .scope import PeriodForm, chosen_org, may_list_residents, quick_periods

RESIDENTS_PAGE_SIZE = 50
WHICH = {"all", "numerator", "missing"}


def _query(**params) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def _period_params(period: Period) -> dict:
    return {"period_start": period.start.isoformat(), "period_end": period.end.isoformat()}


def rate_value(t: compute.Tally) -> float | None:
    return float(t.rate) if t.rate is not None else None


@dataclass
class Card:
    indicator: Indicator
    tally: compute.Tally
    residents_url: str | None


def _indicator(code: str | None) -> Indicator:
    return BY_CODE.get(code or "", INDICATORS[0])


def _breadcrumbs(user, org: Organisation) -> list[Organisation]:
    parts = org.path.split(".")
    prefixes = [".".join(parts[:i]) for i in range(1, len(parts) + 1)]
    return list(Organisation.objects.filter(path__in=prefixes, id__in=scope_for(user).org_ids).order_by("path"))


def _picker(user) -> list[tuple[int, str]]:
    orgs = Organisation.objects.filter(id__in=scope_for(user).org_ids, is_active=True).order_by("path")
    rows = list(orgs.values_list("id", "name", "path"))
    top = min((p.count(".") for _, _, p in rows), default=0)
    return [(pk, "\u3000" * (path.count(".") - top) + name) for pk, name, path in rows]


@login_required
@require_GET
def dashboard(request):
    org = chosen_org(request.user, request.GET.get("org"), what="publichealth.indicators")
    form = PeriodForm(request.GET if request.GET.get("period_start") or request.GET.get("period_end") else None)
    period = form.period()
    chosen = _indicator(request.GET.get("indicator"))

    tree = compute.OrgTree(org)
    # The whole consortium reads the scheduled counts when they exist (snapshots.py); the rest counts live.
    snapshot = snapshots.stored(period) if compute.scoped_ids(tree) is None else None
    counted_at = snapshot[1] if snapshot else None
    if snapshot:
        by_org = snapshot[0]
        missing = snapshots.not_counted(by_org)  # indicators added since the last count: count them live
        for org_id, tallies in (compute.tally(missing, period) if missing else {}).items():
            by_org.setdefault(org_id, {}).update(tallies)
    else:
        by_org = compute.tally(INDICATORS, period, compute.scoped_ids(tree))
    rolled = tree.roll_up(by_org)
    here = rolled.get(org.pk, {})
    children = tree.children(org)
    lists_residents = may_list_residents(request.user) and not children
    base = _period_params(period)

    groups: dict[str, list[Card]] = {}
    for indicator in INDICATORS:
        url = None
        if lists_residents:
            url = reverse("indicators:residents", args=[indicator.code]) + "?" + _query(org=org.pk, **base)
        groups.setdefault(str(indicator.group), []).append(Card(indicator, here.get(indicator.code, compute.Tally()),
                                                                url))

    bars = []
    for child in children:
        t = rolled.get(child.pk, {}).get(chosen.code, compute.Tally())
        bars.append({"name": child.name, "rate": rate_value(t), "numerator": t.numerator,
                     "denominator": t.denominator,
                     "url": reverse("indicators:dashboard") + "?" + _query(org=child.pk, indicator=chosen.code,
                                                                          **base)})
    trend = [{"month": end.month, "label": _("Month %(month)s") % {"month": end.month},
              "rate": rate_value(t), "numerator": t.numerator, "denominator": t.denominator}
             for end, t in (snapshot and snapshots.stored_trend(chosen.code, period))
             or compute.trend(chosen, tree, period)]
    chart = {
        "indicator": str(chosen.name),
        "bars": bars,
        "trend": trend,
        "text": {
            "rate": _("Rate (%)"),
            "numerator": _("Numerator"),
            "denominator": _("Denominator"),
            "no_data": _("No members"),
            "drill": _("Click a bar to open that organisation."),
            "month": _("Month"),
            "bar_title": _("By organisation, %(start)s to %(end)s") % {
                "start": period.start.isoformat(), "end": period.end.isoformat()},
            "trend_title": _("By month, cumulative from 1 January %(year)s") % {"year": period.end.year},
        },
    }
    quick = [(label, reverse("indicators:dashboard") + "?" + _query(org=org.pk, indicator=chosen.code,
                                                                   **_period_params(p)),
              p == period) for label, p in quick_periods()]
    return render(request, "publichealth/indicators/dashboard.html", {
        "org": org,
        "period": period,
        "form": form if form.is_bound else PeriodForm(initial=base),
        "chosen": chosen,
        "indicators": INDICATORS,
        "groups": groups,
        "children": children,
        "bars": bars,
        "chart": chart,
        "quick": quick,
        "breadcrumbs": _breadcrumbs(request.user, org),
        "picker": _picker(request.user),
        "lists_residents": lists_residents,
        "counted_at": counted_at,
    })


@dataclass
class MemberRow:
    resident: object
    in_numerator: bool
    id_number: str
    phone: str
    age: int


@login_required
@require_GET
def residents(request, code: str):
    indicator = BY_CODE.get(code)
    if indicator is None:
        raise Http404
    org = chosen_org(request.user, request.GET.get("org"), what="publichealth.indicator_residents", residents=True)
    form = PeriodForm(request.GET if request.GET.get("period_start") or request.GET.get("period_end") else None)
    period = form.period()
    which = request.GET.get("which") if request.GET.get("which") in WHICH else "all"
    tree = compute.OrgTree(org)
    page = paginate(compute.members_of(indicator, period, tree.ids, which=which), request.GET.get("page"),
                    RESIDENTS_PAGE_SIZE)
    rows = []
    for row in page.items:
        resident = compute.resident_of(row)
        rows.append(MemberRow(resident, row.in_numerator, mask_id_number(resident.id_number),
                              mask_phone(resident.phone), age_on(resident.birth_date, period.end)))
    audit.record_access(request.user, [r.resident.pk for r in rows], "publichealth.indicator_residents")
    base = {"org": org.pk, **_period_params(period)}
    return render(request, "publichealth/indicators/residents.html", {
        "indicator": indicator,
        "org": org,
        "period": period,
        "page": page,
        "rows": rows,
        "which": which,
        "filters": [(key, label, "?" + _query(which=key, **base)) for key, label in (
            ("all", _("All members")), ("numerator", _("Counted in the numerator")),
            ("missing", _("Not counted")))],
        "base_query": _query(which=which, **base),
        "dashboard_url": reverse("indicators:dashboard") + "?" + _query(indicator=indicator.code, **base),
    })
