"""WFDB records (.hea header + signal files) through the wfdb package. Uploaded as a zip of the record's files,
or as the separate files, which the upload bundles into a zip before storing."""

import io
import tempfile
import zipfile
from pathlib import Path

import wfdb
from django.utils.translation import gettext_lazy as _

from . import DecodeError, Recording, build, lead_name

_TO_MV = {"mV": 1.0, "uV": 0.001, "µV": 0.001, "V": 1000.0}
MAX_MEMBERS = 20


def read_zip(data: bytes) -> Recording:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > 200 * 1024 * 1024:
            raise DecodeError(_("The zip archive holds too many or too large files for one ECG record."))
        headers = [m for m in members if m.filename.lower().endswith(".hea")]
        if len(headers) != 1:
            raise DecodeError(_("A WFDB upload needs exactly one .hea header with its signal file."),
                              code="ecg_wfdb_files")
        with tempfile.TemporaryDirectory() as tmp:
            for member in members:
                # Flatten paths: a member name never chooses where it is written.
                (Path(tmp) / Path(member.filename).name).write_bytes(archive.read(member))
            record_name = Path(headers[0].filename).name[:-4]
            return read_record(str(Path(tmp) / record_name))


def read_record(path: str) -> Recording:
    record = wfdb.rdrecord(path, physical=True)
    if record.p_signal is None or record.n_sig == 0:
        raise DecodeError(_("The WFDB record holds no signal."), code="ecg_no_waveform")
    if record.p_signal.shape[0] < record.sig_len:
        raise DecodeError(_("The waveform is truncated."), code="ecg_truncated")
    leads = {}
    for index, (raw, unit) in enumerate(zip(record.sig_name, record.units, strict=True)):
        name = lead_name(raw)
        if name is not None:
            leads[name] = record.p_signal[:, index] * _TO_MV.get(unit, 1.0)
    return build(leads, record.fs, "wfdb")
