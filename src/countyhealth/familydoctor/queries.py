"""Scoped reads of teams and contracts, "active at a date", and contract coverage (签约率).

`coverage()` and `contracted_resident_ids()` are the public interface for apps above this one: the public-health
indicators pass their own resident querysets (hypertension, diabetes … members) to get 重点人群签约率."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from countyhealth.accounts.access import scope_for
from countyhealth.orgs.models import Organisation, OrgType, Village
from countyhealth.residents.queries import ResidentScopedQuerySet

from .rules import MANAGES_TEAMS, years_before


class TeamQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Teams of the organisations the user covers, teams serving a village of the user's area (a township
        team serving a village clinic's villages) and teams the user belongs to."""
        scope = scope_for(user)
        if scope.reach is None:
            return self.none()
        if scope.everything:
            return self
        serving = self.model.villages.through.objects.filter(village__clinic_id__in=scope.org_ids)
        member_of = apps.get_model("familydoctor", "TeamMember").objects.filter(user_id=user.pk)
        return self.filter(Q(organisation_id__in=scope.org_ids) | Q(id__in=serving.values("familydoctorteam_id"))
                           | Q(id__in=member_of.values("team_id")))

    def managed_by(self, user):
        """Teams the user may edit: those of organisations the user covers, for the roles that manage teams."""
        if user.role not in MANAGES_TEAMS:
            return self.none()
        scope = scope_for(user)
        return self if scope.everything else self.filter(organisation_id__in=scope.org_ids)


class ContractQuerySet(ResidentScopedQuerySet):
    def active_at(self, at: date):
        """In force on `at`: start ≤ at ≤ end, and not terminated before `at` (the termination date is the
        contract's last day of service)."""
        return self.filter(start_date__lte=at, end_date__gte=at).filter(
            Q(terminated_on__isnull=True) | Q(terminated_on__gte=at)
        )

    def overlapping(self, start: date, end: date):
        """Contracts in force on any day of [start, end]."""
        return self.filter(start_date__lte=end, end_date__gte=start).filter(
            Q(terminated_on__isnull=True) | Q(terminated_on__gte=start)
        ).exclude(terminated_on__lt=models.F("start_date"))


def _contracts():
    return apps.get_model("familydoctor", "Contract").objects


def contracted_resident_ids(at: date):
    """Ids of residents with a contract in force on `at`, as a subquery (`filter(id__in=...)`)."""
    return _contracts().active_at(at).values("resident_id")


def coverage(resident_qs, at: date) -> tuple[int, int]:
    """(residents of `resident_qs` with a contract in force on `at`, residents of `resident_qs`): one query."""
    row = resident_qs.order_by().aggregate(
        total=Count("id"), contracted=Count("id", filter=Q(id__in=contracted_resident_ids(at)))
    )
    return row["contracted"] or 0, row["total"] or 0


def population(resident_qs):
    """Residents who count in a coverage denominator: current records (not merged) living here (常住, active)."""
    Resident = apps.get_model("residents", "Resident")
    return resident_qs.filter(is_active=True, status=Resident.Status.ACTIVE)


# ---- key groups (重点人群, FD2016 §2) ------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyGroup:
    code: str
    label: str
    members: Callable  # (resident_qs, at) -> resident_qs


def _elderly(qs, at):
    # PHS3 老年人健康管理: 65 and over on the date (周岁, §0 Age).
    return qs.filter(birth_date__lte=years_before(at, 65))


def _children(qs, at):
    # PHS3 0–6岁儿童 = under 7 on the date (出生至不满7周岁, §0).
    return qs.filter(birth_date__gt=years_before(at, 7), birth_date__lte=at)


KEY_GROUPS: dict[str, KeyGroup] = {
    "elderly": KeyGroup("elderly", _("Elderly (65 and over)"), _elderly),
    "children": KeyGroup("children", _("Children 0–6"), _children),
}


def register_key_group(code: str, label, members: Callable) -> None:
    """Apps above this one add groups defined by their records (hypertension, diabetes programme members) from
    `AppConfig.ready()`; the coverage page and API then show them next to the age groups."""
    KEY_GROUPS[code] = KeyGroup(code, label, members)


# ---- coverage tables -----------------------------------------------------------------------------------


@dataclass
class CoverageRow:
    key: str  # "org:<id>" or "village:<id>"
    label: str
    contracted: int
    total: int
    village_id: int | None = None
    org_id: int | None = None
    group: str | None = None
    configured_population: bool = False  # the total is the village's configured 常住人口, not a count

    @property
    def rate(self) -> float | None:
        return round(100 * self.contracted / self.total, 1) if self.total else None


def villages_under(org: Organisation):
    return Village.objects.filter(clinic__path__startswith=org.path)


def coverage_by_village(villages, at: date) -> list[CoverageRow]:
    """One row per village: residents with a contract in force on `at` / resident population, where the
    population is `Village.population` if configured, else the count of current residents (§8 contract_coverage)."""
    villages = list(villages.order_by("division_code"))
    Resident = apps.get_model("residents", "Resident")
    counts = {
        row["village_id"]: row
        for row in population(Resident.objects.filter(village__in=[v.pk for v in villages]))
        .order_by().values("village_id")
        .annotate(total=Count("id"), contracted=Count("id", filter=Q(id__in=contracted_resident_ids(at))))
    }
    rows = []
    for v in villages:
        found = counts.get(v.pk, {})
        configured = v.population is not None
        rows.append(CoverageRow(
            key=f"village:{v.pk}", label=v.name, contracted=found.get("contracted", 0),
            total=v.population if configured else found.get("total", 0), village_id=v.pk,
            configured_population=configured,
        ))
    return rows


def breakdown_for(org: Organisation, at: date) -> list[CoverageRow]:
    """Rows one level below `org`: its child organisations for the county, its villages for a township or clinic."""
    if org.org_type in (OrgType.TOWNSHIP_CENTRE, OrgType.VILLAGE_CLINIC):
        return coverage_by_village(villages_under(org), at)
    village_rows = coverage_by_village(villages_under(org), at)
    by_village = {r.village_id: r for r in village_rows}
    children = list(Organisation.objects.filter(parent=org, is_active=True).order_by("path"))
    clinic_paths = dict(villages_under(org).values_list("id", "clinic__path"))
    rows = []
    for child in children:
        mine = [by_village[vid] for vid, path in clinic_paths.items() if path.startswith(child.path)]
        if not mine:
            continue
        rows.append(CoverageRow(
            key=f"org:{child.pk}", label=child.name, contracted=sum(r.contracted for r in mine),
            total=sum(r.total for r in mine), org_id=child.pk,
            configured_population=any(r.configured_population for r in mine),
        ))
    return rows


def key_group_coverage(org: Organisation, at: date) -> list[CoverageRow]:
    """One row per key group over the organisation's villages (group sizes are counted, never configured)."""
    Resident = apps.get_model("residents", "Resident")
    base = population(Resident.objects.filter(village__in=villages_under(org).values("id")))
    rows = []
    for group in KEY_GROUPS.values():
        contracted, total = coverage(group.members(base, at), at)
        rows.append(CoverageRow(key=f"group:{group.code}", label=str(group.label), contracted=contracted,
                                total=total, group=group.code))
    return rows


def drilldown_residents(villages, at: date, *, group: str | None, contracted: bool | None):
    """The residents behind a coverage number, ordered for paging."""
    Resident = apps.get_model("residents", "Resident")
    qs = population(Resident.objects.filter(village__in=villages.values("id")))
    if group:
        qs = KEY_GROUPS[group].members(qs, at)
    if contracted is True:
        qs = qs.filter(id__in=contracted_resident_ids(at))
    elif contracted is False:
        qs = qs.exclude(id__in=contracted_resident_ids(at))
    return qs.select_related("village").order_by("village__division_code", "name_normalised", "id")
