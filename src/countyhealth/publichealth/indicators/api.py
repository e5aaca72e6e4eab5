"""Indicators JSON API (/api/indicators/): values, the breakdown by child organisation, and the residents behind a
number. Same scope, audit and figures as the dashboard: out-of-scope organisations are 404 with an
`access.scope_denied` audit row; resident lists are masked, paged and refused to aggregate-only users."""

from datetime import date

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from countyhealth.audit import log as audit
from countyhealth.core.errors import ActionError
from countyhealth.core.pagination import paginate
from countyhealth.residents.masking import mask_id_number, mask_phone

from ..rules import Period
from . import compute
from .definitions import BY_CODE, INDICATORS, Indicator
from .scope import chosen_org, year_to_date

router = Router(tags=["indicators"])


class OrgOut(Schema):
    id: int
    name: str


class IndicatorOut(Schema):
    code: str
    name: str
    group: str
    numerator_text: str
    denominator_text: str
    formula: str
    source: str
    numerator: int
    denominator: int
    rate: float | None


class IndicatorList(Schema):
    org: OrgOut
    period_start: date
    period_end: date
    items: list[IndicatorOut]


class BreakdownRow(Schema):
    org: OrgOut
    numerator: int
    denominator: int
    rate: float | None


class Breakdown(Schema):
    indicator: IndicatorOut
    period_start: date
    period_end: date
    items: list[BreakdownRow]


class MemberOut(Schema):
    resident_id: int
    name: str
    sex: str
    birth_date: date
    id_number: str
    phone: str
    village_name: str
    in_numerator: bool


class MemberPage(Schema):
    indicator: str
    org: OrgOut
    period_start: date
    period_end: date
    page: int
    has_next: bool
    items: list[MemberOut]


class PeriodQuery(Schema):
    org: int | None = None
    period_start: date | None = None
    period_end: date | None = None


def _period(q: PeriodQuery) -> Period:
    if q.period_start is None and q.period_end is None:
        return year_to_date()
    if q.period_start is None or q.period_end is None:
        missing = "period_start" if q.period_start is None else "period_end"
        raise ActionError(_("Give both the first and the last day of the period."), code="invalid", field=missing)
    if q.period_end < q.period_start:
        raise ActionError(_("The period cannot end before it starts."), code="invalid", field="period_end")
    return Period(q.period_start, q.period_end)


def _indicator(code: str) -> Indicator:
    indicator = BY_CODE.get(code)
    if indicator is None:
        raise Http404
    return indicator


def _out(indicator: Indicator, t: compute.Tally) -> IndicatorOut:
    return IndicatorOut(code=indicator.code, name=str(indicator.name), group=str(indicator.group),
                        numerator_text=str(indicator.numerator_text), denominator_text=str(indicator.denominator_text),
                        formula=indicator.formula, source=str(indicator.source), numerator=t.numerator,
                        denominator=t.denominator, rate=float(t.rate) if t.rate is not None else None)


@router.get("/", response=IndicatorList, summary="All indicators for an organisation and period")
def list_indicators(request: HttpRequest, q: Query[PeriodQuery]):
    org = chosen_org(request.user, q.org, what="publichealth.indicators")
    period = _period(q)
    tree = compute.OrgTree(org)
    here = tree.at(compute.tally(INDICATORS, period, compute.scoped_ids(tree)))
    return IndicatorList(org=OrgOut(id=org.pk, name=org.name), period_start=period.start, period_end=period.end,
                         items=[_out(i, here.get(i.code, compute.Tally())) for i in INDICATORS])


@router.get("/{code}/breakdown", response=Breakdown, summary="One indicator for each child organisation")
def breakdown(request: HttpRequest, code: str, q: Query[PeriodQuery]):
    indicator = _indicator(code)
    org = chosen_org(request.user, q.org, what="publichealth.indicators")
    period = _period(q)
    tree = compute.OrgTree(org)
    rolled = tree.roll_up(compute.tally([indicator], period, compute.scoped_ids(tree)))
    rows = []
    for child in tree.children(org):
        t = rolled.get(child.pk, {}).get(code, compute.Tally())
        rows.append(BreakdownRow(org=OrgOut(id=child.pk, name=child.name), numerator=t.numerator,
                                 denominator=t.denominator, rate=float(t.rate) if t.rate is not None else None))
    return Breakdown(indicator=_out(indicator, rolled.get(org.pk, {}).get(code, compute.Tally())),
                     period_start=period.start, period_end=period.end, items=rows)


@router.get("/{code}/residents", response=MemberPage,
            summary="The residents behind an indicator (ID numbers and phones masked)")
def residents(request: HttpRequest, code: str, q: Query[PeriodQuery], page: int = Query(1, ge=1),
              which: str = Query("all", pattern="^(all|numerator|missing)$")):
    indicator = _indicator(code)
    org = chosen_org(request.user, q.org, what="publichealth.indicator_residents", residents=True)
    period = _period(q)
    tree = compute.OrgTree(org)
    found = paginate(compute.members_of(indicator, period, tree.ids, which=which), page, 50)
    items = []
    for row in found.items:
        r = compute.resident_of(row)
        items.append(MemberOut(resident_id=r.pk, name=r.name, sex=r.sex, birth_date=r.birth_date,
                               id_number=mask_id_number(r.id_number), phone=mask_phone(r.phone),
                               village_name=r.village.name, in_numerator=row.in_numerator))
    audit.record_access(request.user, [i.resident_id for i in items], "publichealth.indicator_residents")
    return MemberPage(indicator=code, org=OrgOut(id=org.pk, name=org.name), period_start=period.start,
                      period_end=period.end, page=found.number, has_next=found.has_next, items=items)
