from datetime import date, datetime, timedelta

import numpy as np
import pytest

from countyhealth.surveillance import algorithms, detect, rules
from countyhealth.surveillance.catalogue import DISEASES

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(("code", "disease", "subtype", "hours"), [
    ("A00.900x001", "cholera", "", 2), ("A20", "plague", "", 2), ("A22.1", "anthrax", "pulmonary", 2),
    ("A22.0", "anthrax", "cutaneous", 24), ("B18.1", "viral_hepatitis", "hep_b", 24), ("J09", "novel_influenza", "", 24),
    ("B08.4", "hfmd", "", 24), ("B22", "hiv_aids", "", 24), ("A75.3", None, None, None), ("A09", None, None, None),
    ("I10", None, None, None), ("A92.0", "chikungunya", "", 24),
])
def test_icd10_prefix_matching_follows_the_catalogue(code, disease, subtype, hours):
    match = rules.match_disease(code, DISEASES, TODAY)
    assert (match.disease_code, match.subtype, match.hours) == (disease, subtype, hours) if disease else match is None


def test_versioned_rows_choose_by_date():
    assert rules.match_disease("J09", DISEASES, date(2024, 1, 1)).disease_code in {"hpai", "h7n9"}
    assert rules.match_disease("A92.0", DISEASES, date(2026, 3, 31)) is None


def test_deadline_is_two_or_24_hours():
    at = datetime(2026, 11, 23, 9)
    assert rules.due_at(at, 2) == datetime(2026, 11, 23, 11)
    assert rules.due_at(at, 24) == datetime(2026, 11, 24, 9)


def test_card_validation_boundaries():
    base = {"patient_name": "x", "id_document_no": "1", "sex": "1", "residence_category": "local_county",
            "current_address": "x", "population_group": "farmer", "case_classification": "clinical",
            "onset_date": date(2026, 11, 20), "diagnosed_at": datetime(2026, 11, 20, 10), "disease": 1,
            "birth_date": date(1980, 1, 1)}
    check = dict(now=datetime(2026, 11, 23, 12), acute_chronic_required=False, allows_carrier=False, subtypes=[])
    assert rules.validate_card(base, **check) == ({}, [])
    assert "onset_date" in rules.validate_card(base | {"onset_date": date(2026, 11, 21)}, **check)[0]
    child = base | {"birth_date": date(2012, 11, 20)}  # 14 on the day of diagnosis: guardian needed
    assert "guardian_name" in rules.validate_card(child, **check)[0]
    assert "guardian_name" not in rules.validate_card(base | {"birth_date": date(2011, 11, 19)}, **check)[0]
    assert "case_classification" in rules.validate_card(base | {"case_classification": "carrier"}, **check)[0]
    _e, warnings = rules.validate_card(base | {"population_group": "scattered_child",
                                               "birth_date": date(2019, 1, 1), "guardian_name": "y"}, **check)
    assert warnings


def test_syndromes_from_codes_and_complaints_count_a_resident_once():
    counts = rules.syndromic_counts(
        [(1, TODAY, 10, "A09"), (1, TODAY, 10, "K52.9"), (1, TODAY, 11, "J06.9")],
        [(1, TODAY, 10, "腹泻3天", None), (1, TODAY, 12, "发热伴咳嗽", None), (1, TODAY, 13, "咳嗽，无发热", 36.8)])
    assert counts[(1, TODAY, "diarrhoea")] == 1
    assert counts[(1, TODAY, "respiratory")] == 3
    assert counts[(1, TODAY, "fever")] == 1  # "无发热" is negated
    assert (1, TODAY, "ili") not in counts  # no one had 38 ℃


@pytest.mark.parametrize(("codes", "complaint", "temperature", "expected"), [
    ((), "咳嗽2天", 38.0, {"ili", "respiratory", "fever"}),  # FLU: T ≥ 38 with cough
    ((), "咽痛", 37.9, {"respiratory", "fever"}),  # 37.9: fever (≥ 37.5) but not ILI
    (("J06.900",), "", 38.5, {"ili", "respiratory", "fever"}),  # J00–J06 with T ≥ 38
    (("J10.1",), "", None, {"ili", "respiratory"}),
    ((), "否认腹泻，头痛伴呕吐", None, {"cns"}),
    (("B17.1",), "皮肤黄染", None, {"jaundice"}),
    (("H10.3",), "", 37.4, {"conjunctivitis"}),
    (("I10",), "头晕", 36.5, set()),
])
def test_syndrome_classification_boundaries(codes, complaint, temperature, expected):
    assert rules.classify(codes=codes, complaints=[complaint], temperature=temperature) == expected


def test_mpm_worked_example_of_the_design():
    baseline = np.array([2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 6, 7])
    assert [np.quantile(baseline, p) for p in (0.5, 0.7, 0.8, 0.9)] == pytest.approx([4.0, 4.8, 5.0, 5.6])


def test_mpm_needs_three_years_and_compares_seven_day_sums():
    start = date(2022, 1, 1)
    days = 3 * 366 + 40
    dates = [start + timedelta(days=i) for i in range(days)]
    y = np.ones((1, days))
    y[0, -3:] = 5
    result = algorithms.mpm(y, dates, percentile=0.8)
    assert not result.monitored[0, : 3 * 365].any() and result.monitored[0, -1]
    assert result.upperbound[0, -1] == 7 and result.alarm[0, -1] == 1


def test_ears_worked_example_of_the_design():
    y = [2, 3, 1, 2, 4, 2, 3, 2, 1, 3, 2, 2, 9, 4, 3, 2, 1, 0, 0, 0]
    c1 = algorithms.ears_c1(y)
    assert c1.upperbound[0, 12] == pytest.approx(4.2753, abs=1e-4) and c1.alarm[0, 12] == 1
    c3 = algorithms.ears_c3(y)
    assert list(np.flatnonzero(c3.alarm[0] == 1) + 1) == [14, 15]
    textbook = algorithms.ears_c3_textbook(y, minSigma=0)
    assert list(np.flatnonzero(textbook.alarm[0] == 1) + 1) == [13, 14, 15]


def test_cusum_worked_example_of_the_design():
    y = [3, 2, 4, 3, 2, 3, 4, 3, 2, 4, 3, 5, 8, 9, 4, 3]
    result = algorithms.cusum(y, range_start=11)
    assert list(result.alarm[0, 10:]) == [0, 0, 0, 1, 1, 1]


def test_detect_command_writes_one_row_per_input_row(tmp_path):
    src = tmp_path / "in.csv"
    rows = ["region,t,date,count"] + [f"a,{t},2026-01-{t:02d},{c}" for t, c in
                                      enumerate([2, 3, 1, 2, 4, 2, 3, 2, 1, 3, 2, 2, 9], start=1)]
    src.write_text("\n".join(rows) + "\n")
    out = tmp_path / "out.csv"
    assert detect.main(["--algorithm", "C1", "--param", "alpha=0.001", str(src), str(out)]) == 0
    lines = out.read_text().splitlines()
    assert lines[0] == "region,t,monitored,alarm,upperbound" and len(lines) == 14
    assert lines[1].startswith("a,1,0,,") and lines[13].startswith("a,13,1,1,4.275")


@pytest.mark.parametrize("bad", ["a,1,2026-01-01,-1", "a,1,2026-01-01,1.5"])
def test_detect_command_refuses_bad_counts(tmp_path, bad, capsys):
    src = tmp_path / "in.csv"
    src.write_text("region,t,date,count\n" + bad + "\n")
    assert detect.main(["--algorithm", "C1", str(src), str(tmp_path / "out.csv")]) == 2
    assert not (tmp_path / "out.csv").exists()
    assert "error" in capsys.readouterr().err
