"""Every accepted format decodes to the same leads; bad files give clear errors."""

import io
import zipfile

import numpy as np
import pytest
from django.test import override_settings
from pydicom.data import get_testdata_file

from countyhealth.ecg.formats import LEADS, DecodeError, decode, writers

from .factories import recording


@pytest.mark.parametrize("fmt", sorted(writers.WRITERS))
def test_round_trip_every_format(fmt):
    source = recording(72, (("V2", 0.3),))
    decoded = decode(writers.WRITERS[fmt](source))
    assert decoded.sampling_rate == 500 and abs(decoded.duration - 10) < 0.01
    assert list(decoded.leads) == list(LEADS)
    for lead in LEADS:
        assert np.max(np.abs(decoded.leads[lead] - source.leads[lead])) < 0.01, lead


def test_pydicom_real_ecg():
    rec = decode(open(get_testdata_file("waveform_ecg.dcm"), "rb").read())
    assert rec.source_format == "dicom" and rec.sampling_rate == 1000 and rec.duration == 10
    assert 0.01 < float(np.ptp(rec.leads["II"])) < 5  # millivolts, not microvolts


def test_wfdb_as_two_files_is_bundled():
    from countyhealth.ecg.formats import bundle

    archive = zipfile.ZipFile(io.BytesIO(writers.to_wfdb_zip(recording())))
    data, name = bundle([(n, archive.read(n)) for n in archive.namelist()])
    assert name.endswith(".zip") and decode(data).source_format == "wfdb"


def err(data):
    with pytest.raises(DecodeError) as info:
        decode(data)
    return info.value.code


def test_bad_inputs():
    good = writers.to_dicom(recording())
    assert err(b"") == "ecg_empty"
    assert err(good[: len(good) // 2]) in {"ecg_truncated", "ecg_unreadable"}
    non_ecg = open(get_testdata_file("CT_small.dcm"), "rb").read()
    assert err(non_ecg) == "ecg_not_ecg_dicom"
    csv = writers.to_csv(recording(), leads=("I", "II", "V1", "V2"))
    assert err(csv) == "ecg_lead_count"
    absurd = writers.to_csv(recording()).replace(b"sampling_rate: 500", b"sampling_rate: 5")
    assert err(absurd) == "ecg_sampling_rate"
    assert err(b"\x00\x01garbage\xff" * 10) == "ecg_unknown_format"
    muse = writers.to_muse(recording())
    assert err(muse[: len(muse) - 5000]) == "ecg_truncated"
    assert err(b"<?xml version='1.0'?><Other/>") == "ecg_unknown_format"
    scp = writers.to_scp(recording())
    assert err(scp[: len(scp) // 2]) == "ecg_unreadable"  # the record declares more bytes than it has
    assert err(writers.to_scp(recording(), leads=("I", "II", "V1", "V2"))) == "ecg_lead_count"


@override_settings(ECG_MAX_UPLOAD_BYTES=1000)
def test_oversize():
    assert err(b"x" * 1001) == "ecg_too_large"
