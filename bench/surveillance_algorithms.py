"""Early-warning algorithms: our vectorised implementation against R `surveillance` on the same input.

    .venv/bin/python bench/surveillance_algorithms.py [--areas 3000] [--diseases 40] [--years 5]
                                                      [--r-series 300] [--r-budget 1800]

Generates areas × diseases daily count series (Poisson, per-series rate 0.05–5 a day, seasonal, with injected
outbreaks; seeded) and runs every algorithm over all series (in chunks of 5,000 to bound memory). In the same
run R's `earsC` (C1, C2, C3), `algo.cusum` and `farringtonFlexible` run on the same series, one at a time
(R has no batch form). R first runs on a sample of `--r-series` series; when its time per series says the
full R run would take longer than `--r-budget` seconds, R's full time is extrapolated linearly from the sample
and the output says so (sample size and extrapolation both printed); otherwise R runs on every series.
Alarm agreement and the largest threshold difference are measured on the series R ran on.
Farrington Flexible runs on weekly sums (it is a weekly method) with b = 4 (five years do not hold b = 5 plus
the window). MPM and the textbook C3 are not in the R package (timed, no comparison). Installs Debian's
r-cran-surveillance when Rscript lacks it. Every line carries the load average (shared machine)."""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from countyhealth.surveillance import algorithms  # noqa: E402

CHUNK = 5000
R_SCRIPT = r"""
suppressMessages(library(surveillance))
args <- commandArgs(TRUE)
d <- read.csv(args[1]); w <- read.csv(args[2])
daily <- split(d$count, d$region); weekly <- split(w$count, w$region)   # outside the timed part
out <- list(); times <- c()
run <- function(name, f) { t0 <- proc.time()[["elapsed"]]; r <- f(); times[[name]] <<- proc.time()[["elapsed"]] - t0; r }
frame <- function(r, t, ub, al, m) data.frame(region = r, t = t, upperbound = as.numeric(ub),
                                             alarm = as.integer(al), method = m)
for (m in c("C1", "C2", "C3")) {
  res <- run(m, function() lapply(names(daily), function(r) {
    s <- sts(observed = daily[[r]], freq = 365)
    x <- earsC(s, control = list(method = m))
    frame(r, seq(nrow(s) - nrow(x) + 1, nrow(s)), upperbound(x), alarms(x), m) }))
  out[[m]] <- do.call(rbind, res)
}
res <- run("cusum", function() lapply(names(daily), function(r) {
  y <- daily[[r]]; s <- sts(observed = y, freq = 365)
  x <- algo.cusum(sts2disProg(s), control = list(range = 366:length(y)))
  frame(r, 366:length(y), x$upperbound, x$alarm, "cusum") }))
out[["cusum"]] <- do.call(rbind, res)
res <- run("farrington", function() lapply(names(weekly), function(r) {
  s <- sts(observed = weekly[[r]], freq = 52)
  x <- farringtonFlexible(s, control = list(b = 4, w = 3, glmWarnings = FALSE))
  frame(r, seq(nrow(s) - nrow(x) + 1, nrow(s)), upperbound(x), alarms(x), "farrington") }))
out[["farrington"]] <- do.call(rbind, res)
write.csv(do.call(rbind, out), args[3], row.names = FALSE)
write.csv(data.frame(method = names(times), seconds = unlist(times)), args[4], row.names = FALSE)
"""


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def ensure_r():
    ok = shutil.which("Rscript") and subprocess.run(
        ["Rscript", "-e", "library(surveillance)"], capture_output=True).returncode == 0
    if not ok:
        print("installing r-cran-surveillance (Debian)…", flush=True)
        subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "r-cran-surveillance"], check=True)


def make_counts(n_series, days, seed=20261123):
    rng = np.random.default_rng(seed)
    rate = rng.uniform(0.05, 5, size=(n_series, 1))
    phase = rng.uniform(0, 365, size=(n_series, 1))
    amp = rng.uniform(0, 0.8, size=(n_series, 1))
    t = np.arange(days)[None, :]
    y = np.empty((n_series, days))
    for lo in range(0, n_series, CHUNK):  # chunked: the full size is 219 M counts
        hi = lo + CHUNK
        y[lo:hi] = rng.poisson(rate[lo:hi] * (1 + amp[lo:hi] * np.sin(2 * np.pi * (t + phase[lo:hi]) / 365)))
    for s in rng.choice(n_series, size=n_series // 10, replace=False):  # outbreaks in one series in ten
        start = int(rng.integers(400, days - 10))
        y[s, start:start + 7] += rng.poisson(3 * rate[s, 0] + 2, size=7)
    return y


def timed(name, fn, y, keep_rows, **kw):
    """Run fn over all series in chunks; returns (seconds, alarms and upperbounds of the first keep_rows)."""
    t0 = time.perf_counter()
    alarms, bounds = [], []
    for lo in range(0, y.shape[0], CHUNK):
        result = fn(y[lo:lo + CHUNK], **kw)
        if lo < keep_rows:
            alarms.append(result.alarm[: keep_rows - lo].copy())
            bounds.append(result.upperbound[: keep_rows - lo].copy())
    seconds = time.perf_counter() - t0
    print(f"  ours {name}: {seconds:.1f} s  ({load()})", flush=True)
    return seconds, np.concatenate(alarms), np.concatenate(bounds)


def run_r(y, weekly, rows, tmp: Path):
    """R over series `rows` (a range); returns (alarms frame, seconds per method)."""
    days, weeks = y.shape[1], weekly.shape[1]
    pd.DataFrame({"region": np.repeat(rows, days), "t": np.tile(np.arange(1, days + 1), len(rows)),
                  "count": y[rows].reshape(-1).astype(int)}).to_csv(tmp / "d.csv", index=False)
    pd.DataFrame({"region": np.repeat(rows, weeks), "t": np.tile(np.arange(1, weeks + 1), len(rows)),
                  "count": weekly[rows].reshape(-1).astype(int)}).to_csv(tmp / "w.csv", index=False)
    (tmp / "bench.R").write_text(R_SCRIPT)
    subprocess.run(["Rscript", str(tmp / "bench.R"), str(tmp / "d.csv"), str(tmp / "w.csv"),
                    str(tmp / "alarms.csv"), str(tmp / "times.csv")], check=True, capture_output=True)
    return pd.read_csv(tmp / "alarms.csv"), dict(pd.read_csv(tmp / "times.csv").values)


def main():  # noqa: PLR0915
    parser = argparse.ArgumentParser()
    parser.add_argument("--areas", type=int, default=3000)
    parser.add_argument("--diseases", type=int, default=40)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--r-series", type=int, default=300, help="R's sample (series)")
    parser.add_argument("--r-budget", type=float, default=1800, help="seconds the full R run may take")
    args = parser.parse_args()
    n = args.areas * args.diseases
    days = args.years * 365 + 1
    sample = min(args.r_series, n)
    print(f"start ({load()}); {os.cpu_count()} cores", flush=True)
    y = make_counts(n, days)
    weeks = days // 7
    weekly = y[:, : weeks * 7].reshape(n, weeks, 7).sum(axis=2)
    dates = [date(2021, 1, 1) + timedelta(days=i) for i in range(days)]
    print(f"input: {args.areas} areas × {args.diseases} diseases = {n:,} series × {days} days "
          f"({n * days / 1e6:.0f} M counts; Farrington on {weeks} weekly sums)", flush=True)

    ensure_r()
    with tempfile.TemporaryDirectory() as tmp:
        r_alarms, r_times = run_r(y, weekly, np.arange(sample), Path(tmp))
        full_estimate = sum(r_times.values()) / sample * n
        r_rows = sample
        if sample < n and full_estimate <= args.r_budget:
            r_alarms, r_times = run_r(y, weekly, np.arange(n), Path(tmp))
            r_rows = n
    extrapolated = r_rows < n
    if extrapolated:
        print(f"R ran on a sample of {sample:,} of {n:,} series: its full run would take about "
              f"{full_estimate / 3600:.1f} h (> budget {args.r_budget:.0f} s), so R's full time below is "
              f"extrapolated linearly (× {n / sample:,.0f}) ({load()})", flush=True)
    else:
        print(f"R ran on all {n:,} series ({load()})", flush=True)

    ours = {
        "C1": timed("C1", algorithms.ears_c1, y, r_rows),
        "C2": timed("C2", algorithms.ears_c2, y, r_rows),
        "C3": timed("C3", algorithms.ears_c3, y, r_rows),
        "C3_textbook": timed("C3_textbook", algorithms.ears_c3_textbook, y, r_rows),
        "cusum": timed("cusum", algorithms.cusum, y, r_rows, range_start=366),
        "mpm": timed("mpm", lambda c: algorithms.mpm(c, dates, percentile=0.8), y, r_rows),
        "farrington": timed("farrington", algorithms.farrington_flexible, weekly, r_rows, b=4, w=3),
    }

    print(f"{'algorithm':<12} {'ours (all)':>10} {'R measured':>14} {'R all':>16} {'R/ours':>7} "
          f"{'alarm agree':>11} {'max|Δ threshold|':>17}  load")
    for name, (seconds, alarms, bounds) in ours.items():
        if name not in r_times:
            print(f"{name:<12} {seconds:>9.1f}s {'—':>14} {'—':>16} {'—':>7} {'(not in R)':>11} {'—':>17}  {load()}")
            continue
        r_all = r_times[name] / r_rows * n
        rows = r_alarms[r_alarms.method == name]
        idx = (rows.region.to_numpy(), rows.t.to_numpy() - 1)
        mine, ub = alarms[idx], bounds[idx]
        agree = (np.nan_to_num(mine, nan=-1) == rows.alarm.fillna(-1).to_numpy()).mean()
        r_ub = rows.upperbound.to_numpy(float)
        both = ~np.isnan(ub) & ~np.isnan(r_ub)
        diff = np.abs(ub[both] - r_ub[both]).max() if both.any() else float("nan")
        na_mismatch = int((np.isnan(ub) != np.isnan(r_ub)).sum())
        measured = f"{r_times[name]:.1f}s/{r_rows:,}"
        print(f"{name:<12} {seconds:>9.1f}s {measured:>14} {r_all:>14.0f}s{'*' if extrapolated else ' '} "
              f"{r_all / seconds:>6.0f}× {agree:>10.3%} {diff:>12.2e} (NA≠{na_mismatch})  {load()}")
    if extrapolated:
        print(f"* extrapolated from R's {r_rows:,}-series sample")


if __name__ == "__main__":
    main()
