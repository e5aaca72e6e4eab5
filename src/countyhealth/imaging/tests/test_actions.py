"""Upload → Orthanc → worklist → claim → sign → township, against the real Orthanc (tests/support/orthanc.py)."""

import datetime as dt

import pytest
from django.utils import timezone

from countyhealth.audit.models import AuditLog
from countyhealth.core import timeline
from countyhealth.core.errors import ActionError, Conflict, NotVisible
from countyhealth.imaging import actions, dicomfiles, queries, transfer
from countyhealth.imaging.models import ImagingReport, ImagingStudy
from countyhealth.notifications.models import Notification
from countyhealth.residents.models import AccessGrant

from .factories import ct_study, matching_study, zipped

S = ImagingStudy.Status


@pytest.fixture
def patient(make_resident, county):
    return make_resident(county.village_a1, name="王建国", birth_date=dt.date(1958, 6, 2))


def upload(user, patient, files, **kwargs):
    kwargs.setdefault("clinical_question", "头痛三天，排除脑出血")
    kwargs.setdefault("urgency", "urgent")
    return actions.do_upload_study(acting_user=user, resident_id=patient.pk, uploads=files, **kwargs)


def test_upload_reaches_orthanc_and_the_radiologists_worklist(pacs, users, patient, county,
                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        study, created = upload(users.township_doctor_a, patient, [zipped(matching_study(patient, slices=4))])
    study.refresh_from_db()
    assert created and study.status == S.AWAITING_READ and study.stored_at
    assert study.modality == "CT" and study.instances.count() == 4
    assert pacs.get(f"/studies/{study.orthanc_study_id}").json()["MainDicomTags"]["StudyInstanceUID"] == \
        study.study_instance_uid
    for instance in study.instances.all():  # kept unchanged on disk
        assert dicomfiles.read_kept(instance.sha256)
    assert AccessGrant.objects.filter(resident=patient, organisation=county.hospital,
                                      reason=AccessGrant.Reason.IMAGING_READING).exists()
    assert list(queries.worklist(users.radiologist)) == [study]
    assert Notification.objects.filter(recipient=users.radiologist, kind="imaging.study_waiting", urgent=True).exists()
    assert AuditLog.objects.filter(action="imaging.study_stored", resident_id=patient.pk).exists()


def test_same_study_again_is_idempotent_and_adds_only_new_files(pacs, users, patient,
                                                                django_capture_on_commit_callbacks):
    files = matching_study(patient, slices=3)
    with django_capture_on_commit_callbacks(execute=True):
        first, _ = upload(users.township_doctor_a, patient, files[:2])
        again, created = upload(users.township_doctor_a, patient, files)
    assert again.pk == first.pk and not created
    assert first.instances.count() == 3 and not first.instances.filter(sent_at=None).exists()
    assert ImagingStudy.objects.count() == 1


def test_non_dicom_file_is_refused_and_nothing_is_saved(users, patient):
    with pytest.raises(ActionError) as error:
        upload(users.township_doctor_a, patient, matching_study(patient, slices=1) + [("notes.txt", b"hello")])
    assert error.value.code == "not_dicom" and "notes.txt" in str(error.value.message)
    assert ImagingStudy.objects.count() == 0


def test_two_studies_in_one_upload_are_refused(users, patient):
    with pytest.raises(ActionError) as error:
        upload(users.township_doctor_a, patient, ct_study("one", slices=1) + ct_study("two", slices=1))
    assert error.value.code == "several_studies"


def test_other_patient_in_the_files_needs_confirmation(pacs, users, patient, django_capture_on_commit_callbacks):
    files = ct_study("other", slices=1, name="LI^SI", patient_id="CT0001", birth_date="19700101")
    with pytest.raises(ActionError) as error:
        upload(users.township_doctor_a, patient, files)
    assert error.value.code == "patient_mismatch" and "LI^SI" in str(error.value.message)
    assert ImagingStudy.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        study, _ = upload(users.township_doctor_a, patient, files, confirm_mismatch=True)
    assert [m["field"] for m in study.mismatch_confirmed] == ["name", "patient_id", "birth_date"]


def test_resident_out_of_scope_cannot_be_uploaded_for(users, make_resident, county):
    other = make_resident(county.village_b1)
    with pytest.raises(NotVisible):
        upload(users.township_doctor_a, other, matching_study(other, slices=1))


def test_orthanc_down_keeps_the_upload_and_the_sweep_sends_it_later(pacs_down, users, patient, settings,
                                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        study, _ = upload(users.township_doctor_a, patient, matching_study(patient, slices=2))
    study.refresh_from_db()
    assert study.status == S.TRANSFERRING and study.transfer_attempts == 1 and study.last_transfer_error
    assert study.next_attempt_at > timezone.now()
    assert not queries.worklist(users.radiologist).exists()

    from tests.support.orthanc import point_settings_at, running

    point_settings_at(settings, running())
    ImagingStudy.objects.filter(pk=study.pk).update(next_attempt_at=timezone.now())
    assert transfer.sweep(acting_user=users.admin) == 1
    study.refresh_from_db()
    assert study.status == S.AWAITING_READ and study.transfer_attempts == 2 and not study.last_transfer_error


@pytest.fixture
def stored_study(pacs, users, patient, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        study, _ = upload(users.township_doctor_a, patient, matching_study(patient, slices=2))
    return study


def test_two_radiologists_never_hold_the_same_study(stored_study, users, make_user, county):
    from countyhealth.accounts.roles import Role

    other = make_user(Role.RADIOLOGIST, county.hospital, username="radiologist2")
    actions.do_claim_study(acting_user=users.radiologist, study_id=stored_study.pk)
    with pytest.raises(Conflict):
        actions.do_claim_study(acting_user=other, study_id=stored_study.pk)
    with pytest.raises(Conflict):
        actions.do_sign_report(acting_user=other, study_id=stored_study.pk, findings="x", impression="y")
    # An expired claim may be taken over.
    ImagingStudy.objects.filter(pk=stored_study.pk).update(claim_expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert actions.do_claim_study(acting_user=other, study_id=stored_study.pk).claimed_by == other


def test_only_radiologists_claim(stored_study, users):
    with pytest.raises(ActionError):
        actions.do_claim_study(acting_user=users.township_doctor_a, study_id=stored_study.pk)


def test_sign_notifies_the_township_and_amend_adds_a_version(stored_study, users, patient):
    actions.do_claim_study(acting_user=users.radiologist, study_id=stored_study.pk)
    with pytest.raises(ActionError):
        actions.do_sign_report(acting_user=users.radiologist, study_id=stored_study.pk, findings=" ", impression="")
    report = actions.do_sign_report(acting_user=users.radiologist, study_id=stored_study.pk,
                                    findings="脑实质密度均匀，未见出血。", impression="头颅CT平扫未见异常。")
    stored_study.refresh_from_db()
    assert stored_study.status == S.REPORTED and stored_study.claimed_by is None
    assert Notification.objects.filter(recipient=users.township_doctor_a, kind="imaging.report_signed").exists()
    with pytest.raises(Conflict):  # signed once
        actions.do_sign_report(acting_user=users.radiologist, study_id=stored_study.pk, findings="a", impression="b")
    with pytest.raises(ValueError):  # a signed row is never updated
        report.findings = "changed"
        report.save()
    with pytest.raises(ActionError):
        actions.do_amend_report(acting_user=users.radiologist, study_id=stored_study.pk, findings="a",
                                impression="b", reason="")
    amended = actions.do_amend_report(acting_user=users.radiologist, study_id=stored_study.pk,
                                      findings="左侧基底节区小片低密度影。", impression="腔隙性脑梗死可能。",
                                      reason="复阅发现遗漏")
    assert amended.version == 2
    assert ImagingReport.objects.get(pk=report.pk).findings == "脑实质密度均匀，未见出血。"
    assert list(stored_study.events.values_list("event", flat=True)) == [
        "uploaded", "stored", "claimed", "signed", "amended"]
    entries = timeline.entries_for(patient, users.township_doctor_a, kinds=["imaging"])
    assert len(entries) == 1 and entries[0].summary == "腔隙性脑梗死可能。"
