"""The change log follows bulk writes too: the scheduler's age-programme enrolments reach the phones."""

import datetime as dt

import pytest

from countyhealth.accounts.system import system_user
from countyhealth.publichealth import actions as publichealth
from countyhealth.sync.models import ChangeLog


# Committed transactions, as in test_api's cursor test: on PostgreSQL a change is handed out only once no older
# transaction is still running.
@pytest.mark.django_db(transaction=True)
def test_age_programme_enrolments_are_pulled_by_the_phone(phone, county, make_resident):
    old = make_resident(county.village_a1, name="李老伯", birth_date=dt.date(1950, 2, 3))
    elsewhere = make_resident(county.village_b1, name="外村老人", birth_date=dt.date(1949, 5, 6))
    cursor = phone.get("/catchment").json()["cursor"]
    created = publichealth.do_enrol_age_programmes(acting_user=system_user("age-programmes"))
    assert created["elderly"] == 2
    assert set(ChangeLog.objects.filter(action="publichealth.enrolment_created")
               .values_list("resident_id", flat=True)) == {old.pk, elsewhere.pk}
    pulled = phone.get(f"/changes?cursor={cursor}").json()
    assert [r["id"] for r in pulled["residents"]] == [old.pk]
    assert [e["programme"] for e in pulled["residents"][0]["enrolments"]] == ["elderly"]
    assert phone.get(f"/changes?cursor={pulled['cursor']}").json()["residents"] == []
