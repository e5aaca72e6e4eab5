"""Early-warning algorithms: our vectorised implementation against R `surveillance` on the same input.

    .venv/bin/python bench/surveillance_algorithms.py [--areas 3000] [--diseases 40] [--years 5] [--r-series 120]

Generates areas × diseases daily count series (Poisson, per-series rate 0.05–5 a day, seasonal, with injected
outbreaks; seeded), runs every algorithm over all series (in chunks of 5,000 to bound memory), and in the same
run R's `earsC` (C1, C2, C3), `algo.cusum` and `farringtonFlexible` on the first `--r-series` series
(R loops over series one by one, so the full size would take hours: R's time is measured on that subset and
extrapolated linearly per series, and said so). Alarm agreement is computed on the subset. Farrington Flexible
runs on weekly sums (it is a weekly method) with b = 4 (five years do not hold b = 5 plus the window).
MPM is not in the R package (no comparison). Installs Debian's r-cran-surveillance when Rscript lacks it."""

import argparse
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
out <- list(); times <- c()
run <- function(name, f) { t0 <- proc.time()[["elapsed"]]; r <- f(); times[[name]] <<- proc.time()[["elapsed"]] - t0; r }
regions <- unique(d$region)
for (m in c("C1", "C2", "C3")) {
  res <- run(m, function() lapply(regions, function(r) {
    s <- sts(observed = d$count[d$region == r], freq = 365)
    x <- earsC(s, control = list(method = m)); data.frame(region = r, t = seq(nrow(s) - nrow(x) + 1, nrow(s)),
      alarm = as.integer(alarms(x)), method = m) }))
  out[[m]] <- do.call(rbind, res)
}
res <- run("cusum", function() lapply(regions, function(r) {
  y <- d$count[d$region == r]; s <- sts(observed = y, freq = 365)
  x <- algo.cusum(sts2disProg(s), control = list(range = 366:length(y)))
  data.frame(region = r, t = 366:length(y), alarm = as.integer(x$alarm), method = "cusum") }))
out[["cusum"]] <- do.call(rbind, res)
res <- run("farrington", function() lapply(regions, function(r) {
  s <- sts(observed = w$count[w$region == r], freq = 52)
  x <- farringtonFlexible(s, control = list(b = 4, w = 3, glmWarnings = FALSE))
  data.frame(region = r, t = seq(nrow(s) - nrow(x) + 1, nrow(s)), alarm = as.integer(alarms(x)),
             method = "farrington") }))
out[["farrington"]] <- do.call(rbind, res)
write.csv(do.call(rbind, out), args[3], row.names = FALSE)
write.csv(data.frame(method = names(times), seconds = unlist(times)), args[4], row.names = FALSE)
"""


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
    mu = rate * (1 + amp * np.sin(2 * np.pi * (t + phase) / 365))
    y = rng.poisson(mu).astype(float)
    for s in rng.choice(n_series, size=n_series // 10, replace=False):  # outbreaks in one series in ten
        start = int(rng.integers(400, days - 10))
        y[s, start:start + 7] += rng.poisson(3 * rate[s, 0] + 2, size=7)
    return y


def timed(fn, y, subset, **kw):
    """Run fn over all series in chunks; returns (seconds, alarms of the subset rows)."""
    t0 = time.perf_counter()
    keep = None
    for lo in range(0, y.shape[0], CHUNK):
        result = fn(y[lo:lo + CHUNK], **kw)
        if lo == 0:
            keep = result.alarm[:subset].copy()
    return time.perf_counter() - t0, keep


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--areas", type=int, default=3000)
    parser.add_argument("--diseases", type=int, default=40)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--r-series", type=int, default=120)
    args = parser.parse_args()
    n = args.areas * args.diseases
    days = args.years * 365 + 1
    subset = min(args.r_series, n)
    y = make_counts(n, days)
    weeks = days // 7
    weekly = y[:, : weeks * 7].reshape(n, weeks, 7).sum(axis=2)
    dates = [date(2021, 1, 1) + timedelta(days=i) for i in range(days)]
    print(f"input: {args.areas} areas × {args.diseases} diseases = {n:,} series × {days} days "
          f"({n * days / 1e6:.0f} M counts); R on the first {subset} series, extrapolated per series")

    ours = {}
    ours["C1"] = timed(algorithms.ears_c1, y, subset)
    ours["C2"] = timed(algorithms.ears_c2, y, subset)
    ours["C3"] = timed(algorithms.ears_c3, y, subset)
    ours["cusum"] = timed(algorithms.cusum, y, subset, range_start=366)
    ours["mpm"] = timed(lambda c: algorithms.mpm(c, dates, percentile=0.8), y, subset)
    ours["farrington"] = timed(algorithms.farrington_flexible, weekly, subset, b=4, w=3)

    ensure_r()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        long = pd.DataFrame({"region": np.repeat(np.arange(subset), days), "t": np.tile(np.arange(1, days + 1), subset),
                             "count": y[:subset].reshape(-1).astype(int)})
        wlong = pd.DataFrame({"region": np.repeat(np.arange(subset), weeks),
                              "t": np.tile(np.arange(1, weeks + 1), subset),
                              "count": weekly[:subset].reshape(-1).astype(int)})
        long.to_csv(tmp / "d.csv", index=False)
        wlong.to_csv(tmp / "w.csv", index=False)
        (tmp / "bench.R").write_text(R_SCRIPT)
        subprocess.run(["Rscript", str(tmp / "bench.R"), str(tmp / "d.csv"), str(tmp / "w.csv"),
                        str(tmp / "alarms.csv"), str(tmp / "times.csv")], check=True, capture_output=True)
        r_alarms = pd.read_csv(tmp / "alarms.csv")
        r_times = dict(pd.read_csv(tmp / "times.csv").values)

    print(f"{'algorithm':<11} {'ours (all)':>11} {'R subset':>9} {'R all (extrap.)':>16} {'ratio':>7} {'agreement':>10}")
    for name, (seconds, alarms) in ours.items():
        if name not in r_times:
            print(f"{name:<11} {seconds:>10.1f}s {'—':>9} {'—':>16} {'—':>7} {'(not in R)':>10}")
            continue
        r_all = r_times[name] / subset * n
        rows = r_alarms[r_alarms.method == name]
        mine = alarms[rows.region.to_numpy(), rows.t.to_numpy() - 1]
        agree = (np.nan_to_num(mine, nan=-1) == rows.alarm.fillna(-1).to_numpy()).mean()
        print(f"{name:<11} {seconds:>10.1f}s {r_times[name]:>8.1f}s {r_all:>15.0f}s {r_all / seconds:>6.0f}× "
              f"{agree:>9.3%}")


if __name__ == "__main__":
    main()
