"""Boundary tests of the contract rules (FD2016 / FD2022 / PHS3 groups, project decisions)."""

from datetime import date, timedelta

import pytest

from countyhealth.core.errors import ActionError
from countyhealth.familydoctor import rules
from countyhealth.residents.rules import age_on

from .factories import SIGNATURE, data_url, png_bytes

TODAY = date(2026, 3, 10)
BIRTH = date(1980, 5, 17)


def code_of(fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except ActionError as exc:
        return exc.code
    return None


@pytest.mark.parametrize("start, end", [
    (date(2026, 1, 1), date(2026, 12, 31)),
    (date(2026, 3, 10), date(2027, 3, 9)),
    (date(2024, 2, 29), date(2025, 2, 28)),  # anniversary of 29 Feb is 1 Mar in a common year
    (date(2023, 3, 1), date(2024, 2, 29)),
])
def test_default_period_is_one_year(start, end):
    assert rules.default_end_date(start) == end


@pytest.mark.parametrize("day", [date(2024, 2, 29), date(2025, 2, 28), date(2025, 3, 1), date(2026, 12, 31)])
@pytest.mark.parametrize("years", [7, 65])
def test_years_before_agrees_with_age_on(day, years):
    cutoff = rules.years_before(day, years)
    assert age_on(cutoff, day) >= years
    assert age_on(cutoff + timedelta(days=1), day) < years


@pytest.mark.parametrize("start, end, expected", [
    (TODAY, TODAY, "end_before_start"),
    (TODAY, TODAY + timedelta(days=1), None),
    (TODAY - timedelta(days=365), TODAY, None),
    (TODAY - timedelta(days=366), TODAY, "start_too_early"),
    (TODAY + timedelta(days=90), TODAY + timedelta(days=400), None),
    (TODAY + timedelta(days=91), TODAY + timedelta(days=400), "start_too_late"),
    (TODAY, date(2029, 3, 10), None),
    (TODAY, date(2029, 3, 11), "period_too_long"),
])
def test_period_bounds(start, end, expected):
    assert code_of(rules.check_period, start, end, birth_date=BIRTH, today=TODAY) == expected


def test_period_cannot_start_before_birth_or_before_the_programme():
    assert code_of(rules.check_period, TODAY, TODAY + timedelta(days=30), birth_date=TODAY + timedelta(days=1),
                   today=TODAY) == "start_before_birth"
    assert code_of(rules.check_period, date(2015, 12, 31), date(2016, 6, 1), birth_date=BIRTH,
                   today=date(2016, 6, 1)) == "start_too_early"


def test_renewal_start_is_not_limited_by_the_backdating_rule():
    start = TODAY + timedelta(days=80)
    assert code_of(rules.check_period, start, rules.default_end_date(start), birth_date=BIRTH, today=TODAY,
                   renewal=True) is None


@pytest.mark.parametrize("birth, expected", [
    (rules.years_before(TODAY, 65), None),  # 65th birthday on the start date
    (rules.years_before(TODAY, 65) + timedelta(days=1), "package_age"),  # 64
])
def test_elderly_package_needs_65_on_the_start_date(birth, expected):
    assert code_of(rules.check_package_fits, "elderly", "老年人服务包", birth_date=birth, sex="1", on=TODAY) == expected


@pytest.mark.parametrize("birth, expected", [
    (rules.years_before(TODAY, 7) + timedelta(days=1), None),  # 6 years and 364 days
    (rules.years_before(TODAY, 7), "package_age"),  # 7th birthday
    (TODAY, None),  # newborn
])
def test_child_package_is_for_under_7(birth, expected):
    assert code_of(rules.check_package_fits, "child", "0～6岁儿童服务包", birth_date=birth, sex="2", on=TODAY) == expected


def test_maternal_package_is_for_women_and_other_groups_are_not_checked():
    assert code_of(rules.check_package_fits, "maternal", "孕产妇服务包", birth_date=BIRTH, sex="1", on=TODAY) == "package_sex"
    assert code_of(rules.check_package_fits, "maternal", "孕产妇服务包", birth_date=BIRTH, sex="2", on=TODAY) is None
    for group in ("basic", "chronic", "disabled", "severe_mental", "tuberculosis"):
        assert code_of(rules.check_package_fits, group, "包", birth_date=TODAY, sex="1", on=TODAY) is None


@pytest.mark.parametrize("value, expected", [
    (SIGNATURE, None),
    ("", "signature_missing"),
    (data_url(png_bytes()).replace("image/png", "image/jpeg"), "signature_invalid"),
    ("data:image/png;base64,not base64!", "signature_invalid"),
    (data_url(b"GIF89a" + b"\0" * 100), "signature_invalid"),
    (data_url(png_bytes(4001, 1)), "signature_invalid"),
    (data_url(png_bytes(4000, 1)), None),
    ("data:image/png;base64," + "A" * rules.SIGNATURE_MAX_CHARS, "signature_too_large"),
])
def test_signature_must_be_a_png_data_url(value, expected):
    assert code_of(rules.check_signature, value) == expected


@pytest.mark.parametrize("end, start", [
    (TODAY + timedelta(days=30), TODAY + timedelta(days=31)),
    (TODAY, TODAY + timedelta(days=1)),
    (TODAY - timedelta(days=1), TODAY),
    (TODAY - timedelta(days=200), TODAY),
])
def test_renewal_starts_after_the_end_or_today(end, start):
    assert rules.renewal_start(end, today=TODAY) == start


def test_renewal_opens_90_days_before_the_end():
    assert code_of(rules.check_renewal_open, TODAY + timedelta(days=90), today=TODAY) is None
    assert code_of(rules.check_renewal_open, TODAY + timedelta(days=91), today=TODAY) == "renewal_too_early"


def test_termination_date_bounds():
    start, end = TODAY - timedelta(days=100), TODAY + timedelta(days=264)
    check = rules.check_termination_date
    assert code_of(check, TODAY, start=start, end=end, today=TODAY) is None
    assert code_of(check, start - timedelta(days=1), start=start, end=end, today=TODAY) is None  # void
    assert code_of(check, start - timedelta(days=2), start=start, end=end, today=TODAY) == "termination_before_start"
    assert code_of(check, TODAY + timedelta(days=1), start=start, end=end, today=TODAY) == "termination_in_future"
    past_start, past_end = TODAY - timedelta(days=500), TODAY - timedelta(days=136)
    assert code_of(check, past_end, start=past_start, end=past_end, today=TODAY) is None
    assert code_of(check, past_end + timedelta(days=1), start=past_start, end=past_end,
                   today=TODAY) == "termination_after_end"
    future = TODAY + timedelta(days=20)
    assert code_of(check, future - timedelta(days=1), start=future, end=future + timedelta(days=364),
                   today=TODAY) is None


def test_default_termination_date():
    assert rules.default_termination_date(TODAY - timedelta(days=5), TODAY + timedelta(days=300), today=TODAY) == TODAY
    assert rules.default_termination_date(TODAY + timedelta(days=5), TODAY + timedelta(days=300),
                                          today=TODAY) == TODAY + timedelta(days=4)
