import datetime as dt
import uuid

import pytest
from django.utils import timezone

from countyhealth.familydoctor.tests.factories import township_a_team
from countyhealth.publichealth import actions as publichealth
from countyhealth.sync import actions


@pytest.fixture
def phone(client, users):
    """A logged-in phone of village doctor a1: a client sending its device token."""
    device, token = actions.do_register_device(acting_user=users.village_doctor_a1, name="测试手机")

    class Phone:
        def __init__(self):
            self.device, self.token = device, token

        def headers(self, token=None):
            return {"Authorization": f"Bearer {token or self.token}"}

        def get(self, path, token=None):
            return client.get("/api/sync" + path, headers=self.headers(token))

        def push(self, *mutations, token=None):
            return client.post("/api/sync/push", {"mutations": list(mutations)}, content_type="application/json",
                               headers=self.headers(token))

    return Phone()


@pytest.fixture
def hypertensive(county, users, make_resident):
    today = timezone.localdate()
    resident = make_resident(county.village_a1, name="王高压", birth_date=dt.date(1960, 3, 1), sex="1")
    publichealth.do_enrol(acting_user=users.village_doctor_a1, resident_id=resident.pk, programme="hypertension",
                          enrolled_on=today - dt.timedelta(days=200))
    return resident


@pytest.fixture
def team(county, users):
    return township_a_team(county, users)


def followup(resident_id, *, sbp=150, dbp=95, day=None, mutation_id=None, client_id=None, **extra):
    return {"id": str(mutation_id or uuid.uuid4()), "kind": "followup", "payload": {
        "resident": resident_id, "programme": "hypertension", "client_id": str(client_id or uuid.uuid4()),
        "data": {"visit_date": (day or timezone.localdate()).isoformat(), "mode": "home", "sbp": sbp, "dbp": dbp,
                 **extra}}}
