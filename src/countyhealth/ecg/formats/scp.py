"""SCP-ECG (EN 1064 / ISO 11073-91064) through ecgdatakit's maintained parser, which handles its sections,
Huffman tables, first/second differences and reference-beat subtraction. Leads arrive in ADC counts with a
resolution in µV per count; they leave in millivolts."""

import tempfile
import warnings
from pathlib import Path

import numpy as np
from django.utils.translation import gettext_lazy as _

from . import DecodeError, Recording, build, lead_name

_TO_MV = {"uV": 0.001, "µV": 0.001, "mV": 1.0, "nV": 1e-6, "": 0.001}  # SCP-ECG amplitudes are µV when unstated


def looks_like_scp(data: bytes) -> bool:
    """The parser's own test: Section 0 at byte 7 whose first pointer names Section 0 itself."""
    from ecgdatakit.parsing.parsers.scp_ecg import SCPECGParser

    return SCPECGParser.can_parse(Path("upload.scp"), data[:64])


def read(data: bytes) -> Recording:
    from ecgdatakit.exceptions import ECGDataKitError
    from ecgdatakit.parsing.parsers.scp_ecg import SCPECGParser

    # The parser reads a path; the upload is in memory.
    with tempfile.NamedTemporaryFile(suffix=".scp") as handle:
        handle.write(data)
        handle.flush()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # CRC and vendor-section notes: the decoded leads are what count
                record = SCPECGParser().parse(Path(handle.name))
        except ECGDataKitError as error:
            raise DecodeError(_("The SCP-ECG file could not be read (truncated or corrupt): %(error)s")
                              % {"error": str(error)[:200]}) from error
    leads, rates = {}, set()
    for lead in record.leads:
        name = lead_name(lead.label)
        if name is None or name in leads:
            continue
        scale = _TO_MV.get(lead.resolution_unit)
        if scale is None:
            raise DecodeError(_("Lead %(lead)s is in an unknown unit (%(unit)s).")
                              % {"lead": lead.label, "unit": lead.resolution_unit}, code="ecg_units")
        resolution = lead.resolution if lead.is_raw else 1.0
        leads[name] = (np.asarray(lead.samples, dtype=np.float64) * resolution + (lead.offset or 0)) * scale
        rates.add(float(lead.sampling_rate))
    if len(rates) > 1:
        raise DecodeError(_("The leads of this file have different sampling rates."), code="ecg_sampling_rate")
    return build(leads, rates.pop() if rates else 0, "scp")
