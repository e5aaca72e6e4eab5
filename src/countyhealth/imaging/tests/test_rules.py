import datetime as dt
from types import SimpleNamespace

import pytest

from countyhealth.core.errors import Conflict
from countyhealth.imaging import rules
from countyhealth.imaging.models import ImagingStudy

S = ImagingStudy.Status
RESIDENT = SimpleNamespace(name="张三", name_pinyin="zhang san", id_number="430124195003010011",
                           record_number="43012410100000001", birth_date=dt.date(1950, 3, 1))


def mismatches(name="", pid="", birth=""):
    return [m.field for m in rules.patient_mismatches(RESIDENT, patient_name=name, patient_id=pid, birth_date=birth)]


@pytest.mark.parametrize("name", ["张三", "ZHANG^SAN", "Zhang San", "ZHANG^SAN=张三", "zhang^san^^", ""])
def test_names_that_match(name):
    assert mismatches(name=name) == []


@pytest.mark.parametrize("name", ["LI^SI", "张三丰", "ZHANG^SANFENG", "Anonymized"])
def test_names_that_do_not_match(name):
    assert mismatches(name=name) == ["name"]


def test_patient_id_matches_id_number_or_record_number_and_blank_is_not_checked():
    assert mismatches(pid="430124195003010011") == []
    assert mismatches(pid="43012410100000001") == []
    assert mismatches(pid="") == []
    assert mismatches(pid="CT000123") == ["patient_id"]


def test_birth_date_boundaries():
    assert mismatches(birth="19500301") == []
    assert mismatches(birth="19500302") == ["birth_date"]
    assert mismatches(birth="1950") == ["birth_date"]  # malformed DA is not the resident's date
    assert mismatches(birth="") == []


def test_all_three_reported_together():
    assert mismatches("LI^SI", "X1", "19600101") == ["name", "patient_id", "birth_date"]


def test_transitions():
    rules.check_transition(S.TRANSFERRING, S.AWAITING_READ)
    rules.check_transition(S.AWAITING_READ, S.REPORTED)
    for current, target in [(S.TRANSFERRING, S.REPORTED), (S.REPORTED, S.AWAITING_READ), (S.REPORTED, S.REPORTED)]:
        with pytest.raises(Conflict):
            rules.check_transition(current, target)


def test_retry_delay_doubles_up_to_an_hour():
    assert [rules.next_retry_delay(n).total_seconds() / 60 for n in (1, 2, 3, 4, 7, 20)] == [1, 2, 4, 8, 60, 60]


def test_urgent_sorts_first():
    assert rules.PRIORITY[ImagingStudy.Urgency.URGENT] > rules.PRIORITY[ImagingStudy.Urgency.ROUTINE]
