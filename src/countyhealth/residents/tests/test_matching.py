"""Duplicate bands (architecture §6): certain, probable (blocked, scored, threshold as data), no match."""

from datetime import date

import pytest

from countyhealth.residents import matching
from countyhealth.residents.models import DuplicateCandidate, ResidentIdentifier
from countyhealth.residents.names import search_keys
from countyhealth.residents.rules import make_id_number
from countyhealth.residents.tests.factories import HouseholdFactory


def person(name, birth, sex, village, **kw):
    normalised, pinyin, _initials = search_keys(name)
    return matching.Person(name_normalised=normalised, name_pinyin=pinyin, sex=sex, birth_date=birth,
                           village_id=village.pk, **kw)


def test_certain_is_an_active_record_with_the_same_id_number(county, make_resident):
    r = make_resident(county.village_a1)
    assert matching.find_certain(r.id_number) == r
    assert matching.find_certain(r.id_number, exclude_id=r.pk) is None
    assert matching.find_certain(None) is None


def test_certain_leads_a_merged_records_number_to_its_master(county, make_resident):
    survivor = make_resident(county.village_a1)
    merged = make_resident(county.village_a1, is_active=False, master=survivor)
    assert matching.find_certain(merged.id_number) == survivor
    assert matching.find_certain(merged.id_number, exclude_id=survivor.pk) is None


def test_certain_follows_identifiers_carried_after_a_merge(county, make_resident):
    survivor = make_resident(county.village_a1)
    old = make_id_number("430124", date(1970, 1, 1), 5, "1")
    ResidentIdentifier.objects.create(resident=survivor, system="id_number", value=old)
    assert matching.find_certain(old) == survivor


def test_an_unmerged_inactive_record_is_not_certain(county, make_resident):
    gone = make_resident(county.village_a1, is_active=False)
    assert matching.find_certain(gone.id_number) is None


def test_same_name_birth_date_and_sex_is_probable(county, make_resident):
    existing = make_resident(county.village_b1, name="王秀英", sex="2", birth_date=date(1950, 3, 1))
    found = matching.find_probable(person("王秀英", date(1950, 3, 1), "2", county.village_a1))
    assert [m.resident for m in found] == [existing]
    assert found[0].score == matching.WEIGHTS["name"] + matching.WEIGHTS["birth_date"] + matching.WEIGHTS["sex"]
    assert found[0].reasons == ["name", "birth_date", "sex"]


def test_threshold_boundary(county, make_resident):
    make_resident(county.village_b1, name="王秀英", sex="2", birth_date=date(1950, 3, 1))
    # 40 + 25 + 10 = 75 reaches PROBABLE_THRESHOLD; with the sex unspecified the pair scores 65.
    assert matching.PROBABLE_THRESHOLD == 75
    assert matching.find_probable(person("王秀英", date(1950, 3, 1), "2", county.village_a1))
    assert not matching.find_probable(person("王秀英", date(1950, 3, 1), "9", county.village_a1))


def test_homophone_names_match_on_pinyin(county, make_resident):
    existing = make_resident(county.village_a1, name="张伟", sex="1", birth_date=date(1970, 6, 6))
    found = matching.find_probable(person("章玮", date(1970, 6, 6), "1", county.village_a1))
    assert [m.resident for m in found] == [existing]
    assert "pinyin" in found[0].reasons and "name" not in found[0].reasons


def test_traditional_characters_match_the_simplified_name(county, make_resident):
    existing = make_resident(county.village_a1, name="张三丰", sex="1", birth_date=date(1940, 1, 2))
    found = matching.find_probable(person("張三豐", date(1940, 1, 2), "1", county.village_b1))
    assert [m.resident for m in found] == [existing]
    assert "name" in found[0].reasons


def test_twins_with_different_names_are_not_probable(county, make_resident):
    household = HouseholdFactory(village=county.village_a1)
    make_resident(county.village_a1, name="李大明", sex="1", birth_date=date(2001, 2, 3), phone="13911112222",
                  household=household)
    twin = person("李小明", date(2001, 2, 3), "1", county.village_a1, phone="13911112222",
                  household_id=household.pk)
    assert matching.find_probable(twin) == []
    assert matching.score(twin, matching.block(twin)[0]).score < matching.PROBABLE_THRESHOLD


def test_a_different_sex_cancels_a_name_match(county, make_resident):
    make_resident(county.village_a1, name="刘洋", sex="1", birth_date=date(1990, 1, 1))
    assert matching.find_probable(person("刘洋", date(1990, 1, 1), "2", county.village_a1)) == []


def test_same_village_and_birth_year_blocks_a_mistyped_day(county, make_resident):
    existing = make_resident(county.village_a1, name="赵敏", sex="2", birth_date=date(1965, 4, 12),
                             phone="13700001111")
    found = matching.find_probable(person("赵敏", date(1965, 12, 4), "2", county.village_a1, phone="13700001111"))
    assert [m.resident for m in found] == [existing]
    assert found[0].reasons == ["name", "birth_year", "sex", "phone", "village"]
    # The same in another village is outside both blocks.
    assert matching.find_probable(person("赵敏", date(1965, 12, 4), "2", county.village_b1,
                                         phone="13700001111")) == []


def test_merged_records_are_not_candidates(county, make_resident):
    survivor = make_resident(county.village_a1, name="陈静", sex="2", birth_date=date(1980, 8, 8))
    make_resident(county.village_a1, name="陈静", sex="2", birth_date=date(1980, 8, 8), is_active=False,
                  master=survivor)
    found = matching.find_probable(person("陈静", date(1980, 8, 8), "2", county.village_a1))
    assert [m.resident for m in found] == [survivor]


@pytest.mark.parametrize("status", [DuplicateCandidate.Status.NOT_DUPLICATE, DuplicateCandidate.Status.OPEN])
def test_pairs_already_queued_or_decided_are_not_proposed_again(county, make_resident, status):
    a = make_resident(county.village_a1, name="黄勇", sex="1", birth_date=date(1975, 5, 5))
    b = make_resident(county.village_a1, name="黄勇", sex="1", birth_date=date(1975, 5, 5))
    me = person("黄勇", date(1975, 5, 5), "1", county.village_a1)
    assert [m.resident for m in matching.find_probable(me, exclude_id=b.pk)] == [a]
    DuplicateCandidate.objects.create(resident_a=a, resident_b=b, score=85, status=status)
    assert matching.find_probable(me, exclude_id=b.pk) == []


def test_best_matches_come_first(county, make_resident):
    weaker = make_resident(county.village_b1, name="周杰", sex="1", birth_date=date(1985, 9, 9))
    stronger = make_resident(county.village_a1, name="周杰", sex="1", birth_date=date(1985, 9, 9),
                             phone="13655556666")
    found = matching.find_probable(person("周杰", date(1985, 9, 9), "1", county.village_a1, phone="13655556666"))
    assert [m.resident for m in found] == [stronger, weaker]


def test_ordered_pair_puts_the_lower_id_first():
    assert matching.ordered_pair(9, 3) == (3, 9) == matching.ordered_pair(3, 9)
