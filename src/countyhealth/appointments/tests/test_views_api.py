import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from countyhealth.appointments import actions
from countyhealth.appointments.models import Booking, Session

from .factories import publish


def _book_many(users, county, make_resident, session, n):
    slots = list(session.slots.order_by("starts_at", "pool"))
    return [actions.do_book(acting_user=users.township_doctor_a, slot_id=slots[i % len(slots)].pk,
                            resident_id=make_resident(county.village_a1).pk) for i in range(n)]


@pytest.mark.parametrize("n", [3, 30])
def test_session_list_and_queue_pages_have_bounded_queries(client, users, county, department, make_resident,
                                                           django_assert_max_num_queries, n):
    session = publish(users.county_doctor, department, capacity=10, end=dt.time(11, 0))
    for i in range(n // 3):
        publish(users.county_doctor, department, days=6 + i)
    _book_many(users, county, make_resident, session, n)
    client.force_login(users.county_doctor)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("appointments:session-list")).status_code == 200
    with django_assert_max_num_queries(14):
        response = client.get(reverse("appointments:queue", args=[session.pk]))
    assert response.status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("appointments:session-detail", args=[session.pk])).status_code == 200


def test_book_from_the_page_then_check_in_and_call(client, users, county, department, make_resident):
    session = publish(users.county_doctor, department)
    patient = make_resident(county.village_a1, name="钱多多")
    slot = session.slots.get(pool="referral", starts_at=session.starts_at)
    client.force_login(users.township_doctor_a)
    page = client.get(reverse("appointments:session-detail", args=[session.pk]) + f"?resident={patient.pk}")
    assert "钱多多" in page.content.decode()
    response = client.post(reverse("appointments:book", args=[slot.pk]), {"resident": patient.pk})
    booking = Booking.objects.get(resident=patient)
    assert response.status_code == 302 and response["Location"].endswith(f"/bookings/{booking.pk}/")
    client.force_login(users.county_doctor)
    client.post(reverse("appointments:booking-action", args=[booking.pk, "check-in"]))
    client.post(reverse("appointments:call-next", args=[session.pk]))
    assert Booking.objects.get(pk=booking.pk).status == "called"
    numbers = client.get(reverse("appointments:display-numbers", args=[session.pk])).content.decode()
    assert ">1<" in numbers


def test_full_slot_on_the_page_shows_the_localised_error(client, users, county, department, make_resident):
    session = publish(users.county_doctor, department, capacity=1, end=dt.time(8, 30))
    slot = session.slots.get()
    actions.do_book(acting_user=users.township_doctor_a, slot_id=slot.pk, resident_id=make_resident(county.village_a1).pk)
    other = make_resident(county.village_a1)
    client.force_login(users.township_doctor_a)
    response = client.post(reverse("appointments:book", args=[slot.pk]), {"resident": other.pk}, follow=True,
                           HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "号源已满" in response.content.decode() or "full" in response.content.decode()
    assert not Booking.objects.filter(resident=other).exists()


def test_publish_form(client, users, department):
    client.force_login(users.county_doctor)
    data = {"department_id": department.pk, "date": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
            "start": "14:00", "end": "15:00", "slot_minutes": 20, "capacity": 3}
    response = client.post(reverse("appointments:session-create"), data)
    assert response.status_code == 302
    assert Session.objects.get().slots.count() == 6
    data["end"] = "13:00"
    response = client.post(reverse("appointments:session-create"), data)
    assert response.status_code == 200 and Session.objects.count() == 1


def test_api_publish_book_full_and_rebook(client, users, county, department, make_resident):
    client.force_login(users.county_doctor)
    day = (timezone.localdate() + dt.timedelta(days=4)).isoformat()
    response = client.post("/api/appointments/sessions", {"department_id": department.pk, "date": day,
                                                          "start": "08:00", "end": "08:30", "capacity": 1},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    session = response.json()
    slot_id = session["slots"][0]["id"]
    client.force_login(users.township_doctor_a)
    a, b = make_resident(county.village_a1), make_resident(county.village_a1)
    ok = client.post("/api/appointments/bookings", {"slot_id": slot_id, "resident_id": a.pk},
                     content_type="application/json")
    assert ok.status_code == 201
    full = client.post("/api/appointments/bookings", {"slot_id": slot_id, "resident_id": b.pk},
                       content_type="application/json")
    assert full.status_code == 409 and full.json()["code"] == "slot_full"
    waiting = client.post(f"/api/appointments/sessions/{session['id']}/waitlist", {"resident_id": b.pk},
                          content_type="application/json")
    assert waiting.status_code == 201
    cancelled = client.post(f"/api/appointments/bookings/{ok.json()['id']}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    assert Booking.objects.get(resident=b).status == "booked"
    assert client.get(f"/api/appointments/residents/{b.pk}/bookings").json()[0]["source"] == "waitlist"
    assert client.get("/api/appointments/sessions").status_code == 200


def test_resident_books_a_public_slot_on_the_self_booking_page(client, users, county, department, make_resident):
    session = publish(users.county_doctor, department)
    patient = make_resident(county.village_a1, phone="13912345678")
    url = reverse("appointments:self-book")
    wrong = client.post(url, {"step": "identify", "id_number": patient.id_number, "phone": "13900000000"})
    assert wrong.status_code == 200 and not client.session.get("appointments_self_resident")
    client.post(url, {"step": "identify", "id_number": patient.id_number, "phone": "139 1234 5678"})
    page = client.get(url).content.decode()
    reserved = session.slots.filter(pool="referral").first()
    assert f'value="{reserved.pk}"' not in page
    public = session.slots.filter(pool="public").first()
    assert f'value="{public.pk}"' in page
    client.post(url, {"step": "book", "slot_id": reserved.pk})
    assert not Booking.objects.filter(resident=patient).exists()
    client.post(url, {"step": "book", "slot_id": public.pk})
    booking = Booking.objects.get(resident=patient)
    assert booking.source == "self" and booking.booked_by.username == "system:self-booking"
