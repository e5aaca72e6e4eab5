"""The same-origin DICOMweb proxy (architecture §8): /imaging/dicom-web/… → Orthanc's DICOMweb plugin. Orthanc
sends no CORS headers and stays on loopback, so a browser viewer reads QIDO-RS and WADO-RS here. Every request
names a Study Instance UID (in the path, or as the one `StudyInstanceUID` of a study search); the platform
serves it only if the user may see a study with that UID — and the series and instance in the path belong to
that study — else 404 and the attempt audited. Each answer writes an access-log row for the resident.

Not an open relay: only the read paths a viewer needs (PS3.18 §10.4 WADO-RS metadata, instance, frames,
bulk data and rendered; §10.6 QIDO-RS within a study), GET only, with a fixed list of query parameters. No
STOW, no whole-study or whole-series download, no search across studies. The URLs Orthanc writes into its
JSON answers (RetrieveURL, BulkDataURI) are rewritten to this proxy's, so a viewer never learns Orthanc's."""

import json
import re

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, QueryDict, StreamingHttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from countyhealth.accounts.access import get_visible_or_404
from countyhealth.audit import log as audit

from . import dicomweb, pacs
from .models import ImagingStudy
from .proxy import stream

UID = r"[0-9][0-9.]{0,63}"
STUDY = rf"studies/(?P<study>{UID})"
SERIES = rf"{STUDY}/series/(?P<series>{UID})"
INSTANCE = rf"{SERIES}/instances/(?P<instance>{UID})"
ROUTES = [(kind, re.compile(pattern)) for kind, pattern in (
    ("qido", rf"{STUDY}/series"),
    ("qido", rf"{STUDY}/instances"),
    ("qido", rf"{SERIES}/instances"),
    ("metadata", rf"{STUDY}/metadata"),
    ("metadata", rf"{SERIES}/metadata"),
    ("metadata", rf"{INSTANCE}/metadata"),
    ("instance", INSTANCE),
    ("frames", rf"{INSTANCE}/frames/\d{{1,5}}(,\d{{1,5}}){{0,99}}"),
    ("rendered", rf"{INSTANCE}(/frames/\d{{1,5}})?/rendered"),
    ("bulk", rf"{INSTANCE}/bulk/[0-9A-Fa-f]{{8}}(/\d{{1,5}}/[0-9A-Fa-f]{{8}}){{0,8}}"),
)]
QIDO_KEYS = {"includefield", "limit", "offset", "fuzzymatching", "SeriesInstanceUID", "0020000E",
             "SOPInstanceUID", "00080018", "SOPClassUID", "00080016", "Modality", "00080060", "SeriesNumber",
             "00200011", "InstanceNumber", "00200013"}
QUERY_KEYS = {"qido": QIDO_KEYS, "rendered": {"quality", "viewport", "window"}}
JSON_TYPES = ("application/dicom+json", "application/json")
PASSED_HEADERS = ("Content-Type", "Content-Disposition", "ETag", "Last-Modified")


def _route(path: str, query: QueryDict) -> tuple[str, dict, QueryDict]:
    """(kind, the UIDs in the request, the query passed on); 404 for anything a viewer does not need."""
    if path == "studies":  # a study search is allowed only for one named study
        uids = query.getlist("StudyInstanceUID") or query.getlist("0020000D")
        if len(uids) != 1 or not re.fullmatch(UID, uids[0]):
            raise Http404
        passed = _keep(query, {"includefield", "limit", "offset"})
        passed["StudyInstanceUID"] = uids[0]
        return "qido", {"study": uids[0], "series": None, "instance": None}, passed
    for kind, pattern in ROUTES:
        if match := pattern.fullmatch(path):
            uids = {name: match.groupdict().get(name) for name in ("study", "series", "instance")}
            return kind, uids, _keep(query, QUERY_KEYS.get(kind, set()))
    raise Http404


def _keep(query: QueryDict, keys: set[str]) -> QueryDict:
    passed = QueryDict(mutable=True)
    for key in keys & set(query):
        passed.setlist(key, query.getlist(key))
    return passed


def _authorise(user, uids: dict) -> ImagingStudy:
    lookup = {"study_instance_uid": uids["study"]}
    if uids["series"]:
        lookup["instances__series_instance_uid"] = uids["series"]
    if uids["instance"]:
        lookup["instances__sop_instance_uid"] = uids["instance"]
    return get_visible_or_404(ImagingStudy.objects.only("pk", "resident_id", "dicom_patient_id"), user, what="imaging.dicomweb",
                              **lookup)


def _only_this_study(body: bytes, study: ImagingStudy) -> bytes:
    """Orthanc keeps one study per UID *and* patient ID, but DICOMweb addresses by UID alone: should another
    resident's files carry the same Study Instance UID, their items are dropped from the answer."""
    try:
        items = json.loads(body)
    except ValueError:
        return body
    if not isinstance(items, list):
        return body
    rows = list(study.instances.values_list("sop_instance_uid", "series_instance_uid"))
    sops, series = {sop for sop, _ in rows}, {se for _, se in rows}

    def ours(item: dict) -> bool:
        if dicomweb.SOP_INSTANCE_UID in item:
            return dicomweb.first(item, dicomweb.SOP_INSTANCE_UID) in sops
        if dicomweb.SERIES_INSTANCE_UID in item:
            return dicomweb.first(item, dicomweb.SERIES_INSTANCE_UID) in series
        return dicomweb.first(item, dicomweb.PATIENT_ID) in {"", study.dicom_patient_id}

    kept = [item for item in items if isinstance(item, dict) and ours(item)]
    return body if len(kept) == len(items) else json.dumps(kept).encode()


def _rewrite_urls(body: bytes, request) -> bytes:
    """Orthanc's own base URL (whatever host it believes it has) → this proxy's."""
    ours = request.build_absolute_uri(reverse("imaging:dicomweb", args=["studies"]))[:-len("studies")]
    theirs = re.compile(rb'https?://[^"\s/]+' + re.escape(pacs.dicomweb_path().encode()))
    return theirs.sub(ours.encode(), body)


@require_GET
@login_required
def dicomweb_proxy(request, path: str):
    kind, uids, query = _route(path, request.GET)
    study = _authorise(request.user, uids)
    audit.record_access(request.user, [study.resident_id], f"imaging.dicomweb.{kind}")
    # A rendered image goes to an <img>: Orthanc's default (JPEG) suits it better than the browser's Accept.
    accept = request.headers.get("Accept") if kind != "rendered" else None
    streamed = stream(pacs.dicomweb_path(path), query.urlencode(), headers={"Accept": accept} if accept else None)
    if streamed is None:
        return HttpResponse(status=502, content_type="text/plain")
    upstream, body = streamed
    content_type = upstream.headers.get("Content-Type", "")
    status = upstream.status_code if upstream.status_code < 500 else 502
    if upstream.status_code == 404 or content_type.startswith(JSON_TYPES):
        data = b"".join(body)  # drains and closes the connection
        if upstream.status_code == 404:
            raise Http404
        reply = HttpResponse(_rewrite_urls(_only_this_study(data, study), request), status=status)
    else:
        reply = StreamingHttpResponse(body, status=status)
    for name in PASSED_HEADERS:
        if name in upstream.headers:
            reply[name] = upstream.headers[name]
    reply["Cache-Control"] = "private, no-store"
    return reply
