"""Referrals for tests: an upward referral from township A to the county hospital's cardiology."""

from countyhealth.appointments.tests.factories import cardiology
from countyhealth.referrals import actions


def refer_up(users, county, make_resident, *, department=None, slot_id=None, resident=None):
    resident = resident or make_resident(county.village_a1)
    department = department or cardiology(county)
    return actions.do_refer_up(acting_user=users.township_doctor_a, resident_id=resident.pk, reason="血压控制不满意",
                               urgency="routine", diagnosis="原发性高血压", department_id=department.pk,
                               slot_id=slot_id)
