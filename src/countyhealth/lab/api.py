"""/api/lab/: HL7 ORU^R01 in, results, critical values and result recognition, through the same actions and
scope as the pages."""

from django.http import HttpResponse
from ninja import File, Router, UploadedFile
from ninja.responses import Status

from countyhealth.accounts.access import get_visible_or_404
from countyhealth.audit import log as audit
from countyhealth.core.pagination import paginate
from countyhealth.residents.models import Resident

from . import actions, entry, hl7in, ingest, queries
from .models import CriticalAlert, LabReport, LabResult
from .schemas import (
    AcknowledgeIn,
    AlertDetailOut,
    AlertOut,
    OrderIn,
    OrderOut,
    ReportOut,
    ResultEntryIn,
    ResultOut,
    UploadOut,
)

router = Router(tags=["lab"])

HL7_BODY = {"requestBody": {"required": True, "content": {"x-application/hl7-v2+er7": {"schema": {"type": "string"}},
                                                             "text/plain": {"schema": {"type": "string"}}}}}


@router.post("/hl7", summary="Receive HL7 v2 ORU^R01 results (one message or a batch); answers the ACK(s)",
             openapi_extra=HL7_BODY, response={200: str, 400: str})
def hl7_in(request):
    """The body is ER7 text: one message, or a batch (FHS/BHS … BTS/FTS, or several MSH-led messages).
    One message: AA → 200; AE/AR → 400 with the acknowledgement, MSA-3 giving the reason. A batch → 200 with a
    batch of acknowledgements, one per message in order (each AA, AE or AR); a bad message never affects its
    neighbours. A message already accepted (same sender and MSH-10) is answered AA again and not stored twice."""
    raw = request.body.decode("utf-8", errors="replace")
    content_type = "x-application/hl7-v2+er7; charset=utf-8"
    batch = hl7in.split_batch(raw)
    if batch is not None:
        outcomes = ingest.do_ingest_hl7_batch(acting_user=request.user, raws=batch)
        text = hl7in.batch_ack([o.ack for o in outcomes], file=hl7in.normalise_text(raw).startswith("FHS"))
        return HttpResponse(text, status=200, content_type=content_type)
    outcome = ingest.do_ingest_hl7(acting_user=request.user, raw=raw)
    return HttpResponse(outcome.ack, status=200 if outcome.accepted else 400, content_type=content_type)


@router.get("/residents/{resident_id}/results", response=list[ResultOut], summary="A resident's lab results")
def resident_results(request, resident_id: int, test: str | None = None, page: int = 1):
    resident = get_visible_or_404(Resident.objects, request.user, what="lab.resident", pk=resident_id)
    audit.record_access(request.user, [resident.pk], "lab.api.results")
    qs = LabResult.objects.filter(resident=resident).order_by("-specimen_at", "id")
    if test:
        qs = qs.filter(test_code=test)
    return paginate(qs, page, size=100).items


@router.get("/reports/{report_id}", response=ReportOut, summary="One lab report with its results")
def report(request, report_id: int):
    found = get_visible_or_404(LabReport.objects, request.user, what="lab.report", pk=report_id)
    audit.record_access(request.user, [found.resident_id], "lab.api.report")
    return found


@router.get("/critical-alerts", response=list[AlertOut], summary="Critical values the user may see (open first)")
def alerts(request, status: str = "open", page: int = 1):
    rows = paginate(queries.worklist(request.user, status="open" if status == "open" else "closed"), page, 50).items
    audit.record_access(request.user, [a.resident_id for a in rows], "lab.api.critical_values")
    return rows


@router.get("/critical-alerts/{alert_id}", response=AlertDetailOut, summary="One critical value with its history")
def alert(request, alert_id: int):
    found = get_visible_or_404(CriticalAlert.objects, request.user, what="lab.critical_value", pk=alert_id)
    audit.record_access(request.user, [found.resident_id], "lab.api.critical_value")
    return found


@router.post("/critical-alerts/{alert_id}/acknowledge", response=AlertDetailOut,
             summary="Acknowledge a critical value with a read-back of the value and the action taken")
def acknowledge(request, alert_id: int, payload: AcknowledgeIn):
    get_visible_or_404(CriticalAlert.objects, request.user, what="lab.critical_value", pk=alert_id)
    return actions.do_acknowledge_alert(acting_user=request.user, alert_id=alert_id, **payload.dict())


@router.get("/residents/{resident_id}/recognisable", response=list[ResultOut],
            summary="Results of a test the resident had recently at a recognised institution (互认)")
def recognisable(request, resident_id: int, test: str):
    resident = get_visible_or_404(Resident.objects, request.user, what="lab.resident", pk=resident_id)
    audit.record_access(request.user, [resident.pk], "lab.api.recognisable")
    return queries.recognisable_results(resident.pk, test)


@router.post("/orders", response={201: OrderOut}, summary="Order a test, or accept a recognisable result instead")
def place_order(request, payload: OrderIn):
    get_visible_or_404(Resident.objects, request.user, what="lab.resident", pk=payload.resident_id)
    return Status(201, actions.do_place_order(acting_user=request.user, **payload.dict()))


@router.post("/residents/{resident_id}/results", response={201: ReportOut},
             summary="Enter a report of results for a resident (same checks and critical-value alerts as HL7)")
def enter_results(request, resident_id: int, payload: ResultEntryIn):
    get_visible_or_404(Resident.objects, request.user, what="lab.resident", pk=resident_id)
    report = entry.do_enter_results(
        acting_user=request.user, resident_id=resident_id, specimen_at=payload.specimen_at,
        rows=[(r.test_code, r.value, r.unit) for r in payload.results], report_number=payload.report_number,
        qc_status=payload.qc_status)
    return Status(201, report)


@router.post("/uploads", response={201: UploadOut, 200: UploadOut},
             summary="Upload a CSV file of results (README: Lab results as CSV); 200 when the same file came before")
def upload_results(request, file: File[UploadedFile]):
    upload, new = entry.do_upload_results_csv(acting_user=request.user, content=file.read(), filename=file.name)
    return Status(201 if new else 200, {"id": upload.pk, "rows": upload.rows, "filename": upload.filename,
                                        "uploaded_at": upload.uploaded_at, "new": new})
