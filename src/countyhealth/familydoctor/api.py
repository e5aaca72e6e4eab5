"""Family-doctor JSON API (/api/family-doctor/): the same actions, scope and audit as the pages.

Errors are ActionErrors rendered by core.api_errors as {"code", "message", "fields"}; an id out of the user's
scope is 404 and audited (`get_visible_or_404`)."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router
from ninja.responses import Status

from countyhealth.accounts.access import get_visible_or_404, scope_for
from countyhealth.accounts.roles import Reach
from countyhealth.audit import log as audit
from countyhealth.core.pagination import paginate
from countyhealth.orgs.models import Village
from countyhealth.residents.actions import NotAllowed
from countyhealth.residents.masking import mask_id_number
from countyhealth.residents.models import Resident

from . import actions, queries
from .models import Contract, ContractPackage, FamilyDoctorTeam, ServicePackage, TeamMember
from .schemas import (
    ContractOut,
    ContractPackageOut,
    CoverageOut,
    CoverageResidentOut,
    CoverageResidentPage,
    CoverageRowOut,
    MemberOut,
    PackageOut,
    RenewIn,
    SignIn,
    TeamOut,
    TerminateIn,
)
from .views import PAGE_SIZE, _scoped_org, _scoped_village, coverage_scope

router = Router(tags=["familydoctor"])

TEAMS = FamilyDoctorTeam.objects.select_related("organisation").prefetch_related(
    Prefetch("members", queryset=TeamMember.objects.select_related("user__organisation")), "villages"
)
CONTRACTS = Contract.objects.select_related("team", "doctor", "renewal").prefetch_related(
    Prefetch("contract_packages", queryset=ContractPackage.objects.select_related("package"))
)


def _team(t: FamilyDoctorTeam) -> TeamOut:
    return TeamOut(
        id=t.pk, name=t.name, organisation_id=t.organisation_id, organisation=t.organisation.name, phone=t.phone,
        is_active=t.is_active, village_ids=[v.pk for v in t.villages.all()],
        members=[MemberOut(user_id=m.user_id, name=m.user.display_name, role=m.role, role_label=m.get_role_display(),
                           is_lead=m.is_lead, phone=m.phone,
                           organisation=m.user.organisation.name if m.user.organisation else "")
                 for m in t.members.all()],
    )


def _renewal_id(c: Contract) -> int | None:
    try:
        return c.renewal.pk
    except Contract.DoesNotExist:
        return None


def _contract(c: Contract) -> ContractOut:
    today = timezone.localdate()
    return ContractOut(
        id=c.pk, resident_id=c.resident_id, team_id=c.team_id, team=c.team.name, doctor_id=c.doctor_id,
        doctor=c.doctor.display_name,
        packages=[ContractPackageOut(package_id=cp.package_id, code=cp.package.code, name=cp.package.name,
                                     annual_fee=cp.annual_fee, resident_amount=cp.resident_amount)
                  for cp in c.contract_packages.all()],
        start_date=c.start_date, end_date=c.end_date, status=c.status, status_today=c.status_on(today),
        in_force_today=c.is_active_on(today), previous_id=c.previous_id, renewal_id=_renewal_id(c),
        signer=c.signer, signed_by_name=c.signed_by_name, has_signature=bool(c.signature),
        terminated_on=c.terminated_on, termination_reason=c.termination_reason,
        termination_note=c.termination_note, created_at=c.created_at,
    )


def _require_reach(request):
    if scope_for(request.user).reach is None:
        raise NotAllowed()


@router.get("/teams", response=list[TeamOut], summary="Family-doctor teams of the user's area")
def list_teams(request: HttpRequest, active: bool | None = None, page: int = Query(1, ge=1)):
    _require_reach(request)
    qs = TEAMS.filter(pk__in=FamilyDoctorTeam.objects.visible_to(request.user).values("id"))
    if active is not None:
        qs = qs.filter(is_active=active)
    return [_team(t) for t in paginate(qs.order_by("organisation__path", "name"), page, size=100).items]


@router.get("/teams/{int:team_id}", response=TeamOut, summary="One team with its members and villages")
def get_team(request: HttpRequest, team_id: int):
    _require_reach(request)
    return _team(get_visible_or_404(TEAMS, request.user, what="familydoctor.team", pk=team_id))


@router.get("/packages", response=list[PackageOut], summary="Service packages offered")
def list_packages(request: HttpRequest):
    return [PackageOut(id=p.pk, code=p.code, name=p.name, target_group=p.target_group, items=p.items,
                       annual_fee=p.annual_fee, insurance_amount=p.insurance_amount,
                       public_funds_amount=p.public_funds_amount, resident_amount=p.resident_amount)
            for p in ServicePackage.objects.filter(is_active=True).order_by("sort_order", "code")]


def _resident(request, resident_id: int) -> Resident:
    return get_visible_or_404(Resident.objects, request.user, what="residents.resident", pk=resident_id)


@router.get("/residents/{int:resident_id}/contracts", response=list[ContractOut],
            summary="A resident's contracts, newest first")
def list_resident_contracts(request: HttpRequest, resident_id: int):
    resident = _resident(request, resident_id)
    contracts = CONTRACTS.filter(resident=resident).order_by("-start_date", "-id")
    audit.record_access(request.user, [resident.pk], "familydoctor.resident_contracts")
    return [_contract(c) for c in contracts]


@router.post("/residents/{int:resident_id}/contracts", response={201: ContractOut},
             summary="Sign a contract (409 contract_overlap when another contract covers these dates)")
def sign_contract(request: HttpRequest, resident_id: int, payload: SignIn):
    resident = _resident(request, resident_id)
    contract = actions.do_sign_contract(acting_user=request.user, data=actions.ContractData(
        resident_id=resident.pk, team_id=payload.team_id, doctor_id=payload.doctor_id,
        package_ids=payload.package_ids, start_date=payload.start_date, end_date=payload.end_date,
        signed=actions.SignatureData(signer=payload.signer, signed_by_name=payload.signed_by_name,
                                     signature=payload.signature),
    ))
    return Status(201, _contract(CONTRACTS.get(pk=contract.pk)))


def _visible_contract(request, contract_id: int) -> Contract:
    return get_visible_or_404(CONTRACTS, request.user, what="familydoctor.contract", pk=contract_id)


@router.get("/contracts/{int:contract_id}", response=ContractOut, summary="One contract")
def get_contract(request: HttpRequest, contract_id: int):
    contract = _visible_contract(request, contract_id)
    audit.record_access(request.user, [contract.resident_id], "familydoctor.contract")
    return _contract(contract)


@router.post("/contracts/{int:contract_id}/renew", response={201: ContractOut},
             summary="Renew: a new contract from the day after this one ends (or today if it has ended)")
def renew_contract(request: HttpRequest, contract_id: int, payload: RenewIn):
    old = _visible_contract(request, contract_id)
    contract = actions.do_renew_contract(
        acting_user=request.user, contract_id=old.pk, package_ids=payload.package_ids, doctor_id=payload.doctor_id,
        end_date=payload.end_date,
        signed=actions.SignatureData(signer=payload.signer, signed_by_name=payload.signed_by_name,
                                     signature=payload.signature),
    )
    return Status(201, _contract(CONTRACTS.get(pk=contract.pk)))


@router.post("/contracts/{int:contract_id}/terminate", response=ContractOut,
             summary="Terminate: terminated_on is the last day of service")
def terminate_contract(request: HttpRequest, contract_id: int, payload: TerminateIn):
    contract = _visible_contract(request, contract_id)
    actions.do_terminate_contract(acting_user=request.user, contract_id=contract.pk,
                                  terminated_on=payload.terminated_on, reason=payload.reason, note=payload.note)
    return _contract(CONTRACTS.get(pk=contract.pk))


def _row(r: queries.CoverageRow) -> CoverageRowOut:
    return CoverageRowOut(label=r.label, organisation_id=r.org_id, village_id=r.village_id, group=r.group,
                          contracted=r.contracted, total=r.total, rate=r.rate,
                          configured_population=r.configured_population)


def _scoped(fn, *args):
    try:
        return fn(*args)
    except PermissionDenied as exc:
        raise NotAllowed() from exc


@router.get("/coverage", response=CoverageOut,
            summary="Contract rate (签约率) of an organisation on a date, by organisation or village and key group")
def get_coverage(request: HttpRequest, org: int | None = None, at: date | None = None):
    scope = coverage_scope(request.user)
    at = at or timezone.localdate()
    organisation = _scoped(_scoped_org, request, scope, org)
    rows = queries.breakdown_for(organisation, at)
    contracted, total = sum(r.contracted for r in rows), sum(r.total for r in rows)
    return CoverageOut(
        organisation_id=organisation.pk, organisation=organisation.name, at=at, contracted=contracted, total=total,
        rate=round(100 * contracted / total, 1) if total else None, rows=[_row(r) for r in rows],
        key_groups=[_row(r) for r in queries.key_group_coverage(organisation, at)],
    )


@router.get("/coverage/residents", response=CoverageResidentPage,
            summary="The residents behind a coverage number (ID numbers masked)")
def coverage_residents(request: HttpRequest, org: int | None = None, village: int | None = None,
                       at: date | None = None, group: str | None = Query(None, max_length=32),
                       contracted: bool | None = None, page: int = Query(1, ge=1)):
    scope = coverage_scope(request.user)
    if scope.reach is not Reach.SUBTREE:
        raise NotAllowed()
    at = at or timezone.localdate()
    if village is not None:
        villages = Village.objects.filter(pk=_scoped_village(request, scope, village).pk)
    else:
        villages = queries.villages_under(_scoped(_scoped_org, request, scope, org))
    found = paginate(queries.drilldown_residents(villages, at, group=group if group in queries.KEY_GROUPS else None,
                                                 contracted=contracted), page, size=PAGE_SIZE)
    ids = [r.pk for r in found.items]
    current = {c.resident_id: c for c in Contract.objects.filter(resident_id__in=ids).active_at(at)
               .select_related("team").order_by("start_date")}
    audit.record_access(request.user, ids, "familydoctor.coverage_residents")
    return CoverageResidentPage(
        items=[CoverageResidentOut(id=r.pk, name=r.name, sex=r.sex, birth_date=r.birth_date,
                                   id_number=mask_id_number(r.id_number), village_id=r.village_id,
                                   village=r.village.name, contract_id=current[r.pk].pk if r.pk in current else None,
                                   team=current[r.pk].team.name if r.pk in current else None)
               for r in found.items],
        page=found.number, has_next=found.has_next,
    )
