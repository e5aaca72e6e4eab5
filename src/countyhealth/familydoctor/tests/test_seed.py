"""The bulk contract builder for the demo seeder: deterministic, valid chains, rates near the targets."""

import random
from datetime import date, timedelta

from countyhealth.accounts.system import system_user
from countyhealth.familydoctor import actions, queries, rules, seed
from countyhealth.familydoctor.models import Contract
from countyhealth.residents.models import Resident

TODAY = date(2026, 11, 23)


def build(county, users, make_resident, n=400, rng_seed=7):
    actions.do_create_team(acting_user=system_user("demo"), data=actions.TeamData(
        name="东山镇一团队", organisation_id=county.township_a.pk,
        village_ids=[county.village_a1.pk, county.village_a2.pk],
        members=[actions.MemberData(users.township_doctor_a.pk, "gp", True),
                 actions.MemberData(users.village_doctor_a1.pk, "village_doctor")]))
    people = []
    for i in range(n):
        village = county.village_a1 if i % 2 else county.village_a2
        r = make_resident(village, birth_date=TODAY - timedelta(days=83 * i + 5))
        people.append(seed.Person(r.pk, r.birth_date, r.sex, r.village_id, r.name))
    people.append(seed.Person(make_resident(county.village_b1).pk, date(1970, 1, 1), "1", county.village_b1.pk))
    chronic = {p.resident_id: {"hypertension"} for p in people[::10]}
    drafts = seed.plan_contracts(people, seed.team_choices_by_village(), today=TODAY, rng=random.Random(rng_seed),
                                 chronic=chronic)
    return people, chronic, drafts


def test_plan_is_deterministic(county, users, make_resident):
    _people, _chronic, first = build(county, users, make_resident, n=60)
    again = seed.plan_contracts(
        [seed.Person(r.pk, r.birth_date, r.sex, r.village_id) for r in Resident.objects.order_by("pk")
         if r.village_id != county.village_b1.pk],
        seed.team_choices_by_village(), today=TODAY, rng=random.Random(7),
        chronic={d.resident_id: {"hypertension"} for d in first if "GXY" in d.package_codes})
    assert [(d.resident_id, d.start_date) for d in first] == [(d.resident_id, d.start_date) for d in again]


def test_written_contracts_are_valid_chains_with_realistic_rates(county, users, make_resident):
    people, chronic, drafts = build(county, users, make_resident)
    assert seed.write_contracts(drafts, created_by=system_user("demo"), today=TODAY) == len(drafts)
    by_resident: dict[int, list[Contract]] = {}
    for c in Contract.objects.order_by("resident_id", "start_date"):
        by_resident.setdefault(c.resident_id, []).append(c)
        assert c.end_date == rules.default_end_date(c.start_date) and c.start_date >= Resident.objects.get(
            pk=c.resident_id).birth_date
    for contracts in by_resident.values():
        for earlier, later in zip(contracts, contracts[1:], strict=False):
            assert later.start_date > earlier.last_day  # no overlap
            if later.previous_id:
                assert later.previous_id == earlier.pk and later.start_date == earlier.end_date + timedelta(days=1)
    assert county.village_b1.pk not in {p.village_id for p in people if p.resident_id in by_resident}

    residents = Resident.objects.filter(village__in=[county.village_a1, county.village_a2])
    contracted, total = queries.coverage(residents, TODAY)
    assert 0.40 <= contracted / total <= 0.70
    elderly = residents.filter(birth_date__lte=rules.years_before(TODAY, 65))
    e_contracted, e_total = queries.coverage(elderly, TODAY)
    assert e_contracted / e_total > contracted / total
    h_contracted, h_total = queries.coverage(residents.filter(pk__in=list(chronic)), TODAY)
    assert h_contracted / h_total >= 0.6

    for c in Contract.objects.prefetch_related("contract_packages__package").select_related("resident"):
        codes = {cp.package.code for cp in c.contract_packages.all()}
        age = rules.age_on(c.resident.birth_date, c.start_date)
        assert "JC" in codes and ("LN" in codes) == (age >= 65) and ("ET" in codes) == (age < 7)
    doctors = dict(Contract.objects.values_list("resident__village_id", "doctor_id").distinct())
    assert doctors == {county.village_a1.pk: users.village_doctor_a1.pk, county.village_a2.pk: users.township_doctor_a.pk}
    assert Contract.objects.filter(status="expired").exists() and Contract.objects.filter(status="active").exists()
