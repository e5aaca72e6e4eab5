"""Real DICOM for the demo and the tests: pydicom's own CT_small.dcm (a 128×128 CT slice shipped inside the
package) turned into a stack of slices of a new study for the given patient."""

import io
from functools import cache

import pydicom
from pydicom.data import get_testdata_file
from pydicom.uid import generate_uid


@cache
def _template() -> bytes:
    with open(get_testdata_file("CT_small.dcm"), "rb") as f:
        return f.read()


def ct_study(key: str, *, slices: int = 3, name: str = "", patient_id: str = "", birth_date: str = "",
             description: str = "CT HEAD") -> list[tuple[str, bytes]]:
    """`slices` files of one study; `key` makes the UIDs (the same key gives the same study)."""
    study_uid = generate_uid(entropy_srcs=[key, "study"])
    series_uid = generate_uid(entropy_srcs=[key, "series"])
    files = []
    for n in range(1, slices + 1):
        ds = pydicom.dcmread(io.BytesIO(_template()))
        ds.StudyInstanceUID, ds.SeriesInstanceUID = study_uid, series_uid
        ds.SOPInstanceUID = generate_uid(entropy_srcs=[key, "instance", str(n)])
        ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        ds.InstanceNumber = n
        ds.ImagePositionPatient = [-158.135803, -179.035797, -75.699997 + 5 * n]
        ds.SliceLocation = -75.699997 + 5 * n
        ds.SpecificCharacterSet = "ISO_IR 192"  # UTF-8: Chinese names as township modalities send them
        ds.PatientName, ds.PatientID, ds.PatientBirthDate = name, patient_id, birth_date
        ds.StudyDescription = description
        ds.SeriesDescription = description
        out = io.BytesIO()
        ds.save_as(out, enforce_file_format=True)
        files.append((f"slice{n:03d}.dcm", out.getvalue()))
    return files


def matching_study(resident, key: str | None = None, **kwargs) -> list[tuple[str, bytes]]:
    return ct_study(key or f"resident-{resident.pk}", name=resident.name, patient_id=resident.id_number or "",
                    birth_date=resident.birth_date.strftime("%Y%m%d"), **kwargs)


def zipped(files: list[tuple[str, bytes]], name: str = "study.zip") -> tuple[str, bytes]:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for member, data in files:
            archive.writestr(f"DICOM/{member}", data)
    return name, out.getvalue()
