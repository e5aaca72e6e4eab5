"""The algorithms against reference values computed by R's `surveillance` 1.20.3 (fixtures/make_reference.R)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from countyhealth.surveillance import algorithms

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def series():
    data = pd.read_csv(FIXTURES / "input.csv")
    wide = data.pivot(index="region", columns="t", values="count")
    return wide.index.to_list(), wide.to_numpy(float)


@pytest.fixture(scope="module")
def reference():
    return pd.read_csv(FIXTURES / "reference.csv")


def _compare(regions, result, ref, method):
    rows = ref[ref.method == method]
    r_idx = rows.region.map({r: i for i, r in enumerate(regions)}).to_numpy()
    t_idx = rows.t.to_numpy() - 1
    ours_ub = result.upperbound[r_idx, t_idx]
    ours_alarm = result.alarm[r_idx, t_idx]
    assert result.monitored[r_idx, t_idx].all()
    assert not result.monitored[:, : t_idx.min()].any()
    return rows, ours_ub, ours_alarm


def _exact(rows, ours_ub, ours_alarm):
    np.testing.assert_array_equal(np.isnan(ours_ub), rows.upperbound.isna().to_numpy())
    np.testing.assert_allclose(ours_ub, rows.upperbound.to_numpy(), atol=1e-6, equal_nan=True)
    np.testing.assert_array_equal(ours_alarm, rows.alarm.to_numpy(float))


@pytest.mark.parametrize("min_sigma", [0, 0.5])
@pytest.mark.parametrize("method", ["C1", "C2", "C3"])
def test_ears_matches_r(series, reference, method, min_sigma):
    regions, y = series
    fn = {"C1": algorithms.ears_c1, "C2": algorithms.ears_c2, "C3": algorithms.ears_c3}[method]
    result = fn(y, minSigma=min_sigma)
    _exact(*_compare(regions, result, reference, f"{method}_minSigma{min_sigma:g}"))


def test_cusum_matches_r(series, reference):
    regions, y = series
    result = algorithms.cusum(y, range_start=105)
    _exact(*_compare(regions, result, reference, "cusum"))


@pytest.mark.parametrize(("method", "params"), [
    ("farrington", {"b": 5, "w": 3}),
    ("noufaily", {"b": 4, "w": 3, "noPeriods": 10, "pastWeeksNotIncluded": 26, "pThresholdTrend": 1,
                  "thresholdMethod": "nbPlugin"}),
])
def test_farrington_flexible_agrees_with_r(series, reference, method, params):
    regions, y = series
    result = algorithms.farrington_flexible(y, **params)
    rows, ours_ub, ours_alarm = _compare(regions, result, reference, method)
    agreement = (np.nan_to_num(ours_alarm, nan=-1) == rows.alarm.fillna(-1).to_numpy()).mean()
    assert agreement >= 0.995, agreement
    both = ~np.isnan(ours_ub) & rows.upperbound.notna().to_numpy()
    close = np.isclose(ours_ub[both], rows.upperbound.to_numpy()[both], rtol=1e-4)
    assert close.mean() >= 0.99, close.mean()
    assert rows.alarm.sum() > 0  # the fixture has outbreaks to find
