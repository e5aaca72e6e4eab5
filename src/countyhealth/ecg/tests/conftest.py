"""The upload path's pre-analysis, computed once per distinct signal for the whole test session.

Tests of the workflow (upload, worklist, claims, reports, pages) upload the same few synthetic ECGs again and
again; each upload's analysis is the real `analyse()` result, memoised on the signal's bytes and the patient's
sex and age. Tests of the analysis itself (test_analysis.py) call `analyse` directly and are never cached."""

import copy
import hashlib

import pytest

from countyhealth.ecg import actions

_REAL_ANALYSE = actions.analyse
_RESULTS: dict[tuple, dict] = {}


def _cached_analyse(recording, *, sex=None, age=None):
    key = (hashlib.sha256(recording.matrix().tobytes()).hexdigest(), recording.sampling_rate, sex, age)
    if key not in _RESULTS:
        _RESULTS[key] = _REAL_ANALYSE(recording, sex=sex, age=age)
    return copy.deepcopy(_RESULTS[key])


@pytest.fixture(autouse=True)
def cached_analysis(monkeypatch):
    monkeypatch.setattr(actions, "analyse", _cached_analyse)
