"""Pages: a resident's results with trends, report, critical-value board and acknowledgement, ordering with
result recognition, the 360° timeline filtered by kind."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from countyhealth.lab.models import CriticalAlert, LabOrder

from .factories import critical_potassium, ingest


@pytest.fixture
def patient(county, make_resident):
    return make_resident(county.village_a1, name="王建国", sex="1")


def seed_reports(users, patient, n, offset=0):
    now = timezone.now()
    for i in range(n):
        ingest(users.lab_technician, patient, control_id=f"R{offset + i}", doctor=users.township_doctor_a.username,
               specimen_at=now - timedelta(days=30 * (i + 1)),
               observations=(("hba1c", f"{7 + i / 10:.1f}", "%"), ("2823-3", "4.1", "mmol/L")))


@pytest.mark.parametrize("n", [3, 30])
def test_resident_results_page_shows_trends_without_n_plus_one(client, users, patient, n,
                                                                django_assert_max_num_queries):
    seed_reports(users, patient, n)
    client.force_login(users.township_doctor_a)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("lab:resident-results", args=[patient.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "lab-trend-data" in body and "糖化血红蛋白" in body


def test_report_page_is_printable_and_scoped(client, users, patient):
    seed_reports(users, patient, 1)
    report = patient.lab_reports.get()
    client.force_login(users.township_doctor_a)
    response = client.get(reverse("lab:report-detail", args=[report.pk]))
    assert response.status_code == 200 and b"data-print" in response.content
    client.force_login(users.township_doctor_b)
    assert client.get(reverse("lab:report-detail", args=[report.pk])).status_code == 404


@pytest.mark.parametrize("n", [3, 30])
def test_critical_board_lists_open_alerts_with_age(client, users, make_resident, county, n,
                                                   django_assert_max_num_queries):
    for i in range(n):
        critical_potassium(users.lab_technician, make_resident(county.village_a1), users.township_doctor_a,
                           control_id=f"B{i}")
    client.force_login(users.township_doctor_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("lab:alert-list"))
    assert response.content.decode().count('class="clock') == n
    client.force_login(users.township_doctor_b)
    assert 'class="clock' not in client.get(reverse("lab:alert-list")).content.decode()


def test_acknowledge_through_the_page_with_readback(client, users, patient):
    alert = critical_potassium(users.lab_technician, patient, users.township_doctor_a)
    client.force_login(users.township_doctor_a)
    url = reverse("lab:alert-detail", args=[alert.pk])
    wrong = client.post(url, {"readback_value": "6.8", "action_taken": "复查"})
    assert wrong.status_code == 200 and "6.8" not in CriticalAlert.objects.get().readback_value
    assert client.post(url, {"readback_value": "6.9", "action_taken": "复查血钾"}).status_code == 302
    alert.refresh_from_db()
    assert alert.status == "acknowledged" and alert.ack_by == users.township_doctor_a
    page = client.get(url).content.decode()
    assert "复查血钾" in page and 'id="acknowledge"' not in page


def test_order_page_offers_a_recognisable_result_and_records_the_decision(client, users, patient):
    seed_reports(users, patient, 1)  # HbA1c 30 days ago at the county lab: recognised for 90 days
    client.force_login(users.township_doctor_a)
    url = reverse("lab:order-create", args=[patient.pk])
    page = client.get(url + "?test=hba1c").content.decode()
    assert "接受此结果" in page or "Accept this result" in page
    refused = client.post(url, {"test_code": "hba1c"})
    assert refused.status_code == 200 and not LabOrder.objects.exists()  # a reason is required
    result = patient.lab_reports.get().results.get(test_code="hba1c")
    assert client.post(url, {"test_code": "hba1c", "accept_result_id": result.pk}).status_code == 302
    order = LabOrder.objects.get()
    assert order.decision == "recognised" and order.recognised_result == result and order.fee_avoided == 70
    assert client.post(url, {"test_code": "hba1c", "reason": "血糖波动大，需复查"}).status_code == 302
    assert LabOrder.objects.filter(decision="ordered", reason="血糖波动大，需复查").exists()
    assert client.get(reverse("lab:recognition")).status_code == 200


def test_timeline_shows_lab_entries_and_filters_by_kind(client, users, patient):
    seed_reports(users, patient, 1)
    critical_potassium(users.lab_technician, patient, users.township_doctor_a, control_id="T1")
    client.force_login(users.township_doctor_a)
    url = reverse("records:timeline", args=[patient.pk])
    everything = client.get(url).content.decode()
    assert "/lab/reports/" in everything and "/lab/critical/" in everything
    only_critical = client.get(url, {"kind": "critical_value"}).content.decode()
    assert "/lab/critical/" in only_critical and "/lab/reports/" not in only_critical
