"""Automatic pre-analysis of a resting 12-lead ECG (a suggestion for the reader, never a diagnosis).

NeuroKit2 does the signal processing: `ecg_clean` (0.5 Hz high-pass, power-line) on a lead combination,
`ecg_peaks` for the R peaks once for all leads, and `ecg_delineate` (discrete wavelet method) on the median beat
of the 12 leads tiled five times — delineating one clean median beat instead of every beat of every lead is what
keeps the analysis near 30 ms instead of NeuroKit2's full `ecg_process` per lead. The median beat spans exactly one
median RR interval (cut in the T–P segment), so the tiles join into a periodic signal at the patient's own rate: a
fixed window longer than the RR would carry the next beat's P wave and QRS into each tile, and at fast rates the
delineator would take them for the T wave (QT 430 ms and a false long-QTc candidate at 110–150/min). Intervals come from that
delineation; ST deviation per lead is read on each lead's median beat against the PR-segment baseline, at the
J point (QRS offset) and at J+60 ms. Clinical thresholds live in `rules.py`.
"""

import importlib
import math
import warnings

import neurokit2 as nk
import numpy as np
from scipy import signal as sp

from . import rules
from .formats import LEADS, Recording

# The module, not the function of the same name that `neurokit2.ecg` exports.
ecg_delineate_module = importlib.import_module("neurokit2.ecg.ecg_delineate")
RATE = 500  # Hz: every recording is analysed at 500 Hz
QUIET_FRACTION = 0.15  # QRS edges: spatial velocity below this share of its QRS peak
BEFORE = 0.4  # s before each R peak in the median beat, at most (less at fast rates: see `_window`)
BEFORE_SHARE = 0.4  # of the RR interval: where the T–P segment lies at any rate
AFTER = 0.7  # s after the R peak, at most: past the T wave at slow rates, and enough beats fit in 10 s at 30/min
TILES = 5  # NeuroKit2's delineation needs a few beats


HIGH_PASS = sp.butter(5, 0.5, "highpass", fs=RATE, output="sos")
NOISE_HIGH_PASS = sp.butter(2, 40, "highpass", fs=RATE, output="sos")  # what is left above 40 Hz is noise


def _resampled(rec: Recording) -> np.ndarray:
    matrix = rec.matrix().astype(np.float64)
    if int(rec.sampling_rate) == RATE:
        return matrix
    up, down = RATE, int(round(rec.sampling_rate))
    divisor = math.gcd(up, down)
    return sp.resample_poly(matrix, up // divisor, down // divisor, axis=1)


def _quality(raw: np.ndarray) -> list[dict]:
    """Lead off (flat line), saturation (samples stuck at the extremes), noise (high-frequency content)."""
    warnings_out = []
    high = sp.sosfiltfilt(NOISE_HIGH_PASS, raw, axis=1)
    for index, name in enumerate(LEADS):
        lead = raw[index]
        spread = float(np.ptp(lead))
        if spread < 0.05:
            warnings_out.append({"code": "lead_off", "lead": name})
            continue
        at_edge = np.mean((lead >= lead.max() - 1e-6) | (lead <= lead.min() + 1e-6))
        if at_edge > 0.02:
            warnings_out.append({"code": "saturation", "lead": name})
        if float(np.std(high[index])) > 0.05:
            warnings_out.append({"code": "noise", "lead": name})
    return warnings_out


def _ms(samples, rate=RATE) -> float | None:
    return None if samples is None else round(float(samples) * 1000 / rate)


def _point(waves: dict, key: str, tile: int, beat_len: int) -> int | None:
    """One fiducial of the `tile`-th copy of the median beat, as a sample of the median beat."""
    values = waves.get(key) or []
    value = values[tile] if tile < len(values) else None
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(value) - tile * beat_len


def analyse(rec: Recording, *, sex: str | None = None, age: int | None = None) -> dict:
    raw = _resampled(rec)
    quality = _quality(raw)
    # NeuroKit2's "neurokit" cleaning (5th-order Butterworth high-pass at 0.5 Hz) applied to all leads in one
    # vectorised call: the same filter as `nk.ecg_clean`, twelve times cheaper than calling it per lead.
    clean = sp.sosfiltfilt(HIGH_PASS, raw, axis=1)
    usable = [i for i, name in enumerate(LEADS) if not any(w["lead"] == name and w["code"] == "lead_off" for w in quality)]
    result = {"sampling_rate": rec.sampling_rate, "duration_s": round(rec.duration, 2), "derived_leads": rec.derived,
              "quality": quality}
    if len(usable) < 2:
        return result | _empty(quality, reason="no_signal", sex=sex, age=age)
    # One R-peak detection for all leads, on the spatial magnitude of the usable leads.
    combined = np.sqrt(np.mean(clean[usable] ** 2, axis=0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # `ecg_findpeaks` is what `ecg_peaks` runs, without building a pandas frame of the whole signal.
        info = nk.ecg_findpeaks(combined, sampling_rate=RATE, method="neurokit")
    peaks = np.asarray(info["ECG_R_Peaks"], dtype=int)
    if len(peaks) < 2:
        return result | _empty(quality, reason="no_beats", sex=sex, age=age)
    rr = np.diff(peaks) / RATE * 1000
    heart_rate = round(60000 / float(np.mean(rr)))
    before, after = _window(rr)
    inner = [p for p in peaks if p - before >= 0 and p + after <= raw.shape[1]]
    if not inner:
        return result | _empty(quality, reason="no_beats", sex=sex, age=age)
    # The median over beats removes beat-to-beat noise; every lead shares the same R-peak times.
    beats = np.stack([clean[:, p - before:p + after] for p in inner])  # beats × leads × samples
    median = np.median(beats, axis=0)
    p_on, qrs_on, qrs_off, t_off = _fiducials(median, before)
    qrs_ms = _ms(qrs_off - qrs_on) if qrs_on is not None and qrs_off is not None else None
    pr_ms = _ms(qrs_on - p_on) if qrs_on is not None and p_on is not None else None
    qt_ms = _ms(t_off - qrs_on) if qrs_on is not None and t_off is not None else None
    qtc_b = rules.qtc_bazett(qt_ms, float(np.mean(rr)))
    qtc_f = rules.qtc_fridericia(qt_ms, float(np.mean(rr)))
    st_j, st_60 = {}, {}
    if qrs_on is not None and qrs_off is not None:
        base_from, base_to = max(0, qrs_on - int(0.03 * RATE)), max(1, qrs_on - int(0.005 * RATE))
        j60 = min(median.shape[1] - 1, qrs_off + int(0.06 * RATE))
        for index, name in enumerate(LEADS):
            if index not in usable:
                continue
            baseline = float(np.median(median[index, base_from:base_to]))
            st_j[name] = round(float(median[index, qrs_off]) - baseline, 3)
            st_60[name] = round(float(median[index, j60]) - baseline, 3)
    axis = _axis(median, qrs_on, qrs_off)
    rhythm = rules.classify_rhythm(heart_rate=heart_rate, rr_ms=rr.tolist(), p_wave_found=p_on is not None,
                                   qrs_ms=qrs_ms)
    measures = {
        "heart_rate": heart_rate, "rhythm": rhythm, "pr_ms": pr_ms, "qrs_ms": qrs_ms, "qt_ms": qt_ms,
        "qtc_bazett_ms": qtc_b, "qtc_fridericia_ms": qtc_f, "axis_deg": axis,
        "rr_min_ms": round(float(rr.min())), "rr_max_ms": round(float(rr.max())), "beats": len(peaks),
        "st_mv": st_60, "st_j_mv": st_j,
        "r_peaks": [round(float(p) / RATE, 3) for p in peaks],
    }
    decision = rules.triage(measures, sex=sex, age=age)
    return result | measures | decision


def _window(rr_ms: np.ndarray) -> tuple[int, int]:
    """Samples before and after the R peak of one median beat: together one median RR interval (at most
    BEFORE + AFTER, at slow rates, where the cut then lies in the long T–P segment)."""
    period = int(round(float(np.median(rr_ms)) * RATE / 1000))
    before = min(int(BEFORE * RATE), int(BEFORE_SHARE * period))
    return before, min(period - before, int(AFTER * RATE))


def _fiducials(median: np.ndarray, centre: int):
    """P onset, QRS onset and offset (J point), T offset, as samples of the median beat.

    NeuroKit2's `ecg_delineate` (prominence method) on the median beat of the lead with the largest QRS, tiled
    TILES times, gives P onset, T offset and the Q and S peaks. Each tile is the beat followed by as long a ramp
    of baseline (from its last sample back to its first): the delineator searches each beat from halfway to the
    previous R peak to halfway to the next, so it then sees this beat's P–QRS–T whole and nothing of its
    neighbours — without the ramp, the search stopped at RR/2 after the R peak and cut the T wave at fast rates.
    The QRS edges are then taken on the spatial velocity of all 12 median beats (sum of absolute slopes): the last
    quiet sample before the Q peak and the first after the S peak, which is where the J point lies on every lead
    at once. `centre` is the R peak's sample.
    """
    window = slice(centre - int(0.06 * RATE), centre + int(0.06 * RATE))
    lead = int(np.argmax(np.ptp(median[:, window], axis=1)))
    beat = median[lead]
    if beat[centre] < 0:  # NeuroKit2 expects an upright R
        beat = -beat
    length = len(beat)
    tile = np.concatenate([beat, np.linspace(beat[-1], beat[0], length)])
    tiled = np.tile(tile, TILES)
    rpeaks = np.arange(TILES) * len(tile) + centre
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            waves = _delineate(tiled, rpeaks, typical_st_segment=_typical_st_ms(length))
        except (ValueError, IndexError):
            waves = {}
    p_on, q_peak, s_peak, t_off = (_point(waves, key, 2, len(tile)) for key in
                                   ("ECG_P_Onsets", "ECG_R_Onsets", "ECG_R_Offsets", "ECG_T_Offsets"))
    velocity = np.sum(np.abs(np.diff(median, axis=1)), axis=0)
    quiet = QUIET_FRACTION * float(velocity[window].max())
    limit = int(0.06 * RATE)
    q_peak = q_peak if q_peak is not None and 0 < q_peak < centre else centre - int(0.02 * RATE)
    s_peak = s_peak if s_peak is not None and centre < s_peak < length - 1 else centre + int(0.02 * RATE)
    qrs_on = next((i for i in range(q_peak, max(0, q_peak - limit), -1) if velocity[i] < quiet), q_peak - limit)
    qrs_off = next((i for i in range(s_peak, min(len(velocity), s_peak + limit)) if velocity[i] < quiet),
                   s_peak + limit)
    # A P onset after the QRS or a T end before it, or either in the ramp, is a misplaced fiducial: not measured.
    p_on = p_on if p_on is not None and 0 <= p_on < qrs_on else None
    t_off = t_off if t_off is not None and qrs_off < t_off < length else None
    return p_on, qrs_on, qrs_off, t_off


def _delineate(tiled: np.ndarray, rpeaks: np.ndarray, **limits) -> dict:
    """NeuroKit2's prominence delineator (Emrich et al., 2024). `ecg_delineate` runs it and then spends ~90 % of
    its time building a pandas frame of 0/1 columns over the signal, which we never read: call the delineator
    itself, and the public function only if a later NeuroKit2 renames it."""
    delineator = getattr(ecg_delineate_module, "_prominence_ecg_delineator", None)
    if delineator is None:
        return nk.ecg_delineate(tiled, rpeaks=rpeaks, sampling_rate=RATE, method="prominence", **limits)[1]
    return delineator(tiled, rpeaks=rpeaks, sampling_rate=RATE, **limits)


def _typical_st_ms(length: int) -> float:
    """NeuroKit2 looks for the T peak from 150 ms after the S wave, a resting-rate figure; the ST segment shortens
    with the RR interval (about as √RR, as in Bazett's formula), so at 120/min the T peak comes ~130 ms after S
    and would be missed. `length` is the median beat: one RR interval, or less at slow rates."""
    return 150 * min(1.0, math.sqrt(length / RATE))


def _axis(median: np.ndarray, qrs_on, qrs_off) -> int | None:
    """Frontal QRS axis from the net QRS areas of leads I and aVF."""
    if qrs_on is None or qrs_off is None or qrs_off <= qrs_on:
        return None
    lead_i = float(np.sum(median[LEADS.index("I"), qrs_on:qrs_off]))
    lead_avf = float(np.sum(median[LEADS.index("aVF"), qrs_on:qrs_off]))
    return round(math.degrees(math.atan2(lead_avf, lead_i)))


def _empty(quality, *, reason, sex, age) -> dict:
    measures = {"heart_rate": None, "rhythm": "undetermined", "pr_ms": None, "qrs_ms": None, "qt_ms": None,
                "qtc_bazett_ms": None, "qtc_fridericia_ms": None, "axis_deg": None, "rr_min_ms": None,
                "rr_max_ms": None, "beats": 0, "st_mv": {}, "st_j_mv": {}, "r_peaks": [], "failure": reason}
    return measures | rules.triage(measures, sex=sex, age=age)
