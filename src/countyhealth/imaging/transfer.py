"""Sending kept files to Orthanc: STOW-RS in requests of bounded size, then QIDO-RS to see what the PACS really
holds (the study counts as stored only when every instance is there), then Orthanc's ids for its web viewer.
The network calls run outside any transaction; `do_record_transfer` books the outcome. Called by the upload's
on-commit task and by the every-minute sweep of due retries."""

from django.utils import timezone

from . import actions, dicomfiles, dicomweb, pacs
from .models import ImagingInstance, ImagingStudy


def _stow(pending: list[ImagingInstance], http) -> list[str]:
    """Send the files; returns why files were refused (empty when every one was accepted)."""
    refused = []
    for batch in dicomweb.batches(pending, lambda instance: instance.size):
        result = pacs.stow([dicomfiles.read_kept(instance.sha256) for instance in batch], http=http)
        refused += [f"{uid or '?'} ({reason or '?'})" for uid, reason in result.failed.items()]
        refused += [i.sop_instance_uid for i in batch if i.sop_instance_uid not in result.stored
                    and i.sop_instance_uid not in result.failed]
    return refused


def send_to_pacs(study_id: int, *, acting_user) -> ImagingStudy:
    study = ImagingStudy.objects.get(pk=study_id)
    pending = list(ImagingInstance.objects.filter(study_id=study_id, sent_at=None).order_by("pk"))
    stored, error, summary = {}, "", None
    try:
        with pacs.client() as http:
            refused = _stow(pending, http) if pending else []
            arrived = pacs.qido_instances(study.study_instance_uid, http=http)
            ids = pacs.orthanc_ids(study.study_instance_uid, patient_id=study.dicom_patient_id, http=http)
        stored = {i.pk: ids[i.sop_instance_uid] for i in pending
                  if i.sop_instance_uid in arrived and i.sop_instance_uid in ids}
        summary = {"series": len(set(arrived.values())), "instances": len(arrived)}
        if refused:
            error = f"Orthanc refused {len(refused)} file(s): {', '.join(refused[:3])}"
    except (pacs.PacsUnavailable, OSError) as failure:
        error = str(failure)
    return actions.do_record_transfer(acting_user=acting_user, study_id=study_id, stored=stored, error=error,
                                      summary=summary)


def due_study_ids(limit: int = 50) -> list[int]:
    return list(ImagingStudy.objects.filter(next_attempt_at__lte=timezone.now())
                .order_by("next_attempt_at").values_list("pk", flat=True)[:limit])


def sweep(*, acting_user) -> int:
    """Retry every study whose next attempt is due; stops at the first failure (Orthanc is down: the rest
    would fail too, and each failure already moved its own retry time)."""
    sent = 0
    for study_id in due_study_ids():
        study = send_to_pacs(study_id, acting_user=acting_user)
        if study.last_transfer_error:
            break
        sent += 1
    return sent
