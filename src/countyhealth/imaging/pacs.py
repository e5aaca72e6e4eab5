"""The Orthanc client (httpx). Orthanc stays on loopback behind authentication; only the server talks to it:
uploads over DICOMweb STOW-RS, arrival checked with QIDO-RS, Orthanc's own ids (for its web viewer) from its
REST API, the same-origin proxies (imaging/proxy.py, imaging/dicomweb_proxy.py) and the health check."""

import uuid

import httpx
from django.conf import settings

from . import dicomweb

DICOM_JSON = "application/dicom+json"


class PacsUnavailable(Exception):
    """Orthanc could not be reached or refused the request; the caller keeps the files and retries."""


def _client(timeout: float | None = None) -> httpx.Client:
    auth = (settings.ORTHANC_USERNAME, settings.ORTHANC_PASSWORD) if settings.ORTHANC_USERNAME else None
    return httpx.Client(base_url=settings.ORTHANC_URL.rstrip("/"), auth=auth,
                        timeout=timeout or settings.ORTHANC_TIMEOUT)


def client() -> httpx.Client:
    """A client for several requests (the caller closes it: `with pacs.client() as c`)."""
    return _client()


def dicomweb_path(path: str = "") -> str:
    """A path under the DICOMweb plugin's root (`"DicomWeb": {"Root": …}` in Orthanc's configuration)."""
    return "/" + settings.ORTHANC_DICOMWEB_ROOT.strip("/") + "/" + path.lstrip("/")


def _answer(response: httpx.Response, what: str):
    if response.status_code != 200:
        raise PacsUnavailable(f"Orthanc answered {response.status_code} to {what}: {response.text[:200]}")
    try:
        return response.json()
    except ValueError as error:
        raise PacsUnavailable(f"Orthanc's answer to {what} is not JSON") from error


def stow(files: list[bytes], *, http: httpx.Client) -> dicomweb.StowResult:
    """Store DICOM files with one STOW-RS request (multipart/related; type="application/dicom"). Storing an
    instance Orthanc already holds is answered as stored, so a retry after a lost reply is harmless."""
    boundary = uuid.uuid4().hex
    try:
        response = http.post(dicomweb_path("studies"), content=dicomweb.multipart(files, boundary),
                             headers={"Content-Type": f'multipart/related; type="application/dicom"; '
                                                      f"boundary={boundary}", "Accept": DICOM_JSON})
    except httpx.HTTPError as error:
        raise PacsUnavailable(f"{type(error).__name__}: {error}") from error
    # 200 all stored, 202 some refused, 409 none stored (PS3.18 §10.5.3): the body says which, in every case.
    if response.status_code not in {200, 202, 400, 409}:
        raise PacsUnavailable(f"Orthanc answered {response.status_code} to STOW-RS: {response.text[:200]}")
    try:
        return dicomweb.stow_result(response.json())
    except ValueError as error:
        raise PacsUnavailable(f"Orthanc answered {response.status_code} to STOW-RS without a DICOM JSON body") \
            from error


def qido_instances(study_uid: str, *, http: httpx.Client) -> dict[str, str]:
    """QIDO-RS: the instances the PACS holds in the study, {SOP Instance UID: Series Instance UID}."""
    try:
        response = http.get(dicomweb_path(f"studies/{study_uid}/instances"),
                            params={"includefield": "0020000E"}, headers={"Accept": DICOM_JSON})
    except httpx.HTTPError as error:
        raise PacsUnavailable(f"{type(error).__name__}: {error}") from error
    if response.status_code == 404:  # the study is not there at all
        return {}
    return {dicomweb.first(item, dicomweb.SOP_INSTANCE_UID): dicomweb.first(item, dicomweb.SERIES_INSTANCE_UID)
            for item in _answer(response, "QIDO-RS")}


def orthanc_ids(study_uid: str, *, patient_id: str, http: httpx.Client) -> dict[str, dict]:
    """Orthanc's own ids of the study's instances, {SOP Instance UID: {ID, ParentSeries, ParentStudy}}, from
    its REST API (DICOMweb knows only UIDs; Orthanc's web viewer addresses series and instances by id). Orthanc
    keeps one study per UID *and* patient ID: the one of this patient is chosen when the UID is not alone."""
    try:
        found = _answer(http.post("/tools/lookup", content=study_uid), "a lookup")
        studies = [_answer(http.get(f"/studies/{match['ID']}"), "a study")
                   for match in found if match.get("Type") == "Study"]
        if len(studies) > 1:
            studies = [s for s in studies
                       if s.get("PatientMainDicomTags", {}).get("PatientID", "").strip() == patient_id] or studies
        ids = {}
        for study in studies:
            for instance in _answer(http.get(f"/studies/{study['ID']}/instances"), "a study's instances"):
                ids[instance["MainDicomTags"]["SOPInstanceUID"]] = {
                    "ID": instance["ID"], "ParentSeries": instance["ParentSeries"], "ParentStudy": study["ID"]}
    except httpx.HTTPError as error:
        raise PacsUnavailable(f"{type(error).__name__}: {error}") from error
    return ids


def is_up() -> bool:
    try:
        with _client(timeout=2) as http:
            return http.get("/system").status_code == 200
    except httpx.HTTPError:
        return False
