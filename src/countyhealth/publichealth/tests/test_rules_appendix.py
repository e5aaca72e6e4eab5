"""Every row (#1–#25) of the appendix of public-health-rules.md, with its exact expected values.

Unless a row says otherwise: face-to-face visit on 2026-03-10, previous follow-up controlled, no ADR or
complication. Classes the row does not state follow from §3.4/§4.4 and are asserted as well.
"""

from datetime import date

import pytest

from countyhealth.publichealth.rules import (
    ElderlyCheck,
    Enrolment,
    FollowUpClass,
    FollowUpRecord,
    NextAction,
    Period,
    PreviousVisit,
    Programme,
    SlotState,
    VisitFacts,
    VisitMode,
    antenatal_visit_code,
    child_schedule,
    child_slot_statuses,
    chronic_outcome,
    classify_visit,
    counts_for_early_registration,
    counts_for_newborn_visit,
    gestational_age,
    in_elderly_target,
    is_elderly_managed,
)
from countyhealth.publichealth.rules.elderly import AuxiliaryTest
from countyhealth.residents.rules import IdNumberError, parse_id_number

VISIT = date(2026, 3, 10)
AGE_50 = date(1976, 1, 1)
AGE_70 = date(1956, 1, 1)
AGE_30 = date(1996, 1, 1)
PREV_CONTROLLED = PreviousVisit(date(2025, 12, 10), sbp=130, dbp=80, fpg=6.0)
PREV_UNCONTROLLED = PreviousVisit(date(2026, 2, 24), sbp=150, dbp=95, next_action=NextAction.ADJUST_AND_REVISIT)
PREV_REFERRED = PreviousVisit(date(2026, 2, 24), sbp=150, dbp=95, next_action=NextAction.REFERRAL)
IN_2_WEEKS = date(2026, 3, 24)
IN_3_MONTHS = date(2026, 6, 10)
C, U = FollowUpClass.CONTROLLED, FollowUpClass.UNCONTROLLED
ROUTINE, ADJUST = NextAction.ROUTINE, NextAction.ADJUST_AND_REVISIT
REFER, EMERGENCY = NextAction.REFERRAL, NextAction.EMERGENCY_REFERRAL
HTN, DM = Programme.HYPERTENSION, Programme.DIABETES

# (row, programme, birth date, facts, previous, class, action, due, reason codes that must be present)
FOLLOW_UP_ROWS = [
    ("#01", HTN, AGE_50, {"sbp": 139, "dbp": 89}, PREV_CONTROLLED, C, ROUTINE, IN_3_MONTHS, ()),
    ("#02", HTN, AGE_50, {"sbp": 140, "dbp": 85}, PREV_CONTROLLED, U, ADJUST, IN_2_WEEKS, ("A1",)),
    ("#03", HTN, AGE_50, {"sbp": 138, "dbp": 90}, PREV_UNCONTROLLED, U, REFER, IN_2_WEEKS, ("R3",)),
    ("#04", HTN, AGE_50, {"sbp": 138, "dbp": 90}, PREV_REFERRED, U, ADJUST, IN_2_WEEKS, ("A1",)),
    ("#05", HTN, AGE_50, {"sbp": 179, "dbp": 109}, PREV_CONTROLLED, U, ADJUST, IN_2_WEEKS, ("A1",)),
    ("#06", HTN, AGE_50, {"sbp": 180, "dbp": 95}, PREV_CONTROLLED, U, EMERGENCY, IN_2_WEEKS, ("E1",)),
    ("#07", HTN, AGE_70, {"sbp": 125, "dbp": 110}, PREV_CONTROLLED, U, EMERGENCY, IN_2_WEEKS, ("E1",)),
    ("#08a", HTN, date(1961, 3, 10), {"sbp": 149, "dbp": 89}, PREV_CONTROLLED, C, ROUTINE, IN_3_MONTHS, ()),
    ("#08b", HTN, date(1961, 3, 10), {"sbp": 150, "dbp": 80}, PREV_CONTROLLED, U, ADJUST, IN_2_WEEKS, ("A1",)),
    ("#09", HTN, date(1961, 3, 11), {"sbp": 149, "dbp": 89}, PREV_CONTROLLED, U, ADJUST, IN_2_WEEKS, ("A1",)),
    ("#10", HTN, AGE_30, {"sbp": 140, "dbp": 85, "pregnant": True}, PREV_CONTROLLED, U, EMERGENCY, IN_2_WEEKS,
     ("E3",)),
    ("#11", HTN, AGE_50, {"sbp": 130, "dbp": 80, "adr": True}, PREV_CONTROLLED, FollowUpClass.ADVERSE_REACTION,
     ADJUST, IN_2_WEEKS, ("A2",)),
    ("#12", HTN, AGE_50, {"sbp": 130, "dbp": 80, "new_or_worse_complication": True}, PREV_CONTROLLED,
     FollowUpClass.COMPLICATION, REFER, IN_2_WEEKS, ("R1",)),
    ("#13", DM, AGE_50, {"fpg": 6.9}, PREV_CONTROLLED, C, ROUTINE, IN_3_MONTHS, ()),
    ("#14a", DM, AGE_50, {"fpg": 7.0}, PREV_CONTROLLED, U, ADJUST, IN_2_WEEKS, ("A1",)),
    ("#14b", DM, AGE_50, {"fpg": 6.95}, PREV_CONTROLLED, U, ADJUST, IN_2_WEEKS, ("A1",)),
    ("#15a", DM, AGE_50, {"fpg": 16.6}, PREV_CONTROLLED, U, ADJUST, IN_2_WEEKS, ("A1",)),
    ("#15b", DM, AGE_50, {"fpg": 16.7}, PREV_CONTROLLED, U, EMERGENCY, IN_2_WEEKS, ("D1",)),
    ("#16a", DM, AGE_50, {"fpg": 3.9}, PREV_CONTROLLED, C, EMERGENCY, IN_2_WEEKS, ("D2",)),
    ("#16b", DM, AGE_50, {"fpg": 4.0}, PREV_CONTROLLED, C, ROUTINE, IN_3_MONTHS, ()),
    ("#17a", DM, AGE_50, {"fpg": 6.0, "heart_rate": 100}, PREV_CONTROLLED, C, ROUTINE, IN_3_MONTHS, ()),
    ("#17b", DM, AGE_50, {"fpg": 6.0, "heart_rate": 101}, PREV_CONTROLLED, C, EMERGENCY, IN_2_WEEKS, ("D5",)),
    ("#18a", DM, AGE_50, {"fpg": 6.0, "temperature": 39.0}, PREV_CONTROLLED, C, ROUTINE, IN_3_MONTHS, ()),
    ("#18b", DM, AGE_50, {"fpg": 6.0, "temperature": 39.1}, PREV_CONTROLLED, C, EMERGENCY, IN_2_WEEKS, ("D6",)),
]


@pytest.mark.parametrize(("row", "programme", "birth", "values", "previous", "fu_class", "action", "due", "codes"),
                         FOLLOW_UP_ROWS, ids=[r[0] for r in FOLLOW_UP_ROWS])
def test_follow_up_rows(row, programme, birth, values, previous, fu_class, action, due, codes):
    decision = classify_visit(VisitFacts(programme, VISIT, birth, **values), previous)
    assert (decision.follow_up_class, decision.next_action, decision.next_due) == (fu_class, action, due)
    assert set(codes) <= set(decision.reason_codes)
    if action is ROUTINE:
        assert decision.reason_codes == ()


def test_row_16b_advisory_below_4_4():
    decision = classify_visit(VisitFacts(DM, VISIT, AGE_50, fpg=4.0), PREV_CONTROLLED)
    assert [a.code for a in decision.advisories] == ["FPG_BELOW_GUIDELINE"]
    assert "4.4" in decision.advisories[0].label


def test_row_19_id_numbers():
    parsed = parse_id_number("11010519491231002X", today=date(2026, 3, 10))
    assert (parsed.sex, parsed.birth_date, parsed.address_code) == ("2", date(1949, 12, 31), "110105")
    with pytest.raises(IdNumberError) as bad_check:
        parse_id_number("110105194912310021", today=date(2026, 3, 10))
    assert bad_check.value.code == "checksum"
    with pytest.raises(IdNumberError) as bad_date:
        parse_id_number("110105190002290017", today=date(2026, 3, 10))
    assert bad_date.value.code == "birth_date"


COMPLETE_CHECK = ElderlyCheck(date(2026, 3, 1), general_fields_complete=True, self_care_score=0,
                              cognition_screened=True, mood_screened=True,
                              auxiliary_results=frozenset(AuxiliaryTest), guidance_given=True)


@pytest.mark.parametrize(("birth", "in_target"), [(date(1961, 12, 31), True), (date(1962, 1, 1), False)],
                         ids=["#20a", "#20b"])
def test_row_20_elderly_year_rule(birth, in_target):
    assert in_elderly_target(birth, 2026) is in_target
    assert is_elderly_managed(birth, has_health_record=True, checks=[COMPLETE_CHECK], year=2026) is in_target


def test_row_21_child_m3_clamped_to_month_end():
    m3 = next(s for s in child_schedule(date(2026, 1, 31)) if s.code == "m3")
    assert (m3.target, m3.opens, m3.closes) == (date(2026, 4, 30), date(2026, 4, 15), date(2026, 5, 30))


@pytest.mark.parametrize(("exam", "ga", "code", "counts"), [
    (date(2026, 4, 1), "12w6d", "antenatal_1", True),
    (date(2026, 4, 2), "13w0d", None, False),
], ids=["#22a", "#22b"])
def test_row_22_early_registration(exam, ga, code, counts):
    lmp = date(2026, 1, 1)
    assert str(gestational_age(exam, lmp=lmp)) == ga
    assert antenatal_visit_code(gestational_age(exam, lmp=lmp)) == code
    assert counts_for_early_registration(registered_on=exam, first_exam_on=exam, lmp=lmp) is counts


def test_row_23_newborn_visit_late_but_counts():
    birth, discharge, visit = date(2026, 2, 26), date(2026, 3, 1), date(2026, 3, 9)
    newborn = child_slot_statuses(birth, [visit], visit, discharge_date=discharge)[0]
    assert newborn.slot.code == "newborn_home"
    assert newborn.slot.closes == date(2026, 3, 8)
    assert (newborn.state, newborn.visit_date) == (SlotState.DONE_LATE, visit)
    assert counts_for_newborn_visit(birth, [visit])
    assert counts_for_newborn_visit(birth, [date(2026, 3, 26)])
    assert not counts_for_newborn_visit(birth, [date(2026, 3, 27)])


def test_row_24_three_clinic_one_phone():
    enrolment = Enrolment(HTN, AGE_50, date(2024, 5, 1))
    followups = [
        FollowUpRecord(date(2026, 2, 10), VisitMode.CLINIC, 150, 95),
        FollowUpRecord(date(2026, 5, 10), VisitMode.CLINIC, 142, 88),
        FollowUpRecord(date(2026, 8, 10), VisitMode.HOME, 136, 86),
        FollowUpRecord(date(2026, 11, 10), VisitMode.PHONE, 160, 100),
    ]
    outcome = chronic_outcome(enrolment, followups, Period.calendar_year(2026))
    assert (outcome.managed, outcome.standardised, outcome.controlled) == (True, False, True)


def test_row_25_no_follow_up_in_the_year():
    enrolment = Enrolment(HTN, AGE_50, date(2025, 6, 1))
    followups = [FollowUpRecord(date(2025, 9, 1), VisitMode.CLINIC, 120, 80)]
    outcome = chronic_outcome(enrolment, followups, Period.calendar_year(2026))
    assert (outcome.managed, outcome.standardised, outcome.controlled) == (True, False, False)
