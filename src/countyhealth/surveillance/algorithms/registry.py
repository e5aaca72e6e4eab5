"""One entry point for every algorithm by name, with parameters named as in R's control lists.

Both the analysts' command (`python -m countyhealth.surveillance.detect`) and the platform's daily job call
`run`, so a threshold seen on the signals page can be reproduced from a CSV."""

from .base import Result, SeriesError
from .farrington import farrington_flexible
from .simple import cusum, ears_c1, ears_c2, ears_c3, ears_c3_textbook, fixed_threshold, mpm

# name → (function, {R control name: type}); `range` is R's first monitored t (1-based).
PARAMS = {
    "C1": (ears_c1, {"baseline": int, "alpha": float, "minSigma": float}),
    "C2": (ears_c2, {"baseline": int, "alpha": float, "minSigma": float}),
    "C3": (ears_c3, {"baseline": int, "alpha": float, "minSigma": float}),
    "C3_textbook": (ears_c3_textbook, {"baseline": int, "alpha": float, "minSigma": float}),
    "cusum": (cusum, {"range": int, "k": float, "h": float, "m": float}),
    "mpm": (mpm, {"percentile": float, "years": int, "min_cases": int}),
    "farrington": (farrington_flexible, {
        "b": int, "w": int, "reweight": bool, "weightsThreshold": float, "alpha": float, "trend": bool,
        "pThresholdTrend": float, "limit54": tuple, "powertrans": str, "noPeriods": int,
        "pastWeeksNotIncluded": int, "thresholdMethod": str, "range": int}),
    "fixed": (fixed_threshold, {"threshold": int}),
}


def _convert(kind, value: str):
    if kind is bool:
        if value.upper() in ("TRUE", "T", "1"):
            return True
        if value.upper() in ("FALSE", "F", "0"):
            return False
        raise SeriesError(f"{value!r} is not TRUE or FALSE")
    if kind is tuple:
        return tuple(int(v) for v in value.replace("c(", "").replace(")", "").split(","))
    return kind(value)


def parse_params(algorithm: str, pairs: list[str]) -> dict:
    """`["alpha=0.01", "baseline=7"]` → typed keyword arguments; unknown names are an error."""
    if algorithm not in PARAMS:
        raise SeriesError(f"unknown algorithm {algorithm!r}; choose one of {', '.join(PARAMS)}")
    allowed = PARAMS[algorithm][1]
    params = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or name not in allowed:
            raise SeriesError(f"unknown parameter {name!r} for {algorithm}; known: {', '.join(allowed)}")
        try:
            params[name] = _convert(allowed[name], value)
        except ValueError as exc:
            raise SeriesError(f"bad value for {name}: {value!r}") from exc
    return params


def run(algorithm: str, counts, *, dates=None, freq: int = 365, params: dict | None = None) -> Result:
    """Run `algorithm` over `counts` (series × time); `dates` are needed by `mpm`, `freq` by Farrington."""
    fn = PARAMS[algorithm][0]
    params = dict(params or {})
    if algorithm == "cusum":
        params.setdefault("range", freq + 1)  # one period of history for m unless R's range is given
        params["range_start"] = params.pop("range")
    if algorithm == "farrington":
        params["freq"] = freq
        if "range" in params:
            params["range_start"] = params.pop("range")
    if algorithm == "mpm":
        if dates is None:
            raise SeriesError("the moving percentile method needs a date column")
        return fn(counts, dates, **params)
    return fn(counts, **params)
