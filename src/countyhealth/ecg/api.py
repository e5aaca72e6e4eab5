"""/api/ecg/: upload (multipart), worklist, claim, report, sign, amend, green channel, turnaround — the same
actions and scope as the pages."""

from datetime import datetime, timedelta

from django.utils import timezone
from ninja import File, Form, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from countyhealth.accounts.access import get_visible_or_404
from countyhealth.audit import log as audit
from countyhealth.core.pagination import paginate
from countyhealth.residents.models import Resident

from . import actions, queries
from .models import Ecg
from .schemas import AmendIn, EcgOut, GreenChannelIn, GreenChannelOut, ReportIn, ReportOut, UploadOut

router = Router(tags=["ecg"])


def _ecg(request, ecg_id: int) -> Ecg:
    return get_visible_or_404(Ecg.objects, request.user, what="ecg.ecg", pk=ecg_id)


@router.post("/uploads", response={200: UploadOut, 201: UploadOut}, summary="Upload an ECG (multipart)")
def upload(request, resident_id: Form[int], file: File[UploadedFile], file2: File[UploadedFile] | None = None,
           symptoms: Form[str] = "", chest_pain: Form[bool] = False, chest_pain_onset: Form[datetime | None] = None,
           requested_urgency: Form[str] = "routine"):
    get_visible_or_404(Resident.objects, request.user, what="ecg.resident", pk=resident_id)
    files = [(f.name, f.read()) for f in (file, file2) if f is not None]
    ecg, created = actions.do_upload_ecg(acting_user=request.user, resident_id=resident_id, files=files,
                                         symptoms=symptoms, chest_pain=chest_pain, chest_pain_onset=chest_pain_onset,
                                         requested_urgency=requested_urgency)
    return Status(201 if created else 200, {"created": created, "ecg": ecg})


@router.get("/worklist", response=list[EcgOut], summary="Unreported ECGs, urgent first then oldest")
def worklist(request, page: int = 1):
    rows = paginate(queries.worklist(request.user), page, size=50).items
    audit.record_access(request.user, [e.resident_id for e in rows], "ecg.api.worklist")
    return rows


@router.get("/ecgs/{ecg_id}", response=EcgOut, summary="One ECG with its pre-analysis")
def get_ecg(request, ecg_id: int):
    ecg = _ecg(request, ecg_id)
    audit.record_access(request.user, [ecg.resident_id], "ecg.api.ecg")
    return ecg


@router.post("/ecgs/{ecg_id}/claim", response=EcgOut, summary="Claim an ECG for reading")
def claim(request, ecg_id: int):
    _ecg(request, ecg_id)
    return actions.do_claim_ecg(acting_user=request.user, ecg_id=ecg_id)


@router.get("/ecgs/{ecg_id}/reports", response=list[ReportOut], summary="Signed report versions, newest first")
def reports(request, ecg_id: int):
    ecg = _ecg(request, ecg_id)
    audit.record_access(request.user, [ecg.resident_id], "ecg.api.reports")
    return list(ecg.reports.order_by("-version"))


@router.post("/ecgs/{ecg_id}/sign", response={201: ReportOut}, summary="Sign the report (immutable)")
def sign(request, ecg_id: int, payload: ReportIn):
    _ecg(request, ecg_id)
    return Status(201, actions.do_sign_report(acting_user=request.user, ecg_id=ecg_id, findings=payload.dict()))


@router.post("/ecgs/{ecg_id}/amend", response={201: ReportOut}, summary="Amend a signed report (new version)")
def amend(request, ecg_id: int, payload: AmendIn):
    _ecg(request, ecg_id)
    data = payload.dict()
    reason = data.pop("reason")
    return Status(201, actions.do_amend_report(acting_user=request.user, ecg_id=ecg_id, findings=data, reason=reason))


@router.post("/ecgs/{ecg_id}/green-channel", response={201: GreenChannelOut}, summary="Start the green channel")
def green_channel(request, ecg_id: int, payload: GreenChannelIn):
    _ecg(request, ecg_id)
    referral = actions.do_start_green_channel(acting_user=request.user, ecg_id=ecg_id, reason=payload.reason)
    ecg = Ecg.objects.get(pk=ecg_id)
    return Status(201, {"referral_id": referral.pk, "transfer_decided_at": ecg.transfer_decided_at})


@router.get("/turnaround", summary="Volumes and upload-to-report minutes by township and urgency")
def turnaround(request):
    """The last 90 days (the dashboard's period)."""
    return queries.turnaround(request.user, since=timezone.now() - timedelta(days=90))
