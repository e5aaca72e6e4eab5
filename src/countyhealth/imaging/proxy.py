"""The same-origin proxy to Orthanc (architecture §8). The browser never reaches Orthanc: it asks
/imaging/pacs/…, the platform checks that the Orthanc series or instance named in the path belongs to a study
the user may see (else 404, and the attempt audited), adds Orthanc's credentials and streams the reply.
Every request touching images writes an access-log row for the resident.

What is served is exactly what Orthanc's own viewer (the orthanc-webviewer plugin, 2.x) needs — its static
files, `series/{id}`, `is-stable-series/{id}`, `instances/{compression}-{instance}_{frame}` — plus each
instance's file (the viewer's download button) and preview PNG."""

import re

import httpx
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET

from countyhealth.accounts.access import get_visible_or_404
from countyhealth.audit import log as audit

from . import pacs
from .models import ImagingStudy

STATIC = re.compile(r"^web-viewer/(app|libs)/[\w./-]+$")
SERIES = re.compile(r"^web-viewer/(series|is-stable-series)/(?P<series>[0-9a-f-]{44})$")
FRAME = re.compile(r"^web-viewer/instances/[a-z0-9]+-(?P<instance>[0-9a-f-]{44})_\d+$")
INSTANCE = re.compile(r"^instances/(?P<instance>[0-9a-f-]{44})/(file|preview)$")
PASSED_HEADERS = ("Content-Type", "Content-Length", "Content-Disposition", "Cache-Control", "ETag",
                  "Last-Modified")


def _authorise(user, path: str) -> int | None:
    """The resident whose images the path reaches (None for the viewer's static files); 404 if not allowed."""
    if STATIC.match(path) and ".." not in path:
        return None
    if match := SERIES.match(path):
        lookup = {"instances__orthanc_series_id": match["series"]}
    elif match := (FRAME.match(path) or INSTANCE.match(path)):
        lookup = {"instances__orthanc_instance_id": match["instance"]}
    else:
        raise Http404
    study = get_visible_or_404(ImagingStudy.objects, user, what="imaging.pacs", **lookup)
    return study.resident_id


def stream(path: str, query: str, headers: dict | None = None):
    """GET the Orthanc path; (response, body iterator that closes the connection), or None if unreachable."""
    http = pacs.client()
    try:
        response = http.send(http.build_request("GET", "/" + path.lstrip("/") + (f"?{query}" if query else ""),
                                                headers=headers), stream=True)
    except httpx.HTTPError:
        http.close()
        return None

    def body():
        try:
            yield from response.iter_bytes()
        finally:
            response.close()
            http.close()

    return response, body()


@require_GET
@login_required
def pacs_proxy(request, path: str):
    resident_id = _authorise(request.user, path)
    if resident_id is not None:
        audit.record_access(request.user, [resident_id], "imaging.pacs." + path.split("/")[-2 if
                            path.startswith("instances/") else 1])
    streamed = stream(path, request.META.get("QUERY_STRING", ""))
    if streamed is None:
        return HttpResponse(status=502, content_type="text/plain")
    upstream, body = streamed
    if upstream.status_code == 404:
        for _chunk in body:  # drains and closes the connection
            pass
        raise Http404
    reply = StreamingHttpResponse(body, status=upstream.status_code if upstream.status_code < 500 else 502)
    for name in PASSED_HEADERS:
        if name in upstream.headers and name != "Content-Length":
            reply[name] = upstream.headers[name]
    if resident_id is not None:
        reply["Cache-Control"] = "private, no-store"
    return reply
