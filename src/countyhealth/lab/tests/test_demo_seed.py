"""The demo seed writes a year of chronic-disease lab results, a few critical values and recognition decisions."""

import datetime as dt

from django.apps import apps
from django.utils import timezone

from countyhealth.accounts.system import system_user
from countyhealth.lab import demo_seed
from countyhealth.lab.models import CriticalAlert, LabOrder, LabReport, LabResult


def test_seed_writes_reports_for_programme_patients(users, county, make_resident):
    enrolment = apps.get_model("publichealth", "Enrolment")
    for i in range(3):
        r = make_resident(county.village_a1)
        enrolment.objects.create(resident=r, programme="diabetes" if i else "hypertension", catchment_org=r.catchment_org,
                                 enrolled_on=dt.date(2024, 1, 1), responsible_doctor=users.village_doctor_a1)
    summary = demo_seed.seed(seeder=system_user("demo"), seed=1, as_of=timezone.localdate())
    assert "12 reports" in summary and LabReport.objects.count() == 12 + CriticalAlert.objects.count()
    assert LabResult.objects.filter(test_code="hba1c").count() >= 12
    assert CriticalAlert.objects.filter(status="open").exists()
    assert LabOrder.objects.exists()
