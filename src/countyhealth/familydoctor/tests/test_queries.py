""""Active at a date" boundaries and coverage (签约率) on the small shared county."""

from datetime import date, timedelta

import pytest

from countyhealth.familydoctor import queries
from countyhealth.familydoctor.models import Contract
from countyhealth.familydoctor.rules import years_before
from countyhealth.residents.models import Resident

from .factories import make_contract, township_a_team

S = date(2026, 1, 10)


@pytest.fixture
def team(county, users):
    return township_a_team(county, users)


def active_ids(at):
    return set(Contract.objects.active_at(at).values_list("id", flat=True))


def test_active_from_start_day_to_end_day(county, users, team, make_resident):
    c = make_contract(make_resident(county.village_a1), team, users.township_doctor_a, start=S)
    assert c.end_date == date(2027, 1, 9)
    assert c.pk not in active_ids(S - timedelta(days=1))
    assert c.pk in active_ids(S)
    assert c.pk in active_ids(c.end_date)
    assert c.pk not in active_ids(c.end_date + timedelta(days=1))
    assert [c.is_active_on(d) for d in (S - timedelta(days=1), S, c.end_date, c.end_date + timedelta(days=1))] == [
        False, True, True, False]


def test_terminated_contract_is_in_force_through_its_last_day(county, users, team, make_resident):
    t = S + timedelta(days=40)
    c = make_contract(make_resident(county.village_a1), team, users.township_doctor_a, start=S, terminated_on=t)
    assert c.pk in active_ids(t)
    assert c.pk not in active_ids(t + timedelta(days=1))
    assert c.status_on(t) == "active" and c.status_on(t + timedelta(days=1)) == "terminated"


def test_voided_contract_is_never_in_force(county, users, team, make_resident):
    c = make_contract(make_resident(county.village_a1), team, users.township_doctor_a, start=S,
                      terminated_on=S - timedelta(days=1))
    assert not any(c.pk in active_ids(S + timedelta(days=n)) for n in (-1, 0, 1, 200))
    assert not Contract.objects.overlapping(S, S + timedelta(days=400)).filter(pk=c.pk).exists()


def test_status_shown_follows_the_dates_not_the_stored_status(county, users, team, make_resident):
    c = make_contract(make_resident(county.village_a1), team, users.township_doctor_a, start=S)
    assert c.status == "active"
    assert c.status_on(c.end_date) == "active"
    assert c.status_on(c.end_date + timedelta(days=1)) == "expired"


def test_coverage_of_a_resident_queryset_and_the_id_subquery(county, users, team, make_resident):
    r1, r2, r3 = (make_resident(county.village_a1) for _ in range(3))
    make_contract(r1, team, users.township_doctor_a, start=S)
    make_contract(r2, team, users.township_doctor_a, start=date(2025, 1, 10))  # last day 2026-01-09
    qs = Resident.objects.filter(pk__in=[r1.pk, r2.pk, r3.pk])
    assert queries.coverage(qs, S) == (1, 3)
    assert queries.coverage(qs, S - timedelta(days=1)) == (1, 3)  # r2 still in force, r1 not yet
    assert queries.coverage(qs.none(), S) == (0, 0)
    assert set(Resident.objects.filter(id__in=queries.contracted_resident_ids(S)).values_list("id", flat=True)) == {
        r1.pk}


@pytest.fixture
def small_county(county, users, team, make_resident):
    """a1: 4 residents, 2 contracted (1 of 2 elderly; a child too); a2: 2 residents, 1 contracted, configured
    population 10; b1: 3 residents, none. A dead and a merged resident in a1 count nowhere."""
    at = S + timedelta(days=30)
    elderly = years_before(at, 70)
    a1 = [make_resident(county.village_a1, birth_date=elderly), make_resident(county.village_a1, birth_date=elderly),
          make_resident(county.village_a1, birth_date=at - timedelta(days=400)),
          make_resident(county.village_a1, birth_date=date(1990, 1, 1))]
    for r in (a1[0], a1[2]):
        make_contract(r, team, users.township_doctor_a, start=S)
    dead = make_resident(county.village_a1, status=Resident.Status.DEAD)
    make_contract(dead, team, users.township_doctor_a, start=S)
    make_resident(county.village_a1, is_active=False)
    a2 = [make_resident(county.village_a2, birth_date=date(1985, 6, 1)) for _ in range(2)]
    make_contract(a2[0], team, users.township_doctor_a, start=S)
    county.village_a2.population = 10
    county.village_a2.save()
    for _ in range(3):
        make_resident(county.village_b1)
    return at


def test_coverage_by_village_uses_configured_population(county, small_county):
    rows = queries.breakdown_for(county.township_a, small_county)
    assert [(r.label, r.contracted, r.total, r.rate, r.configured_population) for r in rows] == [
        ("东山村", 2, 4, 50.0, False), ("南岭村", 1, 10, 10.0, True)]


def test_coverage_of_the_county_by_township(county, small_county):
    rows = queries.breakdown_for(county.hospital, small_county)
    assert [(r.label, r.contracted, r.total) for r in rows] == [("东山镇卫生院", 3, 14), ("西河镇卫生院", 0, 3)]
    assert queries.breakdown_for(county.clinic_a1, small_county)[0].total == 4


def test_key_group_coverage(county, small_county):
    groups = {r.group: (r.contracted, r.total) for r in queries.key_group_coverage(county.township_a, small_county)}
    assert groups["elderly"] == (1, 2)
    assert groups["children"] == (1, 1)


def test_drilldown_lists_the_residents_behind_a_number(county, small_county):
    villages = queries.villages_under(county.township_a)
    assert queries.drilldown_residents(villages, small_county, group=None, contracted=True).count() == 3
    assert queries.drilldown_residents(villages, small_county, group=None, contracted=False).count() == 3
    assert queries.drilldown_residents(villages, small_county, group="elderly", contracted=False).count() == 1


def test_registered_key_group_appears_in_the_table(county, small_county):
    queries.register_key_group("born_1990", "1990年出生", lambda qs, at: qs.filter(birth_date__year=1990))
    try:
        groups = {r.group: (r.contracted, r.total) for r in queries.key_group_coverage(county.township_a,
                                                                                       small_county)}
        assert groups["born_1990"] == (0, 1)
    finally:
        queries.KEY_GROUPS.pop("born_1990")
