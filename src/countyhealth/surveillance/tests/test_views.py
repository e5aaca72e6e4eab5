from django.urls import reverse
from django.utils import timezone

from countyhealth.surveillance.models import NotifiableDisease, Signal

from .conftest import COMPLETE


def test_card_page_submits_and_officer_approves(client, diagnose, users, officer_a):
    _d, card = diagnose("J10")
    client.force_login(users.township_doctor_a)
    page = client.get(reverse("surveillance:card", args=[card.pk]))
    assert page.status_code == 200 and card.card_no in page.content.decode()
    data = {**COMPLETE, "patient_name": card.patient_name, "sex": card.sex, "id_document_type": "resident_id",
            "id_document_no": card.id_document_no or "x", "current_address": card.current_address,
            "onset_date": timezone.localtime(card.diagnosed_at).date().isoformat()}
    response = client.post(reverse("surveillance:card-act", args=[card.pk, "submit"]), data)
    assert response.status_code == 302
    client.force_login(officer_a)
    client.post(reverse("surveillance:card-act", args=[card.pk, "approve"]))
    card.refresh_from_db()
    assert card.status == "approved"
    export = client.post(reverse("surveillance:export"))
    assert export["Content-Type"].startswith("text/csv") and card.card_no in export.content.decode()


def test_bad_submission_shows_errors_and_saves_nothing(client, diagnose, users):
    _d, card = diagnose("J10")
    client.force_login(users.township_doctor_a)
    response = client.post(reverse("surveillance:card-act", args=[card.pk, "submit"]), {"sex": "1"})
    assert response.status_code == 200 and "has-error" in response.content.decode()
    card.refresh_from_db()
    assert card.status == "draft"


def test_lists_do_not_grow_queries_with_rows(client, diagnose, users, officer_a, county,
                                             django_assert_max_num_queries):
    for _ in range(5):
        diagnose("J10")
    flu = NotifiableDisease.objects.get(code="influenza")
    for i in range(5):
        Signal.objects.create(area=county.township_a, disease=flu, day=timezone.localdate(), algorithm=f"a{i}",
                              observed=5, expected=1, threshold=3)
    client.force_login(officer_a)
    for name in ("surveillance:cards", "surveillance:missed", "surveillance:signals", "surveillance:home"):
        with django_assert_max_num_queries(16):
            assert client.get(reverse(name)).status_code == 200, name


def test_api_lists_cards_and_signals(client, diagnose, users, officer_a):
    _d, card = diagnose("J10")
    client.force_login(officer_a)
    cards = client.get("/api/surveillance/cards?worklist=draft").json()
    assert [c["id"] for c in cards] == [card.pk] and cards[0]["disease_code"] == "influenza"
    response = client.post(f"/api/surveillance/cards/{card.pk}/approve")
    assert response.status_code == 409
    series = client.get(f"/api/surveillance/series?area_id={card.area_id}&disease=influenza").json()
    assert len(series["counts"]) == 365
