"""/api/imaging/ operations: the same actions and scope as the pages."""

from django.urls import reverse
from ninja import File, Form, Router, UploadedFile
from ninja.responses import Status

from countyhealth.accounts.access import get_visible_or_404
from countyhealth.audit import log as audit
from countyhealth.core.pagination import paginate
from countyhealth.residents.models import Resident

from . import actions, queries
from .models import ImagingStudy
from .schemas import AmendIn, ReportIn, ReportOut, StudyDetailOut, StudyOut, UploadOut

router = Router(tags=["imaging"])


def _study(request, study_id: int) -> ImagingStudy:
    return get_visible_or_404(ImagingStudy.objects, request.user, what="imaging.study", pk=study_id)


@router.post("/studies", response={200: UploadOut, 201: UploadOut},
             summary="Upload a study (DICOM files or a zip) for a resident")
def upload(request, resident_id: Form[int], clinical_question: Form[str], files: File[list[UploadedFile]],
           urgency: Form[str] = "routine", confirm_mismatch: Form[bool] = False):
    get_visible_or_404(Resident.objects, request.user, what="imaging.resident", pk=resident_id)
    study, created = actions.do_upload_study(
        acting_user=request.user, resident_id=resident_id, uploads=[(f.name, f.read()) for f in files],
        clinical_question=clinical_question, urgency=urgency, confirm_mismatch=confirm_mismatch)
    study.refresh_from_db()
    return Status(201 if created else 200, {"created": created, "study": study})


@router.get("/worklist", response=list[StudyOut], summary="The radiologist's worklist (urgent first, then oldest)")
def worklist(request, show: str = "open", page: int = 1):
    rows = paginate(queries.worklist(request.user, show=show), page).items
    audit.record_access(request.user, [s.resident_id for s in rows], "imaging.api.worklist")
    return rows


@router.get("/studies", response=list[StudyOut], summary="Studies sent by the user's institution")
def sent(request, page: int = 1):
    rows = paginate(queries.sent_by(request.user), page).items
    audit.record_access(request.user, [s.resident_id for s in rows], "imaging.api.studies")
    return rows


@router.get("/residents/{resident_id}/studies", response=list[StudyOut], summary="A resident's imaging studies")
def resident_studies(request, resident_id: int, page: int = 1):
    resident = get_visible_or_404(Resident.objects, request.user, what="imaging.resident", pk=resident_id)
    audit.record_access(request.user, [resident.pk], "imaging.api.resident_studies")
    return paginate(queries.for_resident(request.user, resident), page).items


@router.get("/studies/{study_id}", response=StudyDetailOut, summary="One study with its series and reports")
def study_detail(request, study_id: int):
    study = _study(request, study_id)
    audit.record_access(request.user, [study.resident_id], "imaging.api.study")
    viewer = reverse("imaging:pacs", args=["web-viewer/app/viewer.html"])
    series = [dict(s, viewer_url=f"{viewer}?series={s['orthanc_id']}" if s["orthanc_id"] else "")
              for s in queries.series_of(study)]
    return {"study": study, "series": series, "reports": list(study.reports.order_by("-version")),
            "dicomweb_url": reverse("imaging:dicomweb", args=[f"studies/{study.study_instance_uid}"])}


@router.post("/studies/{study_id}/claim", response=StudyOut, summary="Claim a study for reporting")
def claim(request, study_id: int):
    _study(request, study_id)
    return actions.do_claim_study(acting_user=request.user, study_id=study_id)


@router.post("/studies/{study_id}/release", response=StudyOut, summary="Release one's claim")
def release(request, study_id: int):
    _study(request, study_id)
    return actions.do_release_study(acting_user=request.user, study_id=study_id)


@router.post("/studies/{study_id}/report", response={201: ReportOut}, summary="Sign the report")
def sign(request, study_id: int, payload: ReportIn):
    _study(request, study_id)
    return Status(201, actions.do_sign_report(acting_user=request.user, study_id=study_id, **payload.dict()))


@router.post("/studies/{study_id}/amend", response={201: ReportOut}, summary="Amend the signed report")
def amend(request, study_id: int, payload: AmendIn):
    _study(request, study_id)
    return Status(201, actions.do_amend_report(acting_user=request.user, study_id=study_id, **payload.dict()))
