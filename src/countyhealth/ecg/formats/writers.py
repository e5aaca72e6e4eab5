"""Synthetic ECGs with known truth, written out in every accepted format.

Used by the tests, the demo seed and the bench (never by the upload path): NeuroKit2's ECGSYN model gives a
realistic single-lead beat train at a set heart rate; the eight independent leads are scaled copies of it and
ST shifts are added per lead from 20 ms after each R peak (full by 40 ms, inside the QRS, so the J point
carries the whole shift) to the end of the T wave.
"""

import base64
import binascii
import hashlib
import io
import struct
import tempfile
import zipfile
from pathlib import Path

import neurokit2 as nk
import numpy as np

from . import INDEPENDENT, LEADS, Recording, build

# Relative QRS-T amplitude per independent lead (a normal frontal axis, R-wave progression across V1–V6).
LEAD_GAINS = {"I": 0.6, "II": 1.0, "V1": -0.5, "V2": 0.4, "V3": 0.7, "V4": 1.1, "V5": 1.0, "V6": 0.8}


def synthesise(heart_rate: float = 70, *, duration: float = 10, sampling_rate: int = 500,
               st_mv: dict | None = None, seed: int = 0, noise: float = 0.0, t_angle: float = 100) -> Recording:
    """`t_angle`: the T wave's phase in ECGSYN's cycle (degrees; its default 100): a larger angle moves the T wave
    later, giving a long QT at any rate."""
    base = nk.ecg_simulate(duration=duration, sampling_rate=sampling_rate, heart_rate=heart_rate,
                           heart_rate_std=0.5, method="ecgsyn", random_state=seed, noise=0,
                           ti=(-70, -15, 0, 15, t_angle), bi=(0.25, 0.06, 0.08, 0.06, 0.4))
    base = base - np.median(base)
    _signals, info = nk.ecg_peaks(nk.ecg_clean(base, sampling_rate=sampling_rate), sampling_rate=sampling_rate)
    peaks = np.asarray(info["ECG_R_Peaks"], dtype=int)
    rng = np.random.default_rng(seed)
    leads = {}
    for name in INDEPENDENT:
        signal = base * LEAD_GAINS[name]
        if noise:
            signal = signal + rng.normal(0, noise, len(base))
        leads[name] = signal + st_shift(len(base), peaks, sampling_rate, (st_mv or {}).get(name, 0.0))
    return build(leads, sampling_rate, "synthetic")


def st_shift(length: int, peaks: np.ndarray, rate: float, amount: float) -> np.ndarray:
    shift = np.zeros(length)
    if not amount:
        return shift
    ms = rate / 1000
    rr = np.median(np.diff(peaks)) if len(peaks) > 1 else rate
    for r in peaks:
        start, full = int(r + 20 * ms), int(r + 40 * ms)
        end = int(r + min(380 * ms, 0.6 * rr))
        fade = int(end + 50 * ms)
        if full >= length:
            continue
        shift[start:full] = np.linspace(0, amount, full - start)
        shift[full:min(end, length)] = amount
        if end < length:
            shift[end:min(fade, length)] = np.linspace(amount, 0, fade - end)[:max(0, min(fade, length) - end)]
    return shift


def to_csv(rec: Recording, leads=LEADS) -> bytes:
    out = io.StringIO()
    out.write(f"# sampling_rate: {rec.sampling_rate:g}\n# units: mV\n{','.join(leads)}\n")
    np.savetxt(out, np.column_stack([rec.leads[name] for name in leads]), delimiter=",", fmt="%.4f")
    return out.getvalue().encode()


def to_wfdb_zip(rec: Recording, record_name: str = "ecg", leads=LEADS) -> bytes:
    import wfdb

    with tempfile.TemporaryDirectory() as tmp:
        signal = np.column_stack([rec.leads[name] for name in leads]).astype(np.float64)
        wfdb.wrsamp(record_name, fs=rec.sampling_rate, units=["mV"] * len(leads), sig_name=list(leads),
                    p_signal=signal, fmt=["16"] * len(leads), adc_gain=[1000.0] * len(leads),
                    baseline=[0] * len(leads), write_dir=tmp)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for path in sorted(Path(tmp).iterdir()):
                archive.write(path, path.name)
    return buffer.getvalue()


def to_dicom(rec: Recording) -> bytes:
    """A 12-lead ECG Waveform Storage object built on pydicom's own sample's attributes (its waveform replaced)."""
    import pydicom
    from pydicom.data import get_testdata_file
    from pydicom.uid import generate_uid

    ds = pydicom.dcmread(get_testdata_file("waveform_ecg.dcm"))
    samples = np.column_stack([rec.leads[name] for name in LEADS]) * 1000  # µV, 1 µV per bit
    ds.SOPInstanceUID = generate_uid(entropy_srcs=[hashlib.sha256(samples.tobytes()).hexdigest()])
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    group = ds.WaveformSequence[0]
    del ds.WaveformSequence[1:]
    group.SamplingFrequency = rec.sampling_rate
    group.NumberOfWaveformSamples = samples.shape[0]
    for channel in group.ChannelDefinitionSequence:
        channel.ChannelSensitivity = 1
        channel.ChannelSensitivityCorrectionFactor = 1
        channel.ChannelBaseline = 0
        channel.ChannelSensitivityUnitsSequence[0].CodeValue = "uV"
    group.WaveformData = np.clip(np.round(samples), -32768, 32767).astype("<i2").tobytes()
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)
    return out.getvalue()


def to_hl7_aecg(rec: Recording) -> bytes:
    step = 1.0 / rec.sampling_rate
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<AnnotatedECG xmlns="urn:hl7-org:v3" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
        '<code code="93000" codeSystem="2.16.840.1.113883.6.12"/><component><series>'
        '<code code="RHYTHM" codeSystem="2.16.840.1.113883.5.4"/><component><sequenceSet>',
        '<component><sequence><code code="TIME_ABSOLUTE" codeSystem="2.16.840.1.113883.5.4"/>'
        f'<value xsi:type="GLIST_TS"><head value="20260101080000.000"/><increment value="{step:.6f}" unit="s"/>'
        '</value></sequence></component>',
    ]
    for name in LEADS:
        digits = " ".join(str(v) for v in np.round(rec.leads[name] * 1000 / 2.5).astype(int))
        parts.append(f'<component><sequence><code code="MDC_ECG_LEAD_{name.upper() if name.startswith("a") else name}" '
                     'codeSystem="2.16.840.1.113883.6.24"/><value xsi:type="SLIST_PQ">'
                     f'<origin value="0" unit="uV"/><scale value="2.5" unit="uV"/><digits>{digits}</digits>'
                     '</value></sequence></component>')
    parts.append("</sequenceSet></component></series></component></AnnotatedECG>\n")
    return "".join(parts).encode()


def to_muse(rec: Recording) -> bytes:
    per_bit = 4.88
    parts = ['<?xml version="1.0" encoding="ISO-8859-1"?>\n<RestingECG><Waveform><WaveformType>Rhythm</WaveformType>'
             f'<SampleBase>{int(rec.sampling_rate)}</SampleBase><SampleExponent>0</SampleExponent>']
    for name in INDEPENDENT:
        raw = np.clip(np.round(rec.leads[name] * 1000 / per_bit), -32768, 32767).astype("<i2").tobytes()
        parts.append(f"<LeadData><LeadByteCountTotal>{len(raw)}</LeadByteCountTotal>"
                     f"<LeadSampleCountTotal>{len(raw) // 2}</LeadSampleCountTotal>"
                     f"<LeadAmplitudeUnitsPerBit>{per_bit}</LeadAmplitudeUnitsPerBit>"
                     f"<LeadAmplitudeUnits>MICROVOLTS</LeadAmplitudeUnits><LeadID>{name}</LeadID>"
                     f"<WaveFormData>{base64.b64encode(raw).decode()}</WaveFormData></LeadData>")
    parts.append("</Waveform></RestingECG>\n")
    return "".join(parts).encode()


# SCP-ECG lead codes (EN 1064 Section 3 table).
SCP_LEAD_CODES = {"I": 1, "II": 2, "V1": 3, "V2": 4, "V3": 5, "V4": 6, "V5": 7, "V6": 8, "III": 61, "aVR": 62,
                  "aVL": 63, "aVF": 64}


def _scp_section(sid: int, body: bytes) -> bytes:
    body += b"\0" * (len(body) % 2)  # sections have an even length
    rest = struct.pack("<HIBB", sid, 16 + len(body), 20, 20) + b"SCPECG" + body
    return struct.pack("<H", binascii.crc_hqx(rest, 0xFFFF)) + rest


def to_scp(rec: Recording, leads=LEADS) -> bytes:
    """An uncompressed SCP-ECG v2.0 record: Section 0 (pointers), 3 (leads) and 6 (rhythm data, 1 µV per count,
    no Huffman coding, no reference-beat subtraction) — what carts write when compression is off."""
    samples = [np.clip(np.round(rec.leads[name] * 1000), -32768, 32767).astype("<i2").tobytes() for name in leads]
    count = len(rec.leads["II"])
    section3 = struct.pack("<BB", len(leads), 0x04) + b"".join(
        struct.pack("<IIB", 1, count, SCP_LEAD_CODES[name]) for name in leads)
    section6 = (struct.pack("<HHBB", 1000, round(1_000_000 / rec.sampling_rate), 0, 0)
                + b"".join(struct.pack("<H", len(lead)) for lead in samples) + b"".join(samples))
    bodies = {3: _scp_section(3, section3), 6: _scp_section(6, section6)}
    section0_length = 16 + 10 * 12
    position, pointers = 7 + section0_length, [struct.pack("<HII", 0, section0_length, 7)]
    for sid in range(1, 12):
        if sid in bodies:
            pointers.append(struct.pack("<HII", sid, len(bodies[sid]), position))
            position += len(bodies[sid])
        else:
            pointers.append(struct.pack("<HII", sid, 0, 0))
    record = _scp_section(0, b"".join(pointers)) + bodies[3] + bodies[6]
    size = struct.pack("<I", 6 + len(record))
    return struct.pack("<H", binascii.crc_hqx(size + record, 0xFFFF)) + size + record


WRITERS = {"csv": to_csv, "wfdb": to_wfdb_zip, "dicom": to_dicom, "hl7_aecg": to_hl7_aecg, "muse": to_muse,
           "scp": to_scp}
