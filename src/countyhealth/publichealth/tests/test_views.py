import datetime as dt

from django.urls import reverse
from django.utils import timezone

from countyhealth.audit.models import AuditLog
from countyhealth.publichealth import actions
from countyhealth.publichealth.models import FollowUpVisit

TODAY = timezone.localdate()


def test_due_list_shows_overdue_patients_with_a_link_into_the_visit_form(client, htn_patient, users):
    resident, enrolment = htn_patient
    enrolment.next_due = TODAY - dt.timedelta(days=3)
    enrolment.save(update_fields=["next_due"])
    client.force_login(users.village_doctor_a1)
    html = client.get(reverse("publichealth:due-list"), {"bucket": "overdue"}).content.decode()
    assert "逾期" in html and resident.name in html
    assert reverse("publichealth:followup-create", args=[resident.pk, "hypertension"]) in html
    client.force_login(users.village_doctor_b1)
    assert resident.name not in client.get(reverse("publichealth:due-list"), {"bucket": "overdue"}).content.decode()


def test_due_list_query_count_does_not_grow_with_rows(client, county, users, make_resident,
                                                      django_assert_max_num_queries):
    def add(n):
        for _ in range(n):
            r = make_resident(county.village_a1, birth_date=dt.date(1960, 1, 1))
            e = actions.do_enrol(acting_user=users.village_doctor_a1, resident_id=r.pk, programme="hypertension",
                                 enrolled_on=TODAY - dt.timedelta(days=200))
            e.next_due = TODAY
            e.save(update_fields=["next_due"])

    client.force_login(users.village_doctor_a1)
    add(3)
    with django_assert_max_num_queries(16) as few:
        client.get(reverse("publichealth:due-list"), {"bucket": "week"})
    add(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("publichealth:due-list"), {"bucket": "week"})
    assert response.content.decode().count("随访") >= 30


def test_recording_a_follow_up_in_the_browser_shows_the_decision(client, htn_patient, users):
    resident, _ = htn_patient
    client.force_login(users.village_doctor_a1)
    url = reverse("publichealth:followup-create", args=[resident.pk, "hypertension"])
    response = client.post(url, {"visit_date": TODAY.isoformat(), "mode": "clinic", "sbp": "185", "dbp": "100"},
                           follow=True)
    html = response.content.decode()
    assert "紧急转诊" in html
    assert FollowUpVisit.objects.get().next_action == "EMERGENCY_REFERRAL"


def test_bad_vitals_show_a_chinese_error_and_save_nothing(client, htn_patient, users):
    resident, _ = htn_patient
    client.force_login(users.village_doctor_a1)
    url = reverse("publichealth:followup-create", args=[resident.pk, "hypertension"])
    html = client.post(url, {"visit_date": TODAY.isoformat(), "mode": "clinic", "sbp": "80", "dbp": "120"}
                       ).content.decode()
    assert "收缩压" in html and "errorlist" in html
    assert not FollowUpVisit.objects.exists()


def test_out_of_scope_resident_pages_are_404_and_audited(client, htn_patient, users):
    resident, enrolment = htn_patient
    client.force_login(users.township_doctor_b)
    for url in (reverse("publichealth:resident-programmes", args=[resident.pk]),
                reverse("publichealth:enrol", args=[resident.pk]),
                reverse("publichealth:followup-create", args=[resident.pk, "hypertension"]),
                reverse("publichealth:enrolment-end", args=[enrolment.pk])):
        assert client.get(url).status_code == 404
    assert AuditLog.objects.filter(action="access.scope_denied", resident_id=resident.pk).count() == 4


def test_resident_programmes_page_lists_visits(client, htn_patient, users):
    resident, _ = htn_patient
    actions.do_record_followup(acting_user=users.village_doctor_a1, resident_id=resident.pk,
                               programme="hypertension", data={"visit_date": TODAY, "sbp": 128, "dbp": 78})
    client.force_login(users.township_doctor_a)
    html = client.get(reverse("publichealth:resident-programmes", args=[resident.pk])).content.decode()
    assert "128/78" in html and "控制满意" in html


def test_the_timeline_shows_follow_ups_and_the_referral_they_made(client, htn_patient, users):
    resident, _ = htn_patient
    actions.do_record_followup(acting_user=users.village_doctor_a1, resident_id=resident.pk,
                               programme="hypertension", data={"visit_date": TODAY, "sbp": 182, "dbp": 96})
    client.force_login(users.township_doctor_a)
    html = client.get(reverse("records:timeline", args=[resident.pk])).content.decode()
    assert "182/96 mmHg" in html
    assert "县人民医院" in html  # the emergency referral's destination


def test_a_high_reading_flags_the_resident_for_enrolment_until_enrolled(client, county, users, make_resident):
    from countyhealth.records import actions as records
    from countyhealth.records.tests.factories import elderly_check_data, personal_info_data

    flagged = make_resident(county.village_a1, birth_date=dt.date(1980, 6, 1), name="钱高压")
    normal = make_resident(county.village_a1, birth_date=dt.date(1980, 6, 2), name="孙正常")
    for resident, sbp in ((flagged, 152), (normal, 128)):
        records.do_open_health_record(acting_user=users.village_doctor_a1, resident_id=resident.pk,
                                      personal_info=personal_info_data())
        records.do_record_health_check(acting_user=users.village_doctor_a1, resident_id=resident.pk,
                                       data=elderly_check_data(TODAY, sbp_left=sbp, sbp_right=sbp - 4, fpg="7.2"))
    client.force_login(users.village_doctor_a1)
    html = client.get(reverse("publichealth:suggestions")).content.decode()
    assert "钱高压" in html and "孙正常" not in html and "152/" in html
    html = client.get(reverse("publichealth:suggestions"), {"programme": "diabetes"}).content.decode()
    assert "钱高压" in html and "孙正常" in html  # both had FPG 7.2
    actions.do_enrol(acting_user=users.village_doctor_a1, resident_id=flagged.pk, programme="hypertension",
                     enrolled_on=TODAY)
    assert "钱高压" not in client.get(reverse("publichealth:suggestions")).content.decode()
    client.force_login(users.village_doctor_b1)
    assert "钱高压" not in client.get(reverse("publichealth:suggestions")).content.decode()


def test_due_list_is_the_catchment_not_residents_granted_elsewhere(htn_patient, users, county):
    from countyhealth.publichealth import queries
    from countyhealth.residents.models import AccessGrant

    resident, enrolment = htn_patient
    enrolment.next_due = TODAY
    enrolment.save(update_fields=["next_due"])
    AccessGrant.objects.create(resident=resident, organisation=county.clinic_b1, reason="referral")
    week = {u: list(queries.due_list(u, bucket="week", on=TODAY)) for u in
            (users.village_doctor_a1, users.township_doctor_a, users.village_doctor_b1, users.county_doctor)}
    assert week[users.village_doctor_a1] == [enrolment] == week[users.township_doctor_a]
    assert week[users.village_doctor_b1] == [] == week[users.county_doctor]


def test_a_child_visit_recorded_in_the_browser_fulfils_the_open_slot(client, county, users, make_resident):
    today = timezone.localdate()
    baby = make_resident(county.village_a1, birth_date=today - dt.timedelta(days=3), id_number=None)
    actions.do_enrol(acting_user=users.village_doctor_a1, resident_id=baby.pk, programme="child", enrolled_on=today)
    client.force_login(users.village_doctor_a1)
    url = reverse("publichealth:child-visit-create", args=[baby.pk])
    assert "<h1>" in client.get(url).content.decode()
    bad = client.post(url, {"visit_date": today.isoformat(), "weight_kg": "90"})
    assert bad.status_code == 200 and not baby.child_visits.exists()
    saved = client.post(url, {"visit_date": today.isoformat(), "weight_kg": "3.4"})
    assert saved.status_code == 302
    assert list(baby.child_visits.values_list("slot", flat=True)) == ["newborn_home"]
