"""§8.1 definitions: managed in the period, standardised management (R = quarters), last follow-up."""

from dataclasses import replace
from datetime import date

import pytest

from countyhealth.publichealth.rules import (
    CURRENT_RULES,
    EndReason,
    Enrolment,
    FollowUpRecord,
    Period,
    Programme,
    RecordStatus,
    VisitMode,
    chronic_outcome,
    is_controlled_in_period,
    is_standardised,
    last_followup,
    managed_in_period,
    rate,
    record_use,
    required_followups,
)

YEAR = Period.calendar_year(2026)
BIRTH = date(1970, 1, 1)
HTN, DM = Programme.HYPERTENSION, Programme.DIABETES
CLINIC, HOME, PHONE = VisitMode.CLINIC, VisitMode.HOME, VisitMode.PHONE


def enrolment(enrolled=date(2024, 1, 1), programme=HTN, **kwargs):
    return Enrolment(programme, kwargs.pop("birth_date", BIRTH), enrolled, **kwargs)


def visits(*dates, mode=CLINIC, sbp=130, dbp=80, fpg=6.0):
    return [FollowUpRecord(d, mode, sbp, dbp, fpg) for d in dates]


QUARTERLY = visits(date(2026, 2, 1), date(2026, 5, 1), date(2026, 8, 1), date(2026, 11, 1))


@pytest.mark.parametrize(("kwargs", "managed"), [
    ({}, True),
    ({"enrolled": date(2026, 12, 31)}, True),
    ({"enrolled": date(2027, 1, 1)}, False),
    ({"ended_on": date(2026, 6, 1), "end_reason": EndReason.DEATH}, False),
    ({"ended_on": date(2026, 6, 1), "end_reason": EndReason.MOVED_OUT}, False),
    ({"ended_on": date(2027, 1, 1), "end_reason": EndReason.DEATH}, True),
    ({"ended_on": date(2025, 12, 31), "end_reason": EndReason.OTHER}, False),
    ({"ended_on": date(2026, 1, 1), "end_reason": EndReason.OTHER}, True),
])
def test_managed_in_period(kwargs, managed):
    assert managed_in_period(enrolment(**kwargs), YEAR) is managed


@pytest.mark.parametrize(("enrolled", "r"), [
    (date(2025, 6, 1), 4), (date(2026, 1, 1), 4), (date(2026, 3, 31), 4), (date(2026, 4, 1), 3),
    (date(2026, 7, 15), 2), (date(2026, 10, 1), 1), (date(2026, 12, 31), 1),
])
def test_r_is_quarters_from_the_enrolment_quarter(enrolled, r):
    assert required_followups(enrolment(enrolled), YEAR) == r


def test_standardised_needs_r_face_to_face_visits_on_distinct_dates():
    assert is_standardised(enrolment(), QUARTERLY, YEAR)
    same_day = QUARTERLY[:3] + visits(date(2026, 8, 1))
    assert not is_standardised(enrolment(), same_day, YEAR)
    with_phone = QUARTERLY[:3] + visits(date(2026, 11, 1), mode=PHONE)
    assert not is_standardised(enrolment(), with_phone, YEAR)
    with_home = QUARTERLY[:3] + visits(date(2026, 11, 1), mode=HOME)
    assert is_standardised(enrolment(), with_home, YEAR)
    outside = QUARTERLY[:3] + visits(date(2025, 12, 31))
    assert not is_standardised(enrolment(), outside, YEAR)


def test_mid_year_enrolment_needs_fewer_visits():
    late = enrolment(date(2026, 7, 15))
    assert is_standardised(late, visits(date(2026, 7, 15), date(2026, 10, 20)), YEAR)
    assert not is_standardised(late, visits(date(2026, 10, 20)), YEAR)


def test_diabetes_visits_count_only_with_fpg():
    dm = enrolment(programme=DM)
    assert is_standardised(dm, QUARTERLY, YEAR)
    assert not is_standardised(dm, QUARTERLY[:3] + visits(date(2026, 11, 1), fpg=None), YEAR)


def test_one_per_quarter_flag():
    bunched = visits(date(2026, 1, 5), date(2026, 2, 5), date(2026, 3, 5), date(2026, 12, 5))
    assert is_standardised(enrolment(), bunched, YEAR)
    strict = replace(CURRENT_RULES, one_per_quarter=True)
    assert not is_standardised(enrolment(), bunched, YEAR, strict)
    assert is_standardised(enrolment(), QUARTERLY, YEAR, strict)


def test_death_in_the_period_removes_the_patient():
    dead = enrolment(ended_on=date(2026, 12, 1), end_reason=EndReason.DEATH)
    outcome = chronic_outcome(dead, QUARTERLY, YEAR)
    assert (outcome.managed, outcome.standardised, outcome.controlled) == (False, False, False)


def test_last_follow_up_same_date_takes_the_later_recorded():
    first = FollowUpRecord(date(2026, 11, 1), CLINIC, 150, 95, recorded_order=7)
    second = FollowUpRecord(date(2026, 11, 1), CLINIC, 132, 84, recorded_order=9)
    phone = FollowUpRecord(date(2026, 12, 1), PHONE, 120, 70, recorded_order=10)
    assert last_followup(enrolment(), [second, first, phone], YEAR) is second
    assert is_controlled_in_period(enrolment(), [second, first, phone], YEAR)
    assert not is_controlled_in_period(enrolment(), [replace(second, recorded_order=1), first], YEAR)


def test_control_uses_the_age_on_the_last_follow_up():
    patient = enrolment(birth_date=date(1961, 6, 1))
    assert is_controlled_in_period(patient, visits(date(2026, 6, 1), sbp=145, dbp=85), YEAR)
    assert not is_controlled_in_period(patient, visits(date(2026, 5, 31), sbp=145, dbp=85), YEAR)


def test_emergency_visit_counts_as_last_follow_up():
    assert not is_controlled_in_period(enrolment(), QUARTERLY + visits(date(2026, 12, 20), sbp=185), YEAR)


@pytest.mark.parametrize(("fpg", "controlled"), [(6.9, True), (6.95, False), (7.0, False)])
def test_diabetes_control_is_last_fpg_below_7(fpg, controlled):
    assert is_controlled_in_period(enrolment(programme=DM), visits(date(2026, 9, 1), fpg=fpg), YEAR) is controlled


def test_lost_patient_stays_and_counts_as_uncontrolled():
    outcome = chronic_outcome(enrolment(), [], YEAR)
    assert (outcome.managed, outcome.standardised, outcome.controlled) == (True, False, False)


@pytest.mark.parametrize(("status", "last_entry", "expected"), [
    (RecordStatus.ACTIVE, date(2026, 12, 31), (True, True)),
    (RecordStatus.ACTIVE, date(2026, 1, 1), (True, True)),  # day 364 before
    (RecordStatus.ACTIVE, date(2025, 12, 31), (True, False)),  # 365 days before: outside
    (RecordStatus.ACTIVE, None, (True, False)),
    (RecordStatus.LOST, date(2026, 6, 1), (True, True)),
    (RecordStatus.DEAD, date(2026, 6, 1), (False, False)),
    (RecordStatus.MOVED_OUT, date(2026, 6, 1), (False, False)),
])
def test_record_use(status, last_entry, expected):
    m = record_use(status, last_entry, date(2026, 12, 31))
    assert (m.in_denominator, m.in_numerator) == expected


@pytest.mark.parametrize(("num", "den", "expected"), [
    (1, 3, "33.3"), (2, 3, "66.7"), (0, 5, "0.0"), (5, 5, "100.0"), (11, 10, "110.0"),
])
def test_rate(num, den, expected):
    assert str(rate(num, den)) == expected


def test_rate_without_denominator():
    assert rate(0, 0) is None
    with pytest.raises(ValueError):
        rate(-1, 3)
