from dataclasses import replace
from datetime import date

import pytest

from countyhealth.publichealth.rules import (
    AuxiliaryTest,
    ElderlyCheck,
    SelfCareItem,
    SelfCareLevel,
    elderly_check_missing,
    elderly_due_list_opens,
    in_elderly_target,
    is_elderly_managed,
    self_care_band,
    self_care_choices,
    self_care_score,
)
from countyhealth.publichealth.rules.elderly import SELF_CARE_MAX

IND, M, MOD, D = SelfCareLevel.INDEPENDENT, SelfCareLevel.MILD, SelfCareLevel.MODERATE, SelfCareLevel.DEPENDENT


@pytest.mark.parametrize(("birth", "year", "expected"), [
    (date(1961, 12, 31), 2026, True), (date(1962, 1, 1), 2026, False), (date(1962, 1, 1), 2027, True),
    (date(1940, 6, 1), 2026, True),
])
def test_target_population_by_year_of_birth(birth, year, expected):
    assert in_elderly_target(birth, year) is expected


def test_due_list_opens_on_1_january():
    assert elderly_due_list_opens(2026) == date(2026, 1, 1)


@pytest.mark.parametrize(("score", "band"), [
    (0, IND), (3, IND), (4, M), (8, M), (9, MOD), (18, MOD), (19, D), (37, D),
])
def test_self_care_bands(score, band):
    assert self_care_band(score) is band


@pytest.mark.parametrize("score", [-1, 38])
def test_self_care_score_outside_the_form_is_refused(score):
    with pytest.raises(ValueError):
        self_care_band(score)


@pytest.mark.parametrize(("item", "scores"), [
    (SelfCareItem.MEALS, [(IND, 0), (MOD, 3), (D, 5)]),
    (SelfCareItem.GROOMING, [(IND, 0), (M, 1), (MOD, 3), (D, 7)]),
    (SelfCareItem.DRESSING, [(IND, 0), (MOD, 3), (D, 5)]),
    (SelfCareItem.TOILETING, [(IND, 0), (M, 1), (MOD, 5), (D, 10)]),
    (SelfCareItem.MOBILITY, [(IND, 0), (M, 1), (MOD, 5), (D, 10)]),
])
def test_item_scores_of_the_printed_form(item, scores):
    assert self_care_choices(item) == scores


def test_scores_add_up():
    assert SELF_CARE_MAX == 37
    assert self_care_score(dict.fromkeys(SelfCareItem, D)) == 37
    assert self_care_score(dict.fromkeys(SelfCareItem, IND)) == 0
    answers = {SelfCareItem.MEALS: IND, SelfCareItem.GROOMING: M, SelfCareItem.DRESSING: MOD,
               SelfCareItem.TOILETING: M, SelfCareItem.MOBILITY: MOD}
    assert self_care_score(answers) == 10
    assert self_care_band(self_care_score(answers)) is MOD


def test_incomplete_or_impossible_answers_are_refused():
    with pytest.raises(ValueError):
        self_care_score({SelfCareItem.MEALS: IND})
    with pytest.raises(ValueError):
        self_care_score({**dict.fromkeys(SelfCareItem, IND), SelfCareItem.MEALS: M})


COMPLETE = ElderlyCheck(date(2026, 5, 1), general_fields_complete=True, self_care_score=4, cognition_screened=True,
                        mood_screened=True, auxiliary_results=frozenset(AuxiliaryTest), guidance_given=True)
BIRTH = date(1955, 5, 5)


def test_complete_check_is_managed():
    assert elderly_check_missing(COMPLETE) == []
    assert is_elderly_managed(BIRTH, has_health_record=True, checks=[COMPLETE], year=2026)


@pytest.mark.parametrize(("change", "missing"), [
    ({"general_fields_complete": False}, "GENERAL"),
    ({"self_care_score": None}, "SELF_CARE"),
    ({"cognition_screened": False}, "COGNITION"),
    ({"mood_screened": False}, "MOOD"),
    *[({"auxiliary_results": frozenset(AuxiliaryTest) - {test}}, test.value) for test in AuxiliaryTest],
])
def test_each_missing_part_makes_the_check_incomplete(change, missing):
    check = replace(COMPLETE, **change)
    assert [r.code for r in elderly_check_missing(check)] == [missing]
    assert not is_elderly_managed(BIRTH, has_health_record=True, checks=[check], year=2026)


def test_guidance_record_and_year_are_needed():
    assert not is_elderly_managed(BIRTH, has_health_record=True, checks=[replace(COMPLETE, guidance_given=False)],
                                  year=2026)
    assert not is_elderly_managed(BIRTH, has_health_record=False, checks=[COMPLETE], year=2026)
    assert not is_elderly_managed(BIRTH, has_health_record=True, checks=[COMPLETE], year=2027)
    last_year = replace(COMPLETE, check_date=date(2025, 12, 31))
    assert not is_elderly_managed(BIRTH, has_health_record=True, checks=[last_year], year=2026)
    assert is_elderly_managed(BIRTH, has_health_record=True, checks=[last_year, COMPLETE], year=2026)
