"""HL7 v3 annotated ECG (aECG, ANSI/HL7 V3 ECG R1): the rhythm series' sequence set, one SLIST_PQ per lead
(origin + scale × digits) and a GLIST time sequence whose increment gives the sampling rate. No maintained
Python aECG reader exists on PyPI, so the few elements needed are read with ElementTree."""

import numpy as np
from django.utils.translation import gettext_lazy as _

from . import DecodeError, Recording, build, lead_name
from .xml_common import parse

NS = "{urn:hl7-org:v3}"
_TO_MV = {"uV": 0.001, "mV": 1.0, "V": 1000.0}
_TO_SECONDS = {"s": 1.0, "ms": 0.001}


def read(data: bytes) -> Recording:
    root = parse(data)
    sets = root.findall(f".//{NS}series/{NS}component/{NS}sequenceSet")
    if not sets:
        raise DecodeError(_("The aECG file has no rhythm sequence set."), code="ecg_no_waveform")
    rate, leads = None, {}
    for sequence in sets[0].iter(f"{NS}sequence"):
        code = sequence.find(f"{NS}code").get("code", "")
        value = sequence.find(f"{NS}value")
        if code.startswith("TIME_"):
            increment = value.find(f"{NS}increment")
            step = float(increment.get("value")) * _TO_SECONDS[increment.get("unit", "s")]
            rate = 1.0 / step if step > 0 else float("nan")
            continue
        name = lead_name(code)
        if name is None:
            continue
        origin, scale = value.find(f"{NS}origin"), value.find(f"{NS}scale")
        digits = np.array(value.find(f"{NS}digits").text.split(), dtype=np.float64)
        factor = _TO_MV[scale.get("unit", "uV")]
        leads[name] = (float(origin.get("value", 0)) + float(scale.get("value")) * digits) * factor
    if rate is None:
        raise DecodeError(_("The aECG file has no time sequence, so its sampling rate is unknown."),
                          code="ecg_sampling_rate")
    return build(leads, rate, "hl7_aecg")
