"""Sending kept files to Orthanc. The network calls run outside any transaction; `do_record_transfer` books
the outcome. Called by the upload's on-commit task and by the every-minute sweep of due retries."""

from django.utils import timezone

from . import actions, dicomfiles, pacs
from .models import ImagingInstance, ImagingStudy


def send_to_pacs(study_id: int, *, acting_user) -> ImagingStudy:
    pending = list(ImagingInstance.objects.filter(study_id=study_id, sent_at=None).order_by("pk"))
    stored, error = {}, ""
    try:
        with pacs.client() as http:
            for instance in pending:
                stored[instance.pk] = pacs.store_instance(dicomfiles.read_kept(instance.sha256), http=http)
    except (pacs.PacsUnavailable, OSError) as failure:
        error = str(failure)
    return actions.do_record_transfer(acting_user=acting_user, study_id=study_id, stored=stored, error=error)


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
