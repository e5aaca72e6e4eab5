"""Bulk contracts for the demo county (the seeder's documented exception to "every write is an action").

Teams are few (one or two per township and clinic): create them with `actions.do_create_team` acting as a
system user. Contracts are many: `plan_contracts` draws them deterministically from an `random.Random`, and
`write_contracts` inserts them with `bulk_create` — contracts, renewal links and packages — in the caller's
transaction. Seeded contracts carry no electronic signature (paper contracts); the pages show them as such.

    teams_by_village = team_choices_by_village()
    drafts = plan_contracts(people, teams_by_village, today=date(2026, 11, 23), rng=random.Random(1),
                            chronic={resident_id: {"hypertension"}, ...})
    write_contracts(drafts, created_by=system_user("demo"))

Rates (FD2022 reports: about half of residents, 70–80 % of key groups): base `DEFAULT_RATES`, overridable."""

import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from countyhealth.orgs.models import Village

from . import rules
from .models import Contract, ContractPackage, FamilyDoctorTeam, ServicePackage, TeamMember

# Share of residents with a contract in force on `today`, by the first group that applies.
DEFAULT_RATES = {"chronic": 0.80, "elderly": 0.75, "child": 0.65, "other": 0.45}
# Share of the uncontracted who once had a contract that lapsed (expired or was terminated).
LAPSED_SHARE = 0.25
# Chance that each earlier year was also contracted (the renewal chain going back).
RENEWED_SHARE = 0.75
CHRONIC_PACKAGES = {"hypertension": "GXY", "diabetes": "TNB"}
BASIC, ELDERLY, CHILD = "JC", "LN", "ET"


@dataclass(frozen=True)
class Person:
    """What the planner needs of a resident."""

    resident_id: int
    birth_date: date
    sex: str
    village_id: int
    name: str = ""


@dataclass
class ContractDraft:
    resident_id: int
    team_id: int
    doctor_id: int
    package_codes: tuple[str, ...]
    start_date: date
    end_date: date
    signed_by_name: str = ""
    terminated_on: date | None = None
    termination_reason: str = ""
    previous: "ContractDraft | None" = field(default=None, repr=False)


def team_choices_by_village() -> dict[int, list[tuple[int, int]]]:
    """{village id: [(team id, responsible doctor id), ...]} over active teams: the village doctors of the
    village's own clinic, who sign most contracts (FD2016 §3), or the team's GPs where the clinic has none."""
    clinic_of = dict(Village.objects.values_list("id", "clinic_id"))
    members: dict[int, list[tuple[int, str, int | None]]] = defaultdict(list)
    for team_id, user_id, role, org_id in (
        TeamMember.objects.filter(team__is_active=True, role__in=rules.RESPONSIBLE_TEAM_ROLES)
        .order_by("team_id", "id").values_list("team_id", "user_id", "role", "user__organisation_id")
    ):
        members[team_id].append((user_id, role, org_id))
    choices: dict[int, list[tuple[int, int]]] = defaultdict(list)
    Through = FamilyDoctorTeam.villages.through
    for team_id, village_id in Through.objects.filter(familydoctorteam__is_active=True).order_by(
        "village_id", "familydoctorteam_id"
    ).values_list("familydoctorteam_id", "village_id"):
        own = [u for u, role, org in members.get(team_id, []) if role == "village_doctor" and org == clinic_of[village_id]]
        gps = [u for u, role, _org in members.get(team_id, []) if role == "gp"]
        choices[village_id] += [(team_id, doctor_id) for doctor_id in (own or gps)]
    return dict(choices)


def _packages_for(person: Person, start: date, chronic: set[str]) -> tuple[str, ...]:
    codes = [BASIC]
    age = rules.age_on(person.birth_date, start)
    if age >= rules.ELDERLY_AGE:
        codes.append(ELDERLY)
    if age < rules.CHILD_AGE_LIMIT:
        codes.append(CHILD)
    codes += [CHRONIC_PACKAGES[c] for c in sorted(chronic) if c in CHRONIC_PACKAGES]
    return tuple(codes)


def _group(person: Person, today: date, chronic: set[str]) -> str:
    if chronic:
        return "chronic"
    age = rules.age_on(person.birth_date, today)
    if age >= rules.ELDERLY_AGE:
        return "elderly"
    if age < rules.CHILD_AGE_LIMIT:
        return "child"
    return "other"


def _chain_back(person, first: ContractDraft, *, rng, history_start, team_id, doctor_id, chronic):
    """Earlier years of a chain ending with `first`: each renewed the year before with RENEWED_SHARE."""
    chain = [first]
    while rng.random() < RENEWED_SHARE:
        end = chain[-1].start_date - timedelta(days=1)
        start = rules.add_years(end + timedelta(days=1), -1)
        if start < max(history_start, person.birth_date):
            break
        earlier = ContractDraft(person.resident_id, team_id, doctor_id, _packages_for(person, start, chronic),
                                start, end, signed_by_name=person.name)
        chain[-1].previous = earlier
        chain.append(earlier)
    return list(reversed(chain))


def plan_contracts(people: Iterable[Person], teams_by_village: dict[int, list[tuple[int, int]]], *, today: date,
                   rng: random.Random, chronic: dict[int, set[str]] | None = None, rates: dict | None = None,
                   history_years: int = 3) -> list[ContractDraft]:
    """Contract histories: the share `rates[group]` of residents has a contract in force on `today` (started
    within the last year, often renewed from earlier years); some others have one that lapsed. Residents of a
    village no team serves get none. Renewals come before the contracts they renew in the returned list."""
    rates = {**DEFAULT_RATES, **(rates or {})}
    chronic = chronic or {}
    history_start = rules.add_years(today, -history_years)
    drafts: list[ContractDraft] = []
    for person in people:
        options = teams_by_village.get(person.village_id)
        if not options:
            continue
        kinds = chronic.get(person.resident_id, set())
        team_id, doctor_id = options[rng.randrange(len(options))]
        draw = rng.random()
        rate = rates[_group(person, today, kinds)]
        if draw < rate:
            start = today - timedelta(days=rng.randrange(365))
        elif draw < rate + (1 - rate) * LAPSED_SHARE:
            start = today - timedelta(days=rng.randrange(366, 365 * history_years))
        else:
            continue
        if start < person.birth_date:
            start = person.birth_date
        current = ContractDraft(person.resident_id, team_id, doctor_id, _packages_for(person, start, kinds), start,
                                rules.default_end_date(start), signed_by_name=person.name)
        if current.end_date < today and rng.random() < 0.3:
            current.terminated_on = current.start_date + timedelta(days=rng.randrange(30, 300))
            current.termination_reason = rng.choice(["resident_request", "moved_out", "changed_team"])
        drafts += _chain_back(person, current, rng=rng, history_start=history_start, team_id=team_id,
                              doctor_id=doctor_id, chronic=kinds)
    return drafts


def write_contracts(drafts: list[ContractDraft], *, created_by, today: date | None = None,
                    batch_size: int = 2000) -> int:
    """Insert the drafts (ordered with each renewed contract before its renewal) with their packages."""
    today = today or timezone.localdate()
    packages = {p.code: p for p in ServicePackage.objects.all()}
    now = timezone.now()
    rows = []
    for d in drafts:
        if d.terminated_on is not None:
            status = Contract.Status.TERMINATED
        elif d.end_date < today:
            status = Contract.Status.EXPIRED
        else:
            status = Contract.Status.ACTIVE
        rows.append(Contract(
            resident_id=d.resident_id, team_id=d.team_id, doctor_id=d.doctor_id, start_date=d.start_date,
            end_date=d.end_date, status=status, signer=Contract.Signer.RESIDENT,
            signed_by_name=d.signed_by_name or "—", terminated_on=d.terminated_on,
            termination_reason=d.termination_reason, created_by=created_by, created_at=now, updated_at=now,
        ))
    # Renewal chains go in generation by generation, so each renewal is inserted with its predecessor's id
    # (a bulk_update of the links afterwards took most of the time).
    by_draft = {id(d): row for d, row in zip(drafts, rows, strict=True)}
    depth: dict[int, int] = {}
    for d in drafts:  # ordered with each renewed contract before its renewal
        depth[id(d)] = 0 if d.previous is None else depth[id(d.previous)] + 1
    for generation in range(max(depth.values(), default=-1) + 1):
        batch = []
        for d in drafts:
            if depth[id(d)] == generation:
                row = by_draft[id(d)]
                if d.previous is not None:
                    row.previous_id = by_draft[id(d.previous)].pk
                batch.append(row)
        Contract.objects.bulk_create(batch, batch_size=batch_size)
    ContractPackage.objects.bulk_create([
        ContractPackage(contract_id=row.pk, package_id=packages[code].pk, annual_fee=packages[code].annual_fee,
                        resident_amount=packages[code].resident_amount)
        for d, row in zip(drafts, rows, strict=True) for code in d.package_codes if code in packages
    ], batch_size=batch_size)
    return len(rows)
