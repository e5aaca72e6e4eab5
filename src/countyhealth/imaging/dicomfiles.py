"""Reading an upload: DICOM files or zips of them, validated with pydicom, and kept byte for byte on disk under
their SHA-256 before anything else happens (so an Orthanc outage loses nothing)."""

import hashlib
import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pydicom
from django.conf import settings
from django.utils.translation import gettext as _
from pydicom.errors import InvalidDicomError

from countyhealth.core.errors import ActionError

REQUIRED = ("StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID")


@dataclass(frozen=True)
class DicomFile:
    name: str
    data: bytes
    sha256: str
    study_instance_uid: str
    series_instance_uid: str
    sop_instance_uid: str
    instance_number: int | None
    modality: str
    study_description: str
    study_date: str
    patient_name: str
    patient_id: str
    patient_birth_date: str


def _text(ds, keyword: str) -> str:
    value = ds.get(keyword, "")
    return str(value).strip() if value is not None else ""


def parse(name: str, data: bytes) -> DicomFile:
    """One file. Not DICOM (no `DICM` preamble, unreadable header, or missing UIDs) → ActionError naming it."""
    try:
        ds = pydicom.dcmread(io.BytesIO(data), stop_before_pixels=True)
    except (InvalidDicomError, EOFError, ValueError, TypeError, KeyError, OSError) as error:
        raise ActionError(_("“%(name)s” is not a DICOM file (%(reason)s).") % {
            "name": name, "reason": type(error).__name__}, code="not_dicom", field="files") from error
    missing = [k for k in REQUIRED if not _text(ds, k)]
    if missing:
        raise ActionError(_("“%(name)s” lacks %(missing)s, so it is not a DICOM image.") % {
            "name": name, "missing": ", ".join(missing)}, code="not_dicom", field="files")
    number = ds.get("InstanceNumber")
    return DicomFile(
        name=name, data=data, sha256=hashlib.sha256(data).hexdigest(),
        study_instance_uid=_text(ds, "StudyInstanceUID"), series_instance_uid=_text(ds, "SeriesInstanceUID"),
        sop_instance_uid=_text(ds, "SOPInstanceUID"),
        instance_number=int(number) if number not in (None, "") else None,
        modality=_text(ds, "Modality")[:16], study_description=_text(ds, "StudyDescription")[:200],
        study_date=_text(ds, "StudyDate"), patient_name=_text(ds, "PatientName")[:200],
        patient_id=_text(ds, "PatientID")[:64], patient_birth_date=_text(ds, "PatientBirthDate"),
    )


def _limit() -> int:
    return settings.IMAGING_UPLOAD_MAX_MB * 1024 * 1024


def expand(uploads: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """Zips become their members (folders and DICOMDIR skipped); a zip bomb stops at the upload limit."""
    files, total = [], 0
    for name, data in uploads:
        if not zipfile.is_zipfile(io.BytesIO(data)):
            files.append((name, data))
            total += len(data)
            continue
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.infolist():
                base = os.path.basename(member.filename)
                if member.is_dir() or not base or base.upper() == "DICOMDIR" or base.startswith("."):
                    continue
                total += member.file_size
                if total > _limit():
                    break
                files.append((f"{name}/{member.filename}", archive.read(member)))
        if total > _limit():
            break
    if total > _limit():
        raise ActionError(_("The upload is larger than %(mb)s MB.") % {"mb": settings.IMAGING_UPLOAD_MAX_MB},
                          code="too_large", field="files")
    if not files:
        raise ActionError(_("Choose at least one DICOM file or a zip of them."), code="no_files", field="files")
    return files


def read_study(uploads: list[tuple[str, bytes]]) -> list[DicomFile]:
    """Every file parsed; all must belong to one study (one upload, one study, one report)."""
    parsed = [parse(name, data) for name, data in expand(uploads)]
    studies = {f.study_instance_uid for f in parsed}
    if len(studies) > 1:
        raise ActionError(_("The files belong to %(n)s different studies; upload one study at a time.") % {
            "n": len(studies)}, code="several_studies", field="files")
    unique = {f.sop_instance_uid: f for f in parsed}
    return list(unique.values())


def storage_root() -> Path:
    return settings.DATA_DIR / "imaging-files"


def path_for(sha256: str) -> Path:
    return storage_root() / sha256[:2] / f"{sha256}.dcm"


def keep(file: DicomFile) -> None:
    """Write the file unchanged (atomically: temp file then rename); the same content is written once."""
    path = path_for(file.sha256)
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(f".{os.getpid()}.tmp")
    temp.write_bytes(file.data)
    os.replace(temp, path)


def read_kept(sha256: str) -> bytes:
    data = path_for(sha256).read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise OSError(f"the kept file {sha256} does not match its checksum")
    return data
