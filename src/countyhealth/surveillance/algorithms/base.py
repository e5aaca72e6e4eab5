"""Shared pieces of the algorithms: the result arrays and input validation."""

from dataclasses import dataclass

import numpy as np


@dataclass
class Result:
    monitored: np.ndarray
    upperbound: np.ndarray
    alarm: np.ndarray
    expected: np.ndarray


class SeriesError(ValueError):
    """The input series cannot be evaluated (negative, non-integer or missing counts, too short)."""


def as_counts(y) -> np.ndarray:
    """Validate and return `y` as a 2-D float array (series × time)."""
    arr = np.asarray(y, dtype=float)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2:
        raise SeriesError("counts must be a 1-D or 2-D array")
    if np.isnan(arr).any():
        raise SeriesError("counts contain missing values")
    if (arr < 0).any():
        raise SeriesError("counts must not be negative")
    if (arr != np.round(arr)).any():
        raise SeriesError("counts must be whole numbers")
    return arr


def _empty(y):
    shape = y.shape
    return Result(np.zeros(shape, bool), np.full(shape, np.nan), np.full(shape, np.nan), np.full(shape, np.nan))


def _windows(y, lags) -> np.ndarray:
    """Stack y[:, t - lag] for each lag into shape (series, time, len(lags)); out-of-range lags are NaN."""
    s, n = y.shape
    out = np.full((s, n, len(lags)), np.nan)
    for i, lag in enumerate(lags):
        out[:, lag:, i] = y[:, : n - lag]
    return out


def lag_mean_sd(y, lags) -> tuple[np.ndarray, np.ndarray]:
    """Mean and sample SD (n − 1, two-pass as R's `sd`) of y[:, t − lag] over `lags`, NaN where a lag is
    before the start. Loops over the few lags on 2-D arrays instead of building a (series, time, lags) cube."""
    lags = list(lags)
    n = y.shape[1]

    def shifted(lag):
        out = np.full(y.shape, np.nan)
        out[:, lag:] = y[:, : n - lag]
        return out

    total = np.zeros(y.shape)
    for lag in lags:
        total += shifted(lag)
    mean = total / len(lags)
    squares = np.zeros(y.shape)
    for lag in lags:
        squares += (shifted(lag) - mean) ** 2
    return mean, np.sqrt(squares / (len(lags) - 1))


def _finish(res, y, first):
    """Mark positions >= `first` (0-based) monitored and compute R's alarm `y > upperbound` (NA propagates)."""
    res.monitored[:, first:] = True
    ub = res.upperbound[:, first:]
    alarm = np.where(np.isnan(ub), np.nan, (y[:, first:] > ub).astype(float))
    res.alarm[:, first:] = alarm
    return res
