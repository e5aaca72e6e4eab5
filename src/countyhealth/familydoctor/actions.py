"""Every write of the family-doctor app: teams, signing, renewing, terminating and expiring contracts.

Each action checks the role and scope, validates with `rules`, writes in one transaction and leaves an audit row.
Overlapping contracts are prevented under a lock on the resident's row (PostgreSQL row lock; SQLite's IMMEDIATE
transactions serialise writers)."""

from dataclasses import dataclass, field
from datetime import date

from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from countyhealth.accounts.access import scope_for
from countyhealth.audit import log as audit
from countyhealth.core.errors import ActionError, Conflict, NotVisible
from countyhealth.orgs.models import Organisation, OrgType, Village
from countyhealth.residents.actions import NotAllowed
from countyhealth.residents.models import Resident
from countyhealth.residents.rules import PhoneError, normalise_phone

from . import rules
from .models import Contract, ContractPackage, FamilyDoctorTeam, ServicePackage, TeamMember

TEAM_NAME_MAX = FamilyDoctorTeam._meta.get_field("name").max_length
SIGNER_NAME_MAX = Contract._meta.get_field("signed_by_name").max_length
NOTE_MAX = Contract._meta.get_field("termination_note").max_length


class _Errors:
    """Collects field errors so a form shows all of them at once; `raise_if_any` raises one ActionError."""

    def __init__(self):
        self.fields: dict[str, list] = {}
        self.codes: list[str] = []

    def add(self, field_name: str, message, code: str) -> None:
        self.fields.setdefault(field_name, []).append(message)
        self.codes.append(code)

    def check(self, fn, *args, **kwargs) -> bool:
        try:
            fn(*args, **kwargs)
        except ActionError as exc:
            for name, messages in (exc.fields or {"__all__": [exc.message]}).items():
                for message in messages:
                    self.add(name, message, exc.code)
            return False
        return True

    def raise_if_any(self) -> None:
        if self.fields:
            code = self.codes[0] if len(set(self.codes)) == 1 else "invalid"
            message = self.fields["__all__"][0] if list(self.fields) == ["__all__"] else _(
                "Please correct the errors below.")
            raise ActionError(message, code=code, fields={k: v for k, v in self.fields.items() if k != "__all__"})


def _require(user, roles) -> None:
    if user.role not in roles:
        raise NotAllowed()


def _phone(value: str, field_name: str, errors: _Errors) -> str:
    if not (value or "").strip():
        return ""
    try:
        return normalise_phone(value)
    except PhoneError as exc:
        errors.add(field_name, exc.message, "phone_invalid")
        return ""


# ---- teams ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberData:
    user_id: int
    role: str
    is_lead: bool = False
    phone: str = ""


@dataclass(frozen=True)
class TeamData:
    name: str
    organisation_id: int
    village_ids: list[int] = field(default_factory=list)
    members: list[MemberData] = field(default_factory=list)
    phone: str = ""
    is_active: bool = True


def _clean_team(acting_user, data: TeamData, team: FamilyDoctorTeam | None):
    errors = _Errors()
    name = " ".join((data.name or "").split())
    if not name:
        errors.add("name", _("Enter the team's name."), "name_required")
    elif len(name) > TEAM_NAME_MAX:
        errors.add("name", _("The name may have at most %(max)d characters.") % {"max": TEAM_NAME_MAX},
                   "name_too_long")

    scope = scope_for(acting_user)
    org = Organisation.objects.filter(pk=data.organisation_id, is_active=True).first()
    if org is None or not (scope.everything or org.pk in scope.org_ids):
        errors.add("organisation_id", _("Select an organisation in your area."), "organisation_invalid")
        org = None
    elif org.org_type not in (OrgType.TOWNSHIP_CENTRE, OrgType.VILLAGE_CLINIC):
        errors.add("organisation_id", _("A team belongs to a township health centre or a village clinic."),
                   "organisation_type")
        org = None
    if org is not None and name:
        clash = FamilyDoctorTeam.objects.filter(organisation=org, name=name)
        if team is not None:
            clash = clash.exclude(pk=team.pk)
        if clash.exists():
            errors.add("name", _("This organisation already has a team with this name."), "name_taken")

    villages = []
    village_ids = list(dict.fromkeys(data.village_ids))
    if not village_ids:
        errors.add("village_ids", _("Select the villages the team serves."), "villages_required")
    elif org is not None:
        villages = list(Village.objects.filter(pk__in=village_ids, clinic__path__startswith=org.path))
        if len(villages) != len(village_ids):
            errors.add("village_ids", _("A team serves only villages of its own organisation."),
                       "village_outside")

    members = _clean_members(data.members, org, errors)
    phone = _phone(data.phone, "phone", errors)
    if team is not None and org is not None:
        _check_members_keep_contracts(team, members, errors)
        if not data.is_active and team.contracts.active_at(timezone.localdate()).exists():
            errors.add("is_active", _("The team still has contracts in force; it cannot be closed."),
                       "team_has_contracts")
    errors.raise_if_any()
    return name, org, villages, members, phone


def _clean_members(members: list[MemberData], org, errors: _Errors) -> list[MemberData]:
    User = apps.get_model("accounts", "User")
    if not members:
        errors.add("members", _("Add the team's members."), "members_required")
        return []
    user_ids = [m.user_id for m in members]
    if len(set(user_ids)) != len(user_ids):
        errors.add("members", _("Each person can be listed once."), "member_twice")
    if any(m.role not in TeamMember.Role.values for m in members):
        errors.add("members", _("Select a valid team role."), "member_role_invalid")
    leads = [m for m in members if m.is_lead]
    if len(leads) != 1:
        errors.add("members", _("Mark exactly one member as the team lead."), "lead_count")
    elif leads[0].role != TeamMember.Role.GP:
        errors.add("members", _("The team lead must be a general practitioner."), "lead_not_gp")
    users = {u.pk: u for u in User.objects.filter(pk__in=user_ids).select_related("organisation")}
    cleaned = []
    for m in members:
        user = users.get(m.user_id)
        # Members work in the team's organisation, below it (village doctors) or above it (county specialists).
        fits = (user is not None and user.is_active and not user.is_system and user.role in rules.MEMBER_USER_ROLES
                and user.organisation is not None and org is not None
                and (user.organisation.path.startswith(org.path) or org.path.startswith(user.organisation.path)))
        if org is not None and not fits:
            errors.add("members", _("%(user)s cannot be a member of this team.") % {
                "user": user.display_name if user else m.user_id}, "member_invalid")
        phone = _phone(m.phone, "members", errors)
        cleaned.append(MemberData(user_id=m.user_id, role=m.role, is_lead=m.is_lead, phone=phone))
    return cleaned


def _check_members_keep_contracts(team, members: list[MemberData], errors: _Errors) -> None:
    """A member leaving the team must first hand over the contracts they are responsible for."""
    responsible = set(rules.RESPONSIBLE_TEAM_ROLES)
    staying = {m.user_id for m in members if m.role in responsible}
    today = timezone.localdate()
    live = (team.contracts.filter(end_date__gte=today).exclude(terminated_on__lt=today)
            .exclude(doctor_id__in=staying).values_list("doctor_id", flat=True).distinct())
    User = apps.get_model("accounts", "User")
    for user in User.objects.filter(pk__in=list(live)).order_by("id"):
        errors.add("members", _("%(user)s is the responsible doctor of contracts in force; reassign them "
                                "before removing this member or changing their role.") % {"user": user.display_name},
                   "member_has_contracts")


def _write_team(team: FamilyDoctorTeam, villages, members: list[MemberData]) -> None:
    team.villages.set(villages)
    existing = {m.user_id: m for m in team.members.all()}
    wanted = {m.user_id for m in members}
    team.members.exclude(user_id__in=wanted).delete()
    # Clear the lead first: the one-lead constraint holds after every statement.
    team.members.filter(is_lead=True).update(is_lead=False)
    for m in members:
        row = existing.get(m.user_id)
        if row is None:
            TeamMember.objects.create(team=team, user_id=m.user_id, role=m.role, phone=m.phone, is_lead=m.is_lead)
        else:
            row.role, row.phone, row.is_lead = m.role, m.phone, m.is_lead
            row.save(update_fields=["role", "phone", "is_lead"])


def _member_detail(members: list[MemberData]) -> list[dict]:
    return [{"user_id": m.user_id, "role": m.role, "lead": m.is_lead} for m in members]


@transaction.atomic
def do_create_team(*, acting_user, data: TeamData) -> FamilyDoctorTeam:
    _require(acting_user, rules.MANAGES_TEAMS)
    name, org, villages, members, phone = _clean_team(acting_user, data, None)
    try:
        with transaction.atomic():
            team = FamilyDoctorTeam.objects.create(name=name, organisation=org, phone=phone, is_active=data.is_active)
    except IntegrityError as exc:
        raise Conflict(_("This organisation already has a team with this name."), code="name_taken",
                       field="name") from exc
    _write_team(team, villages, members)
    audit.record_change(acting_user, "familydoctor.team_created", team, detail={
        "villages": [v.pk for v in villages], "members": _member_detail(members)})
    return team


@transaction.atomic
def do_update_team(*, acting_user, team_id: int, data: TeamData) -> FamilyDoctorTeam:
    _require(acting_user, rules.MANAGES_TEAMS)
    team = FamilyDoctorTeam.objects.select_for_update().filter(pk=team_id).first()
    if team is None or not FamilyDoctorTeam.objects.managed_by(acting_user).filter(pk=team_id).exists():
        raise NotVisible()
    name, org, villages, members, phone = _clean_team(acting_user, data, team)
    team.name, team.organisation, team.phone, team.is_active = name, org, phone, data.is_active
    try:
        with transaction.atomic():
            team.save(update_fields=["name", "organisation", "phone", "is_active", "updated_at"])
    except IntegrityError as exc:
        raise Conflict(_("This organisation already has a team with this name."), code="name_taken",
                       field="name") from exc
    _write_team(team, villages, members)
    audit.record_change(acting_user, "familydoctor.team_updated", team, detail={
        "villages": [v.pk for v in villages], "members": _member_detail(members), "active": data.is_active})
    return team


# ---- contracts -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureData:
    signed_by_name: str
    signature: str
    signer: str = Contract.Signer.RESIDENT


@dataclass(frozen=True)
class ContractData:
    resident_id: int
    team_id: int
    doctor_id: int
    package_ids: list[int]
    start_date: date
    signed: SignatureData
    end_date: date | None = None


def _lock_resident(acting_user, resident_id: int) -> Resident:
    """Lock the resident's row for the overlap check; out of scope looks the same as nonexistent."""
    resident = Resident.objects.select_for_update().filter(pk=resident_id).first()
    if resident is None or not Resident.objects.visible_to(acting_user).filter(pk=resident_id).exists():
        raise NotVisible()
    return resident


def _check_resident_signable(resident: Resident) -> None:
    if not resident.is_active:
        raise Conflict(_("This record was merged into another one; sign the contract on that record."),
                       code="resident_merged")
    if resident.status in (Resident.Status.DEAD, Resident.Status.MOVED_OUT):
        raise Conflict(_("The resident is recorded as %(status)s and cannot sign a contract.")
                       % {"status": resident.get_status_display()}, code="resident_not_active")


def _clean_signature(signed: SignatureData, errors: _Errors) -> str:
    name = " ".join((signed.signed_by_name or "").split())
    if not name:
        errors.add("signed_by_name", _("Enter the name of the person signing."), "signer_required")
    elif len(name) > SIGNER_NAME_MAX:
        errors.add("signed_by_name", _("The name may have at most %(max)d characters.") % {"max": SIGNER_NAME_MAX},
                   "signer_too_long")
    if signed.signer not in Contract.Signer.values:
        errors.add("signer", _("Select who signs."), "signer_invalid")
    errors.check(rules.check_signature, signed.signature or "")
    return name


def _clean_team_and_doctor(acting_user, resident: Resident, team_id, doctor_id, errors: _Errors):
    team = FamilyDoctorTeam.objects.visible_to(acting_user).filter(pk=team_id, is_active=True).first()
    if team is None:
        errors.add("team_id", _("Select a family-doctor team of your area."), "team_invalid")
        return None
    if not team.villages.filter(pk=resident.village_id).exists():
        errors.add("team_id", _("This team does not serve the resident's village."), "team_not_serving")
    if not team.members.filter(user_id=doctor_id, role__in=rules.RESPONSIBLE_TEAM_ROLES).exists():
        errors.add("doctor_id", _("The responsible doctor must be a general practitioner or village doctor of "
                                  "the team."), "doctor_invalid")
    return team


def _clean_packages(package_ids, resident: Resident, start: date, errors: _Errors) -> list[ServicePackage]:
    ids = list(dict.fromkeys(package_ids or []))
    if not ids:
        errors.add("package_ids", _("Select at least one service package."), "packages_required")
        return []
    packages = list(ServicePackage.objects.filter(pk__in=ids, is_active=True).order_by("sort_order", "code"))
    if len(packages) != len(ids):
        errors.add("package_ids", _("Select packages from the list offered."), "package_invalid")
    for p in packages:
        errors.check(rules.check_package_fits, p.target_group, p.name, birth_date=resident.birth_date,
                     sex=resident.sex, on=start)
    return packages


def _check_no_overlap(resident: Resident, start: date, end: date, *, exclude_id: int | None = None) -> None:
    clash = Contract.objects.filter(resident=resident).overlapping(start, end)
    if exclude_id is not None:
        clash = clash.exclude(pk=exclude_id)
    other = clash.order_by("start_date").first()
    if other is not None:
        raise Conflict(
            _("The resident already has a contract from %(start)s to %(end)s that overlaps these dates.")
            % {"start": other.start_date.isoformat(), "end": other.last_day.isoformat()},
            code="contract_overlap",
        )


def _create_contract(acting_user, *, resident, team, doctor_id, packages, start, end, signer_name,
                     signed: SignatureData, previous=None) -> Contract:
    try:
        with transaction.atomic():
            contract = Contract.objects.create(
                resident=resident, team=team, doctor_id=doctor_id, start_date=start, end_date=end,
                previous=previous, signer=signed.signer, signed_by_name=signer_name, signature=signed.signature,
                created_by=acting_user,
            )
    except IntegrityError as exc:
        # Another contract was written for the same start date or renewal between our check and this insert.
        raise Conflict(_("The resident already has a contract that overlaps these dates."),
                       code="contract_overlap") from exc
    ContractPackage.objects.bulk_create([
        ContractPackage(contract=contract, package=p, annual_fee=p.annual_fee, resident_amount=p.resident_amount)
        for p in packages
    ])
    return contract


@transaction.atomic
def do_sign_contract(*, acting_user, data: ContractData) -> Contract:
    """Sign a family-doctor contract (FD2016): one team, one responsible doctor, one or more packages, one year
    by default."""
    _require(acting_user, rules.SIGNS_CONTRACTS)
    resident = _lock_resident(acting_user, data.resident_id)
    _check_resident_signable(resident)
    today = timezone.localdate()
    errors = _Errors()
    start = data.start_date
    end = data.end_date or rules.default_end_date(start)
    errors.check(rules.check_period, start, end, birth_date=resident.birth_date, today=today)
    team = _clean_team_and_doctor(acting_user, resident, data.team_id, data.doctor_id, errors)
    packages = _clean_packages(data.package_ids, resident, start, errors)
    signer_name = _clean_signature(data.signed, errors)
    errors.raise_if_any()
    _check_no_overlap(resident, start, end)
    contract = _create_contract(acting_user, resident=resident, team=team, doctor_id=data.doctor_id,
                                packages=packages, start=start, end=end, signer_name=signer_name, signed=data.signed)
    audit.record_change(acting_user, "familydoctor.contract_signed", contract, resident_id=resident.pk, detail={
        "team": team.pk, "doctor": data.doctor_id, "packages": [p.code for p in packages],
        "start": start.isoformat(), "end": end.isoformat()})
    return contract


def _lock_visible_contract(acting_user, contract_id: int) -> Contract:
    contract = Contract.objects.filter(pk=contract_id).select_related("resident").first()
    if contract is None or not Contract.objects.visible_to(acting_user).filter(pk=contract_id).exists():
        raise NotVisible()
    # Lock the resident first (the order every contract action takes), then the contract.
    _lock_resident(acting_user, contract.resident_id)
    return Contract.objects.select_for_update().select_related("resident").get(pk=contract_id)


@transaction.atomic
def do_renew_contract(*, acting_user, contract_id: int, signed: SignatureData, package_ids: list[int] | None = None,
                      doctor_id: int | None = None, end_date: date | None = None) -> Contract:
    """Renew (续约): a new contract with the same team from the day after this one ends, or from today if it has
    already ended; packages and doctor default to the old contract's. The resident signs again."""
    _require(acting_user, rules.SIGNS_CONTRACTS)
    old = _lock_visible_contract(acting_user, contract_id)
    resident = old.resident
    _check_resident_signable(resident)
    if old.status == Contract.Status.TERMINATED:
        raise Conflict(_("A terminated contract cannot be renewed; sign a new contract instead."),
                       code="contract_terminated")
    if Contract.objects.filter(previous=old).exists():
        raise Conflict(_("This contract has already been renewed."), code="already_renewed")
    today = timezone.localdate()
    rules.check_renewal_open(old.end_date, today=today)
    start = rules.renewal_start(old.end_date, today=today)
    end = end_date or rules.default_end_date(start)
    doctor_id = doctor_id if doctor_id is not None else old.doctor_id
    if package_ids is None:
        package_ids = list(old.contract_packages.values_list("package_id", flat=True))
    errors = _Errors()
    errors.check(rules.check_period, start, end, birth_date=resident.birth_date, today=today, renewal=True)
    team = _clean_team_and_doctor(acting_user, resident, old.team_id, doctor_id, errors)
    packages = _clean_packages(package_ids, resident, start, errors)
    signer_name = _clean_signature(signed, errors)
    errors.raise_if_any()
    _check_no_overlap(resident, start, end)
    contract = _create_contract(acting_user, resident=resident, team=team, doctor_id=doctor_id, packages=packages,
                                start=start, end=end, signer_name=signer_name, signed=signed, previous=old)
    audit.record_change(acting_user, "familydoctor.contract_renewed", contract, resident_id=resident.pk, detail={
        "previous": old.pk, "doctor": doctor_id, "packages": [p.code for p in packages],
        "start": start.isoformat(), "end": end.isoformat()})
    return contract


@transaction.atomic
def do_terminate_contract(*, acting_user, contract_id: int, terminated_on: date, reason: str,
                          note: str = "") -> Contract:
    """Terminate (解约): `terminated_on` is the last day of service; the day before the start voids the contract."""
    _require(acting_user, rules.SIGNS_CONTRACTS)
    contract = _lock_visible_contract(acting_user, contract_id)
    if contract.status == Contract.Status.TERMINATED:
        raise Conflict(_("This contract has already been terminated."), code="already_terminated")
    errors = _Errors()
    errors.check(rules.check_termination_date, terminated_on, start=contract.start_date, end=contract.end_date,
                 today=timezone.localdate())
    if reason not in Contract.TerminationReason.values:
        errors.add("reason", _("Select the reason for termination."), "reason_invalid")
    note = " ".join((note or "").split())
    if len(note) > NOTE_MAX:
        errors.add("note", _("The note may have at most %(max)d characters.") % {"max": NOTE_MAX}, "note_too_long")
    if reason == Contract.TerminationReason.OTHER and not note:
        errors.add("note", _("Describe the reason in the note."), "note_required")
    errors.raise_if_any()
    contract.status = Contract.Status.TERMINATED
    contract.terminated_on, contract.termination_reason, contract.termination_note = terminated_on, reason, note
    contract.terminated_by = acting_user
    contract.save(update_fields=["status", "terminated_on", "termination_reason", "termination_note",
                                 "terminated_by", "updated_at"])
    audit.record_change(acting_user, "familydoctor.contract_terminated", contract, resident_id=contract.resident_id,
                        detail={"terminated_on": terminated_on.isoformat(), "reason": reason})
    return contract


@transaction.atomic
def do_expire_contracts(*, acting_user, today: date | None = None) -> int:
    """Nightly sweep: contracts past their end date become expired. Coverage never depends on it (it reads dates);
    the stored status keeps lists and filters honest."""
    today = today or timezone.localdate()
    expired = Contract.objects.filter(status=Contract.Status.ACTIVE, end_date__lt=today)
    count = expired.update(status=Contract.Status.EXPIRED, updated_at=timezone.now())
    if count:
        audit.record_change(acting_user, "familydoctor.contracts_expired", detail={
            "count": count, "before": today.isoformat()})
    return count

