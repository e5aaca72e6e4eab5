"""The demo county's public-health work: health records, annual health checks, the hypertension, diabetes,
elderly and 0–6 child programmes with three years of visits, family-doctor teams and contracts.

Runs after `seed.seed_county` has written the residents, in its transaction, as the same documented exception
to "every write is an action" (architecture §2): residents are read back in primary-key batches and each batch
is written with `bulk_create`, so memory stays flat from 20,000 residents to a million. The rows are those the
actions would write — never invented values: forms are built by `records.seed` (the records app's own cleaning
and derived columns), every follow-up is classified by `publichealth.rules.classify_visit` against the previous
face-to-face visit in date order, child visits take the slot `rules.fulfilled_slots` gives them, an enrolment's
due date is its last visit's (or `actions.initial_due` / `actions.child_next_due`), and a referral decided by a
visit gets its `Referral` and `AccessGrant` as `referrals.actions.create_referral` writes them. Family-doctor
teams are created through `familydoctor.actions.do_create_team` and contracts planned by `familydoctor.seed`.
`histories` decides who is ill and what each reading is."""

import random
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from countyhealth.accounts.models import User
from countyhealth.accounts.roles import Role
from countyhealth.audit import log as audit
from countyhealth.familydoctor import actions as familydoctor
from countyhealth.familydoctor import seed as contracts
from countyhealth.orgs.models import Organisation, OrgType, Village
from countyhealth.publichealth import rules
from countyhealth.publichealth.actions import NEXT_DUE_LABELS, child_next_due, initial_due, stored_reasons
from countyhealth.publichealth.models import ChildVisit, Enrolment, FollowUpVisit
from countyhealth.publichealth.rules import NextAction, Programme, VisitMode
from countyhealth.records.models import AnnualHealthCheck, PersonalInfo, RecordStatusChange
from countyhealth.records.seed import build_health_check, build_personal_info, sync_record_number_counters
from countyhealth.referrals.models import Referral
from countyhealth.residents.models import AccessGrant, Resident

from . import histories as h

HISTORY_YEARS = 3
# PHS3 began in 2009; records opened before the platform were migrated with the date they were opened.
ELDERLY_PROGRAMME_START = date(2010, 1, 1)
RECORDS_OPENED_FROM = date(2010, 3, 1)
INSERT_BATCH = 1000

# Shares of residents (by group) with a 个人基本信息表; children 0–6 are recorded through their visits (PHS3).
PERSONAL_INFO_SHARE = {"chronic": 0.99, "elderly": 0.96, "other": 0.91}
PERSONAL_INFO_COMPLETE = 0.92
# Annual health checks per eligible person and year, and the share complete for the elderly programme (§5.2).
CHECK_SHARE = {"elderly": 0.72, "elderly_chronic": 0.80, "oldest": 0.60, "chronic": 0.50, "adult": 0.03}
ELDERLY_CHECK_COMPLETE = 0.88
CHECK_MONTH_WEIGHTS = (2, 2, 8, 14, 16, 14, 9, 8, 10, 9, 6, 2)  # campaigns in spring and autumn

# Follow-up behaviour by engagement: the share by phone, and how many days after the due date a patient comes.
PHONE_SHARE = {"good": 0.06, "irregular": 0.15, "poor": 0.20, "lost": 0.15}
AT_TOWNSHIP_CENTRE = 0.15  # share of follow-ups done by the township GP rather than the village doctor
# Rare findings per visit: an adverse drug reaction, a new or worse complication, a danger sign, another condition
# the clinic cannot handle, a tachycardia.
ADR, ADR_UNCONTROLLABLE, COMPLICATION, DANGER_SIGN, UNMANAGEABLE, TACHYCARDIA = (
    0.015, 0.1, 0.005, 0.0012, 0.0004, 0.002)

# Child visits: attendance by slot group, and the family's habit (share of families, factor).
CHILD_ATTENDANCE = {"newborn_home": 0.93, "m1": 0.90, "m3": 0.88, "m6": 0.88, "m8": 0.86, "m12": 0.88,
                    "m18": 0.80, "m24": 0.80, "m30": 0.76, "m36": 0.78, "y4": 0.74, "y5": 0.72, "y6": 0.70}
CHILD_FAMILIES = (("steady", 0.70, 0.98), ("busy", 0.22, 0.82), ("grandparents", 0.08, 0.45))
CHILD_LATE = 0.18
REFERRAL_COMPLETED_AFTER = 30  # days: older referrals have been seen and closed by the county hospital
REFERRAL_ACCEPTED_AFTER = 7


@dataclass(frozen=True)
class ProgrammeReport:
    counts: dict
    seconds: float

    def summary(self) -> str:
        c = self.counts

        def enrolled(programme: str) -> str:
            return f"{sum(n for k, n in c.items() if k.startswith(f'enrolments_{programme}_')):,}"

        return _(
            "Public-health work of the last %(years)s years written in %(seconds).1f s: %(records)s health records, "
            "%(checks)s health checks, %(hypertension)s hypertension and %(diabetes)s diabetes patients with "
            "%(followups)s follow-ups (%(referrals)s referrals), %(elderly)s elderly, %(children)s children with "
            "%(child_visits)s child-health visits, %(teams)s family-doctor teams with %(contracts)s contracts."
        ) % {
            "years": HISTORY_YEARS, "seconds": self.seconds, "records": f"{c.get('personalinfo', 0):,}",
            "checks": f"{c.get('annualhealthcheck', 0):,}", "hypertension": enrolled("hypertension"),
            "diabetes": enrolled("diabetes"), "followups": f"{c.get('followupvisit', 0):,}",
            "referrals": f"{c.get('referral', 0):,}", "elderly": enrolled("elderly"), "children": enrolled("child"),
            "child_visits": f"{c.get('childvisit', 0):,}", "teams": f"{c.get('family_doctor_teams', 0):,}",
            "contracts": f"{c.get('contract', 0):,}",
        }


@dataclass(frozen=True)
class _Person:
    pk: int
    birth_date: date
    sex: str
    village_id: int
    org_id: int
    household_id: int | None
    name: str


# Columns whose Python value the drivers take as it is (a TextChoices member is a str).
_PLAIN = (models.CharField, models.TextField, models.IntegerField, models.BooleanField)


class _Tables:
    """Batched INSERTs of plain rows ({attname: value}) with primary keys handed out here.

    `bulk_create` would spend most of the seeding time compiling SQL value by value and reading keys back;
    these rows are fully formed already (built by the apps' own builders and rules), so each table gets one
    prepared INSERT run with `executemany`, values adapted by the connection's own adapters (what the fields'
    `get_db_prep_save` ends in), and ids are known before insertion — a visit can name its referral and a
    referral its visit without a second pass. Columns a row leaves out take the field's default; auto_now
    columns are written as given (a history keeps the days things happened); a NOT NULL column left empty
    fails in the database. `finish()` moves the databases' id sequences past the ids used."""

    def __init__(self):
        self.next_ids: dict[type, int] = {}
        self.specs: dict[type, tuple] = {}

    def new_id(self, model) -> int:
        if model not in self.next_ids:
            self.next_ids[model] = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        pk = self.next_ids[model]
        self.next_ids[model] = pk + 1
        return pk

    def _spec(self, model):
        """A model's INSERT, with the columns the driver takes as they are first and those needing an adapter
        after, each with its default (adapted once)."""
        if model not in self.specs:
            plain, adapted = [], []
            for f in model._meta.concrete_fields:
                adapt, default = self._adapter(f), f.get_default()
                if adapt is None:
                    plain.append((f, default))
                else:
                    adapted.append((f, adapt, None if default is None else adapt(default)))
            columns = [f.column for f, _default in plain] + [f.column for f, _adapt, _default in adapted]
            quote = connection.ops.quote_name
            sql = "INSERT INTO {} ({}) VALUES ({})".format(
                quote(model._meta.db_table), ", ".join(map(quote, columns)), ", ".join(["%s"] * len(columns)))
            self.specs[model] = (
                sql, [(f.attname, d) for f, d in plain], [(f.attname, a, d) for f, a, d in adapted],
                {f.attname for f in model._meta.concrete_fields},
            )
        return self.specs[model]

    @staticmethod
    def _adapter(field):
        """The field's own conversion for the driver, with the connection's adapters called directly (the same
        functions `get_db_prep_save` ends in) for the common column types."""
        ops = connections[DEFAULT_DB_ALIAS].ops
        target = field.target_field if field.is_relation else field
        if isinstance(target, _PLAIN):
            return None
        if isinstance(field, models.JSONField):
            return lambda value: ops.adapt_json_value(value, field.encoder)
        if isinstance(field, models.DateTimeField):
            return ops.adapt_datetimefield_value
        if isinstance(field, models.DateField):
            return ops.adapt_datefield_value
        if isinstance(field, models.DecimalField):
            return lambda value: ops.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)
        return lambda value: field.get_db_prep_save(value, connections[DEFAULT_DB_ALIAS])

    def insert(self, model, rows: list[dict]) -> None:
        sql, plain, adapted, known = self._spec(model)
        data = []
        for row in rows:
            if not row.keys() <= known:
                raise TypeError(f"{model.__name__} has no column {sorted(row.keys() - known)}")
            get = row.get
            values = [get(name, default) for name, default in plain]
            for name, adapt, default in adapted:
                value = get(name, default)
                values.append(value if value is default or value is None else adapt(value))
            data.append(values)
        with connection.cursor() as cursor:
            for i in range(0, len(data), INSERT_BATCH):
                cursor.executemany(sql, data[i:i + INSERT_BATCH])

    def finish(self) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.next_ids))
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


def _row(obj) -> dict:
    """An unsaved model instance (from the records app's builders) as a plain row."""
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


class _Staff:
    """Who works where: the village doctor of each clinic, the GP and public-health officer of each centre."""

    def __init__(self):
        self.parent = dict(Organisation.objects.values_list("id", "parent_id"))
        self.hospital = Organisation.objects.filter(org_type=OrgType.COUNTY_HOSPITAL, is_active=True).order_by(
            "path").first()
        self.by_role: dict[tuple[Role, int], int] = {}
        for pk, role, org in User.objects.filter(is_system=False, is_active=True).order_by("pk").values_list(
                "pk", "role", "organisation_id"):
            self.by_role.setdefault((role, org), pk)
        self.specialist = User.objects.filter(role=Role.COUNTY_DOCTOR, is_active=True).order_by("pk").first()

    def village_doctor(self, clinic_id: int) -> int:
        return self.by_role.get((Role.VILLAGE_DOCTOR, clinic_id)) or self.gp(clinic_id)

    def gp(self, clinic_id: int) -> int:
        return self.by_role[(Role.TOWNSHIP_DOCTOR, self.parent[clinic_id])]

    def centre(self, clinic_id: int) -> int:
        return self.parent[clinic_id]


def seed_programmes(*, seeder: User, seed: int, as_of: date, batch_size: int = 5000) -> ProgrammeReport:
    """Write the programmes for every resident already in the database (call inside the seeding transaction)."""
    started = time.perf_counter()
    sync_record_number_counters()
    staff = _Staff()
    teams = _create_teams(seeder, staff)
    writer = _Writer(seed=seed, as_of=as_of, staff=staff, seeder=seeder)
    last = 0
    while True:
        rows = list(Resident.objects.filter(is_active=True, pk__gt=last).order_by("pk").values_list(
            "pk", "birth_date", "sex", "village_id", "catchment_org_id", "household_id", "name")[:batch_size])
        if not rows:
            break
        writer.write([_Person(*row) for row in rows])
        last = rows[-1][0]
    writer.finish()
    counts = {"family_doctor_teams": teams, **dict(sorted(writer.counts.items()))}
    audit.record_change(seeder, "demo.programmes_seeded", staff.hospital,
                        detail={"seed": seed, "as_of": as_of.isoformat(), **counts})
    return ProgrammeReport(counts=counts, seconds=time.perf_counter() - started)


def _create_teams(seeder: User, staff: _Staff) -> int:
    """A team for every village clinic (the township GP leads, the village doctor signs, public-health staff)
    and one for every township centre serving the township seat (its communities, or its first village) with a
    county specialist: the "1+1+N" teams of FD2016."""
    villages = list(Village.objects.select_related("clinic").order_by("division_code"))
    created = 0
    for centre in Organisation.objects.filter(org_type=OrgType.TOWNSHIP_CENTRE).order_by("path"):
        own = [v for v in villages if staff.parent[v.clinic_id] == centre.pk]
        if not own:
            continue
        gp = staff.by_role.get((Role.TOWNSHIP_DOCTOR, centre.pk))
        officer = staff.by_role.get((Role.PUBLIC_HEALTH_OFFICER, centre.pk))
        if gp is None:
            continue
        support = [familydoctor.MemberData(officer, "public_health")] if officer else []
        seat = [v for v in own if int(v.division_code[9:]) < 100] or own[:1]
        specialist = [familydoctor.MemberData(staff.specialist.pk, "specialist")] if staff.specialist else []
        familydoctor.do_create_team(acting_user=seeder, data=familydoctor.TeamData(
            name=f"{centre.name}全科团队", organisation_id=centre.pk, village_ids=[v.pk for v in seat],
            members=[familydoctor.MemberData(gp, "gp", is_lead=True), *support, *specialist]))
        created += 1
        for village in own:
            doctor = staff.by_role.get((Role.VILLAGE_DOCTOR, village.clinic_id))
            members = [familydoctor.MemberData(gp, "gp", is_lead=True), *support]
            if doctor:
                members.insert(1, familydoctor.MemberData(doctor, "village_doctor"))
            familydoctor.do_create_team(acting_user=seeder, data=familydoctor.TeamData(
                name=f"{village.name}家庭医生团队", organisation_id=village.clinic_id, village_ids=[village.pk],
                members=members))
            created += 1
    return created


class _Writer:
    def __init__(self, *, seed: int, as_of: date, staff: _Staff, seeder: User):
        self.rng = random.Random(f"{seed}:programmes")
        self.contract_rng = random.Random(f"{seed}:contracts")
        self.as_of = as_of
        self.history_start = rules.add_days(rules.add_months(as_of, -12 * HISTORY_YEARS), 1)
        self.staff = staff
        self.seeder = seeder
        self.tables = _Tables()
        self.teams_by_village = contracts.team_choices_by_village()
        self.tz = timezone.get_current_timezone()
        self.now = timezone.now()
        self.counts = Counter()

    # -- one batch of residents --------------------------------------------------------------------------

    def write(self, people: list[_Person]) -> None:
        batch = _Batch()
        for person in people:
            self._person(person, batch)
        for model, rows in batch.rows.items():
            self.tables.insert(model, rows)
            self.counts[model._meta.model_name] += len(rows)
        for status, ids in batch.statuses.items():
            Resident.objects.filter(pk__in=ids).update(status=status)
        drafts = contracts.plan_contracts(batch.contract_people, self.teams_by_village, today=self.as_of,
                                          rng=self.contract_rng, chronic=batch.chronic)
        self.counts["contract"] += contracts.write_contracts(drafts, created_by=self.seeder, today=self.as_of)

    def finish(self) -> None:
        self.tables.finish()

    def _add(self, batch: "_Batch", model, row: dict) -> dict:
        row["id"] = self.tables.new_id(model)
        batch.rows.setdefault(model, []).append(row)
        return row

    def _person(self, p: _Person, batch: "_Batch") -> None:
        rng = self.rng
        health = h.draw_health(rng, birth_date=p.birth_date, sex=p.sex, today=self.as_of,
                               history_start=self.history_start)
        registered_twice = p.household_id is None  # a probable duplicate: the care is on the original record
        if registered_twice:
            health.fate = None
        alive_on = health.fate[1] if health.fate else self.as_of
        if not registered_twice:
            self._personal_info(p, health, batch)
            self._checks(p, health, batch, alive_on)
            for condition in health.chronic:
                self._chronic(p, health, condition, batch)
        if rules.in_elderly_target(p.birth_date, self.as_of.year):
            enrolled_on = max(date(p.birth_date.year + 65, 1, 1), ELDERLY_PROGRAMME_START)
            if enrolled_on <= alive_on:
                self._elderly(p, health, enrolled_on, batch)
        if rules.is_child_age(p.birth_date, self.as_of):
            self._child(p, batch)
        if health.fate:
            self._fate(p, health, batch)
        elif not registered_twice:
            batch.contract_people.append(contracts.Person(p.pk, p.birth_date, p.sex, p.village_id, p.name))
            live = {c.programme.value for c in health.chronic}
            if live:
                batch.chronic[p.pk] = live

    def _at(self, day: date) -> datetime:
        """A moment in working hours on `day`, never later than now."""
        moment = datetime(day.year, day.month, day.day, self.rng.randint(8, 16), self.rng.randint(0, 59),
                          tzinfo=self.tz)
        return min(moment, self.now)

    # -- health record -------------------------------------------------------------------------------------

    def _personal_info(self, p: _Person, health: h.Health, batch) -> None:
        if health.age < 7:
            return
        group = "chronic" if health.chronic else "elderly" if health.age >= 65 else "other"
        if self.rng.random() >= PERSONAL_INFO_SHARE[group]:
            return
        complete = self.rng.random() < PERSONAL_INFO_COMPLETE
        values = h.personal_info_values(self.rng, health, today=self.as_of, complete=complete)
        doctor = self.staff.village_doctor(p.org_id)
        info = _row(build_personal_info(resident_id=p.pk, birth_date=p.birth_date, values=values, today=self.as_of,
                                        opened_org_id=p.org_id, opened_by_id=doctor))
        earliest = max(RECORDS_OPENED_FROM, rules.birthday(p.birth_date, 7))
        opened = earliest + timedelta(days=self.rng.randint(0, max(0, (self.as_of - earliest).days)))
        info["opened_at"] = self._at(opened)
        info["updated_at"] = self._at(opened + timedelta(days=self.rng.randint(0, (self.as_of - opened).days)))
        self._add(batch, PersonalInfo, info)

    def _checks(self, p: _Person, health: h.Health, batch, alive_on: date) -> None:
        rng = self.rng
        for year in range(self.as_of.year - HISTORY_YEARS + 1, self.as_of.year + 1):
            elderly = rules.in_elderly_target(p.birth_date, year)
            if elderly:
                group = "oldest" if health.age >= 85 else "elderly_chronic" if health.chronic else "elderly"
                share = CHECK_SHARE[group]
            elif health.chronic:
                share = CHECK_SHARE["chronic"]
            elif health.age >= 35:
                share = CHECK_SHARE["adult"]
            else:
                continue
            if rng.random() >= share:
                continue
            day = date(year, rng.choices(range(1, 13), weights=CHECK_MONTH_WEIGHTS)[0], rng.randint(1, 28))
            if day > alive_on or day < p.birth_date:
                continue
            at_centre = rng.random() < 0.7
            complete = not elderly or rng.random() < ELDERLY_CHECK_COMPLETE
            values = h.health_check_values(rng, health, day, elderly=elderly, complete=complete)
            check = _row(build_health_check(
                resident_id=p.pk, birth_date=p.birth_date, values=values, today=self.as_of,
                organisation_id=self.staff.centre(p.org_id) if at_centre else p.org_id,
                doctor_id=self.staff.gp(p.org_id) if at_centre else self.staff.village_doctor(p.org_id)))
            check["created_at"] = check["updated_at"] = self._at(day)
            self._add(batch, AnnualHealthCheck, check)
            if year == self.as_of.year and check["is_complete_for_elderly"]:
                batch.checked_this_year.add(p.pk)
            batch.last_check[p.pk] = day

    # -- chronic programmes ----------------------------------------------------------------------------------

    def _chronic(self, p: _Person, health: h.Health, condition: h.Condition, batch) -> None:
        """Visits in date order from the later of the history start and enrolment, each when the previous
        decision made it due plus the patient's habitual delay, classified against the previous face-to-face
        visit as `do_record_followup` does; the enrolment keeps the last visit's due date."""
        rng = self.rng
        programme = condition.programme
        doctor = self.staff.village_doctor(p.org_id)
        enrolment = self._add(batch, Enrolment, {
            "resident_id": p.pk, "programme": programme, "enrolled_on": condition.enrolled_on,
            "diagnosis_date": condition.diagnosis_date, "responsible_doctor_id": doctor, "catchment_org_id": p.org_id,
            "created_by_id": doctor, "created_at": self._at(condition.enrolled_on), "status": Enrolment.Status.ACTIVE,
        })
        others = [c for c in health.chronic if c is not condition]
        if condition.enrolled_on >= self.history_start:
            due, label = initial_due(programme, None, condition.enrolled_on)
        else:  # a visit before the history scheduled the first one inside it
            due = self.history_start + timedelta(days=rng.randint(0, 90))
            label = str(NEXT_DUE_LABELS[NextAction.ROUTINE])
        last_day = health.last_day_of_care(self.as_of)
        previous: rules.PreviousVisit | None = None
        action, last_visit = NextAction.ROUTINE, None
        while True:
            day = max(due + timedelta(days=self._delay(health.engagement, action)), condition.enrolled_on)
            if last_visit is not None:
                day = max(day, last_visit["visit_date"] + timedelta(days=1))
            if day > last_day:
                break
            visit, decision = self._followup(p, health, condition, others, day, previous, batch)
            visit["enrolment_id"] = enrolment["id"]
            if decision.next_action is not NextAction.ROUTINE and not decision.controlled:
                condition.intensify(day, decision.next_action, rng)
                condition.improve_adherence(health, decision.next_action, rng)
            elif decision.next_action is NextAction.ROUTINE:
                condition.lapse(day, rng, h.LAPSE[health.adherence])
            if visit["mode"] != VisitMode.PHONE:
                previous = rules.PreviousVisit(visit_date=day, sbp=visit["sbp"], dbp=visit["dbp"], fpg=visit["fpg"],
                                               adr=visit["adr"], next_action=decision.next_action)
            action, due, label = decision.next_action, decision.next_due, str(NEXT_DUE_LABELS[decision.next_action])
            last_visit = visit
        enrolment["next_due"], enrolment["next_due_label"] = due, label
        if last_visit is not None:
            enrolment["last_visit_date"] = last_visit["visit_date"]
            enrolment["last_class"] = last_visit["follow_up_class"]
        self._close(enrolment, health)

    def _delay(self, engagement: str, action: NextAction) -> int:
        """Days between the due date and the visit: good patients come about on time — village doctors do their
        rounds once a quarter, so often a little early — and a 2-week re-visit within days; irregular ones come
        weeks to months late, poor ones once or twice a year."""
        rng = self.rng
        revisit = action is not NextAction.ROUTINE
        if engagement == "good":
            late = rng.triangular(-3, 10, 0) if revisit else rng.triangular(-28, 10, -12)
            if rng.random() < 0.06:
                late += rng.uniform(40, 110)  # away for a while
            return round(late)
        if engagement in ("irregular", "lost"):
            return round(rng.expovariate(1 / 60) + 10 if revisit else rng.expovariate(1 / 70) - 5)
        return round(rng.uniform(45, 200) if revisit else rng.uniform(100, 300))

    def _followup(self, p: _Person, health: h.Health, condition: h.Condition, others, day: date,
                  previous: rules.PreviousVisit | None, batch):
        rng = self.rng
        programme = condition.programme
        phone = rng.random() < PHONE_SHARE[health.engagement]
        home = not phone and rng.random() < (0.25 if health.age_on(day) >= 75 else 0.06)
        mode = VisitMode.PHONE if phone else VisitMode.HOME if home else VisitMode.CLINIC
        sbp, dbp = h.blood_pressure(rng, health, day)
        fpg = h.fasting_glucose(rng, health, day) if programme == Programme.DIABETES else None
        other_programmes = frozenset(c.programme for c in others if c.enrolled_on <= day)
        in_diabetes = Programme.DIABETES in other_programmes or programme == Programme.DIABETES
        rate = rng.randint(101, 118) if rng.random() < TACHYCARDIA else h.heart_rate(rng)
        temperature = round(rng.uniform(36.2, 36.9), 1) if in_diabetes and rng.random() < 0.3 else None
        adr = rng.random() < ADR
        signs = rules.HypertensionDangerSign if programme == Programme.HYPERTENSION else rules.DiabetesDangerSign
        facts = rules.VisitFacts(
            programme=programme, visit_date=day, birth_date=p.birth_date, sbp=sbp, dbp=dbp,
            fpg=rules.glucose_mmol(fpg) if fpg is not None else None, heart_rate=rate,
            temperature=rules.round_half_up(temperature) if temperature is not None else None,
            danger_signs=frozenset({rng.choice(list(signs))}) if rng.random() < DANGER_SIGN else frozenset(),
            adr=adr, adr_uncontrollable=adr and rng.random() < ADR_UNCONTROLLABLE,
            new_or_worse_complication=rng.random() < COMPLICATION, other_unmanageable=rng.random() < UNMANAGEABLE,
            mode=mode, other_programmes=other_programmes,
        )
        decision = rules.classify_visit(facts, previous)
        at_centre = not phone and rng.random() < AT_TOWNSHIP_CENTRE
        weight = None if phone else rules.round_half_up(h.weight(rng, health))
        height = None if phone else rules.round_half_up(health.height_cm)
        visit = self._add(batch, FollowUpVisit, {
            "resident_id": p.pk, "programme": programme, "visit_date": day, "mode": mode,
            "organisation_id": self.staff.centre(p.org_id) if at_centre else p.org_id,
            "doctor_id": self.staff.gp(p.org_id) if at_centre else self.staff.village_doctor(p.org_id),
            "danger_signs": sorted(s.value for s in facts.danger_signs), "sbp": sbp, "dbp": dbp, "heart_rate": rate,
            "temperature": facts.temperature, "weight_kg": weight, "height_cm": height,
            "bmi": rules.bmi(weight, height) if weight and height else None, "fpg": facts.fpg,
            "adr": facts.has_adr, "adr_uncontrollable": facts.adr_uncontrollable,
            "new_or_worse_complication": facts.new_or_worse_complication,
            "other_unmanageable": facts.other_unmanageable,
            "cigarettes_per_day": health.smokes if health.smokes and not health.quit_smoking else 0,
            "alcohol_ml_per_day": round(health.liang_per_day * 50),
            "exercise_sessions_per_week": {"1": 7, "2": 3, "3": 1, "4": 0}[health.exercise],
            "exercise_minutes": 30 if health.exercise != "4" else 0, "salt": health.salt,
            "adherence": health.adherence, "medications": condition.medications(),
            "follow_up_class": decision.follow_up_class, "controlled": decision.controlled,
            "next_action": decision.next_action, "next_due": decision.next_due, "reasons": stored_reasons(decision),
            "recorded_at": self._at(day),
        })
        if programme == Programme.DIABETES:
            visit["staple_food_g_per_day"] = rng.choice((250, 300, 300, 350, 400))
            visit["dorsalis_pedis"] = rng.choices(("normal", "weak", "absent"), weights=(92, 7, 1))[0]
        if decision.next_action.is_referral:
            self._refer(visit, decision, batch)
        return visit, decision

    def _refer(self, visit: dict, decision: rules.FollowUpDecision, batch) -> None:
        """What `referrals.actions.create_referral` writes for a referral a visit decided: the referral to the
        county hospital and the hospital's access to the record. Older referrals have since been closed."""
        emergency = decision.next_action == NextAction.EMERGENCY_REFERRAL
        age = (self.as_of - visit["visit_date"]).days
        at = visit["recorded_at"]
        referral = self._add(batch, Referral, {
            "resident_id": visit["resident_id"], "direction": Referral.Direction.UP,
            "urgency": Referral.Urgency.EMERGENCY if emergency else Referral.Urgency.ROUTINE,
            "status": (Referral.Status.COMPLETED if age > REFERRAL_COMPLETED_AFTER
                       else Referral.Status.ACCEPTED if age > REFERRAL_ACCEPTED_AFTER else Referral.Status.SENT),
            "from_org_id": visit["organisation_id"], "to_org_id": self.staff.hospital.pk,
            "reason": "; ".join(r.label for r in decision.reasons)[:500],
            "summary": {"programme": visit["programme"].value, "visit_date": visit["visit_date"].isoformat(),
                        "sbp": visit["sbp"], "dbp": visit["dbp"],
                        "fpg": str(visit["fpg"]) if visit["fpg"] is not None else None,
                        "heart_rate": visit["heart_rate"], "reasons": [r.code for r in decision.reasons]},
            "source": f"publichealth.followupvisit:{visit['id']}", "created_by_id": visit["doctor_id"],
            "created_at": at, "updated_at": min(at + timedelta(days=min(age, REFERRAL_COMPLETED_AFTER)), self.now),
        })
        visit["referral_id"] = referral["id"]
        self._add(batch, AccessGrant, {
            "resident_id": visit["resident_id"], "organisation_id": self.staff.hospital.pk,
            "reason": AccessGrant.Reason.REFERRAL, "note": f"referral:{referral['id']}",
            "granted_by_id": visit["doctor_id"], "granted_at": at,
        })
        self.counts["referrals_emergency" if emergency else "referrals_routine"] += 1

    def _close(self, enrolment: dict, health: h.Health) -> None:
        """Death or moving out ends the enrolment (next_due cleared, as `do_end_enrolment` does); a chronic patient
        not seen again is marked lost on the day they were lost and stays counted (§8.1)."""
        if health.fate and health.fate[1] >= enrolment["enrolled_on"]:
            enrolment["status"], enrolment["end_reason"] = Enrolment.Status.ENDED, health.fate[0]
            enrolment["ended_on"], enrolment["next_due"] = health.fate[1], None
        elif health.lost_on and enrolment["programme"] in (Programme.HYPERTENSION, Programme.DIABETES):
            enrolment["status"], enrolment["ended_on"] = Enrolment.Status.LOST, health.lost_on
        self.counts[f"enrolments_{enrolment['programme'].value}_{enrolment['status']}"] += 1

    # -- age programmes ----------------------------------------------------------------------------------

    def _elderly(self, p: _Person, health: h.Health, enrolled_on: date, batch) -> None:
        """The elderly list by the §5.2 year rule (as `do_enrol_age_programmes`), from 1 January of the year the
        resident turned 65; due again next January once this year's complete check is done."""
        year = self.as_of.year + (1 if p.pk in batch.checked_this_year else 0)
        next_due, label = initial_due(Programme.ELDERLY, None, date(year, 1, 1))
        enrolment = self._add(batch, Enrolment, {
            "resident_id": p.pk, "programme": Programme.ELDERLY, "enrolled_on": enrolled_on,
            "catchment_org_id": p.org_id, "status": Enrolment.Status.ACTIVE, "next_due": next_due,
            "next_due_label": label, "last_visit_date": batch.last_check.get(p.pk), "created_by_id": self.seeder.pk,
            "created_at": self._at(enrolled_on),
        })
        self._close(enrolment, health)

    def _child(self, p: _Person, batch) -> None:
        """In the child list from birth (as `do_enrol_age_programmes`); visits follow the §6 schedule with the
        family's habits: most on time, some late, some missed, none after today."""
        rng = self.rng
        schedule = rules.child_schedule(p.birth_date, enrolled_on=p.birth_date)
        habit = h.pick(rng, CHILD_FAMILIES)[2]
        size = rng.gauss(0, 0.9)
        days = set()
        for slot in schedule:
            if slot.opens > self.as_of:
                break
            if rng.random() >= CHILD_ATTENDANCE[slot.code] * habit:
                continue
            late_until = (slot.missed_from - slot.closes).days - 1
            if rng.random() < CHILD_LATE and late_until > 0:
                day = slot.closes + timedelta(days=rng.randint(1, late_until))
            else:
                span = (slot.closes - slot.opens).days
                day = slot.opens + timedelta(days=round(rng.triangular(0, span, (slot.target - slot.opens).days)))
            if day <= self.as_of:
                days.add(day)
        slots = rules.fulfilled_slots(schedule, days)
        done = sorted(slots.values())
        next_due, label = child_next_due(p.birth_date, done, enrolled_on=p.birth_date, on=self.as_of)
        enrolment = self._add(batch, Enrolment, {
            "resident_id": p.pk, "programme": Programme.CHILD, "enrolled_on": p.birth_date,
            "catchment_org_id": p.org_id, "status": Enrolment.Status.ACTIVE, "next_due": next_due,
            "next_due_label": label, "last_visit_date": done[-1] if done else None, "created_by_id": self.seeder.pk,
            "created_at": self._at(p.birth_date),
        })
        self.counts["enrolments_child_active"] += 1
        for code, day in sorted(slots.items(), key=lambda item: item[1]):
            # Newborn home visits are mostly the village doctor's; the later checks are at the township centre.
            at_centre = rng.random() < (0.4 if code == "newborn_home" else 0.8)
            values = h.child_visit_values(rng, birth_date=p.birth_date, sex=p.sex, day=day, slot=code, size=size)
            self._add(batch, ChildVisit, {
                "resident_id": p.pk, "enrolment_id": enrolment["id"], "slot": code, "visit_date": day,
                "organisation_id": self.staff.centre(p.org_id) if at_centre else p.org_id,
                "doctor_id": self.staff.gp(p.org_id) if at_centre else self.staff.village_doctor(p.org_id),
                "recorded_at": self._at(day), **values,
            })

    # -- deaths and moves ---------------------------------------------------------------------------------

    def _fate(self, p: _Person, health: h.Health, batch) -> None:
        """The record's status change as `records.actions.do_change_record_status` writes it, by the village
        doctor a few days after the event."""
        kind, on = health.fate
        details = h.fate_details(self.rng, kind)
        noted = min(on + timedelta(days=self.rng.randint(1, 6)), self.as_of)
        self._add(batch, RecordStatusChange, {
            "resident_id": p.pk, "from_status": Resident.Status.ACTIVE, "to_status": kind,
            "death_date": on if kind == "dead" else None, "death_cause": details.get("death_cause", ""),
            "destination": details.get("destination", ""), "changed_by_id": self.staff.village_doctor(p.org_id),
            "organisation_id": p.org_id, "changed_at": self._at(noted),
        })
        batch.statuses.setdefault(kind, []).append(p.pk)
        self.counts[f"residents_{kind}"] += 1


class _Batch:
    def __init__(self):
        self.rows: dict[type, list[dict]] = {}  # insertion order: a table's references come before it
        self.statuses: dict[str, list[int]] = {}
        self.contract_people: list[contracts.Person] = []
        self.chronic: dict[int, set[str]] = {}
        self.checked_this_year: set[int] = set()
        self.last_check: dict[int, date] = {}


