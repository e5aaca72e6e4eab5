"""Demo studies: a handful of CT studies uploaded by township doctors, kept locally as pending transfers. The
seeder does not need Orthanc: the every-minute sweep (bin/demo runs the scheduler and starts Orthanc) sends
them, and they then appear in the county radiologists' worklist."""

import random
from datetime import date

from django.contrib.auth import get_user_model
from django.utils import timezone

from countyhealth.accounts.roles import Role
from countyhealth.orgs.models import Organisation, OrgType
from countyhealth.residents.models import AccessGrant, Resident

from . import dicomfiles, rules
from .models import ImagingInstance, ImagingStudy, StudyEvent
from .samples import matching_study

QUESTIONS = [
    ("urgent", "CT HEAD", "突发头痛伴呕吐2小时，排除脑出血"),
    ("urgent", "CT HEAD", "跌倒后意识模糊，排除颅内血肿"),
    ("routine", "CT CHEST", "咳嗽咳痰1月，胸片示右下肺阴影"),
    ("routine", "CT HEAD", "反复头晕半年，高血压病史"),
    ("routine", "CT CHEST", "体检发现肺结节，复查"),
    ("routine", "CT ABDOMEN", "右上腹痛，排除胆囊结石"),
]


def seed(*, seeder, seed: int, as_of: date) -> str:
    rng = random.Random(seed * 7919 + 7)
    hospital = Organisation.objects.filter(org_type=OrgType.COUNTY_HOSPITAL).order_by("path").first()
    doctors = list(get_user_model().objects.filter(role=Role.TOWNSHIP_DOCTOR, is_active=True)
                   .select_related("organisation").order_by("pk")[:20])
    if hospital is None or not doctors:
        return "imaging: no county hospital or township doctors, no studies"
    now = timezone.now()
    studies = 0
    for n, (urgency, description, question) in enumerate(QUESTIONS):
        doctor = doctors[rng.randrange(len(doctors))]
        township = doctor.organisation
        residents = Resident.objects.filter(catchment_org__path__startswith=township.path, is_active=True)
        resident = residents.order_by("pk")[rng.randrange(max(1, min(500, residents.count())))]
        files = [dicomfiles.parse(name, data) for name, data in
                 matching_study(resident, key=f"demo-{seed}-{n}", slices=rng.randint(3, 6), description=description)]
        for file in files:
            dicomfiles.keep(file)
        first = files[0]
        study = ImagingStudy.objects.create(
            resident=resident, from_org=township, to_org=hospital, uploaded_by=doctor, clinical_question=question,
            urgency=urgency, priority=rules.PRIORITY[urgency], study_instance_uid=first.study_instance_uid,
            modality=first.modality, study_description=first.study_description,
            study_date=rules.parse_da(first.study_date), dicom_patient_name=first.patient_name,
            dicom_patient_id=first.patient_id, next_attempt_at=now)
        ImagingInstance.objects.bulk_create([
            ImagingInstance(study=study, sha256=f.sha256, size=len(f.data), sop_instance_uid=f.sop_instance_uid,
                            series_instance_uid=f.series_instance_uid, instance_number=f.instance_number)
            for f in files])
        StudyEvent.objects.create(study=study, event="uploaded", status=study.status, by=doctor)
        AccessGrant.objects.create(resident=resident, organisation=hospital,
                                   reason=AccessGrant.Reason.IMAGING_READING, note=f"imaging:{study.pk}",
                                   granted_by=doctor)
        studies += 1
    return f"imaging: {studies} CT studies kept locally, sent to Orthanc by the transfer sweep"
