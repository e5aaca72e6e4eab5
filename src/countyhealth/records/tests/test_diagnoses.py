import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from countyhealth.core import hooks
from countyhealth.core.errors import ActionError
from countyhealth.records import icd10
from countyhealth.records.diagnoses import DIAGNOSED, do_record_diagnosis, search_icd10
from countyhealth.records.models import Diagnosis, Icd10Code


def test_catalogue_is_loaded_after_migrate_and_reload_is_idempotent(db):
    assert Icd10Code.objects.get(code="A00").name_zh == "霍乱"
    assert Icd10Code.objects.get(code="I10").initials == "yfxgxy"
    assert icd10.load_catalogue() == 0


@pytest.mark.parametrize("text,expected", [("I10", "I10"), ("i10", "I10"), ("高血压", "I10"), ("gxy", "I10"),
                                           ("tnb", "E11")])
def test_search_by_code_name_or_initials(db, text, expected):
    assert expected in [c.code for c in search_icd10(text)]


def test_record_diagnosis_announces_inside_the_transaction(users, county, make_resident):
    heard = []
    with hooks.listening(DIAGNOSED, lambda diagnosis, acting_user: heard.append(diagnosis.code_id)):
        resident = make_resident(county.village_a1)
        d = do_record_diagnosis(acting_user=users.village_doctor_a1, resident_id=resident.pk, code="a00",
                                diagnosed_on=timezone.localdate())
    assert d.code_id == "A00" and d.organisation == county.clinic_a1 and heard == ["A00"]


@pytest.mark.parametrize("code,days,error", [("X99.99", 0, "unknown_icd10"), ("I10", -1, "future_date")])
def test_bad_diagnosis_is_refused_and_nothing_saved(users, county, make_resident, code, days, error):
    resident = make_resident(county.village_a1)
    with pytest.raises(ActionError) as exc:
        do_record_diagnosis(acting_user=users.village_doctor_a1, resident_id=resident.pk, code=code,
                            diagnosed_on=timezone.localdate() - dt.timedelta(days=days))
    assert exc.value.code == error
    assert not Diagnosis.objects.exists()


def test_page_records_a_diagnosis_and_shows_it(client, users, county, make_resident):
    resident = make_resident(county.village_a1)
    client.force_login(users.village_doctor_a1)
    url = reverse("records:diagnoses", args=[resident.pk])
    response = client.post(url, {"code": "J10", "diagnosed_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    assert "流行性感冒，已标明流感病毒" in client.get(url).content.decode()
    bad = client.post(url, {"code": "ZZZ", "diagnosed_on": timezone.localdate().isoformat()})
    assert bad.status_code == 400 and "ICD-10" in bad.content.decode()
    assert Diagnosis.objects.count() == 1


def test_api_records_and_lists(client, users, county, make_resident):
    resident = make_resident(county.village_a1)
    client.force_login(users.village_doctor_a1)
    created = client.post(f"/api/records/{resident.pk}/diagnoses", {"code": "I10", "diagnosed_on": "2026-01-05"},
                          content_type="application/json")
    assert created.status_code == 201 and created.json()["name"] == "原发性高血压"
    assert [d["code"] for d in client.get(f"/api/records/{resident.pk}/diagnoses").json()] == ["I10"]
    assert client.get("/api/records/icd10?q=gxy").json()[0]["code"] == "I10"


def test_lab_technician_may_not_diagnose(client, users, county, make_resident):
    resident = make_resident(county.village_a1)
    client.force_login(users.lab_technician)
    response = client.post(f"/api/records/{resident.pk}/diagnoses", {"code": "I10", "diagnosed_on": "2026-01-05"},
                           content_type="application/json")
    assert response.status_code in (403, 404)
    assert not Diagnosis.objects.exists()
