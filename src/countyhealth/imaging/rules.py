"""Remote-imaging rules: the study's state machine, worklist order, claims, transfer backoff, and whether the
DICOM headers name the chosen resident. Pure functions and data."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from countyhealth.core.errors import Conflict

from .models import ImagingStudy

Status = ImagingStudy.Status

# The study's life: kept here → stored in Orthanc (in the worklist) → reported (amendments keep it reported).
TRANSITIONS = {
    Status.TRANSFERRING: {Status.AWAITING_READ},
    Status.AWAITING_READ: {Status.REPORTED},
    Status.REPORTED: set(),
}


def check_transition(current: str, target: str) -> None:
    if target not in TRANSITIONS.get(current, set()):
        raise Conflict(_("This study cannot go from “%(current)s” to “%(target)s”.") % {
            "current": Status(current).label, "target": Status(target).label}, code="invalid_transition")


# Urgent studies head the worklist (then the oldest first): 医学影像诊断中心管理规范 (国卫医发〔2016〕36号) asks for
# urgent (急诊) studies to be reported within 30 minutes and routine ones within the working day.
PRIORITY = {ImagingStudy.Urgency.URGENT: 10, ImagingStudy.Urgency.ROUTINE: 0}
REPORT_TARGET = {ImagingStudy.Urgency.URGENT: timedelta(minutes=30), ImagingStudy.Urgency.ROUTINE: timedelta(hours=24)}

# A claim lasts long enough to read a CT; after it expires another radiologist may take the study.
CLAIM_DURATION = timedelta(minutes=30)

# Transfer retries: 1, 2, 4 … minutes, capped at an hour. Nothing is dropped: the sweep keeps trying.
def next_retry_delay(attempts: int) -> timedelta:
    return timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


@dataclass(frozen=True)
class Mismatch:
    field: str  # "name", "patient_id" or "birth_date"
    in_files: str
    in_record: str

    @property
    def label(self) -> str:
        return str(MISMATCH_LABELS[self.field])


MISMATCH_LABELS = {"name": _("Patient name"), "patient_id": _("Patient ID"), "birth_date": _("Date of birth")}


def _letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", unicodedata.normalize("NFKD", text).lower())


def _name_matches(dicom_name: str, resident) -> bool:
    """DICOM PN is `Family^Given` in letters (pinyin, often), optionally `=ideographic` (GB 18030 names).
    Any component group that equals the resident's Chinese name or its toneless pinyin matches."""
    for group in dicom_name.split("="):
        plain = group.replace("^", "").replace(" ", "")
        if not plain:
            continue
        if plain == resident.name.replace(" ", ""):
            return True
        if _letters(plain) and _letters(plain) == _letters(resident.name_pinyin or ""):
            return True
    return False


def parse_da(value: str) -> date | None:
    value = (value or "").strip()
    if len(value) != 8 or not value.isdigit():
        return None
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None


def patient_mismatches(resident, *, patient_name: str, patient_id: str, birth_date: str) -> list[Mismatch]:
    """What in the DICOM headers does not agree with the chosen resident. Empty attributes are not checked
    (many township modalities leave them blank). A PatientID agrees when it is the resident's ID number or
    health record number."""
    found = []
    if patient_name.strip() and not _name_matches(patient_name, resident):
        found.append(Mismatch("name", patient_name, resident.name))
    if patient_id.strip() and patient_id.strip() not in {resident.id_number, resident.record_number} - {None, ""}:
        found.append(Mismatch("patient_id", patient_id, resident.id_number or resident.record_number or ""))
    if birth_date.strip():
        parsed = parse_da(birth_date)
        if parsed != resident.birth_date:
            found.append(Mismatch("birth_date", birth_date, resident.birth_date.strftime("%Y%m%d")))
    return found
