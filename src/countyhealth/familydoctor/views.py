"""Family-doctor pages: a resident's contracts (sign, renew, terminate), teams, packages and coverage (签约率)."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from countyhealth.accounts.access import get_visible_or_404, scope_for
from countyhealth.accounts.roles import Reach
from countyhealth.audit import log as audit
from countyhealth.core.errors import ActionError, NotVisible
from countyhealth.core.pagination import paginate
from countyhealth.orgs.models import Organisation, Village
from countyhealth.residents.actions import NotAllowed
from countyhealth.residents.models import Resident
from countyhealth.residents.views import roles_required

from . import actions, queries, rules
from .forms import (
    ContractRenewForm,
    ContractSignForm,
    ContractTerminateForm,
    TeamForm,
    member_formset,
    team_data,
    team_initial,
)
from .models import Contract, ContractPackage, FamilyDoctorTeam, ServicePackage, TeamMember

PAGE_SIZE = 30
EARLIEST_COVERAGE_DATE = rules.EARLIEST_START


def _run(form, action, **kwargs):
    """Call an action; its errors become form errors. Returns the result, or None after an error."""
    try:
        return action(**kwargs)
    except NotVisible as exc:
        raise Http404 from exc
    except NotAllowed as exc:
        raise PermissionDenied from exc
    except ActionError as exc:
        form.add_action_error(exc)
        return None


def _members_prefetch():
    return Prefetch("members", queryset=TeamMember.objects.select_related("user__organisation"))


def _contracts_of(resident, user):
    return list(
        Contract.objects.visible_to(user).filter(resident=resident)
        .select_related("team__organisation", "doctor", "previous")
        .prefetch_related(Prefetch("contract_packages", queryset=ContractPackage.objects.select_related("package")
                                   .order_by("package__sort_order")),
                          Prefetch("team__members", queryset=TeamMember.objects.select_related("user")))
        .order_by("-start_date", "-id")
    )


# ---- a resident's contracts -----------------------------------------------------------------------------


@login_required
def resident_contracts(request, pk):
    user = request.user
    resident = get_visible_or_404(Resident.objects.select_related("village"), user, what="residents.resident", pk=pk)
    today = timezone.localdate()
    contracts = _contracts_of(resident, user)
    current = next((c for c in contracts if c.is_active_on(today)), None)
    upcoming = next((c for c in contracts if c.start_date > today and c.last_day >= c.start_date), None)
    renewed = {c.previous_id for c in contracts if c.previous_id}
    for c in contracts:
        c.shown_members = members_for_resident(c.team.members.all(), resident, c.doctor_id)
        c.shown_status = c.status_on(today)
        c.is_upcoming = c.start_date > today and c.shown_status != Contract.Status.TERMINATED
        live = c.status != Contract.Status.TERMINATED
        c.may_renew = live and c.pk not in renewed and (c.end_date - today).days <= rules.RENEWAL_WINDOW_DAYS
        c.may_terminate = live and c.end_date >= today
    audit.record_access(user, [resident.pk], "familydoctor.resident_contracts")
    return render(request, "familydoctor/resident_contracts.html", {
        "resident": resident, "contracts": contracts, "current": current, "upcoming": upcoming, "today": today,
        "may_sign": user.role in rules.SIGNS_CONTRACTS and resident.is_active
        and resident.status not in (Resident.Status.DEAD, Resident.Status.MOVED_OUT),
    })


def members_for_resident(members, resident, doctor_id=None) -> list:
    """The members a resident deals with: everyone but the village doctors of other villages' clinics (a
    township team may count dozens of village doctors)."""
    clinic_id = resident.village.clinic_id
    return [m for m in members if m.role != TeamMember.Role.VILLAGE_DOCTOR or m.user.organisation_id == clinic_id
            or m.user_id == doctor_id]


@roles_required(rules.SIGNS_CONTRACTS)
def contract_sign(request, pk):
    user = request.user
    resident = get_visible_or_404(Resident.objects.select_related("village"), user, what="residents.resident", pk=pk)
    form = ContractSignForm(request.POST or None, user=user, resident=resident,
                            initial={"start_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        team_id, doctor_id = form.team_and_doctor()
        data = actions.ContractData(
            resident_id=resident.pk, team_id=team_id, doctor_id=doctor_id,
            package_ids=[p.pk for p in form.cleaned_data["packages"]], start_date=form.cleaned_data["start_date"],
            end_date=form.cleaned_data["end_date"], signed=form.signature_data(),
        )
        if _run(form, actions.do_sign_contract, acting_user=user, data=data) is not None:
            messages.success(request, _("The contract has been signed."))
            return redirect("familydoctor:resident-contracts", pk=resident.pk)
    else:
        audit.record_access(user, [resident.pk], "familydoctor.contract_sign")
    return render(request, "familydoctor/contract_form.html", {
        "form": form, "resident": resident, "title": _("Sign a family-doctor contract"),
        "no_team": len(form.fields["team_doctor"].choices) <= 1,
    })


def _contract_for(request, pk):
    return get_visible_or_404(
        Contract.objects.select_related("resident__village", "team", "doctor"), request.user,
        what="familydoctor.contract", pk=pk,
    )


@roles_required(rules.SIGNS_CONTRACTS)
def contract_renew(request, pk):
    contract = _contract_for(request, pk)
    form = ContractRenewForm(request.POST or None, contract=contract)
    start = rules.renewal_start(contract.end_date, today=timezone.localdate())
    end = rules.default_end_date(start)
    if request.method == "POST" and form.is_valid():
        renewed = _run(form, actions.do_renew_contract, acting_user=request.user, contract_id=contract.pk,
                       signed=form.signature_data(), package_ids=[p.pk for p in form.cleaned_data["packages"]],
                       doctor_id=form.cleaned_data["doctor"], end_date=form.cleaned_data["end_date"])
        if renewed is not None:
            messages.success(request, _("The contract has been renewed from %(start)s to %(end)s.") % {
                "start": renewed.start_date.isoformat(), "end": renewed.end_date.isoformat()})
            return redirect("familydoctor:resident-contracts", pk=contract.resident_id)
    else:
        audit.record_access(request.user, [contract.resident_id], "familydoctor.contract_renew")
    return render(request, "familydoctor/contract_form.html", {
        "form": form, "resident": contract.resident, "contract": contract, "renewal_start": start,
        "renewal_end": end, "title": _("Renew the contract"),
    })


@roles_required(rules.SIGNS_CONTRACTS)
def contract_terminate(request, pk):
    contract = _contract_for(request, pk)
    today = timezone.localdate()
    form = ContractTerminateForm(request.POST or None, initial={
        "terminated_on": rules.default_termination_date(contract.start_date, contract.end_date, today=today)})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done = _run(form, actions.do_terminate_contract, acting_user=request.user, contract_id=contract.pk,
                    terminated_on=d["terminated_on"], reason=d["reason"], note=d["note"])
        if done is not None:
            messages.success(request, _("The contract has been terminated."))
            return redirect("familydoctor:resident-contracts", pk=contract.resident_id)
    else:
        audit.record_access(request.user, [contract.resident_id], "familydoctor.contract_terminate")
    return render(request, "familydoctor/contract_terminate.html", {
        "form": form, "resident": contract.resident, "contract": contract,
    })


# ---- teams and packages -------------------------------------------------------------------------------


@login_required
def team_list(request):
    user = request.user
    if scope_for(user).reach is None:
        raise PermissionDenied
    today = timezone.localdate()
    teams = (FamilyDoctorTeam.objects.visible_to(user).select_related("organisation")
             .prefetch_related(_members_prefetch(), "villages")
             .annotate(contract_count=Count("contracts", filter=_active_filter(today), distinct=True))
             .order_by("-is_active", "organisation__path", "name"))
    page = paginate(teams, request.GET.get("page"), size=PAGE_SIZE)
    return render(request, "familydoctor/team_list.html", {
        "page": page, "may_manage": user.role in rules.MANAGES_TEAMS,
    })


def _active_filter(at: date):
    return (Q(contracts__start_date__lte=at, contracts__end_date__gte=at)
            & (Q(contracts__terminated_on__isnull=True) | Q(contracts__terminated_on__gte=at)))


@login_required
def team_detail(request, pk):
    user = request.user
    if scope_for(user).reach is None:
        raise PermissionDenied
    team = get_visible_or_404(
        FamilyDoctorTeam.objects.select_related("organisation").prefetch_related(_members_prefetch(), "villages"),
        user, what="familydoctor.team", pk=pk,
    )
    today = timezone.localdate()
    active = team.contracts.active_at(today)
    by_doctor = dict(active.order_by().values("doctor_id").annotate(n=Count("id")).values_list("doctor_id", "n"))
    members = list(team.members.all())
    for m in members:
        m.contract_count = by_doctor.get(m.user_id, 0)
    return render(request, "familydoctor/team_detail.html", {
        "team": team, "members": members, "active_count": active.count(),
        "may_manage": FamilyDoctorTeam.objects.managed_by(user).filter(pk=team.pk).exists(),
    })


def _team_form_page(request, form, formset, team=None):
    return render(request, "familydoctor/team_form.html", {"form": form, "formset": formset, "team": team})


@roles_required(rules.MANAGES_TEAMS)
def team_create(request):
    user = request.user
    form = TeamForm(request.POST or None, user=user)
    formset = member_formset(user, request.POST or None)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        team = _run(form, actions.do_create_team, acting_user=user, data=team_data(form, formset))
        if team is not None:
            messages.success(request, _("The team %(name)s has been created.") % {"name": team.name})
            return redirect("familydoctor:team-detail", pk=team.pk)
    return _team_form_page(request, form, formset)


@roles_required(rules.MANAGES_TEAMS)
def team_edit(request, pk):
    user = request.user
    team = get_visible_or_404(FamilyDoctorTeam.objects.prefetch_related("villages", "members"), user,
                              what="familydoctor.team", pk=pk)
    if not FamilyDoctorTeam.objects.managed_by(user).filter(pk=team.pk).exists():
        raise PermissionDenied
    form = TeamForm(request.POST or None, user=user, initial=team_initial(team))
    formset = member_formset(user, request.POST or None, team=team)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        saved = _run(form, actions.do_update_team, acting_user=user, team_id=team.pk, data=team_data(form, formset))
        if saved is not None:
            messages.success(request, _("The team has been saved."))
            return redirect("familydoctor:team-detail", pk=team.pk)
    return _team_form_page(request, form, formset, team)


@login_required
def package_list(request):
    packages = ServicePackage.objects.filter(is_active=True).order_by("sort_order", "code")
    return render(request, "familydoctor/package_list.html", {"packages": packages})


# ---- coverage -------------------------------------------------------------------------------------------


def coverage_scope(user):
    """Coverage is for roles that see their area as a whole: resident rows (subtree) or figures (bureau)."""
    scope = scope_for(user)
    if scope.reach not in (Reach.SUBTREE, Reach.AGGREGATE):
        raise NotAllowed()
    return scope


def _coverage_scope(request):
    try:
        return coverage_scope(request.user)
    except NotAllowed as exc:
        raise PermissionDenied from exc


def _parse_date(raw, errors) -> date:
    today = timezone.localdate()
    if not raw:
        return today
    try:
        at = date.fromisoformat(raw)
    except ValueError:
        errors.append(_("Enter a valid date (YYYY-MM-DD)."))
        return today
    if not (EARLIEST_COVERAGE_DATE <= at <= today.replace(year=today.year + 1)):
        errors.append(_("Choose a date between %(first)s and a year from now.") % {
            "first": EARLIEST_COVERAGE_DATE.isoformat()})
        return today
    return at


def _int_param(request, name):
    try:
        return int(request.GET.get(name, ""))
    except ValueError:
        return None


def _scoped_org(request, scope, org_id) -> Organisation:
    """The organisation asked for, if the user covers it; another area's organisation is audited and 404."""
    user = request.user
    if org_id is None:
        if user.organisation is None:
            raise PermissionDenied
        return user.organisation
    org = Organisation.objects.filter(pk=org_id).first()
    if org is None:
        raise Http404
    if not (scope.everything or org.pk in scope.org_ids):
        audit.record_denied(user, "orgs.organisation", {"pk": org_id})
        raise Http404
    return org


def _scoped_village(request, scope, village_id) -> Village:
    village = Village.objects.select_related("clinic").filter(pk=village_id).first()
    if village is None:
        raise Http404
    if not (scope.everything or village.clinic_id in scope.org_ids):
        audit.record_denied(request.user, "orgs.village", {"pk": village_id})
        raise Http404
    return village


def _breadcrumbs(org: Organisation, scope) -> list[Organisation]:
    """The organisation's ancestors the user covers, from the top down, then the organisation."""
    prefixes = [org.path[:i] for i in range(3, len(org.path), 4)]
    above = [o for o in Organisation.objects.filter(path__in=prefixes).order_by("path")
             if scope.everything or o.pk in scope.org_ids]
    return [*above, org]


@login_required
def coverage(request):
    scope = _coverage_scope(request)
    errors: list[str] = []
    at = _parse_date(request.GET.get("at", ""), errors)
    org = _scoped_org(request, scope, _int_param(request, "org"))
    rows = queries.breakdown_for(org, at)
    contracted = sum(r.contracted for r in rows)
    total = sum(r.total for r in rows)
    overall = queries.CoverageRow(key=f"org:{org.pk}", label=org.name, contracted=contracted, total=total,
                                  org_id=org.pk)
    groups = queries.key_group_coverage(org, at)
    may_list = scope.reach is Reach.SUBTREE
    chart = {
        "labels": [r.label for r in rows],
        "rates": [r.rate if r.rate is not None else 0 for r in rows],
        "contracted": [r.contracted for r in rows],
        "totals": [r.total for r in rows],
        "links": [_row_link(r, at) for r in rows],
        "series": _("Contract rate (%)"),
    }
    return render(request, "familydoctor/coverage.html", {
        "org": org, "at": at, "rows": rows, "overall": overall, "groups": groups, "errors": errors,
        "chart": chart, "may_list": may_list, "breadcrumbs": _breadcrumbs(org, scope),
        "by_village": rows and rows[0].village_id is not None,
    })


def _row_link(row, at: date) -> str:
    if row.org_id is not None:
        return f"{reverse('familydoctor:coverage')}?org={row.org_id}&at={at.isoformat()}"
    return f"{reverse('familydoctor:coverage-residents')}?village={row.village_id}&at={at.isoformat()}"


@login_required
def coverage_residents(request):
    """The residents behind a coverage number: a village or organisation, optionally a key group, and whether
    they are contracted. ID numbers and phones are masked; every listed resident is recorded in the access log."""
    scope = _coverage_scope(request)
    if scope.reach is not Reach.SUBTREE:
        raise PermissionDenied
    errors: list[str] = []
    at = _parse_date(request.GET.get("at", ""), errors)
    village_id = _int_param(request, "village")
    if village_id is not None:
        village = _scoped_village(request, scope, village_id)
        where, villages = village.name, Village.objects.filter(pk=village.pk)
        org = village.clinic
    else:
        org = _scoped_org(request, scope, _int_param(request, "org"))
        where, villages = org.name, queries.villages_under(org)
    group = request.GET.get("group") or None
    if group is not None and group not in queries.KEY_GROUPS:
        group = None
    contracted = {"1": True, "0": False}.get(request.GET.get("contracted", ""))
    qs = queries.drilldown_residents(villages, at, group=group, contracted=contracted)
    page = paginate(qs, request.GET.get("page"), size=PAGE_SIZE)
    ids = [r.pk for r in page.items]
    current = {}
    if ids:
        for c in (Contract.objects.filter(resident_id__in=ids).active_at(at).select_related("team", "doctor")
                  .order_by("start_date")):
            current[c.resident_id] = c
    for r in page.items:
        r.contract = current.get(r.pk)
    audit.record_access(request.user, ids, "familydoctor.coverage_residents")
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "familydoctor/coverage_residents.html", {
        "page": page, "at": at, "where": where, "org": org, "errors": errors,
        "group_label": queries.KEY_GROUPS[group].label if group else None, "contracted": contracted,
        "query": params.urlencode(), "groups": queries.KEY_GROUPS.values(),
        "village_id": village_id, "group": group,
    })
