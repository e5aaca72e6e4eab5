"""ECG clinical rules, as data and small pure functions. Sources: shared/design/critical-values.md §4–§5.

- STEMI: Fourth Universal Definition of Myocardial Infarction (Thygesen et al., 2018, ESC/ACC/AHA/WHF):
  new ST elevation at the J point in two contiguous leads, V2–V3 ≥ 0.20 mV men ≥ 40 y, ≥ 0.25 mV men < 40 y,
  ≥ 0.15 mV women; ≥ 0.10 mV in the other leads. Contiguous groups and µV comparison: project decisions (§5).
- ECG critical candidates: 《心电图危急值2017中国专家共识》 with the Shanxi/Zhejiang numeric forms (§4).
- Worklist urgency (§4): HR < 40 or > 150 /min, suspected STEMI, or any critical candidate.
"""

import math
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from django.utils.translation import gettext_lazy as _

# ---- STEMI (UDMI4, design §5) --------------------------------------------------------------------------

CONTIGUOUS_GROUPS = (
    ("inferior", ("II", "III", "aVF")),
    ("lateral", ("I", "aVL", "V5", "V6")),
    ("anterior", ("V1", "V2", "V3", "V4")),
    ("anterolateral", ("V4", "V5")),
)
WIDE_QRS_MS = 120


def stemi_threshold_uv(lead: str, *, sex: str | None, age: int | None) -> int:
    """Threshold in µV, inclusive. Unknown sex → the most sensitive row; man of unknown age → 200 µV."""
    if lead not in ("V2", "V3"):
        return 100
    if sex == "F" or sex is None:
        return 150
    if age is not None and age < 40:
        return 250
    return 200


@dataclass(frozen=True)
class StemiResult:
    code: str  # SUSPECTED_STEMI / NO_STE_CRITERIA / ST_NOT_ASSESSABLE_WIDE_QRS
    leads: tuple = ()
    groups: tuple = ()
    defaults_used: bool = False


def meets_stemi_criteria(st_j_mv: dict, *, sex: str | None, age: int | None, qrs_ms: int | None) -> StemiResult:
    defaults = sex is None or (sex == "M" and age is None)
    if qrs_ms is not None and qrs_ms >= WIDE_QRS_MS:
        return StemiResult("ST_NOT_ASSESSABLE_WIDE_QRS", defaults_used=defaults)
    elevated = {lead for lead, mv in st_j_mv.items()
                if mv is not None and round(mv * 1000) >= stemi_threshold_uv(lead, sex=sex, age=age)}
    groups, leads = [], set()
    for name, members in CONTIGUOUS_GROUPS:
        hit = [lead for lead in members if lead in elevated]
        if len(hit) >= 2:
            groups.append(name)
            leads.update(hit)
    if not groups:
        return StemiResult("NO_STE_CRITERIA", defaults_used=defaults)
    order = ("I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6")
    return StemiResult("SUSPECTED_STEMI", tuple(sorted(leads, key=order.index)), tuple(groups), defaults)


# ---- Rhythm ----------------------------------------------------------------------------------------------

BRADY_BELOW, TACHY_ABOVE = 60, 100  # /min, sinus brady- and tachycardia
IRREGULAR_CV = 0.10  # RR coefficient of variation above which the rhythm is irregular (AF screening practice)


def classify_rhythm(*, heart_rate: int, rr_ms: list, p_wave_found: bool, qrs_ms: int | None) -> str:
    rr = np.asarray(rr_ms, dtype=float)
    irregular = len(rr) >= 3 and float(np.std(rr) / np.mean(rr)) > IRREGULAR_CV
    if heart_rate >= 150 and qrs_ms is not None and qrs_ms >= WIDE_QRS_MS:
        return "wide_complex_tachycardia"
    if irregular:
        return "atrial_fibrillation" if not p_wave_found else "irregular"
    if heart_rate < BRADY_BELOW:
        return "sinus_bradycardia" if p_wave_found else "bradycardia"
    if heart_rate > TACHY_ABOVE:
        return "sinus_tachycardia" if p_wave_found else "tachycardia"
    return "sinus" if p_wave_found else "regular_no_p"


RHYTHM_LABELS = {
    "sinus": _("Sinus rhythm"), "sinus_bradycardia": _("Sinus bradycardia"),
    "sinus_tachycardia": _("Sinus tachycardia"), "atrial_fibrillation": _("Atrial fibrillation (suspected)"),
    "irregular": _("Irregular rhythm"), "bradycardia": _("Bradycardia"), "tachycardia": _("Tachycardia"),
    "regular_no_p": _("Regular rhythm, no P wave found"),
    "wide_complex_tachycardia": _("Wide-complex tachycardia (suspected VT)"), "undetermined": _("Undetermined"),
}

# ---- Corrected QT --------------------------------------------------------------------------------------------


def qtc_bazett(qt_ms: int | None, rr_ms: float) -> int | None:
    """Bazett (1920): QT / √RR, RR in seconds. It over-corrects at fast rates (a normal QT of 290 ms at 120/min
    gives ~410 ms); the long-QTc candidate still uses it, as critical-values.md §4 specifies."""
    return None if not qt_ms else round(qt_ms / math.sqrt(rr_ms / 1000))


def qtc_fridericia(qt_ms: int | None, rr_ms: float) -> int | None:
    """Fridericia (1920): QT / ∛RR, RR in seconds; shown beside Bazett for the reader."""
    return None if not qt_ms else round(qt_ms / (rr_ms / 1000) ** (1 / 3))


# ---- ECG critical candidates (design §4) and worklist urgency ----------------------------------------------

SEVERE_BRADY_AT_MOST = 35  # /min, ECG2017 ≤ 35
SVT_FAST_AT_LEAST = 200  # /min, ECG2017
VT_RATE_AT_LEAST = 150  # /min with wide QRS
LONG_PAUSE_AT_LEAST_MS = 3000  # SX2017, ZJ ≥ 3.0 s
LONG_QTC_AT_LEAST_MS = 550  # Bazett, ECG2017
PREEXCITED_RR_AT_MOST_MS = 250
URGENT_HR_BELOW, URGENT_HR_ABOVE = 40, 150

REASON_LABELS = {
    "acute_mi": _("Suspected acute STEMI"),
    "severe_brady": _("Severe bradycardia (≤ 35/min)"),
    "svt_fast": _("Fast supraventricular rate (≥ 200/min)"),
    "vt_sustained": _("Suspected ventricular tachycardia (≥ 150/min, wide QRS)"),
    "long_pause": _("Long RR pause (≥ 3.0 s)"),
    "long_qtc": _("Markedly prolonged QTc (≥ 550 ms)"),
    "af_preexcited": _("AF with very short RR (≤ 250 ms), pre-excitation?"),
    "rate_below_40": _("Heart rate below 40/min"),
    "rate_above_150": _("Heart rate above 150/min"),
    "no_signal": _("No analysable signal: read manually"),
}


def critical_candidates(m: dict, stemi: StemiResult) -> list[str]:
    found = []
    rate, qrs = m.get("heart_rate"), m.get("qrs_ms")
    if stemi.code == "SUSPECTED_STEMI":
        found.append("acute_mi")
    if rate is not None:
        wide = qrs is not None and qrs >= WIDE_QRS_MS
        if rate <= SEVERE_BRADY_AT_MOST:
            found.append("severe_brady")
        if wide and rate >= VT_RATE_AT_LEAST:
            found.append("vt_sustained")
        elif rate >= SVT_FAST_AT_LEAST:
            found.append("svt_fast")
    if m.get("rr_max_ms") is not None and m["rr_max_ms"] >= LONG_PAUSE_AT_LEAST_MS:
        found.append("long_pause")
    if m.get("qtc_bazett_ms") is not None and m["qtc_bazett_ms"] >= LONG_QTC_AT_LEAST_MS:
        found.append("long_qtc")
    if (m.get("rhythm") == "atrial_fibrillation" and m.get("rr_min_ms") is not None
            and m["rr_min_ms"] <= PREEXCITED_RR_AT_MOST_MS):
        found.append("af_preexcited")
    return found


def triage(m: dict, *, sex: str | None, age: int | None) -> dict:
    stemi = meets_stemi_criteria(m.get("st_j_mv") or {}, sex=sex, age=age, qrs_ms=m.get("qrs_ms"))
    reasons = critical_candidates(m, stemi)
    rate = m.get("heart_rate")
    if rate is not None and rate < URGENT_HR_BELOW:
        reasons.append("rate_below_40")
    if rate is not None and rate > URGENT_HR_ABOVE:
        reasons.append("rate_above_150")
    if m.get("failure"):
        reasons.append("no_signal")
    return {"stemi": stemi.code, "stemi_leads": list(stemi.leads), "stemi_groups": list(stemi.groups),
            "stemi_defaults_used": stemi.defaults_used,
            "urgent": any(r != "no_signal" for r in reasons), "reasons": reasons}


def reason_labels(codes) -> list[str]:
    return [str(REASON_LABELS.get(code, code)) for code in codes]


# ---- Work status (a transition table; each transition writes an EcgStatusChange row) ------------------------

WAITING, REPORTED, AMENDED = "waiting", "reported", "amended"
TRANSITIONS = {WAITING: {REPORTED}, REPORTED: {AMENDED}, AMENDED: {AMENDED}}
CLAIM_MINUTES = 15  # a claim not turned into a signed report within this time lapses (project decision)
URGENT_TURNAROUND = timedelta(minutes=10)  # CPC: first ECG → diagnosis < 10 min


def may_transition(current: str, new: str) -> bool:
    return new in TRANSITIONS.get(current, set())


# ---- Standard diagnostic phrases (the report's conclusion list) ------------------------------------------------

PHRASES = {
    "normal": _("Normal ECG"),
    "sinus_rhythm": _("Sinus rhythm"),
    "sinus_brady": _("Sinus bradycardia"),
    "sinus_tachy": _("Sinus tachycardia"),
    "af": _("Atrial fibrillation"),
    "flutter": _("Atrial flutter"),
    "pac": _("Premature atrial contractions"),
    "pvc": _("Premature ventricular contractions"),
    "avb1": _("First-degree AV block"),
    "avb3": _("Third-degree AV block"),
    "rbbb": _("Right bundle branch block"),
    "lbbb": _("Left bundle branch block"),
    "lvh": _("Left ventricular hypertrophy"),
    "st_t": _("ST-T changes"),
    "stemi_anterior": _("Acute anterior ST-elevation myocardial infarction"),
    "stemi_inferior": _("Acute inferior ST-elevation myocardial infarction"),
    "stemi_lateral": _("Acute lateral ST-elevation myocardial infarction"),
    "ischaemia": _("Suspected acute myocardial ischaemia"),
    "vt": _("Ventricular tachycardia"),
    "long_qt": _("Prolonged QT interval"),
}
# Phrases that are ECG critical values when signed (design §4): the uploader is notified as urgent.
CRITICAL_PHRASES = {"stemi_anterior": "acute_mi", "stemi_inferior": "acute_mi", "stemi_lateral": "acute_mi",
                    "ischaemia": "acute_ischaemia", "vt": "vt_sustained", "avb3": "avb_3"}

