"""A complete annual health check fulfils the elderly programme's year: the enrolment leaves the due list."""

import datetime as dt

from django.utils import timezone

from countyhealth.audit.models import AuditLog
from countyhealth.publichealth import actions
from countyhealth.publichealth.models import Enrolment
from countyhealth.records.actions import do_open_health_record, do_record_health_check
from countyhealth.records.tests.factories import elderly_check_data, personal_info_data

TODAY = timezone.localdate()


def _elder(county, users, make_resident):
    elder = make_resident(county.village_a1, birth_date=dt.date(TODAY.year - 70, 4, 1))
    do_open_health_record(acting_user=users.village_doctor_a1, resident_id=elder.pk,
                          personal_info=personal_info_data())
    return elder, actions.do_enrol(acting_user=users.village_doctor_a1, resident_id=elder.pk, programme="elderly",
                                   enrolled_on=TODAY)


def test_a_complete_check_moves_the_elderly_enrolment_to_next_year(county, users, make_resident):
    elder, enrolment = _elder(county, users, make_resident)
    assert enrolment.next_due == dt.date(TODAY.year, 1, 1)
    check = do_record_health_check(acting_user=users.village_doctor_a1, resident_id=elder.pk,
                                   data=elderly_check_data(TODAY))
    assert check.is_complete_for_elderly
    enrolment.refresh_from_db()
    assert (enrolment.next_due, enrolment.last_visit_date) == (dt.date(TODAY.year + 1, 1, 1), TODAY)
    assert AuditLog.objects.filter(action="publichealth.elderly_year_fulfilled", resident_id=elder.pk).exists()


def test_an_incomplete_check_leaves_the_elderly_due(county, users, make_resident):
    elder, enrolment = _elder(county, users, make_resident)
    check = do_record_health_check(acting_user=users.village_doctor_a1, resident_id=elder.pk,
                                   data=elderly_check_data(TODAY, haemoglobin=None, creatinine=None))
    assert not check.is_complete_for_elderly
    assert Enrolment.objects.get(pk=enrolment.pk).next_due == dt.date(TODAY.year, 1, 1)
