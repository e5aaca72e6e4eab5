"""DICOMweb pieces that need no network: the STOW-RS request body, reading its DICOM JSON answer
(PS3.18 §10.5, PS3.18 Annex F), and grouping files into requests of bounded size."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

PATIENT_ID = "00100020"
SOP_INSTANCE_UID = "00080018"
SERIES_INSTANCE_UID = "0020000E"
FAILED_SOP_SEQUENCE = "00081198"
REFERENCED_SOP_SEQUENCE = "00081199"
REFERENCED_SOP_INSTANCE_UID = "00081155"
FAILURE_REASON = "00081197"

# One STOW-RS request carries at most this much: a 500-slice CT goes in a few requests, never all in memory.
BATCH_BYTES = 16 * 1024 * 1024
BATCH_FILES = 100


@dataclass(frozen=True)
class StowResult:
    stored: frozenset[str]  # SOP Instance UIDs the PACS referenced as stored (or already held)
    failed: dict[str, str]  # SOP Instance UID (or "" when the PACS could not read it) → failure reason code


def multipart(files: Iterable[bytes], boundary: str) -> bytes:
    """The body of `multipart/related; type="application/dicom"`: one part per file, unchanged."""
    head = f"--{boundary}\r\nContent-Type: application/dicom\r\n\r\n".encode()
    return b"".join(head + data + b"\r\n" for data in files) + f"--{boundary}--\r\n".encode()


def first(item: dict, tag: str) -> str:
    """The first value of a tag in a DICOM JSON object ("" when absent or empty)."""
    values = (item.get(tag) or {}).get("Value") or [""]
    return str(values[0])


def stow_result(answer: dict) -> StowResult:
    stored = frozenset(first(ref, REFERENCED_SOP_INSTANCE_UID)
                       for ref in (answer.get(REFERENCED_SOP_SEQUENCE) or {}).get("Value") or [])
    failed = {first(ref, REFERENCED_SOP_INSTANCE_UID): first(ref, FAILURE_REASON)
              for ref in (answer.get(FAILED_SOP_SEQUENCE) or {}).get("Value") or []}
    return StowResult(stored=stored - {""}, failed=failed)


def batches(items: list, size_of, *, max_bytes: int = BATCH_BYTES, max_files: int = BATCH_FILES) -> Iterator[list]:
    """Consecutive groups of at most max_files items and max_bytes (a single larger file goes alone)."""
    batch, total = [], 0
    for item in items:
        size = size_of(item)
        if batch and (total + size > max_bytes or len(batch) >= max_files):
            yield batch
            batch, total = [], 0
        batch.append(item)
        total += size
    if batch:
        yield batch
