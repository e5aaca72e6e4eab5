"""Sessions for tests: a cardiology clinic at the county hospital, some days ahead."""

import datetime as dt

from django.utils import timezone

from countyhealth.appointments import actions
from countyhealth.orgs.tests.factories import DepartmentFactory


def cardiology(county):
    return DepartmentFactory(organisation=county.hospital, code="CARD", name="心血管内科", kind="cardiology")


def publish(user, department, *, days=5, start=dt.time(8, 0), end=dt.time(9, 0), minutes=30, capacity=10,
            doctor=None):
    return actions.do_publish_session(acting_user=user, department_id=department.pk,
                                      date=timezone.localdate() + dt.timedelta(days=days), start=start, end=end,
                                      slot_minutes=minutes, capacity=capacity,
                                      doctor_id=doctor.pk if doctor else None)
