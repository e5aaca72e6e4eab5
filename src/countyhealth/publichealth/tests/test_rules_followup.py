"""The shared §3.5 classification and action table."""

from dataclasses import replace
from datetime import date

import pytest
from django.utils import translation

from countyhealth.publichealth.rules import (
    CURRENT_RULES,
    RULE_SETS,
    FollowUpClass,
    NextAction,
    PreviousVisit,
    Programme,
    VisitFacts,
    classify_visit,
    is_overdue,
    rules_on,
)

VISIT = date(2026, 3, 10)
AGE_50 = date(1976, 1, 1)
HTN, DM = Programme.HYPERTENSION, Programme.DIABETES


def htn(**values):
    values.setdefault("sbp", 130)
    values.setdefault("dbp", 80)
    return VisitFacts(HTN, values.pop("visit_date", VISIT), values.pop("birth_date", AGE_50), **values)


def test_class_precedence_complication_over_adr_over_uncontrolled():
    everything = htn(sbp=150, dbp=95, adr=True, new_or_worse_complication=True)
    assert classify_visit(everything).follow_up_class is FollowUpClass.COMPLICATION
    assert classify_visit(replace(everything, new_or_worse_complication=False)).follow_up_class is (
        FollowUpClass.ADVERSE_REACTION)
    assert classify_visit(replace(everything, new_or_worse_complication=False, adr=False)).follow_up_class is (
        FollowUpClass.UNCONTROLLED)


def test_emergency_row_wins_over_referral_rows():
    decision = classify_visit(htn(sbp=185, dbp=100, new_or_worse_complication=True))
    assert decision.follow_up_class is FollowUpClass.COMPLICATION
    assert (decision.next_action, decision.reason_codes) == (NextAction.EMERGENCY_REFERRAL, ("E1",))


def test_uncontrollable_adr_refers():
    decision = classify_visit(htn(adr_uncontrollable=True))
    assert decision.follow_up_class is FollowUpClass.ADVERSE_REACTION
    assert (decision.next_action, decision.reason_codes) == (NextAction.REFERRAL, ("R2",))


@pytest.mark.parametrize(("previous_action", "expected"), [
    (NextAction.ROUTINE, NextAction.REFERRAL),
    (NextAction.ADJUST_AND_REVISIT, NextAction.REFERRAL),
    (NextAction.REFERRAL, NextAction.ADJUST_AND_REVISIT),
    (NextAction.EMERGENCY_REFERRAL, NextAction.ADJUST_AND_REVISIT),
])
def test_adr_twice_refers_unless_referred_since(previous_action, expected):
    previous = PreviousVisit(date(2026, 2, 24), sbp=130, dbp=80, adr=True, next_action=previous_action)
    decision = classify_visit(htn(adr=True), previous)
    assert decision.next_action is expected
    assert decision.reason_codes == (("R4",) if expected is NextAction.REFERRAL else ("A2",))


def test_first_adr_with_previous_uncontrolled_is_not_consecutive():
    previous = PreviousVisit(date(2026, 2, 24), sbp=150, dbp=95)
    decision = classify_visit(htn(adr=True), previous)
    assert (decision.next_action, decision.reason_codes) == (NextAction.ADJUST_AND_REVISIT, ("A2",))


def test_no_previous_visit_is_a_first_time():
    decision = classify_visit(htn(sbp=150, dbp=95))
    assert decision.next_action is NextAction.ADJUST_AND_REVISIT


def test_previous_status_uses_the_age_on_its_own_date():
    birth = date(1961, 3, 10)  # 64 on the previous visit, 65 on this one
    previous = PreviousVisit(date(2026, 2, 10), sbp=145, dbp=85)  # uncontrolled at 64 (target 140)
    decision = classify_visit(htn(birth_date=birth, sbp=150, dbp=85), previous)
    assert decision.next_action is NextAction.REFERRAL
    older = PreviousVisit(date(2026, 3, 9), sbp=145, dbp=85)
    assert classify_visit(htn(birth_date=date(1960, 1, 1), sbp=150, dbp=85), older).next_action is (
        NextAction.ADJUST_AND_REVISIT)


def test_previous_without_measurement_does_not_start_a_run():
    previous = PreviousVisit(date(2026, 2, 24), next_action=NextAction.ADJUST_AND_REVISIT)
    assert classify_visit(htn(sbp=150, dbp=95), previous).next_action is NextAction.ADJUST_AND_REVISIT


def test_diabetes_uses_the_same_table():
    previous = PreviousVisit(date(2026, 2, 24), fpg=8.2)
    decision = classify_visit(VisitFacts(DM, VISIT, AGE_50, fpg=7.5), previous)
    assert (decision.follow_up_class, decision.next_action) == (FollowUpClass.UNCONTROLLED, NextAction.REFERRAL)
    assert decision.reason_codes == ("R3",)


def test_both_programmes_are_checked_against_both_lists():
    only_htn = htn(fpg=17.0)
    assert classify_visit(only_htn).next_action is NextAction.ROUTINE
    both = replace(only_htn, other_programmes=frozenset({DM}))
    decision = classify_visit(both)
    assert (decision.next_action, decision.reason_codes) == (NextAction.EMERGENCY_REFERRAL, ("D1",))


def test_same_criterion_on_both_lists_is_reported_once():
    as_htn = htn(sbp=185, dbp=100, fpg=6.0, other_unmanageable=True, other_programmes=frozenset({DM}))
    assert classify_visit(as_htn).reason_codes == ("E1", "E4")
    as_dm = VisitFacts(DM, VISIT, AGE_50, sbp=185, dbp=100, fpg=6.0, other_unmanageable=True,
                       other_programmes=frozenset({HTN}))
    assert classify_visit(as_dm).reason_codes == ("D3", "D9")


def test_other_programmes_outside_the_chronic_pair_are_ignored():
    decision = classify_visit(htn(heart_rate=120, other_programmes=frozenset({Programme.ELDERLY})))
    assert decision.next_action is NextAction.ROUTINE
    assert [w.code for w in decision.warnings] == ["TACHYCARDIA"]


@pytest.mark.parametrize(("visit_date", "routine_due"), [
    (date(2026, 1, 31), date(2026, 4, 30)),
    (date(2026, 11, 30), date(2027, 2, 28)),
    (date(2026, 12, 31), date(2027, 3, 31)),
])
def test_routine_due_in_three_calendar_months(visit_date, routine_due):
    assert classify_visit(htn(visit_date=visit_date)).next_due == routine_due


def test_revisit_due_in_14_days_and_overdue_from_day_15():
    due = classify_visit(htn(sbp=150, dbp=95)).next_due
    assert due == date(2026, 3, 24)
    assert not is_overdue(due, date(2026, 3, 24))
    assert is_overdue(due, date(2026, 3, 25))


def test_rule_set_in_force_on_the_visit_date_is_used():
    assert rules_on(date(2026, 3, 10)) is CURRENT_RULES
    assert rules_on(date(2010, 1, 1)) is RULE_SETS[0]
    strict = replace(CURRENT_RULES, routine_months=2, revisit_days=7)
    assert classify_visit(htn(), rules=strict).next_due == date(2026, 5, 10)
    assert classify_visit(htn(sbp=150, dbp=95), rules=strict).next_due == date(2026, 3, 17)


def test_only_chronic_programmes_have_follow_up_classification():
    with pytest.raises(ValueError):
        VisitFacts(Programme.ELDERLY, VISIT, AGE_50, sbp=130, dbp=80)


def test_reason_labels_fill_their_placeholders():
    decision = classify_visit(htn(sbp=185, dbp=100))
    with translation.override("en"):
        assert decision.reasons[0].label == "SBP ≥ 180 or DBP ≥ 110 mmHg"
        assert str(decision.reasons[0]) == "E1: SBP ≥ 180 or DBP ≥ 110 mmHg"

