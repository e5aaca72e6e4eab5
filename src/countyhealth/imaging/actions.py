"""Every write of remote imaging: upload, transfer bookkeeping, claim, sign, amend (architecture §2)."""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from countyhealth.accounts.roles import Role
from countyhealth.audit import log as audit
from countyhealth.core.errors import ActionError, Conflict, NotVisible
from countyhealth.notifications.actions import notify_org, notify_users, org_user_ids
from countyhealth.referrals.actions import county_hospital
from countyhealth.residents.models import AccessGrant, Resident

from . import dicomfiles, rules
from .models import ImagingInstance, ImagingReport, ImagingStudy, StudyEvent

Status = ImagingStudy.Status
UPLOADS_STUDIES = {Role.TOWNSHIP_DOCTOR, Role.VILLAGE_DOCTOR, Role.COUNTY_DOCTOR, Role.CONSORTIUM_ADMIN}
READS_STUDIES = {Role.RADIOLOGIST}


def _require(user, roles, message) -> None:
    if not (user.role in roles or user.is_superuser):
        raise ActionError(message, code="forbidden_role")


def _event(study, event: str, by, note: str = "") -> None:
    StudyEvent.objects.create(study=study, event=event, status=study.status, by=by, note=note[:500])


def do_upload_study(*, acting_user, resident_id: int, uploads: list[tuple[str, bytes]], clinical_question: str,
                    urgency: str, confirm_mismatch: bool = False) -> tuple[ImagingStudy, bool]:
    """Validate the files, keep them on disk, record the study and hand it to the county hospital. Returns
    (study, created). The same study uploaded again adds only files not yet kept (idempotent)."""
    _require(acting_user, UPLOADS_STUDIES, _("Your role does not upload imaging studies."))
    resident = Resident.objects.visible_to(acting_user).filter(pk=resident_id).first()
    if resident is None:
        raise NotVisible()
    if acting_user.organisation_id is None:
        raise ActionError(_("Your account belongs to no organisation."), code="no_organisation")
    question = (clinical_question or "").strip()
    if not question:
        raise ActionError(_("State the clinical question for the radiologist."), code="required",
                          field="clinical_question")
    if urgency not in ImagingStudy.Urgency.values:
        raise ActionError(_("Choose routine or urgent."), code="invalid", field="urgency")

    files = dicomfiles.read_study(uploads)  # raises on anything that is not DICOM
    first = min(files, key=lambda f: (f.instance_number is None, f.instance_number or 0))
    mismatches = rules.patient_mismatches(resident, patient_name=first.patient_name, patient_id=first.patient_id,
                                          birth_date=first.patient_birth_date)
    if mismatches and not confirm_mismatch:
        detail = "; ".join(_("%(label)s: “%(files)s” in the files, “%(record)s” in the record") % {
            "label": m.label, "files": m.in_files, "record": m.in_record} for m in mismatches)
        raise ActionError(_("The DICOM files may belong to someone else. %(detail)s. Check the patient, then "
                            "confirm to upload anyway.") % {"detail": detail}, code="patient_mismatch",
                          field="confirm_mismatch")
    for file in files:
        dicomfiles.keep(file)  # on disk before the row exists: content-addressed, so a rollback leaves no harm
    try:
        return _record_upload(acting_user, resident, files, first, question, urgency, mismatches)
    except IntegrityError as error:  # the same study uploaded twice at the same moment
        raise Conflict(_("This study is being uploaded by someone else right now; try again."),
                       code="concurrent_upload") from error


@transaction.atomic(durable=True)
def _record_upload(acting_user, resident, files, first, question, urgency, mismatches):
    now = timezone.now()
    study = (ImagingStudy.objects.select_for_update()
             .filter(resident=resident, study_instance_uid=first.study_instance_uid).first())
    created = study is None
    if created:
        hospital = county_hospital()
        study = ImagingStudy.objects.create(
            resident=resident, from_org_id=acting_user.organisation_id, to_org=hospital, uploaded_by=acting_user,
            clinical_question=question[:1000], urgency=urgency, priority=rules.PRIORITY[urgency],
            study_instance_uid=first.study_instance_uid, modality=first.modality,
            study_description=first.study_description, study_date=rules.parse_da(first.study_date),
            dicom_patient_name=first.patient_name, dicom_patient_id=first.patient_id,
            mismatch_confirmed=[{"field": m.field, "in_files": m.in_files, "in_record": m.in_record}
                                for m in mismatches],
            next_attempt_at=now,
        )
        _event(study, "uploaded", acting_user)
        # The county radiologists read residents only through a grant (Reach.GRANTED).
        AccessGrant.objects.create(resident=resident, organisation=hospital, reason=AccessGrant.Reason.IMAGING_READING,
                                   note=f"imaging:{study.pk}", granted_by=acting_user)
    elif study.status == Status.REPORTED:
        known = set(study.instances.values_list("sop_instance_uid", flat=True))
        if any(f.sop_instance_uid not in known for f in files):
            raise Conflict(_("This study has already been reported; new images need a new study."),
                           code="already_reported", field="files")
    known = set(study.instances.values_list("sop_instance_uid", flat=True))
    new = [ImagingInstance(study=study, sha256=f.sha256, size=len(f.data), sop_instance_uid=f.sop_instance_uid,
                           series_instance_uid=f.series_instance_uid, instance_number=f.instance_number)
           for f in files if f.sop_instance_uid not in known]
    ImagingInstance.objects.bulk_create(new)
    if new and not created:
        study.next_attempt_at = now
        study.save(update_fields=["next_attempt_at", "updated_at"])
    audit.record_change(acting_user, "imaging.study_uploaded", study, resident_id=resident.pk,
                        detail={"created": created, "files": len(files), "new": len(new),
                                "mismatch_confirmed": [m.field for m in mismatches]})
    if new:
        from .tasks import send_study

        transaction.on_commit(lambda: send_study.enqueue(study.pk))
    return study, created


@transaction.atomic(durable=True)
def do_record_transfer(*, acting_user, study_id: int, stored: dict[int, dict], error: str = "",
                       summary: dict | None = None) -> ImagingStudy:
    """Book what one transfer attempt achieved: instances the PACS holds (with Orthanc's ids), the study's
    series and image counts QIDO-RS reported, and either the study entering the worklist (everything stored)
    or the failure with the next retry time."""
    study = ImagingStudy.objects.select_for_update().get(pk=study_id)
    now = timezone.now()
    for instance_id, answer in stored.items():
        ImagingInstance.objects.filter(pk=instance_id, study=study).update(
            orthanc_instance_id=answer["ID"], orthanc_series_id=answer["ParentSeries"], sent_at=now)
        study.orthanc_study_id = answer["ParentStudy"]
    fields = ["orthanc_study_id", "transfer_attempts", "next_attempt_at", "last_transfer_error", "updated_at"]
    if summary is not None:
        study.pacs_series_count, study.pacs_instance_count = summary["series"], summary["instances"]
        fields += ["pacs_series_count", "pacs_instance_count"]
    study.transfer_attempts += 1
    remaining = study.instances.filter(sent_at=None).exists()
    if error or remaining:
        study.last_transfer_error = (error or _("Some files were not stored."))[:500]
        study.next_attempt_at = now + rules.next_retry_delay(study.transfer_attempts)
        study.save(update_fields=fields)
        audit.record_change(acting_user, "imaging.transfer_failed", study, resident_id=study.resident_id,
                            detail={"attempt": study.transfer_attempts, "error": study.last_transfer_error})
        return study
    study.last_transfer_error, study.next_attempt_at, study.stored_at = "", None, now
    fields.append("stored_at")
    if study.status == Status.TRANSFERRING:
        rules.check_transition(study.status, Status.AWAITING_READ)
        study.status = Status.AWAITING_READ
        fields.append("status")
        _event(study, "stored", acting_user)
        notify_org(study.to_org_id, roles=[Role.RADIOLOGIST], kind="imaging.study_waiting",
                   title=_("New %(urgency)s imaging study to report") % {"urgency": study.get_urgency_display()},
                   body=study.clinical_question, url=reverse("imaging:study-detail", args=[study.pk]),
                   urgent=study.is_urgent, resident_id=study.resident_id)
    study.save(update_fields=fields)
    audit.record_change(acting_user, "imaging.study_stored", study, resident_id=study.resident_id,
                        detail={"orthanc_study": study.orthanc_study_id, "attempts": study.transfer_attempts})
    return study


@transaction.atomic(durable=True)
def do_claim_study(*, acting_user, study_id: int) -> ImagingStudy:
    """Take the study for reporting. A conditional update on the row, so two radiologists never both win."""
    _require(acting_user, READS_STUDIES, _("Only radiologists report imaging studies."))
    now = timezone.now()
    free = Q(claimed_by=None) | Q(claim_expires_at__lt=now) | Q(claimed_by=acting_user)
    taken = (ImagingStudy.objects.filter(free, pk=study_id, status=Status.AWAITING_READ)
             .update(claimed_by=acting_user, claim_expires_at=now + rules.CLAIM_DURATION, updated_at=now))
    study = ImagingStudy.objects.select_related("claimed_by").get(pk=study_id)
    if not taken:
        if study.status != Status.AWAITING_READ:
            raise Conflict(_("This study is not waiting for a report."), code="not_awaiting")
        raise Conflict(_("%(name)s is already reporting this study.") % {"name": study.claimed_by},
                       code="claimed")
    _event(study, "claimed", acting_user)
    audit.record_change(acting_user, "imaging.study_claimed", study, resident_id=study.resident_id)
    return study


@transaction.atomic(durable=True)
def do_release_study(*, acting_user, study_id: int) -> ImagingStudy:
    released = ImagingStudy.objects.filter(pk=study_id, claimed_by=acting_user).update(
        claimed_by=None, claim_expires_at=None, updated_at=timezone.now())
    study = ImagingStudy.objects.get(pk=study_id)
    if released:
        _event(study, "released", acting_user)
        audit.record_change(acting_user, "imaging.study_released", study, resident_id=study.resident_id)
    return study


def _report_text(findings: str, impression: str) -> tuple[str, str]:
    findings, impression = (findings or "").strip(), (impression or "").strip()
    fields = {}
    if not findings:
        fields["findings"] = [_("Describe the findings.")]
    if not impression:
        fields["impression"] = [_("Give the impression (diagnosis).")]
    if fields:
        raise ActionError(_("The report is incomplete."), code="required", fields=fields)
    return findings, impression


def _notify_township(study, report, title) -> None:
    message = {"kind": "imaging.report_signed", "title": title, "body": report.impression[:300],
               "url": reverse("imaging:study-detail", args=[study.pk]), "urgent": study.is_urgent,
               "resident_id": study.resident_id}
    # The uploader and the township's doctors, each once.
    notify_users([study.uploaded_by_id, *org_user_ids(study.from_org_id, roles=[Role.TOWNSHIP_DOCTOR])], **message)


@transaction.atomic(durable=True)
def do_sign_report(*, acting_user, study_id: int, findings: str, impression: str) -> ImagingReport:
    """Sign the first report: it is final from now on, and the township is told."""
    _require(acting_user, READS_STUDIES, _("Only radiologists report imaging studies."))
    findings, impression = _report_text(findings, impression)
    study = ImagingStudy.objects.select_for_update().get(pk=study_id)
    now = timezone.now()
    if study.claimed_by_id not in (None, acting_user.pk) and study.claim_expires_at and study.claim_expires_at > now:
        raise Conflict(_("Another radiologist is reporting this study."), code="claimed")
    rules.check_transition(study.status, Status.REPORTED)
    report = ImagingReport.objects.create(study=study, version=1, findings=findings, impression=impression,
                                          signed_by=acting_user)
    study.status, study.reported_at, study.claimed_by, study.claim_expires_at = Status.REPORTED, now, None, None
    study.save(update_fields=["status", "reported_at", "claimed_by", "claim_expires_at", "updated_at"])
    _event(study, "signed", acting_user)
    audit.record_change(acting_user, "imaging.report_signed", report, resident_id=study.resident_id,
                        detail={"study": study.pk, "version": 1})
    _notify_township(study, report, _("Imaging report ready: %(study)s") % {"study": study.study_description
                                                                              or study.modality})
    return report


@transaction.atomic(durable=True)
def do_amend_report(*, acting_user, study_id: int, findings: str, impression: str, reason: str) -> ImagingReport:
    """A new version with the reason; the signed versions stay as they were."""
    _require(acting_user, READS_STUDIES, _("Only radiologists report imaging studies."))
    findings, impression = _report_text(findings, impression)
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(_("Give the reason for the amendment."), code="required", field="reason")
    study = ImagingStudy.objects.select_for_update().get(pk=study_id)
    latest = study.reports.order_by("-version").first()
    if study.status != Status.REPORTED or latest is None:
        raise Conflict(_("Only a signed report can be amended."), code="not_reported")
    report = ImagingReport.objects.create(study=study, version=latest.version + 1, findings=findings,
                                          impression=impression, amendment_reason=reason[:500], signed_by=acting_user)
    _event(study, "amended", acting_user, note=reason)
    audit.record_change(acting_user, "imaging.report_amended", report, resident_id=study.resident_id,
                        detail={"study": study.pk, "version": report.version, "reason": reason[:500]})
    _notify_township(study, report, _("Imaging report amended: %(study)s") % {"study": study.study_description
                                                                                or study.modality})
    return report
