"""Pages: list pages hold their query count with 3 and with 30 rows; the bill page pre-settles; roles."""

from decimal import Decimal

import pytest
from django.urls import reverse

from countyhealth.insurance.models import Qualification, Settlement

from .factories import CONSULTATION, NIFEDIPINE, insured

pytestmark = pytest.mark.django_db


def settled_rows(n, users, county, make_resident):
    for _ in range(n):
        r = make_resident(county.village_a1)
        Settlement.objects.create(resident=r, catchment_org_id=r.catchment_org_id, organisation=county.clinic_a1,
                                  visit_ref=f"v-{r.pk}", msgid=f"m-{r.pk}", status="settled", total=Decimal("10"),
                                  fund_general=Decimal("6"), patient_pays=Decimal("4"),
                                  created_by=users.village_doctor_a1)
        Qualification.objects.create(resident=r, catchment_org_id=r.catchment_org_id, qualified=True,
                                     diseases=["hypertension"], reasons=[{"programme": "hypertension",
                                                                          "failures": []}], since="2026-01-01")


@pytest.mark.parametrize("rows", [3, 30])
@pytest.mark.parametrize("url", ["insurance:settlement-list", "insurance:qualification-list",
                                 "insurance:reconciliation", "insurance:workload"])
def test_list_pages_do_not_grow_queries_with_rows(client, users, county, make_resident,
                                                  django_assert_max_num_queries, rows, url):
    settled_rows(rows, users, county, make_resident)
    client.force_login(users.township_doctor_a)
    with django_assert_max_num_queries(25):
        response = client.get(reverse(url))
    assert response.status_code == 200


def test_qualification_list_says_why(client, users, county, make_resident):
    settled_rows(1, users, county, make_resident)
    client.force_login(users.township_doctor_a)
    assert "符合全部条件" in client.get(reverse("insurance:qualification-list")).content.decode()


def test_bill_page_presettles_and_settles(client, simulator, make_resident, users, county):
    patient = insured(make_resident, county.village_a1)
    client.force_login(users.village_doctor_a1)
    response = client.post(reverse("insurance:resident-bill", args=[patient.pk]),
                           {"organisation": county.clinic_a1.pk, f"qty_{CONSULTATION}": "1", f"qty_{NIFEDIPINE}": "1"})
    settlement = Settlement.objects.get(resident=patient)
    assert response.status_code == 302 and settlement.status == "draft"
    client.post(reverse("insurance:settlement-settle", args=[settlement.pk]))
    settlement.refresh_from_db()
    assert settlement.status == "settled"
    receipt = client.get(reverse("insurance:settlement-receipt", args=[settlement.pk])).content.decode()
    assert "门诊医保结算单" in receipt and str(settlement.patient_pays) in receipt


def test_empty_bill_shows_the_error_and_saves_nothing(client, simulator, make_resident, users, county):
    patient = insured(make_resident, county.village_a1)
    client.force_login(users.village_doctor_a1)
    response = client.post(reverse("insurance:resident-bill", args=[patient.pk]), {"organisation": county.clinic_a1.pk})
    assert "请至少添加一项费用" in response.content.decode()
    assert not Settlement.objects.exists()


def test_public_health_officer_may_not_settle(client, users, county, make_resident):
    r = make_resident(county.village_a1)
    client.force_login(users.public_health_officer)
    assert client.get(reverse("insurance:resident-bill", args=[r.pk])).status_code == 403
