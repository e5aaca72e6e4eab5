"""What the viewer and the PDF draw: the stored file decoded again, at 250 Hz, in mV."""

import numpy as np
from django.core.cache import cache
from scipy import signal as sp

from .formats import LEADS, decode

DISPLAY_RATE = 250


def display_leads(ecg) -> dict[str, np.ndarray]:
    key = f"ecg:display:{ecg.sha256}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    with ecg.file.open("rb") as handle:
        recording = decode(handle.read(), ecg.original_name)
    rate = int(round(recording.sampling_rate))
    leads = {}
    for name in LEADS:
        values = recording.leads[name].astype(np.float64)
        if rate != DISPLAY_RATE:
            values = sp.resample_poly(values, DISPLAY_RATE, rate)
        leads[name] = values[: int(10 * DISPLAY_RATE)]
    cache.set(key, leads, 600)
    return leads


def signal_json(ecg) -> dict:
    leads = display_leads(ecg)
    return {"rate": DISPLAY_RATE, "leads": {name: np.round(values, 3).tolist() for name, values in leads.items()},
            "r_peaks": ecg.analysis.get("r_peaks", [])}
