from countyhealth.clinic import actions

from .conftest import line


def test_visit_page_shows_due_follow_up_and_prefilled_form(client, users, open_visit):
    client.force_login(users.village_doctor_a1)
    page = client.get(f"/clinic/visits/{open_visit.pk}/").content.decode()
    assert f"/clinic/visits/{open_visit.pk}/followup/hypertension/" in page
    form = client.get(f"/clinic/visits/{open_visit.pk}/followup/hypertension/").content.decode()
    assert 'value="152"' in form


def test_blocked_prescription_shows_findings_and_saves_nothing(client, users, open_visit, stocked):
    client.force_login(users.village_doctor_a1)
    response = client.post(f"/clinic/visits/{open_visit.pk}/prescriptions/", {
        "kind": "ordinary", "drug_1": "EM039", "dose_1": "10", "frequency_1": "tid", "days_1": "7"})
    assert response.status_code == 400
    assert "review-findings" in response.content.decode()
    assert not open_visit.prescriptions.exists()


def test_visit_list_queries_do_not_grow_with_rows(client, users, htn_patient, django_assert_max_num_queries):
    client.force_login(users.village_doctor_a1)
    for _ in range(3):
        actions.do_open_visit(acting_user=users.village_doctor_a1, resident_id=htn_patient.pk,
                              data={"chief_complaint": "咳嗽"})
    with django_assert_max_num_queries(12):
        assert client.get("/clinic/").status_code == 200
    for _ in range(10):
        actions.do_open_visit(acting_user=users.village_doctor_a1, resident_id=htn_patient.pk,
                              data={"chief_complaint": "咳嗽"})
    with django_assert_max_num_queries(12):
        assert client.get("/clinic/").status_code == 200


def test_stock_and_shortage_pages(client, users, stocked, open_visit):
    client.force_login(users.village_doctor_a1)
    assert "A-SOON" in client.get("/clinic/stock/").content.decode()
    rx = actions.do_issue_prescription(acting_user=users.village_doctor_a1, visit_id=open_visit.pk,
                                       items=[line("EM039", 5)])
    response = client.post(f"/clinic/prescriptions/{rx.pk}/dispense/")
    assert response.status_code == 302
    response = client.post("/clinic/shortages/", {"drug": "EM076", "note": "断货"})
    assert response.status_code == 302
    client.force_login(users.township_doctor_a)
    assert "断货" in client.get("/clinic/shortages/").content.decode()
