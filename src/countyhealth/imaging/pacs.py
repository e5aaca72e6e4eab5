"""The Orthanc REST client (httpx). Orthanc stays on loopback behind authentication; only the server talks to
it: uploads (`POST /instances`), the viewer proxy (imaging/proxy.py) and the health check."""

import httpx
from django.conf import settings


class PacsUnavailable(Exception):
    """Orthanc could not be reached or refused the request; the caller keeps the files and retries."""


def _client(timeout: float | None = None) -> httpx.Client:
    auth = (settings.ORTHANC_USERNAME, settings.ORTHANC_PASSWORD) if settings.ORTHANC_USERNAME else None
    return httpx.Client(base_url=settings.ORTHANC_URL.rstrip("/"), auth=auth,
                        timeout=timeout or settings.ORTHANC_TIMEOUT)


def client() -> httpx.Client:
    """A client for several requests (the caller closes it: `with pacs.client() as c`)."""
    return _client()


def store_instance(data: bytes, *, http: httpx.Client | None = None) -> dict:
    """Store one DICOM file; returns Orthanc's answer (ID, ParentSeries, ParentStudy, Status). Storing the same
    instance again answers "AlreadyStored", so a retry after a lost reply is harmless."""
    own = http is None
    http = http or _client()
    try:
        response = http.post("/instances", content=data, headers={"Content-Type": "application/dicom"})
    except httpx.HTTPError as error:
        raise PacsUnavailable(f"{type(error).__name__}: {error}") from error
    finally:
        if own:
            http.close()
    if response.status_code != 200:
        raise PacsUnavailable(f"Orthanc answered {response.status_code}: {response.text[:200]}")
    answer = response.json()
    if answer.get("Status") not in {"Success", "AlreadyStored"}:
        raise PacsUnavailable(f"Orthanc did not store the instance: {answer}")
    return answer


def is_up() -> bool:
    try:
        with _client(timeout=2) as http:
            return http.get("/system").status_code == 200
    except httpx.HTTPError:
        return False
