"""EARS C1/C2/C3, CUSUM, fixed threshold and the moving percentile method (see the package docstring)."""

from datetime import date

import numpy as np
from scipy import stats

from .base import Result, SeriesError, _empty, _finish, _windows, as_counts, lag_mean_sd


def ears_c1(y, *, baseline: int = 7, alpha: float = 0.001, minSigma: float = 0.0) -> Result:  # noqa: N803
    """EARS C1: mean and SD of the `baseline` days before t; upperbound = mean + z(1-alpha)·max(SD, minSigma)."""
    return _ears_c12(y, baseline, alpha, minSigma, guard=0)


def ears_c2(y, *, baseline: int = 7, alpha: float = 0.001, minSigma: float = 0.0) -> Result:  # noqa: N803
    """EARS C2: as C1 with a 2-day guard band (window t-baseline-2 … t-3)."""
    return _ears_c12(y, baseline, alpha, minSigma, guard=2)


def _check_ears(baseline, minSigma):  # noqa: N803
    if baseline < 3:
        raise SeriesError("baseline must be at least 3")
    if minSigma < 0:
        raise SeriesError("minSigma must not be negative")


def _ears_c12(y, baseline, alpha, min_sigma, guard):
    y = as_counts(y)
    _check_ears(baseline, min_sigma)
    res = _empty(y)
    first = baseline + guard
    if y.shape[1] <= first:
        return res
    mean, sd = lag_mean_sd(y, range(guard + 1, guard + baseline + 1))
    z = stats.norm.ppf(1 - alpha)
    res.upperbound[:, first:] = (mean + z * np.maximum(sd, min_sigma))[:, first:]
    res.expected[:, first:] = mean[:, first:]
    return _finish(res, y, first)


def _c2_statistic(y, baseline, min_sigma):
    mean, sd = lag_mean_sd(y, range(3, baseline + 3))
    with np.errstate(divide="ignore", invalid="ignore"):
        return (y - mean) / np.maximum(sd, min_sigma), mean, np.maximum(sd, min_sigma)


def ears_c3(y, *, baseline: int = 7, alpha: float = 0.025, minSigma: float = 0.0) -> Result:  # noqa: N803
    """EARS C3 as R's `earsC` computes it (the reference for parity).

    upperbound_t = max(0, y_t + max(σ_t, minSigma)·(z − L)), L = max(0, C2_{t−1} − 1) + max(0, C2_{t−2} − 1).
    Today's C2 term is left out, so R signals the published C3's alarms one day late (§3.3)."""
    y = as_counts(y)
    _check_ears(baseline, minSigma)
    res = _empty(y)
    first = baseline + 4
    if y.shape[1] <= first:
        return res
    c2, mean, sigma = _c2_statistic(y, baseline, minSigma)
    lag1 = np.maximum(0, _windows(c2, [1])[:, :, 0] - 1)
    lag2 = np.maximum(0, _windows(c2, [2])[:, :, 0] - 1)
    with np.errstate(invalid="ignore"):
        raw = y + sigma * (stats.norm.ppf(1 - alpha) - (lag2 + lag1))
        ub = np.where(np.isnan(raw), np.nan, np.maximum(0, raw))  # R's pmax(0, NaN) stays NaN
    res.upperbound[:, first:] = ub[:, first:]
    res.expected[:, first:] = mean[:, first:]
    return _finish(res, y, first)


def ears_c3_textbook(y, *, baseline: int = 7, alpha: float = 0.025, minSigma: float = 0.5) -> Result:  # noqa: N803
    """EARS C3 as published (Hutwagner 2003): C3_t = Σ_{i=t−2..t} max(0, C2_i − 1), signal if C3_t > z.

    `upperbound` is the count at t that would make C3_t reach z (for display)."""
    y = as_counts(y)
    _check_ears(baseline, minSigma)
    res = _empty(y)
    first = baseline + 4
    if y.shape[1] <= first:
        return res
    c2, mean, sigma = _c2_statistic(y, baseline, minSigma)
    z = stats.norm.ppf(1 - alpha)
    lagged = np.maximum(0, _windows(c2, [1])[:, :, 0] - 1) + np.maximum(0, _windows(c2, [2])[:, :, 0] - 1)
    c3 = lagged + np.maximum(0, c2 - 1)
    with np.errstate(invalid="ignore"):
        ub = np.maximum(0, mean + sigma * (1 + np.maximum(0, z - lagged)))
    res.upperbound[:, first:] = ub[:, first:]
    res.expected[:, first:] = mean[:, first:]
    res.monitored[:, first:] = True
    res.alarm[:, first:] = np.where(np.isnan(c3), np.nan, (c3 > z).astype(float))[:, first:]
    return res


def cusum(y, *, range_start: int, k: float = 1.04, h: float = 2.26, m: float | None = None) -> Result:
    """Rossi's approximate Poisson CUSUM as R's `algo.cusum` with `trans = "standard"`.

    `range_start` is the first monitored t (1-based). m = mean of y[1 … range_start−1] unless given.
    z_t = (y_t − m)/√m, S_t = max(0, S_{t−1} + z_t − k), alarm if S_t ≥ h (no reset);
    upperbound_t = max(0, ceil(√m·(h + k − S_{t−1}) + m)), NaN → 0 as in R."""
    y = as_counts(y)
    res = _empty(y)
    first = range_start - 1
    if first < 1:
        raise SeriesError("CUSUM needs at least one observation before the monitored range")
    if y.shape[1] <= first:
        return res
    mean = np.full(y.shape[0], float(m)) if m is not None else y[:, :first].mean(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (y[:, first:] - mean[:, None]) / np.sqrt(mean)[:, None]
    s = np.zeros((y.shape[0], z.shape[1] + 1))
    for t in range(z.shape[1]):  # sequential in time, vectorised over series
        s[:, t + 1] = np.maximum(0, s[:, t] + (z[:, t] - k))  # NaN propagates, like R's max(0, NaN)
    with np.errstate(invalid="ignore"):
        ub = np.ceil(np.sqrt(mean)[:, None] * (h + k - s[:, :-1]) + mean[:, None])
    ub = np.where(np.isnan(ub) | (ub < 0), 0.0, ub)
    res.monitored[:, first:] = True
    res.upperbound[:, first:] = ub
    res.expected[:, first:] = mean[:, None]
    res.alarm[:, first:] = np.where(np.isnan(s[:, 1:]), np.nan, (s[:, 1:] >= h).astype(float))
    return res


def fixed_threshold(y, *, threshold: int = 1) -> Result:
    """Fixed-threshold single-case alert (CIDARS): a signal as soon as `threshold` cases are reported on a day."""
    y = as_counts(y)
    res = _empty(y)
    res.monitored[:] = True
    res.upperbound[:] = threshold - 1
    res.alarm[:] = (y >= threshold).astype(float)
    return res


# --- Moving percentile method (CIDARS) ---------------------------------------------------------------

def _same_day(d: date, years_back: int) -> date:
    try:
        return d.replace(year=d.year - years_back)
    except ValueError:  # 29 February → 28 February
        return d.replace(year=d.year - years_back, day=28)


def mpm(y, dates, *, percentile: float = 0.8, years: int = 3, min_cases: int = 1) -> Result:
    """Moving percentile method of China's CIDARS (notifiable-diseases.md §3.2), daily series.

    current(D) = cases in D−6…D; baseline = the 7-day sums ending A_j + 7k for j = 1…`years` (A_j the same
    month-day j years earlier, 29 Feb → 28 Feb) and k = −2…2; threshold = quantile(baseline, percentile) with
    linear interpolation (R type 7); alarm if current > threshold and current ≥ min_cases.
    `dates` is a consecutive daily sequence of `datetime.date` (one per column); `observed` is current(D)."""
    y = as_counts(y)
    n = y.shape[1]
    if len(dates) != n:
        raise SeriesError("one date per column is needed")
    if n and (dates[-1] - dates[0]).days != n - 1:
        raise SeriesError("the moving percentile method needs consecutive daily dates without gaps")
    res = _empty(y)
    csum = np.concatenate([np.zeros((y.shape[0], 1)), np.cumsum(y, axis=1)], axis=1)
    start = dates[0] if n else None

    def week_sum(end_idx):  # 7 days ending at index end_idx (0-based), arrays of indices
        return csum[:, end_idx + 1] - csum[:, end_idx - 6]

    positions, anchors = [], []
    for i, d in enumerate(dates):
        ends = [(_same_day(d, j) - start).days + 7 * k for j in range(1, years + 1) for k in range(-2, 3)]
        if i >= 6 and min(ends) >= 6:
            positions.append(i)
            anchors.append(ends)
    if not positions:
        return res
    pos = np.array(positions)
    ends = np.array(anchors)  # (monitored days, 5·years)
    baseline = week_sum(ends.reshape(-1)).reshape(y.shape[0], len(pos), -1)
    threshold = np.quantile(baseline, percentile, axis=2)  # numpy's default is R's type 7
    current = week_sum(pos)
    res.monitored[:, pos] = True
    res.upperbound[:, pos] = threshold
    res.expected[:, pos] = np.median(baseline, axis=2)
    res.alarm[:, pos] = ((current > threshold) & (current >= min_cases)).astype(float)
    return res


def rolling_week(y) -> np.ndarray:
    """The 7-day sums current(D) the moving percentile method compares (NaN for the first six days)."""
    y = as_counts(y)
    out = np.full(y.shape, np.nan)
    c = np.cumsum(y, axis=1)
    out[:, 6:] = c[:, 6:] - np.concatenate([np.zeros((y.shape[0], 1)), c[:, :-7]], axis=1)
    return out
