"""The documented CSV (UTF-8):

    # sampling_rate: 500
    # units: mV            (mV, the default, or uV)
    I,II,III,aVR,aVL,aVF,V1,V2,V3,V4,V5,V6
    0.012,0.034,...

Comment lines start with '#'. The header names the leads (at least I, II and V1–V6; missing limb leads are
derived); an optional first column `time_s` or `time_ms` is ignored. One row per sample.
"""

import io

import numpy as np
from django.utils.translation import gettext_lazy as _

from . import DecodeError, Recording, build, lead_name


def read(data: bytes) -> Recording:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DecodeError(_("This file is not an accepted ECG format (not DICOM, WFDB, HL7 aECG, GE MUSE or CSV)."),
                          code="ecg_unknown_format") from error
    meta, body = {}, []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            key, _sep, value = stripped[1:].partition(":")
            meta[key.strip().lower()] = value.strip()
        elif stripped:
            body.append(stripped)
    if "sampling_rate" not in meta or not body:
        raise DecodeError(_("A CSV ECG needs a '# sampling_rate: N' line, a header of lead names and samples."),
                          code="ecg_csv_layout")
    header = [cell.strip() for cell in body[0].split(",")]
    columns = {index: lead_name(cell) for index, cell in enumerate(header)}
    try:
        values = np.loadtxt(io.StringIO("\n".join(body[1:])), delimiter=",", ndmin=2, dtype=np.float64)
    except ValueError as error:
        raise DecodeError(_("The CSV samples are not all numbers with one value per column: %(error)s")
                          % {"error": str(error)[:120]}, code="ecg_csv_values") from error
    if values.shape[1] != len(header):
        raise DecodeError(_("The CSV rows do not have as many columns as the header."), code="ecg_csv_values")
    unit = meta.get("units", "mV").lower()
    if unit not in {"mv", "uv", "µv"}:
        raise DecodeError(_("Unknown units '%(unit)s' (use mV or uV).") % {"unit": unit}, code="ecg_csv_units")
    scale = 1.0 if unit == "mv" else 0.001
    leads = {name: values[:, index] * scale for index, name in columns.items() if name}
    try:
        rate = float(meta["sampling_rate"])
    except ValueError:
        rate = float("nan")
    return build(leads, rate, "csv")
