"""GE MUSE XML (RestingECG): the Rhythm waveform's LeadData, base64 little-endian int16 samples times
LeadAmplitudeUnitsPerBit. MUSE stores the eight independent leads; the limb leads are derived in `build`.
No maintained Python MUSE reader exists on PyPI, so the elements are read with ElementTree."""

import base64
import binascii

import numpy as np
from django.utils.translation import gettext_lazy as _

from . import DecodeError, Recording, build, lead_name
from .xml_common import parse

_TO_MV = {"MICROVOLTS": 0.001, "MILLIVOLTS": 1.0}


def read(data: bytes) -> Recording:
    root = parse(data)
    rhythm = next((w for w in root.iter("Waveform") if (w.findtext("WaveformType") or "").strip() == "Rhythm"), None)
    if rhythm is None:
        raise DecodeError(_("The MUSE file has no rhythm waveform."), code="ecg_no_waveform")
    rate = float(rhythm.findtext("SampleBase")) * 10 ** int(rhythm.findtext("SampleExponent") or 0)
    leads = {}
    for lead in rhythm.iter("LeadData"):
        name = lead_name(lead.findtext("LeadID") or "")
        if name is None:
            continue
        try:
            raw = base64.b64decode(lead.findtext("WaveFormData") or "")
        except binascii.Error as error:
            raise DecodeError(_("Lead %(lead)s's samples are corrupt.") % {"lead": name}, code="ecg_truncated") from error
        expected = int(lead.findtext("LeadByteCountTotal") or len(raw))
        if len(raw) < expected or len(raw) % 2:
            raise DecodeError(_("The waveform is truncated."), code="ecg_truncated")
        per_bit = float(lead.findtext("LeadAmplitudeUnitsPerBit") or 4.88)
        unit = (lead.findtext("LeadAmplitudeUnits") or "MICROVOLTS").strip().upper()
        leads[name] = np.frombuffer(raw[:expected], dtype="<i2").astype(np.float64) * per_bit * _TO_MV.get(unit, 0.001)
    return build(leads, rate, "muse")
