"""Analysts' command: run one early-warning algorithm over count series in a CSV file.

    python -m countyhealth.surveillance.detect --algorithm {C1,C2,C3,cusum,mpm,farrington}
           [--param NAME=VALUE ...] INPUT.csv OUTPUT.csv

Input (long format): `region,t,date,count` and optionally `freq` (periods per year; otherwise 365 for daily
dates, 52 for weekly). Output: one row per input row, `region,t,monitored,alarm,upperbound` (`monitored` 0
where the baseline is too short; `alarm` 0/1, empty where not monitored or where R would give NA).
A `t` missing inside a region's range counts as 0 cases (a day without a card is a day without a case);
negative, fractional or empty counts stop the command with a message and no output file.
Parameters use R `surveillance` control-list names. The daily job calls the same `registry.run`."""

import argparse
import sys
from datetime import date, timedelta

import numpy as np
import pandas as pd

from .algorithms import SeriesError
from .algorithms.registry import PARAMS, parse_params, run

CHOICES = ("C1", "C2", "C3", "cusum", "mpm", "farrington")


def read_input(path) -> pd.DataFrame:
    data = pd.read_csv(path, dtype={"region": str})
    missing = {"region", "t", "date", "count"} - set(data.columns)
    if missing:
        raise SeriesError(f"input lacks the column(s) {', '.join(sorted(missing))}")
    if data["count"].isna().any():
        raise SeriesError(f"empty count at row {int(data['count'].isna().idxmax()) + 2}")
    if (data["count"] < 0).any():
        raise SeriesError(f"negative count at row {int((data['count'] < 0).idxmax()) + 2}")
    if (data["count"] != np.round(data["count"])).any():
        raise SeriesError("counts must be whole numbers")
    if data.duplicated(["region", "t"]).any():
        raise SeriesError("a region has the same t twice")
    data["date"] = pd.to_datetime(data["date"]).dt.date
    return data


def _freq(group: pd.DataFrame) -> int:
    if "freq" in group.columns and group["freq"].notna().any():
        return int(group["freq"].dropna().iloc[0])
    if len(group) > 1:
        step = (group["date"].iloc[1] - group["date"].iloc[0]).days / (group["t"].iloc[1] - group["t"].iloc[0])
        return 52 if round(step) == 7 else 365
    return 365


def evaluate(data: pd.DataFrame, algorithm: str, params: dict) -> pd.DataFrame:
    """Run the algorithm region group by region group (regions sharing a t range run as one batch)."""
    data = data.sort_values(["region", "t"]).reset_index(drop=True)
    spans = data.groupby("region")["t"].agg(["min", "max"])
    out = []
    for (t_min, t_max), regions in spans.groupby(["min", "max"]).groups.items():
        part = data[data.region.isin(regions)]
        wide = part.pivot(index="region", columns="t", values="count").reindex(
            columns=range(t_min, t_max + 1)).fillna(0)
        first = part.groupby("t")["date"].first()
        step = timedelta(days=7) if _freq(part) == 52 else timedelta(days=1)
        start: date = first.iloc[0] - step * (first.index[0] - t_min)
        dates = [start + step * i for i in range(t_max - t_min + 1)]
        result = run(algorithm, wide.to_numpy(float), dates=dates, freq=_freq(part), params=params)
        rows = {r: i for i, r in enumerate(wide.index)}
        ri = part.region.map(rows).to_numpy()
        ti = (part.t - t_min).to_numpy()
        monitored = result.monitored[ri, ti]
        alarm = np.where(monitored, result.alarm[ri, ti], np.nan)
        out.append(pd.DataFrame({"region": part.region.to_numpy(), "t": part.t.to_numpy(),
                                 "monitored": monitored.astype(int),
                                 "alarm": pd.array(np.where(np.isnan(alarm), None, alarm), dtype="Int64"),
                                 "upperbound": np.where(monitored, result.upperbound[ri, ti], np.nan)}))
    return pd.concat(out).sort_values(["region", "t"]) if out else pd.DataFrame(
        columns=["region", "t", "monitored", "alarm", "upperbound"])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m countyhealth.surveillance.detect", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--algorithm", required=True, choices=CHOICES)
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                        help="R control-list parameter, e.g. alpha=0.01 (repeatable)")
    parser.add_argument("input")
    parser.add_argument("output")
    args = parser.parse_args(argv)
    try:
        params = parse_params(args.algorithm, args.param)
        result = evaluate(read_input(args.input), args.algorithm, params)
    except (SeriesError, ValueError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    result.to_csv(args.output, index=False, float_format="%.10g")
    alarms = int(result["alarm"].fillna(0).sum())
    print(f"{len(result)} rows, {int(result['monitored'].sum())} monitored, {alarms} alarms → {args.output}")
    return 0


if __name__ == "__main__":
    assert set(CHOICES) <= set(PARAMS)
    sys.exit(main())
