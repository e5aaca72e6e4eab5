"""Pre-analysis on synthetic ECGs with known truth and on pydicom's real 12-lead ECG."""

import json

import pytest
from pydicom.data import get_testdata_file

from countyhealth.ecg.analysis import analyse
from countyhealth.ecg.formats import decode

from .factories import ANTERIOR_STEMI, recording


@pytest.mark.parametrize(("rate", "rhythm"), [(72, "sinus"), (50, "sinus_bradycardia"), (110, "sinus_tachycardia")])
def test_heart_rate_and_rhythm(rate, rhythm):
    result = analyse(recording(rate), sex="M", age=60)
    assert abs(result["heart_rate"] - rate) <= 2
    assert result["rhythm"] == rhythm
    assert 60 <= result["qrs_ms"] < 120 and 100 <= result["pr_ms"] <= 300 and 300 <= result["qt_ms"] <= 500
    assert result["qtc_bazett_ms"] and result["qtc_fridericia_ms"]


def test_injected_st_elevation_is_urgent_stemi():
    result = analyse(recording(72, ANTERIOR_STEMI), sex="M", age=60)
    assert result["stemi"] == "SUSPECTED_STEMI" and {"V2", "V3"} <= set(result["stemi_leads"])
    assert result["urgent"] and "acute_mi" in result["reasons"]
    assert result["st_mv"]["V3"] > 0.25 and abs(result["st_mv"]["I"]) < 0.1
    plain = analyse(recording(72), sex="M", age=60)
    assert plain["stemi"] == "NO_STE_CRITERIA" and not plain["urgent"]


def test_fast_rhythm_measures_its_own_t_wave():
    """At 120/min the median beat once spanned 800 ms, carrying the next beat's P wave and QRS, which the
    delineator took for the T wave: QT 418 ms, QTc 591 ms, a false long-QTc candidate."""
    fast = analyse(recording(120), sex="M", age=60)
    assert abs(fast["heart_rate"] - 120) <= 2 and 250 <= fast["qt_ms"] <= 320 and 100 <= fast["pr_ms"] <= 180
    assert fast["qtc_bazett_ms"] < 550 and "long_qtc" not in fast["reasons"]
    # A later T wave at the same rate is measured later (the T end is no longer cut at half the RR interval).
    later = analyse(recording(120, t_angle=120), sex="M", age=60)
    assert later["qt_ms"] >= fast["qt_ms"] + 20


def test_long_qt_is_a_candidate():
    result = analyse(recording(60, t_angle=160), sex="M", age=60)
    assert result["qtc_bazett_ms"] >= 550 and "long_qtc" in result["reasons"]


def test_public_delineate_gives_the_same_analysis(monkeypatch):
    """The analysis calls NeuroKit2's delineator directly (fast) and falls back to `ecg_delineate` if it moves."""
    from countyhealth.ecg import analysis

    fast = analyse(recording(72), sex="M", age=60)
    monkeypatch.setattr(analysis, "ecg_delineate_module", object())  # a NeuroKit2 without the private name
    assert analyse(recording(72), sex="M", age=60) == fast


def test_real_dicom_ecg():
    result = analyse(decode(open(get_testdata_file("waveform_ecg.dcm"), "rb").read()), sex="F", age=50)
    assert 50 <= result["heart_rate"] <= 75 and result["quality"] == []


def test_flat_leads_are_reported():
    rec = recording(72)
    flat = type(rec)(leads=dict(rec.leads) | {"V4": rec.leads["V4"] * 0}, sampling_rate=500, source_format="x")
    assert {"code": "lead_off", "lead": "V4"} in analyse(flat)["quality"]


def test_cli_prints_json(tmp_path, capsys):
    """The command's code, in this process (a `python -m` subprocess would spend seconds importing NeuroKit2)."""
    from countyhealth.ecg.analyse import main

    path = tmp_path / "ecg.dcm"
    path.write_bytes(open(get_testdata_file("waveform_ecg.dcm"), "rb").read())
    assert main([str(path), "--sex", "F", "--age", "50"]) == 0
    data = json.loads(capsys.readouterr().out)
    for key in ("heart_rate", "rhythm", "pr_ms", "qrs_ms", "qt_ms", "qtc_bazett_ms", "qtc_fridericia_ms", "st_mv",
                "quality", "urgent", "reasons"):
        assert key in data
    (tmp_path / "bad.csv").write_bytes(b"a,b\n1,2\n")
    assert main([str(tmp_path / "bad.csv")]) == 2
    assert json.loads(capsys.readouterr().err)["error"] == "ecg_csv_layout"
