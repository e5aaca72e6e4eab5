"""Boundary tests from critical-values.md (appendix rows 16–25)."""

import pytest

from countyhealth.ecg import rules


def stemi(st, sex="M", age=60, qrs=90):
    return rules.meets_stemi_criteria(st, sex=sex, age=age, qrs_ms=qrs).code


@pytest.mark.parametrize(("st", "sex", "age", "expected"), [
    ({"V2": 0.20, "V3": 0.20}, "M", 45, "SUSPECTED_STEMI"),  # row 20
    ({"V2": 0.199, "V3": 0.20}, "M", 45, "NO_STE_CRITERIA"),
    ({"V2": 0.24, "V3": 0.24}, "M", 38, "NO_STE_CRITERIA"),  # row 21: men < 40 need 0.25
    ({"V2": 0.25, "V3": 0.25}, "M", 38, "SUSPECTED_STEMI"),
    ({"V2": 0.20, "V3": 0.20}, "M", 40, "SUSPECTED_STEMI"),  # 40 is "≥ 40"
    ({"V2": 0.15, "V3": 0.15}, "F", 70, "SUSPECTED_STEMI"),  # row 22
    ({"V2": 0.149, "V3": 0.15}, "F", 70, "NO_STE_CRITERIA"),
    ({"II": 0.10, "aVF": 0.10}, "M", 60, "SUSPECTED_STEMI"),  # row 23
    ({"II": 0.099, "aVF": 0.10}, "M", 60, "NO_STE_CRITERIA"),
    ({"II": 0.10, "aVL": 0.10}, "M", 60, "NO_STE_CRITERIA"),  # row 24: not contiguous
    ({"V4": 0.10, "V5": 0.10}, "F", 50, "SUSPECTED_STEMI"),
    ({"I": 0.10, "aVL": 0.10}, "F", 50, "SUSPECTED_STEMI"),
    ({"aVR": 0.5, "III": 0.5}, "M", 60, "NO_STE_CRITERIA"),  # aVR is never a pair member
    ({"V2": 0.15, "V3": 0.15}, None, None, "SUSPECTED_STEMI"),  # unknown sex → most sensitive row
])
def test_stemi_thresholds(st, sex, age, expected):
    assert stemi(st, sex, age) == expected


def test_wide_qrs_is_not_assessable():  # row 25
    assert stemi({"V1": 0.3, "V2": 0.3, "V3": 0.3}, qrs=124) == "ST_NOT_ASSESSABLE_WIDE_QRS"
    assert stemi({"V1": 0.3, "V2": 0.3, "V3": 0.3}, qrs=119) == "SUSPECTED_STEMI"


def test_stemi_lists_leads_and_defaults():
    result = rules.meets_stemi_criteria({"V2": 0.3, "V3": 0.3, "II": 0.05}, sex="M", age=None, qrs_ms=90)
    assert result.leads == ("V2", "V3") and result.groups == ("anterior",) and result.defaults_used


def candidates(**m):
    base = {"heart_rate": 70, "qrs_ms": 90, "rr_max_ms": 900, "rr_min_ms": 800, "qtc_bazett_ms": 420,
            "rhythm": "sinus"}
    return rules.critical_candidates(base | m, rules.StemiResult("NO_STE_CRITERIA"))


@pytest.mark.parametrize(("measures", "code", "hit"), [
    ({"rr_max_ms": 2990}, "long_pause", False), ({"rr_max_ms": 3000}, "long_pause", True),  # row 16
    ({"heart_rate": 36}, "severe_brady", False), ({"heart_rate": 35}, "severe_brady", True),  # row 17
    ({"qtc_bazett_ms": 549}, "long_qtc", False), ({"qtc_bazett_ms": 550}, "long_qtc", True),  # row 18
    ({"heart_rate": 199}, "svt_fast", False), ({"heart_rate": 200}, "svt_fast", True),  # row 19
    ({"heart_rate": 149, "qrs_ms": 130}, "vt_sustained", False), ({"heart_rate": 150, "qrs_ms": 130}, "vt_sustained", True),
    ({"rhythm": "atrial_fibrillation", "rr_min_ms": 251}, "af_preexcited", False),
    ({"rhythm": "atrial_fibrillation", "rr_min_ms": 250}, "af_preexcited", True),
])
def test_critical_candidate_boundaries(measures, code, hit):
    assert (code in candidates(**measures)) is hit


@pytest.mark.parametrize(("qt_ms", "qtc", "hit"), [(388, 549, False), (389, 550, True)])
def test_long_qtc_boundary_at_120_per_minute(qt_ms, qtc, hit):
    """Row 18 at 120/min (RR 500 ms): Bazett over-corrects at fast rates, and the candidate follows Bazett."""
    assert rules.qtc_bazett(qt_ms, 500) == qtc
    assert ("long_qtc" in candidates(heart_rate=120, qtc_bazett_ms=rules.qtc_bazett(qt_ms, 500))) is hit
    assert rules.qtc_fridericia(qt_ms, 500) < 500


@pytest.mark.parametrize(("rate", "urgent"), [(39, True), (40, False), (150, False), (151, True)])
def test_worklist_urgency_by_rate(rate, urgent):
    m = {"heart_rate": rate, "qrs_ms": 90, "rr_max_ms": 1000, "rr_min_ms": 900, "qtc_bazett_ms": 420,
         "rhythm": "sinus", "st_j_mv": {}}
    assert rules.triage(m, sex="M", age=50)["urgent"] is urgent


def test_rhythm_classification():
    regular = [800] * 10
    assert rules.classify_rhythm(heart_rate=75, rr_ms=regular, p_wave_found=True, qrs_ms=90) == "sinus"
    assert rules.classify_rhythm(heart_rate=50, rr_ms=[1200] * 8, p_wave_found=True, qrs_ms=90) == "sinus_bradycardia"
    assert rules.classify_rhythm(heart_rate=110, rr_ms=[545] * 8, p_wave_found=True, qrs_ms=90) == "sinus_tachycardia"
    irregular = [500, 900, 620, 1100, 480, 760, 950, 530]
    assert rules.classify_rhythm(heart_rate=80, rr_ms=irregular, p_wave_found=False, qrs_ms=90) == "atrial_fibrillation"
    assert rules.classify_rhythm(heart_rate=80, rr_ms=irregular, p_wave_found=True, qrs_ms=90) == "irregular"


def test_status_transitions():
    assert rules.may_transition("waiting", "reported")
    assert not rules.may_transition("waiting", "amended")
    assert rules.may_transition("reported", "amended") and rules.may_transition("amended", "amended")
