"""DICOM Waveform Storage (12-lead ECG, General ECG) through pydicom."""

import io

import numpy as np
import pydicom
from django.utils.translation import gettext_lazy as _
from pydicom.errors import InvalidDicomError

from . import DecodeError, Recording, build, lead_name

ECG_SOP_CLASSES = {
    "1.2.840.10008.5.1.4.1.1.9.1.1": "12-lead ECG Waveform Storage",
    "1.2.840.10008.5.1.4.1.1.9.1.2": "General ECG Waveform Storage",
}
_TO_MV = {"uV": 0.001, "mV": 1.0, "V": 1000.0}


def read(data: bytes) -> Recording:
    try:
        ds = pydicom.dcmread(io.BytesIO(data))
    except InvalidDicomError as error:
        raise DecodeError(_("Not a readable DICOM file.")) from error
    if str(ds.get("SOPClassUID", "")) not in ECG_SOP_CLASSES:
        raise DecodeError(_("This DICOM file is not an ECG (its SOP class is %(sop)s).")
                          % {"sop": ds.get("SOPClassUID", "?")}, code="ecg_not_ecg_dicom")
    if "WaveformSequence" not in ds or not len(ds.WaveformSequence):
        raise DecodeError(_("This DICOM ECG has no waveform."), code="ecg_no_waveform")
    # The first multiplex group is the rhythm (full-length) recording; later ones are median beats.
    group = ds.WaveformSequence[0]
    values = ds.waveform_array(0)
    expected = int(group.NumberOfWaveformSamples)
    if values.shape[0] != expected:
        raise DecodeError(_("The waveform is truncated."), code="ecg_truncated")
    leads = {}
    for index, channel in enumerate(group.ChannelDefinitionSequence):
        name = lead_name(channel.ChannelSourceSequence[0].CodeMeaning)
        if name is None:
            continue
        unit = "uV"
        if "ChannelSensitivityUnitsSequence" in channel:
            unit = channel.ChannelSensitivityUnitsSequence[0].CodeValue
        leads[name] = values[:, index].astype(np.float64) * _TO_MV.get(unit, 0.001)
    return build(leads, float(group.SamplingFrequency), "dicom")
