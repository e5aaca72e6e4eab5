"""Farrington Flexible (Farrington 1996; Noufaily 2013) as R's `surveillance::farringtonFlexible` 1.20.3.

For one week k the reference weeks, blocks and design matrix are the same for every series, so each week is
one batched quasi-Poisson fit over all series. The fit reproduces R's `glm.fit`: start at mu = y + 0.1, IRLS
until |dev − dev_old| / (|dev| + 0.1) < 1e-8 (at most 25 iterations); the working weights kept for the
dispersion, covariance and hat values are those of the last iteration's start, as in R. A series whose fit
does not converge (with or without trend) gets NA, as in R.

Three R quirks kept on purpose: after reweighting R overwrites the model's working weights with the prior
weights ω, which changes the dispersion behind the trend test and the prediction's standard error;
`predict.glm` gets that estimated dispersion, not φ = max(disp, 1), because R passes `dispersion = model$phi`
inside `newdata`, where it is ignored; and for `nbPlugin`/`muan` the score mixes the link-scale prediction
with the count threshold, (y − η̂)/(U − η̂).
"""

from dataclasses import dataclass

import numpy as np
from scipy import stats

from .base import Result, SeriesError, _empty, as_counts

EPSILON, MAXIT = 1e-8, 25


def _poisson_deviance(y, mu, prior):
    with np.errstate(divide="ignore", invalid="ignore"):
        ylog = np.where(y > 0, y * np.log(y / mu), 0.0)
    return (2 * prior * (ylog - (y - mu))).sum(axis=1)


@dataclass
class _Fit:
    beta: np.ndarray  # (S, p)
    mu: np.ndarray  # (S, n)
    working: np.ndarray  # (S, n) working weights of the last iteration
    cov_unscaled: np.ndarray  # (S, p, p)
    converged: np.ndarray  # (S,)
    dispersion: np.ndarray  # (S,) Pearson estimate as summary.glm


def _solve(a, b):
    try:
        return np.linalg.solve(a, b[..., None])[..., 0]
    except np.linalg.LinAlgError:
        return np.stack([np.linalg.lstsq(a[i], b[i], rcond=None)[0] for i in range(len(a))])


def _irls(x, y, prior) -> _Fit:
    """Batched R glm.fit for family quasipoisson(link = "log"); x (n, p), y and prior (S, n)."""
    s, n = y.shape
    p = x.shape[1]
    mu = y + 0.1
    eta = np.log(mu)
    dev_old = _poisson_deviance(y, mu, prior)
    fit = _Fit(np.zeros((s, p)), mu.copy(), prior * mu, np.zeros((s, p, p)), np.zeros(s, bool), np.zeros(s))
    active = np.arange(s)
    for _ in range(MAXIT):
        m, e, yy, pw = mu[active], eta[active], y[active], prior[active]
        w = pw * m
        with np.errstate(divide="ignore", invalid="ignore"):  # a fitted mean underflowing to 0: R gives NaN too
            z = e + (yy - m) / m
        xtwx = np.einsum("sn,ni,nj->sij", w, x, x)
        beta = _solve(xtwx, np.einsum("sn,ni->si", w * z, x))
        e_new = beta @ x.T
        m_new = np.exp(e_new)
        dev = _poisson_deviance(yy, m_new, pw)
        fit.beta[active], fit.mu[active], fit.working[active] = beta, m_new, w
        fit.cov_unscaled[active] = np.linalg.pinv(xtwx, hermitian=True)
        mu[active], eta[active] = m_new, e_new
        with np.errstate(invalid="ignore"):
            done = np.abs(dev - dev_old[active]) / (np.abs(dev) + 0.1) < EPSILON
        dev_old[active] = dev
        fit.converged[active[done]] = True
        active = active[~done]
        if not len(active):
            break
    df_r = n - p
    with np.errstate(divide="ignore", invalid="ignore"):
        resid = (y - fit.mu) / fit.mu
    fit.dispersion = (fit.working * resid**2).sum(axis=1) / df_r if df_r > 0 else np.full(s, np.nan)
    return fit


def _fit_flexible(x, y, *, reweight, weights_threshold):
    """R's algo.farrington.fitGLM.flexible for one design: fit, φ, optional Anscombe reweighting and refit."""
    first = _irls(x, y, np.ones_like(y))
    phi = np.maximum(first.dispersion, 1)
    if not reweight:
        return first, phi, first.converged
    hat = first.working * np.einsum("ni,sij,nj->sn", x, first.cov_unscaled, x)
    with np.errstate(divide="ignore", invalid="ignore"):
        anscombe = 1.5 * (y ** (2 / 3) * first.mu ** (-1 / 6) - first.mu**0.5) / np.sqrt(phi[:, None] * (1 - hat))
        big = anscombe > weights_threshold
        inv2 = np.where(big, anscombe**-2.0, 1.0)
        gamma = y.shape[1] / inv2.sum(axis=1)
        omega = gamma[:, None] * inv2
    second = _irls(x, y, omega)
    phi = np.maximum(second.dispersion, 1)
    # R then stores `model$weights <- omega`, replacing the working weights, so summary.glm and predict.glm
    # (the trend p-value and se.fit) use Σ ω·((y − μ)/μ)² / df_r as the dispersion. Kept for parity.
    df_r = y.shape[1] - x.shape[1]
    second.dispersion = (omega * ((y - second.mu) / second.mu) ** 2).sum(axis=1) / df_r
    return second, phi, first.converged


def _blocks(k, total, *, b, w, freq, no_periods, past_weeks_not_included):
    """R's `blocks` (0-based positions): factor level per week, NaN outside; current weeks removed."""
    labels = np.full(total, np.nan)
    labels[k - w:k + 1] = no_periods
    refs = [k - freq * i for i in range(b + 1)]
    for i in range(1, b + 1):
        ref = refs[i]
        labels[ref - w:ref + w + 1] = no_periods
        if no_periods != 1:
            period = refs[i - 1] - 2 * w - 1 - ref
            if period < no_periods - (2 * w + 1):
                raise SeriesError("noPeriods is too big for this window")
            lengths = np.full(no_periods - 1, period // (no_periods - 1))
            lengths[: period % (no_periods - 1)] += 1
            cum = np.concatenate([[0], np.cumsum(lengths)])
            for j in range(1, no_periods):
                labels[ref + w + 1 + cum[j - 1]:ref + w + 1 + cum[j]] = j
    labels[max(k - past_weeks_not_included, 0):k + 1] = np.nan
    return labels


def _design(labels, k, with_trend, now_level):
    idx = np.flatnonzero(~np.isnan(labels))
    cols = [np.ones(len(idx))]
    row = [1.0]
    if with_trend:
        cols.append(idx + 1.0)  # wtime = 1-based position, as R with epochAsDate = FALSE
        row.append(k + 1.0)
    levels = np.unique(labels[idx])
    for level in levels[1:]:  # treatment contrasts: the lowest level is the reference
        cols.append((labels[idx] == level).astype(float))
        row.append(1.0 if now_level == level else 0.0)
    return idx, np.column_stack(cols), np.array(row)


def farrington_flexible(y, *, b: int = 5, w: int = 3, reweight: bool = True, weightsThreshold: float = 2.58,  # noqa: N803, PLR0913
                        alpha: float = 0.05, trend: bool = True, pThresholdTrend: float = 0.05,  # noqa: N803
                        limit54=(5, 4), powertrans: str = "2/3", noPeriods: int = 1,  # noqa: N803
                        pastWeeksNotIncluded: int | None = None, thresholdMethod: str = "delta",  # noqa: N803
                        freq: int = 52, range_start: int | None = None) -> Result:
    """Farrington Flexible over all series; parameters are R's control-list names (notifiable-diseases.md §3.5).

    `range_start` is the first monitored t (1-based), default freq·b + w + 1. Returns upperbound NA where the
    limit54 rule (≥ limit54[0] cases in the last limit54[1] weeks) is not met; alarm NA where no fit converged."""
    y = as_counts(y)
    if thresholdMethod not in ("delta", "nbPlugin", "muan"):
        raise SeriesError("thresholdMethod must be delta, nbPlugin or muan")
    exponent = {"none": 1.0, "1/2": 0.5, "2/3": 2 / 3}.get(powertrans)
    if exponent is None:
        raise SeriesError("powertrans must be none, 1/2 or 2/3")
    res = _empty(y)
    total = y.shape[1]
    first = (range_start or freq * b + w + 1) - 1
    if first - freq * b - w < 0:
        raise SeriesError("the series is too short for b years back; decrease b or start later")
    past = w if pastWeeksNotIncluded is None else pastWeeksNotIncluded
    z = stats.norm.ppf(1 - alpha)
    cases, period = limit54
    for k in range(first, total):
        labels = _blocks(k, total, b=b, w=w, freq=freq, no_periods=noPeriods, past_weeks_not_included=past)
        idx, x_none, x0_none = _design(labels, k, with_trend=False, now_level=noPeriods)
        yy = y[:, idx]
        fit, phi, conv = _fit_flexible(x_none, yy, reweight=reweight, weights_threshold=weightsThreshold)
        x0 = np.broadcast_to(x0_none, (y.shape[0], len(x0_none))).copy()
        beta, cov, disp, ok = fit.beta, fit.cov_unscaled, fit.dispersion, conv
        if trend:
            _, x_tr, x0_tr = _design(labels, k, with_trend=True, now_level=noPeriods)
            tfit, tphi, tconv = _fit_flexible(x_tr, yy, reweight=reweight, weights_threshold=weightsThreshold)
            eta_t = tfit.beta @ x0_tr
            se_t = np.sqrt(tfit.dispersion * (tfit.cov_unscaled[:, 1, 1]))
            with np.errstate(divide="ignore", invalid="ignore"):
                pval = 2 * stats.t.sf(np.abs(tfit.beta[:, 1] / se_t), len(idx) - x_tr.shape[1])
            keep = tconv & (b >= 3) & (pval < pThresholdTrend) & (np.exp(eta_t) <= yy.max(axis=1))
            # R: the trend model failing to converge falls back to the model without trend inside the fit.
            pad = np.zeros((y.shape[0], 1))
            beta = np.where(keep[:, None], tfit.beta, _insert_col(fit.beta, pad))
            cov = np.where(keep[:, None, None], tfit.cov_unscaled, _insert_rowcol(fit.cov_unscaled))
            disp = np.where(keep, tfit.dispersion, fit.dispersion)
            phi = np.where(keep, tphi, phi)
            ok = np.where(keep, True, conv)
            x0 = np.broadcast_to(x0_tr, (y.shape[0], len(x0_tr)))
        eta0 = (beta * x0).sum(axis=1)
        with np.errstate(invalid="ignore", over="ignore"):
            se_link = np.sqrt(disp * np.einsum("si,sij,sj->s", x0, cov, x0))
        upper, fitted = _threshold(thresholdMethod, eta0, se_link, phi, z, alpha, exponent)
        enough = y[:, max(k - period + 1, 0):k + 1].sum(axis=1) >= cases
        with np.errstate(invalid="ignore", divide="ignore"):
            score = (y[:, k] - fitted) / (upper - fitted)
        alarm = enough & ~np.isnan(score) & (score > 1) & (y[:, k] != 0)
        res.monitored[:, k] = True
        res.upperbound[:, k] = np.where(ok & enough, upper, np.nan)
        res.expected[:, k] = np.where(ok & enough & ~np.isnan(upper), np.exp(eta0), np.nan)
        res.alarm[:, k] = np.where(ok, alarm.astype(float), np.nan)
    return res


def _insert_col(beta, pad):
    """No-trend coefficients laid out like the trend model's (intercept, wtime = 0, seasonal levels…)."""
    return np.concatenate([beta[:, :1], pad, beta[:, 1:]], axis=1)


def _insert_rowcol(cov):
    s, p, _ = cov.shape
    out = np.zeros((s, p + 1, p + 1))
    keep = [0, *range(2, p + 1)]
    out[np.ix_(range(s), keep, keep)] = cov
    return out


def _threshold(method, eta0, se_link, phi, z, alpha, exponent):
    """Upper bound and the prediction the score is measured from (R's threshold.farrington / .noufaily)."""
    if method == "delta":
        mu0 = np.exp(eta0)
        se_resp = se_link * mu0
        tau = phi + se_resp**2 / mu0
        se = {1.0: np.sqrt(mu0 * tau), 0.5: np.sqrt(0.25 * tau)}.get(exponent)
        if se is None:
            se = np.sqrt(4 / 9 * mu0 ** (1 / 3) * tau)
        with np.errstate(invalid="ignore"):
            return (mu0**exponent + z * se) ** (1 / exponent), mu0
    mu_q = np.exp(eta0) if method == "nbPlugin" else np.exp(eta0 + z * se_link)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        nb = stats.nbinom.ppf(1 - alpha, mu_q / (phi - 1), 1 / phi)
        upper = np.where(phi > 1, nb, stats.poisson.ppf(1 - alpha, mu_q))
    upper = np.where(np.isinf(mu_q), np.nan, upper)
    return upper, eta0
