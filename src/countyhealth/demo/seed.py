"""Writes the demo county into the database: organisations, departments, villages, staff, residents.

The seeder is the documented exception to "every write goes through a do_* action" (architecture §2):
actions check a user's role, look for duplicates and audit each registration, which is right for one
resident typed in at a clinic and wrong for a million generated ones. Bulk master data therefore goes in
through this one module only — `bulk_create` in batches, all in one transaction, and one audit row
(`demo.county_seeded`) with the counts. Nothing else writes demo data.

Residents are written through a sink (`OrmSink` here; `bench/seed_rate.py` adds raw-SQL sinks to measure
the ORM's cost on the very same rows)."""

import random
import time
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from countyhealth.accounts.models import User
from countyhealth.accounts.roles import Role
from countyhealth.accounts.system import system_user
from countyhealth.audit import log as audit
from countyhealth.orgs.models import Department, Organisation, OrgType, Village
from countyhealth.residents import matching
from countyhealth.residents.models import DuplicateCandidate, Household, Resident, ResidentIdentifier
from countyhealth.residents.names import search_keys

from .county import (
    CENTRE_DEPARTMENTS,
    COUNTY_CODE,
    HOSPITAL_DEPARTMENTS,
    HOSPITAL_NAME,
    CountyPlan,
    plan_county,
)
from .people import PeopleGenerator, Person, VillageDraft, allocate
from .programmes import seed_programmes

DEMO_PASSWORD = "Demo@2026"
SYSTEM_NAME = "demo"  # acts as system:demo (accounts.system)
BATCH_SIZE = 5000

HOUSEHOLD_COLUMNS = ("number", "village_id", "address")
RESIDENT_COLUMNS = (
    "name", "sex", "birth_date", "id_number", "phone", "ethnicity", "residence_type", "household_id", "village_id",
    "catchment_org_id", "status", "record_number", "name_normalised", "name_pinyin", "name_initials", "is_active",
    "created_at", "updated_at", "created_by_id",
)
IDENTIFIER_COLUMNS = ("resident_id", "system", "value", "issuer")
DUPLICATE_COLUMNS = ("resident_a_id", "resident_b_id", "score", "reasons", "status", "created_at")


class OrmSink:
    """Inserts rows with the ORM's `bulk_create`, which reads the new primary keys back (RETURNING)."""

    def __init__(self, batch_size: int = 1000):
        self.batch_size = batch_size

    def insert(self, model, columns: tuple[str, ...], rows: list[tuple]) -> list[int]:
        # Positional arguments in field order take Model.__init__'s fast path (as Model.from_db does).
        where = {column: i for i, column in enumerate(columns)}
        order = [(where.get(f.attname), None if f.attname in where else f.get_default())
                 for f in model._meta.concrete_fields]
        objs = [model(*[row[i] if i is not None else default for i, default in order]) for row in rows]
        model.objects.bulk_create(objs, batch_size=self.batch_size)
        return [obj.pk for obj in objs]


@dataclass(frozen=True)
class Account:
    username: str
    full_name: str
    role: Role
    organisation: str


@dataclass(frozen=True)
class SeedReport:
    counts: dict
    accounts: list[Account]
    seconds: float
    as_of: date

    @property
    def rate(self) -> float:
        return self.counts["residents"] / self.seconds if self.seconds else 0.0


def county_exists() -> bool:
    return Organisation.objects.exists()


def seed_county(*, residents: int, seed: int, as_of: date | None = None, progress=None, sink=None,
                batch_size: int = BATCH_SIZE, programmes: bool = False) -> SeedReport:
    """Build the demo county in one transaction. `progress(n)` is called as each batch of n residents lands."""
    started = time.perf_counter()
    as_of = as_of or timezone.localdate()
    plan = plan_county(seed)
    quotas = allocate(residents, [v.weight for v in plan.villages])
    with transaction.atomic():
        hospital, townships, clinics = _write_organisations(plan)
        seeder = system_user(SYSTEM_NAME)
        villages = _write_villages(plan, clinics, quotas, seed)
        accounts = _write_staff(plan, seed, as_of, hospital, townships, clinics)
        writer = _ResidentWriter(sink or OrmSink(), seeder)
        generator = PeopleGenerator(seed, as_of=as_of, address_code=COUNTY_CODE)
        pending, pending_size = [], 0
        for spec, quota in zip(plan.villages, quotas, strict=True):
            if quota:
                draft = generator.village(spec, quota)
                pending.append((villages[spec.division_code], draft))
                pending_size += draft.size
            if pending_size >= batch_size:
                writer.write(pending)
                if progress:
                    progress(pending_size)
                pending, pending_size = [], 0
        writer.write(pending)
        if progress and pending_size:
            progress(pending_size)
        counts = {
            "organisations": 1 + len(townships) + len(clinics),
            "departments": Department.objects.count(),
            "villages": len(villages),
            "accounts": len(accounts),
            **writer.counts,
        }
        audit.record_change(seeder, "demo.county_seeded", hospital, detail={"seed": seed, **counts})
        if programmes:  # health records, programmes and contracts (demo/programmes.py)
            counts["programmes"] = seed_programmes(seeder=seeder, seed=seed, as_of=as_of, batch_size=batch_size)
    return SeedReport(counts=counts, accounts=accounts, seconds=time.perf_counter() - started, as_of=as_of)


def _write_organisations(plan: CountyPlan):
    # Saved one by one: 119 rows, and Organisation.save() owns the materialised path.
    hospital = Organisation(code=f"H{COUNTY_CODE}", name=HOSPITAL_NAME, org_type=OrgType.COUNTY_HOSPITAL,
                            division_code=COUNTY_CODE)
    hospital.save()
    _write_departments(hospital, HOSPITAL_DEPARTMENTS)
    townships, clinics = {}, {}
    for spec in plan.townships:
        division = COUNTY_CODE + spec.code
        centre = Organisation(code=f"T{division}", name=spec.centre_name, org_type=OrgType.TOWNSHIP_CENTRE,
                              parent=hospital, division_code=division)
        centre.save()
        _write_departments(centre, CENTRE_DEPARTMENTS)
        townships[spec.code] = centre
        for village in plan.villages_of(spec):
            clinic = Organisation(code=f"C{village.division_code}", name=village.clinic_name,
                                  org_type=OrgType.VILLAGE_CLINIC, parent=centre,
                                  division_code=village.division_code)
            clinic.save()
            clinics[village.division_code] = clinic
    return hospital, townships, clinics


def _write_departments(org: Organisation, specs) -> None:
    Department.objects.bulk_create(
        [Department(organisation=org, code=code, name=name, kind=kind) for code, name, kind in specs]
    )


def _write_villages(plan: CountyPlan, clinics: dict, quotas: list[int], seed: int) -> dict[str, Village]:
    # Record coverage (建档率) in a real county is 85–97 %: the population is larger than the records.
    rng = random.Random(f"{seed}:population")
    villages = [
        Village(division_code=spec.division_code, name=spec.name, clinic=clinics[spec.division_code],
                population=round(quota / rng.uniform(0.85, 0.97)))
        for spec, quota in zip(plan.villages, quotas, strict=True)
    ]
    Village.objects.bulk_create(villages)
    return {v.division_code: v for v in villages}


def _write_staff(plan: CountyPlan, seed: int, as_of: date, hospital, townships, clinics) -> list[Account]:
    # Argon2 is slow on purpose: hash the one demo password once and give every account that hash.
    password = make_password(DEMO_PASSWORD)
    names = PeopleGenerator(seed, as_of=as_of, address_code=COUNTY_CODE, stream="staff")
    departments = {(d.organisation_id, d.code): d for d in Department.objects.all()}
    users = []
    for spec in plan.staff:
        org = hospital if spec.org == "hospital" else townships.get(spec.org) or clinics[spec.org]
        village_doctor = spec.role == Role.VILLAGE_DOCTOR
        # Village doctors are mostly older men; hospital and centre staff are younger and mixed.
        sex = "1" if names.rng.random() < (0.75 if village_doctor else 0.5) else "2"
        age = names.rng.randint(38, 64) if village_doctor else names.rng.randint(27, 56)
        users.append(User(
            username=spec.username, password=password, role=spec.role, organisation=org,
            department=departments.get((org.pk, spec.department)), full_name=names.full_name(age, sex),
            is_staff=spec.superuser, is_superuser=spec.superuser,
        ))
    User.objects.bulk_create(users)
    return [Account(u.username, u.full_name, Role(u.role), u.organisation.name) for u in users]


class _ResidentWriter:
    def __init__(self, sink, seeder: User):
        self.sink = sink
        self.seeder_id = seeder.pk
        self.now = timezone.now()
        self.counts = {"households": 0, "residents": 0, "identifiers": 0, "duplicate_candidates": 0}

    def write(self, pending: list[tuple[Village, VillageDraft]]) -> None:
        if not pending:
            return
        households = [(village, h) for village, draft in pending for h in draft.households]
        ids = self.sink.insert(Household, HOUSEHOLD_COLUMNS,
                               [(h.number, village.pk, h.address) for village, h in households])
        for (_, household), pk in zip(households, ids, strict=True):
            household.pk = pk
        people, rows = [], []
        for village, draft in pending:
            for household in draft.households:
                for person in household.members:
                    people.append(person)
                    rows.append(self._row(person, household.pk, village))
            for duplicate in draft.duplicates:
                people.append(duplicate.copy)
                rows.append(self._row(duplicate.copy, None, village))
        for person, pk in zip(people, self.sink.insert(Resident, RESIDENT_COLUMNS, rows), strict=True):
            person.pk = pk
        identifiers = []
        for person in people:
            identifiers.append((person.pk, ResidentIdentifier.System.RECORD_NUMBER, person.record_number, ""))
            if person.id_number:
                identifiers.append((person.pk, ResidentIdentifier.System.ID_NUMBER, person.id_number, ""))
        self.sink.insert(ResidentIdentifier, IDENTIFIER_COLUMNS, identifiers)
        candidates = [self._candidate(village, d) for village, draft in pending for d in draft.duplicates]
        if candidates:
            self.sink.insert(DuplicateCandidate, DUPLICATE_COLUMNS, candidates)
        self.counts["households"] += len(households)
        self.counts["residents"] += len(people)
        self.counts["identifiers"] += len(identifiers)
        self.counts["duplicate_candidates"] += len(candidates)

    def _row(self, p: Person, household_id: int | None, village: Village) -> tuple:
        normalised, pinyin, initials = search_keys(p.name)
        return (p.name, p.sex, p.birth_date, p.id_number, p.phone, p.ethnicity, p.residence_type, household_id,
                village.pk, village.clinic_id, Resident.Status.ACTIVE, p.record_number, normalised, pinyin,
                initials, True, self.now, self.now, self.seeder_id)

    def _candidate(self, village: Village, duplicate) -> tuple:
        """Scored by the master patient index's own rule, as if the copy had been registered at the clinic."""
        copy, original = duplicate.copy, duplicate.original
        copy_keys, original_keys = search_keys(copy.name), search_keys(original.name)
        existing = Resident(name_normalised=original_keys[0], name_pinyin=original_keys[1], sex=original.sex,
                            birth_date=original.birth_date, phone=original.phone, village_id=village.pk)
        match = matching.score(
            matching.Person(name_normalised=copy_keys[0], name_pinyin=copy_keys[1], sex=copy.sex,
                            birth_date=copy.birth_date, village_id=village.pk, phone=copy.phone),
            existing,
        )
        a, b = matching.ordered_pair(original.pk, copy.pk)
        return (a, b, max(0, match.score), match.reasons, DuplicateCandidate.Status.OPEN, self.now)
