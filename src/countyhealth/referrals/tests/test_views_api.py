import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from countyhealth.appointments.tests.factories import cardiology, publish
from countyhealth.referrals.models import Referral

from .factories import refer_up


@pytest.mark.parametrize("n", [3, 30])
def test_lists_have_bounded_queries(client, users, county, make_resident, django_assert_max_num_queries, n):
    department = cardiology(county)
    for _ in range(n):
        refer_up(users, county, make_resident, department=department)
    client.force_login(users.county_doctor)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("referrals:list") + "?box=incoming")
    assert response.status_code == 200 and response.content.decode().count("/referrals/") >= min(n, 30)
    client.force_login(users.township_doctor_a)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("referrals:list") + "?box=outgoing").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("referrals:dashboard")).status_code == 200


def test_refer_up_page_books_a_reserved_slot(client, users, county, make_resident):
    department = cardiology(county)
    session = publish(users.county_doctor, department)
    slot = session.slots.get(pool="referral", starts_at=session.starts_at)
    patient = make_resident(county.village_a1)
    client.force_login(users.township_doctor_a)
    assert client.get(reverse("referrals:create", args=[patient.pk])).status_code == 200
    response = client.post(reverse("referrals:create", args=[patient.pk]), {
        "reason": "胸闷", "diagnosis": "冠心病?", "urgency": "urgent", "department_id": department.pk,
        "slot_id": slot.pk})
    referral = Referral.objects.get()
    assert response.status_code == 302 and referral.booking.slot_id == slot.pk


def test_accept_and_double_accept_on_the_page(client, users, county, make_resident):
    referral = refer_up(users, county, make_resident)
    client.force_login(users.county_doctor)
    url = reverse("referrals:act", args=[referral.pk, "accept"])
    when = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(url, {"accept-admission_at": when}).status_code == 302
    response = client.post(url, {"accept-admission_at": when}, follow=True)
    assert "already been accepted" in response.content.decode() or "已被接收" in response.content.decode()
    assert referral.events.count() == 2


def test_refer_down_page_with_care_plan(client, users, county, make_resident):
    patient = refer_up(users, county, make_resident).resident
    client.force_login(users.county_doctor)
    next_on = (timezone.localdate() + dt.timedelta(days=14)).isoformat()
    response = client.post(reverse("referrals:create-down", args=[patient.pk]), {
        "to_org_id": county.clinic_a1.pk, "reason": "病情稳定", "discharge_summary": "血压达标出院",
        "programme": "hypertension", "next_followup_on": next_on, "notes": "低盐饮食"})
    assert response.status_code == 302
    down = Referral.objects.get(direction="down")
    assert down.care_plan == {"programme": "hypertension", "next_followup_on": next_on, "notes": "低盐饮食"}


def test_api_journey_and_errors(client, users, county, make_resident):
    department = cardiology(county)
    session = publish(users.county_doctor, department)
    slot = session.slots.get(pool="referral", starts_at=session.starts_at)
    patient = make_resident(county.village_a1)
    client.force_login(users.township_doctor_a)
    sent = client.post("/api/referrals/", {"resident_id": patient.pk, "reason": "血糖控制不满意",
                                           "urgency": "routine", "department_id": department.pk},
                       content_type="application/json")
    assert sent.status_code == 201, sent.content
    rid = sent.json()["id"]
    client.force_login(users.county_doctor)
    accepted = client.post(f"/api/referrals/{rid}/accept", {"slot_id": slot.pk}, content_type="application/json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    again = client.post(f"/api/referrals/{rid}/accept", {"slot_id": slot.pk}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "referral_accepted"
    assert client.post(f"/api/referrals/{rid}/arrive").json()["status"] == "arrived"
    done = client.post(f"/api/referrals/{rid}/complete", {"feedback": "已调整胰岛素"}, content_type="application/json")
    assert done.json()["status"] == "completed"
    down = client.post("/api/referrals/down", {
        "resident_id": patient.pk, "to_org_id": county.clinic_a1.pk, "reason": "转回社区",
        "discharge_summary": "好转", "care_plan": {"programme": "diabetes", "next_followup_on": "1999-01-01"}},
        content_type="application/json")
    assert down.status_code == 400 and down.json()["code"] == "bad_care_plan"
    detail = client.get(f"/api/referrals/{rid}").json()
    assert [e["status"] for e in detail["events"]] == ["sent", "accepted", "arrived", "completed"]
    client.force_login(users.township_doctor_a)
    assert client.get("/api/referrals/?box=outgoing").json()[0]["id"] == rid
    figures = client.get("/api/referrals/dashboard").json()
    assert sum(figures["up"]) == 1 and len(figures["months"]) == 12
