"""ECG file formats → one in-memory form (`Recording`).

`decode(data, filename)` recognises the format by content (not by the file name), decodes it with the format's
maintained parser where one exists (pydicom, wfdb, ecgdatakit for SCP-ECG) and checks the result: the eight independent leads (I, II,
V1–V6) present, a plausible sampling rate and duration, finite values. Limb leads III, aVR, aVL and aVF are
derived (Einthoven/Goldberger) when a file stores only the eight independent leads, as GE MUSE and many WFDB
records do. Every failure is a `DecodeError` with a translated message; nothing is stored by this package.
"""

import io
import zipfile
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from countyhealth.core.errors import ActionError

LEADS = ("I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6")
INDEPENDENT = ("I", "II", "V1", "V2", "V3", "V4", "V5", "V6")
MIN_RATE, MAX_RATE = 100, 10_000  # Hz: below 100 Hz the QRS is not resolved; carts record 250–1000 Hz
MIN_SECONDS, MAX_SECONDS = 5, 120  # a resting ECG is 10 s; a rhythm strip may be longer


class DecodeError(ActionError):
    def __init__(self, message, code="ecg_unreadable"):
        super().__init__(message, code=code, field="file")


@dataclass
class Recording:
    """Leads in millivolts (float32), one sampling rate, as decoded from one file."""

    leads: dict[str, np.ndarray]
    sampling_rate: float
    source_format: str
    derived: list[str] = field(default_factory=list)  # limb leads computed from I and II
    units: str = "mV"

    @property
    def duration(self) -> float:
        return len(self.leads["II"]) / self.sampling_rate

    def matrix(self) -> np.ndarray:
        return np.vstack([self.leads[name] for name in LEADS])


_ALIASES = {name.upper(): name for name in LEADS}


def lead_name(raw: str) -> str | None:
    """'Lead I (Einthoven)', 'MDC_ECG_LEAD_AVR', 'avr', 'V1' → the standard name; None for other channels."""
    text = raw.strip().upper()
    for prefix in ("MDC_ECG_LEAD_", "LEAD "):
        if text.startswith(prefix):
            text = text[len(prefix):]
    text = text.split(" ")[0].split("(")[0].strip()
    return _ALIASES.get(text)


def max_bytes() -> int:
    return getattr(settings, "ECG_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)


def build(leads: dict[str, np.ndarray], sampling_rate: float, source_format: str) -> Recording:
    """Check decoded channels and complete the 12 leads; the one place every format's result passes."""
    try:
        rate = float(sampling_rate)
    except (TypeError, ValueError):
        rate = float("nan")
    if not np.isfinite(rate) or not MIN_RATE <= rate <= MAX_RATE:
        raise DecodeError(_("The sampling rate %(rate)s Hz is not plausible for an ECG (%(low)s–%(high)s Hz).")
                          % {"rate": sampling_rate, "low": MIN_RATE, "high": MAX_RATE}, code="ecg_sampling_rate")
    missing = [name for name in INDEPENDENT if name not in leads]
    if missing:
        raise DecodeError(
            _("This is not a 12-lead ECG: %(count)s usable leads found, missing %(missing)s.")
            % {"count": len(leads), "missing": ", ".join(missing)}, code="ecg_lead_count")
    length = min(len(leads[name]) for name in INDEPENDENT)
    seconds = length / rate
    if not MIN_SECONDS <= seconds <= MAX_SECONDS:
        raise DecodeError(_("The recording lasts %(seconds).1f s; a resting ECG must last %(low)s–%(high)s s.")
                          % {"seconds": seconds, "low": MIN_SECONDS, "high": MAX_SECONDS}, code="ecg_duration")
    out = {name: np.asarray(values[:length], dtype=np.float32) for name, values in leads.items() if name in LEADS}
    for name, values in out.items():
        if not np.all(np.isfinite(values)):
            raise DecodeError(_("Lead %(lead)s contains missing or invalid samples.") % {"lead": name},
                              code="ecg_invalid_samples")
    derived = []
    lead_i, lead_ii = out["I"], out["II"]
    formulas = {"III": lambda: lead_ii - lead_i, "aVR": lambda: -(lead_i + lead_ii) / 2,
                "aVL": lambda: lead_i - lead_ii / 2, "aVF": lambda: lead_ii - lead_i / 2}
    for name, formula in formulas.items():
        if name not in out:
            out[name] = formula().astype(np.float32)
            derived.append(name)
    return Recording(leads={name: out[name] for name in LEADS}, sampling_rate=rate, source_format=source_format,
                     derived=derived)


def sniff(data: bytes) -> str:
    from .scp import looks_like_scp

    if len(data) > 132 and data[128:132] == b"DICM":
        return "dicom"
    if looks_like_scp(data):
        return "scp"
    if data[:4] == b"PK\x03\x04":
        return "wfdb"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        if b"AnnotatedECG" in data[:4096]:
            return "hl7_aecg"
        if b"RestingECG" in data[:4096]:
            return "muse"
        return "xml"
    return "csv"


def decode(data: bytes, filename: str = "") -> Recording:
    """Decode any accepted file. Raises DecodeError with a translated message."""
    from . import csv_format, dicom, hl7_aecg, muse, scp, wfdb_format

    if not data:
        raise DecodeError(_("The file is empty."), code="ecg_empty")
    if len(data) > max_bytes():
        raise DecodeError(_("The file is larger than %(mb)s MB.") % {"mb": max_bytes() // (1024 * 1024)},
                          code="ecg_too_large")
    kind = sniff(data)
    readers = {"dicom": dicom.read, "wfdb": wfdb_format.read_zip, "hl7_aecg": hl7_aecg.read, "muse": muse.read,
               "csv": csv_format.read, "scp": scp.read}
    if kind == "xml":
        raise DecodeError(_("This XML file is neither an HL7 aECG nor a GE MUSE ECG."), code="ecg_unknown_format")
    try:
        return readers[kind](data)
    except DecodeError:
        raise
    except (ValueError, KeyError, IndexError, TypeError, OSError, EOFError, AttributeError, zipfile.BadZipFile) as error:
        raise DecodeError(_("The %(format)s file could not be read (truncated or corrupt): %(error)s")
                          % {"format": FORMAT_LABELS[kind], "error": str(error)[:200]}) from error


FORMAT_LABELS = {"dicom": "DICOM", "wfdb": "WFDB", "hl7_aecg": "HL7 aECG", "muse": "GE MUSE", "csv": "CSV",
                 "xml": "XML", "scp": "SCP-ECG"}


def bundle(files: list[tuple[str, bytes]]) -> tuple[bytes, str]:
    """Several uploaded files (a WFDB record's .hea and .dat) → one zip, stored as uploaded inside it."""
    if len(files) == 1:
        return files[0][1], files[0][0]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in sorted(files):
            archive.writestr(name.rsplit("/", 1)[-1], content)
    stem = sorted(files)[0][0].rsplit(".", 1)[0]
    return buffer.getvalue(), f"{stem}.zip"
