from tests.support.scope import Case


def resident(world):
    return world.make_resident(world.county.village_a1)


def study(world):
    """A study township A uploaded (kept here; the scope rule does not depend on Orthanc)."""
    import uuid

    from countyhealth.imaging.actions import do_upload_study

    from .factories import matching_study

    patient = resident(world)
    return do_upload_study(acting_user=world.township_doctor_a, resident_id=patient.pk,
                           uploads=matching_study(patient, key=uuid.uuid4().hex, slices=1), clinical_question="咳嗽两周",
                           urgency="routine")[0]


def stored_series(world):
    """A study stored in the test Orthanc: the proxy path of its series."""
    from django.conf import settings
    from tests.support.orthanc import point_settings_at, running

    from countyhealth.imaging import transfer

    point_settings_at(settings, running())
    s = study(world)
    s = transfer.send_to_pacs(s.pk, acting_user=world.township_doctor_a)
    series_id = s.instances.first().orthanc_series_id
    return s, {"path": f"web-viewer/series/{series_id}"}


def stored_instance_metadata(world):
    """A study stored in the test Orthanc: the DICOMweb proxy path of one instance's metadata."""
    s, _ = stored_series(world)
    instance = s.instances.first()
    return s, {"path": f"studies/{s.study_instance_uid}/series/{instance.series_instance_uid}/instances/"
                       f"{instance.sop_instance_uid}/metadata"}


REPORT = {"findings": "双肺纹理清晰。", "impression": "未见异常。"}

URL_CASES = {
    "imaging:resident-studies": Case(resident),
    "imaging:upload": Case(resident),
    "imaging:study-detail": Case(study),
    "imaging:report-print": Case(study),
    "imaging:study-claim": Case(study, method="post"),
    "imaging:study-release": Case(study, method="post"),
    "imaging:report-sign": Case(study, method="post", body=REPORT),
    "imaging:report-amend": Case(study, method="post", body=dict(REPORT, reason="补充")),
    "imaging:pacs": Case(stored_series),
    "imaging:dicomweb": Case(stored_instance_metadata),
}

API_CASES = {
    "GET /api/imaging/residents/{resident_id}/studies": Case(resident),
    "GET /api/imaging/studies/{study_id}": Case(study),
    "POST /api/imaging/studies/{study_id}/claim": Case(study),
    "POST /api/imaging/studies/{study_id}/release": Case(study),
    "POST /api/imaging/studies/{study_id}/report": Case(study, body=REPORT),
    "POST /api/imaging/studies/{study_id}/amend": Case(study, body=dict(REPORT, reason="补充")),
}
